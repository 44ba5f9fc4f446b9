// The agent's own password, with the policy checked while typing.
import { Alert } from "@codegouvfr/react-dsfr/Alert";
import { Button } from "@codegouvfr/react-dsfr/Button";
import { Input } from "@codegouvfr/react-dsfr/Input";
import { useState, type FormEvent } from "react";
import { commands } from "../../bindings";
import { messageOf, unwrap } from "../../lib/result";
import { PasswordChecklist, usePasswordRules } from "../auth/PasswordChecklist";

export function ChangePasswordPage() {
  const [current, setCurrent] = useState("");
  const [next, setNext] = useState("");
  const [confirmation, setConfirmation] = useState("");
  const [outcome, setOutcome] = useState<{ ok: boolean; message: string } | null>(null);
  const rules = usePasswordRules(next);
  const mismatch = confirmation !== "" && confirmation !== next;

  async function submit(event: FormEvent) {
    event.preventDefault();
    if (next !== confirmation) return;
    try {
      await unwrap(commands.changePassword(current, next));
      setOutcome({ ok: true, message: "Votre mot de passe est changé. Il servira dès la prochaine connexion." });
      setCurrent("");
      setNext("");
      setConfirmation("");
    } catch (failure) {
      setOutcome({ ok: false, message: messageOf(failure) });
    }
  }

  return (
    <section className="guichet-narrow" aria-labelledby="password-title">
      <h1 id="password-title" className="fr-h3">
        Changer mon mot de passe
      </h1>
      <form onSubmit={submit}>
        <Input
          label="Mot de passe actuel"
          nativeInputProps={{ id: "current-password", type: "password", autoFocus: true, autoComplete: "current-password", value: current, onChange: (e) => setCurrent(e.target.value), required: true }}
        />
        <Input
          label="Nouveau mot de passe"
          nativeInputProps={{ id: "next-password", type: "password", autoComplete: "new-password", value: next, onChange: (e) => setNext(e.target.value), required: true }}
        />
        <PasswordChecklist rules={rules} />
        <Input
          label="Confirmer le nouveau mot de passe"
          state={mismatch ? "error" : "default"}
          stateRelatedMessage={mismatch ? "Les deux mots de passe diffèrent." : undefined}
          nativeInputProps={{ id: "next-password-confirmation", type: "password", autoComplete: "new-password", value: confirmation, onChange: (e) => setConfirmation(e.target.value), required: true }}
        />
        {outcome && <Alert severity={outcome.ok ? "success" : "error"} small description={outcome.message} className="fr-mb-2w" id="password-outcome" />}
        <Button type="submit" disabled={mismatch}>
          Changer le mot de passe
        </Button>
      </form>
    </section>
  );
}
