// Under the empty search field: the establishments the agent handled last, the ones changed
// today marked. A listbox driven from the field, as the results are.
import { Badge } from "@codegouvfr/react-dsfr/Badge";
import type { RecentEstablishment } from "../../bindings";
import { formatMoment } from "../../lib/format";
import { RECENT_LIST_ID, recentOptionId } from "./recent";

type Props = {
  recent: RecentEstablishment[];
  active: number;
  onOpen: (uai: string) => void;
  onHover: (index: number) => void;
};

export function RecentList({ recent, active, onOpen, onHover }: Props) {
  return (
    <section aria-labelledby="recent-title" className="fr-mt-4w guichet-recent">
      <h2 id="recent-title" className="fr-h6 fr-mb-2w">
        Établissements récents
      </h2>
      <ul id={RECENT_LIST_ID} role="listbox" aria-labelledby="recent-title" className="guichet-results">
        {recent.map((establishment, index) => (
          <li
            key={establishment.uai}
            id={recentOptionId(index)}
            role="option"
            aria-selected={index === active}
            className="guichet-result"
            data-uai={establishment.uai}
            data-changed-today={establishment.changed_today}
            onMouseEnter={() => onHover(index)}
            onMouseDown={(event) => event.preventDefault()}
            onClick={() => onOpen(establishment.uai)}
          >
            {establishment.changed_today ? (
              <Badge small noIcon severity="success" className="guichet-result__badge">
                Modifié aujourd’hui
              </Badge>
            ) : (
              <Badge small noIcon severity="info" className="guichet-result__badge">
                Consulté
              </Badge>
            )}
            <span className="guichet-result__title">{establishment.name}</span>
            <span className="guichet-result__meta">
              {establishment.uai} · {establishment.town} · {formatMoment(establishment.opened_at)}
            </span>
          </li>
        ))}
      </ul>
    </section>
  );
}
