// The content of an establishment's page, from data only, so that it renders the same in tests.
import { Badge } from "@codegouvfr/react-dsfr/Badge";
import { useEffect, useRef } from "react";
import type { ReactNode } from "react";
import type { AttachedAddress, Establishment } from "../../bindings";
import { undeliveredLabel } from "../../lib/delivery";
import { describeStatus, formatDate, KIND_LABELS, SECTOR_LABELS } from "../../lib/format";
import { AnnuaireNotice } from "./AnnuaireNotice";

type Props = {
  establishment: Establishment;
  now?: Date;
  /** What an agent may do with one address (buttons), when the page offers actions. */
  rowActions?: (address: AttachedAddress) => ReactNode;
  /** False when the page opens for one address, whose panel takes the focus instead. */
  focusTitle?: boolean;
  /** Opens the establishment that took over from a closed one. */
  onOpenSuccessor?: (uai: string) => void;
  /** What the page offers when there is no principal address (the Annuaire's address). */
  principalSuggestion?: ReactNode;
};

export function EstablishmentView({ establishment: e, now = new Date(), rowActions, focusTitle = true, onOpenSuccessor, principalSuggestion }: Props) {
  const principal = e.addresses.find((address) => address.principal);
  // The page's title takes the focus when an establishment opens, so that it is announced; a
  // closed one's successor takes it instead, one Entrée away.
  const heading = useRef<HTMLHeadingElement>(null);
  const successor = useRef<HTMLButtonElement>(null);
  useEffect(() => {
    if (focusTitle) (successor.current ?? heading.current)?.focus();
  }, [e.uai, focusTitle]);
  return (
    <article aria-labelledby="establishment-name" className="fr-mt-2w">
      <div className="fr-mb-1w guichet-badges">
        <Badge noIcon severity="info" small>
          {KIND_LABELS[e.type]}
        </Badge>{" "}
        <Badge noIcon small>
          {SECTOR_LABELS[e.sector]}
        </Badge>
        {e.annuaire.closed_on && (
          <>
            {" "}
            <Badge noIcon small severity="error" id="closed-badge">
              Fermé
            </Badge>
          </>
        )}
      </div>
      <h1 id="establishment-name" className="fr-h2 fr-mb-1w" tabIndex={-1} ref={heading}>
        {e.name}
      </h1>
      <dl className="guichet-identity">
        <div>
          <dt>UAI</dt>
          <dd id="establishment-uai">{e.uai}</dd>
        </div>
        <div>
          <dt>Commune</dt>
          <dd>
            {e.postcode} {e.town}
          </dd>
        </div>
        <div>
          <dt>Département</dt>
          <dd>{e.department}</dd>
        </div>
        <div>
          <dt>Académie</dt>
          <dd>{e.academie}</dd>
        </div>
      </dl>
      <AnnuaireNotice facts={e.annuaire} onOpenSuccessor={onOpenSuccessor} successorButton={successor} />

      <h2 className="fr-h5 fr-mt-4w">Adresse principale</h2>
      {principal ? (
        <div id="principal-address" className="guichet-principal fr-mb-3v">
          <span className="fr-icon-mail-line fr-mr-1w" aria-hidden="true" />
          <strong>{principal.email}</strong>
          <StatusBadge status={principal.status} now={now} />
        </div>
      ) : (
        <>
          <p id="principal-address" className="fr-text--sm">
            Aucune adresse principale&nbsp;: l’établissement ne peut pas encore se connecter avec son compte principal.
          </p>
          {principalSuggestion}
        </>
      )}

      <h2 className="fr-h5 fr-mt-4w">
        Adresses rattachées <span className="fr-text--regular">({e.addresses.length})</span>
      </h2>
      {e.addresses.length === 0 ? (
        <p className="fr-text--sm">Aucune adresse n’est rattachée à cet établissement.</p>
      ) : (
        <div className="fr-table fr-table--no-caption fr-table--layout-fixed">
          <table id="attached-addresses">
            <caption>Adresses rattachées à l’établissement</caption>
            <thead>
              <tr>
                <th scope="col">Adresse électronique</th>
                <th scope="col">Mot de passe</th>
                <th scope="col">Rattachée</th>
                {rowActions && <th scope="col">Actions</th>}
              </tr>
            </thead>
            <tbody>
              {e.addresses.map((address) => (
                <tr key={address.account_id} data-email={address.email} data-undelivered={address.undelivered?.status}>
                  <td>
                    {address.email}
                    {address.principal && (
                      <>
                        {" "}
                        <Badge noIcon small severity="new">
                          Principale
                        </Badge>
                      </>
                    )}
                    {address.undelivered && <Undelivered report={address.undelivered} />}
                  </td>
                  <td>
                    <StatusBadge status={address.status} now={now} />
                  </td>
                  <td>
                    le {formatDate(address.attached_at)}
                    {address.attached_by ? ` par ${address.attached_by}` : " (import)"}
                  </td>
                  {rowActions && <td>{rowActions(address)}</td>}
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </article>
  );
}

/** The flag of an address whose newest message was refused or not delivered, and why. */
function Undelivered({ report }: { report: NonNullable<AttachedAddress["undelivered"]> }) {
  return (
    <div>
      <Badge small severity="error" className="fr-mt-1v">
        {undeliveredLabel(report)}
      </Badge>
      <p className="fr-text--xs guichet-undelivered">{report.summary}</p>
    </div>
  );
}

function StatusBadge({ status, now }: { status: Establishment["addresses"][number]["status"]; now: Date }) {
  const { label, severity } = describeStatus(status, now);
  return (
    <Badge small severity={severity} className="fr-ml-1w">
      {label}
    </Badge>
  );
}
