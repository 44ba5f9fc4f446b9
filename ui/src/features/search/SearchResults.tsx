// The list of results under the search field: a listbox whose active option follows the arrows.
import { Badge } from "@codegouvfr/react-dsfr/Badge";
import type { SearchHit } from "../../bindings";
import { showDay } from "../../lib/dates";
import { KIND_LABELS } from "../../lib/format";

export function optionId(index: number): string {
  return `search-result-${index}`;
}

/** What a result opens: an establishment's page, or the first establishment of an address. */
export function targetOf(hit: SearchHit): string | null {
  return hit.kind === "establishment" ? hit.uai : (hit.uais[0] ?? null);
}

/** Opens what a result leads to (an address's at its links); false when it leads nowhere. */
export function openHit(hit: SearchHit, onOpen: (uai: string, email?: string) => void): boolean {
  const target = targetOf(hit);
  if (target === null) return false;
  if (hit.kind === "address") onOpen(target, hit.email);
  else onOpen(target);
  return true;
}

type Props = {
  hits: SearchHit[];
  active: number;
  onOpen: (uai: string, email?: string) => void;
  onHover: (index: number) => void;
};

export function SearchResults({ hits, active, onOpen, onHover }: Props) {
  return (
    <ul id="search-results" role="listbox" aria-label="Résultats de la recherche" className="guichet-results">
      {hits.map((hit, index) => {
        const target = targetOf(hit);
        return (
          <li
            key={hit.kind === "establishment" ? `e-${hit.uai}` : `a-${hit.email}`}
            id={optionId(index)}
            role="option"
            aria-selected={index === active}
            aria-disabled={target === null}
            className="guichet-result"
            data-kind={hit.kind}
            data-uai={hit.kind === "establishment" ? hit.uai : undefined}
            data-closed={hit.kind === "establishment" && hit.closed_on ? hit.closed_on : undefined}
            onMouseEnter={() => onHover(index)}
            onMouseDown={(event) => event.preventDefault()}
            onClick={() => openHit(hit, onOpen)}
          >
            {hit.kind === "establishment" ? (
              <>
                <Badge small noIcon severity="info" className="guichet-result__badge">
                  {KIND_LABELS[hit.type]}
                </Badge>
                {hit.closed_on && (
                  <Badge small noIcon severity="error" className="guichet-result__badge">
                    Fermé
                  </Badge>
                )}
                <span className="guichet-result__title">{hit.name}</span>
                <span className="guichet-result__meta">
                  {hit.uai} · {hit.postcode} {hit.town}
                  {hit.closed_on && ` · fermé le ${showDay(hit.closed_on)}`}
                </span>
              </>
            ) : (
              <>
                <Badge small noIcon severity="new" className="guichet-result__badge">
                  Adresse
                </Badge>
                <span className="guichet-result__title">{hit.email}</span>
                <span className="guichet-result__meta">
                  {hit.uais.length === 0 ? "Rattachée à aucun établissement" : `Rattachée à ${hit.uais.join(", ")}`}
                </span>
              </>
            )}
          </li>
        );
      })}
    </ul>
  );
}
