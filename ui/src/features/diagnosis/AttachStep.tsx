// The diagnosis's "add and attach" done in its panel: the establishment chosen inline (or the
// one the address names), principal or not, the usual confirmation, then one key to send the
// address its link.
import { Alert } from "@codegouvfr/react-dsfr/Alert";
import { Button } from "@codegouvfr/react-dsfr/Button";
import { useState, type FormEvent, type KeyboardEvent } from "react";
import { commands, type Agent } from "../../bindings";
import { messageOf, unwrap } from "../../lib/result";
import { AddressPanel } from "../links/AddressPanel";
import { EstablishmentChooser, type Chosen } from "./EstablishmentChooser";

type Props = {
  email: string;
  /** The address is already in the base: it is only attached. */
  known: boolean;
  /** The establishment the address names, when it names one. */
  named: Chosen | null;
  /** The establishment whose page the agent came from. */
  caller: string | null;
  agent: Agent;
  onOpen: (uai: string) => void;
};

type Stage = "choose" | "confirm" | "busy" | "done" | "send";

export function AttachStep({ email, known, named, caller, agent, onOpen }: Props) {
  const [target, setTarget] = useState<Chosen | null>(named);
  const [principal, setPrincipal] = useState(false);
  const [stage, setStage] = useState<Stage>("choose");
  const [outcome, setOutcome] = useState<{ ok: boolean; message: string } | null>(null);

  const ask = (event?: FormEvent) => {
    event?.preventDefault();
    if (!target) return;
    setOutcome(null);
    setStage("confirm");
  };
  // Entrée on the checkbox asks too: Espace ticks it, Entrée goes on.
  const onCheckboxKey = (event: KeyboardEvent<HTMLInputElement>) => {
    if (event.key === "Enter") ask(event);
  };

  async function confirm() {
    if (!target) return;
    setStage("busy");
    try {
      const done = await unwrap(commands.attach(email, [target.uai], principal, null, null));
      setOutcome({ ok: true, message: done.message });
      setStage("done");
    } catch (failure) {
      setOutcome({ ok: false, message: messageOf(failure) });
      setStage("choose");
    }
  }

  const where = target ? `${target.name} (${target.uai})` : "";
  return (
    <div className="guichet-step fr-mt-2w" id="attach-step">
      {stage === "choose" && (
        <form onSubmit={ask} noValidate>
          {target ? (
            <p className="fr-mb-1w" id="step-target">
              Établissement&nbsp;: <strong>{target.name}</strong> ({target.uai}
              {target.town ? ` · ${target.town}` : ""}){" "}
              <Button type="button" size="small" priority="tertiary no outline" onClick={() => setTarget(null)} id="step-change-target">
                Changer
              </Button>
            </p>
          ) : (
            <EstablishmentChooser caller={caller} onChoose={setTarget} />
          )}
          {target && (
            <>
              <div className="fr-checkbox-group fr-mb-2w">
                <input
                  type="checkbox"
                  id="step-principal"
                  checked={principal}
                  onChange={(event) => setPrincipal(event.target.checked)}
                  onKeyDown={onCheckboxKey}
                  // Drawn once the target is known: the next key is for it.
                  autoFocus
                />
                <label className="fr-label" htmlFor="step-principal">
                  En faire l’adresse principale de l’établissement
                </label>
              </div>
              <Button type="submit" id="step-attach">
                {known ? "Rattacher…" : "Ajouter et rattacher…"}
              </Button>
            </>
          )}
        </form>
      )}
      {(stage === "confirm" || stage === "busy") && target && (
        <div className="fr-callout" role="alertdialog" aria-labelledby="step-question" id="step-confirm-box">
          <p className="fr-callout__text" id="step-question">
            {known ? "Rattacher" : "Ajouter"} «&nbsp;{email}&nbsp;»{known ? "" : " à la base et la rattacher"} à {where}
            {principal ? " et en faire l’adresse principale" : ""}&nbsp;?
          </p>
          <div className="guichet-lock__actions">
            <Button onClick={confirm} disabled={stage === "busy"} id="step-confirm" nativeButtonProps={{ autoFocus: true }}>
              {stage === "busy" ? "Enregistrement…" : "Confirmer"}
            </Button>
            <Button priority="secondary" onClick={() => setStage("choose")} id="step-cancel">
              Annuler
            </Button>
          </div>
        </div>
      )}
      {outcome && <Alert severity={outcome.ok ? "success" : "error"} small description={outcome.message} className="fr-mb-2w" id="step-outcome" />}
      {stage === "done" && target && (
        <div className="guichet-lock__actions">
          <Button iconId="fr-icon-mail-line" onClick={() => setStage("send")} id="step-send" nativeButtonProps={{ autoFocus: true }}>
            Envoyer un lien d’initialisation à {email}…
          </Button>
          <Button priority="secondary" onClick={() => onOpen(target.uai)} id="step-open">
            Ouvrir {target.name}
          </Button>
        </div>
      )}
      {stage === "send" && <AddressPanel email={email} agent={agent} note="" onClose={() => setStage("done")} confirmAtOnce />}
    </div>
  );
}
