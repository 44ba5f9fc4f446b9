// One address: its initialisation state, every link it was sent and what became of each, and a
// button to send a fresh one. Kept current while open: other agents' changes and the outbox.
import { Alert } from "@codegouvfr/react-dsfr/Alert";
import { Badge } from "@codegouvfr/react-dsfr/Badge";
import { Button } from "@codegouvfr/react-dsfr/Button";
import { listen } from "@tauri-apps/api/event";
import { useCallback, useEffect, useState } from "react";
import { CHANGE_EVENT, commands, type Agent, type AddressLinks, type Change } from "../../bindings";
import { describeLifecycle, describeStatus, formatDateTime } from "../../lib/format";
import { refusalOf } from "../../lib/grant";
import { Pending } from "../../lib/Pending";
import { messageOf, unwrap } from "../../lib/result";
import { usePaletteCommands } from "../palette/registry";
import { DeliveryOutcome } from "./DeliveryOutcome";

type Props = {
  email: string;
  agent: Agent;
  note: string;
  onClose: () => void;
  /** Opened to send a link: the question is asked at once (the diagnosis's step). */
  confirmAtOnce?: boolean;
  /** Opened for this address: the send button has the focus, one key from the question. */
  focusSend?: boolean;
};

export function AddressPanel({ email, agent, note, onClose, confirmAtOnce = false, focusSend = false }: Props) {
  const [links, setLinks] = useState<AddressLinks | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [confirming, setConfirming] = useState(confirmAtOnce);
  const [busy, setBusy] = useState(false);
  const [outcome, setOutcome] = useState<{ ok: boolean; message: string } | null>(null);
  const [revision, setRevision] = useState(0);
  const reload = useCallback(() => setRevision((r) => r + 1), []);
  const sendRefused = refusalOf(agent.permissions.send_links);

  useEffect(() => {
    let current = true;
    unwrap(commands.addressLinks(email))
      .then((found) => current && (setLinks(found), setError(null)))
      .catch((failure: unknown) => current && setError(messageOf(failure)));
    return () => {
      current = false;
    };
  }, [email, revision]);

  // Another agent's link or the portal's use of one changes the ledger.
  useEffect(() => {
    if (!links) return;
    const unlisten = listen<Change>(CHANGE_EVENT, (event) => {
      const change = event.payload;
      if ((change.entity === "reset" || change.entity === "account") && change.key === links.account_id) reload();
    });
    return () => {
      unlisten.then((stop) => stop());
    };
  }, [links, reload]);

  // While a message waits in the outbox, its delivery is checked every two seconds.
  const waiting = links?.links.some((link) => link.delivery.state === "waiting" || link.delivery.state === "sending");
  useEffect(() => {
    if (!waiting) return;
    const timer = window.setInterval(reload, 2000);
    return () => window.clearInterval(timer);
  }, [waiting, reload]);

  // The ledger read again as the question opens: its warning of a recent link is the core's now.
  const askSend = () => {
    setOutcome(null);
    setConfirming(true);
    reload();
  };
  usePaletteCommands([
    {
      id: "send-link",
      group: "Adresse",
      label: `Envoyer un lien d’initialisation à ${email}`,
      keywords: "nouveau lien réinitialisation mot de passe",
      refused: sendRefused,
      run: askSend,
    },
    { id: "close-address", group: "Adresse", label: `Fermer les liens de ${email}`, run: onClose },
  ]);

  async function send() {
    setBusy(true);
    try {
      const sent = await unwrap(commands.sendLink(email, note.trim() === "" ? null : note));
      setOutcome({ ok: true, message: sent.message });
    } catch (failure) {
      setOutcome({ ok: false, message: messageOf(failure) });
    } finally {
      setBusy(false);
      setConfirming(false);
      reload();
    }
  }

  const status = links ? describeStatus(links.status) : null;
  return (
    <section className="guichet-panel fr-mt-4w" aria-labelledby="address-title" id="address-panel">
      <div className="guichet-panel__head">
        <h2 id="address-title" className="fr-h5 fr-mb-0">
          {email}
        </h2>
        <Button priority="tertiary no outline" size="small" iconId="fr-icon-close-line" onClick={onClose}>
          Fermer
        </Button>
      </div>
      {error && <Alert severity="error" small description={error} />}
      {!links && !error && <Pending label="Lecture des liens envoyés…" />}
      {status && (
        <div id="address-status" className="fr-mb-2w">
          <Badge severity={status.severity}>{status.label}</Badge>
        </div>
      )}
      {links && links.links.length === 0 && <p className="fr-text--sm">Le Guichet n’a encore envoyé aucun lien à cette adresse.</p>}
      {links && links.links.length > 0 && (
        <div className="fr-table fr-table--no-caption fr-table--layout-fixed">
          <table id="link-ledger" className="guichet-ledger">
            <caption>Liens envoyés à {email}, les plus récents d’abord</caption>
            <thead>
              <tr>
                <th scope="col">Créé</th>
                <th scope="col">Par</th>
                <th scope="col">Lien</th>
                <th scope="col">Message</th>
              </tr>
            </thead>
            <tbody>
              {links.links.map((link) => {
                const lifecycle = describeLifecycle(link.lifecycle);
                return (
                  <tr key={link.id} data-lifecycle={link.lifecycle.state} data-delivery={link.delivery.state} data-outcome={link.outcome.status}>
                    <td>{formatDateTime(link.requested_at)}</td>
                    <td>{link.agent ?? "—"}</td>
                    <td>
                      <Badge small severity={lifecycle.severity}>
                        {lifecycle.label}
                      </Badge>
                    </td>
                    <td>
                      <DeliveryOutcome outcome={link.outcome} delivery={link.delivery} />
                    </td>
                  </tr>
                );
              })}
            </tbody>
          </table>
        </div>
      )}
      {outcome && <Alert severity={outcome.ok ? "success" : "error"} small description={outcome.message} className="fr-mb-2w" id="send-outcome" />}
      {sendRefused !== undefined && (
        <p className="fr-text--sm guichet-refusal" id="send-refused">
          {sendRefused}
        </p>
      )}
      {confirming ? (
        <div className="fr-callout" role="alertdialog" aria-labelledby="send-question">
          {links?.recent_link && <Alert severity="warning" small description={links.recent_link.warning} className="fr-mb-2w" id="send-recent" />}
          <p className="fr-callout__text" id="send-question">
            Envoyer un nouveau lien d’initialisation à «&nbsp;{email}&nbsp;»&nbsp;? Les liens envoyés avant cesseront de fonctionner.
          </p>
          <div className="guichet-lock__actions">
            <Button onClick={send} disabled={busy} id="send-confirm" nativeButtonProps={{ autoFocus: true }}>
              {busy ? "Envoi…" : "Envoyer le lien"}
            </Button>
            <Button priority="secondary" onClick={() => setConfirming(false)} id="send-cancel">
              Annuler
            </Button>
          </div>
        </div>
      ) : (
        <Button
          iconId="fr-icon-mail-line"
          disabled={sendRefused !== undefined}
          title={sendRefused}
          id="send-link"
          onClick={askSend}
          nativeButtonProps={{ autoFocus: focusSend }}
        >
          Envoyer un lien d’initialisation…
        </Button>
      )}
    </section>
  );
}
