// The establishments of one state, each opening its page.
import { Button } from "@codegouvfr/react-dsfr/Button";
import type { EstablishmentState, InitState } from "../../bindings";
import { INIT_STATE_LABELS } from "../../lib/format";

type Props = { state: InitState; count: number; establishments: EstablishmentState[]; onOpen: (uai: string) => void };

export function StateList({ state, count, establishments, onOpen }: Props) {
  return (
    <section id="initialisation-list" data-state={state} aria-labelledby="initialisation-list-title">
      <h2 className="fr-h5" id="initialisation-list-title">
        {INIT_STATE_LABELS[state]} · {count} établissement{count > 1 ? "s" : ""}
      </h2>
      {count > establishments.length && (
        <p className="fr-text--sm" id="initialisation-list-more">
          Les {establishments.length} premiers par UAI&nbsp;; l’export CSV les contient tous.
        </p>
      )}
      <div className="fr-table fr-table--no-caption">
        <table aria-labelledby="initialisation-list-title">
          <thead>
            <tr>
              <th scope="col">UAI</th>
              <th scope="col">Établissement</th>
              <th scope="col">Commune</th>
              <th scope="col">Académie</th>
              <th scope="col">Adresse principale</th>
            </tr>
          </thead>
          <tbody>
            {establishments.map((e) => (
              <tr key={e.uai} data-uai={e.uai}>
                <td>
                  <Button priority="tertiary no outline" size="small" onClick={() => onOpen(e.uai)} title={`Ouvrir la fiche de ${e.name}`}>
                    {e.uai}
                  </Button>
                </td>
                <td>{e.name}</td>
                <td>{e.town}</td>
                <td>{e.academie}</td>
                <td>{e.principal_email ?? "—"}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </section>
  );
}
