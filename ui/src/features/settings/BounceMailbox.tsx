// « Boîte des retours », for supervisors: whether the sender reads the bounce mailbox, why it
// cannot, or what its last reading found, with the reports it left there for a person to read.
import { Alert } from "@codegouvfr/react-dsfr/Alert";
import type { BounceMailboxStatus } from "../../bindings";
import { counted, LEFT_REASON_LABELS } from "../../lib/delivery";
import { formatDateTime } from "../../lib/format";

export function BounceMailbox({ status }: { status: BounceMailboxStatus }) {
  return (
    <section id="bounce-mailbox" aria-labelledby="bounce-mailbox-title" className="fr-mt-4w" data-state={stateOf(status)}>
      <h2 id="bounce-mailbox-title" className="fr-h5">
        Boîte des retours
      </h2>
      <BounceMailboxState status={status} />
    </section>
  );
}

function stateOf(status: BounceMailboxStatus): string {
  if (!status.configured) return "not-configured";
  if (status.problem) return "problem";
  return status.read_at ? "read" : "not-read";
}

function BounceMailboxState({ status }: { status: BounceMailboxStatus }) {
  if (!status.configured) {
    return (
      <p className="fr-text--sm" id="bounce-mailbox-state">
        Aucune boîte des retours n’est réglée&nbsp;: seuls les refus du relais sont connus, les avis de non-distribution que les serveurs des établissements renvoient plus
        tard ne sont pas lus. Renseignez son serveur IMAP et son utilisateur ci-dessus, et son mot de passe parmi les secrets.
      </p>
    );
  }
  if (status.problem) {
    return (
      <Alert
        severity="error"
        id="bounce-mailbox-problem"
        title="La boîte des retours ne peut pas être lue"
        description={
          <>
            {status.problem}
            {status.problem_since && (
              <>
                <br />
                Depuis le {formatDateTime(status.problem_since)}.
              </>
            )}
          </>
        }
      />
    );
  }
  if (!status.read_at) {
    return (
      <p className="fr-text--sm" id="bounce-mailbox-state">
        Pas encore lue&nbsp;: le service d’envoi la lit toutes les cinq minutes.
      </p>
    );
  }
  return (
    <>
      <p className="fr-text--sm" id="bounce-mailbox-state">
        Dernière lecture le {formatDateTime(status.read_at)}&nbsp;: {counted(status.matched, "retour reconnu", "retours reconnus")},{" "}
        {counted(status.ignored, "sans objet", "sans objet")}, {counted(status.unmatched, "laissé dans la boîte", "laissés dans la boîte")}.
      </p>
      {status.left.length > 0 && (
        <ul className="fr-text--sm" id="bounce-mailbox-left">
          {status.left.map((report) => (
            <li key={report.uid} data-reason={report.reason}>
              {report.subject ? <>«&nbsp;{report.subject}&nbsp;»</> : "(aucun objet)"}, de {report.from ?? "expéditeur inconnu"}&nbsp;: {LEFT_REASON_LABELS[report.reason]}
            </li>
          ))}
        </ul>
      )}
      {status.unmatched > 0 && (
        <p className="fr-text--sm" id="bounce-mailbox-left-note">
          {status.left.length > 0 && status.left.length < status.unmatched ? `Ci-dessus, les ${status.left.length}\u00a0premiers. ` : ""}
          Ils restent dans la boîte pour être lus par une personne.
        </p>
      )}
    </>
  );
}
