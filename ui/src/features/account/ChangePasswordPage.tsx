// The agent's own password, with the policy checked while typing.
import { Alert } from "@codegouvfr/react-dsfr/Alert";
import { Button } from "@codegouvfr/react-dsfr/Button";
import { Input } from "@codegouvfr/react-dsfr/Input";
import { useState, type FormEvent } from "react";
import { commands } from "../../bindings";
import { useRequiredFields } from "../../lib/required";
import { messageOf, unwrap } from "../../lib/result";
import { confirmationDiffers, NewPasswordFields } from "../auth/NewPasswordFields";

export function ChangePasswordPage() {
  const [current, setCurrent] = useState("");
  const [next, setNext] = useState("");
  const [confirmation, setConfirmation] = useState("");
  const [outcome, setOutcome] = useState<{ ok: boolean; message: string } | null>(null);
  const mismatch = confirmationDiffers(next, confirmation);
  const required = useRequiredFields({
    "current-password": { value: current, message: "Saisissez votre mot de passe actuel." },
    "next-password": { value: next, message: "Choisissez le nouveau mot de passe." },
    "next-password-confirmation": { value: confirmation, message: "Saisissez le nouveau mot de passe une seconde fois." },
  });

  async function submit(event: FormEvent) {
    event.preventDefault();
    if (!required.check() || next !== confirmation) return;
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
      <form onSubmit={submit} id="password-form" noValidate>
        <Input
          label="Mot de passe actuel"
          {...required.stateOf("current-password")}
          nativeInputProps={{ id: "current-password", type: "password", autoFocus: true, autoComplete: "current-password", value: current, onChange: (e) => setCurrent(e.target.value), required: true }}
        />
        <NewPasswordFields id="next-password" label="Nouveau mot de passe" password={next} onPasswordChange={setNext}
          confirmation={confirmation} onConfirmationChange={setConfirmation} stateOf={required.stateOf} />
        {outcome && <Alert severity={outcome.ok ? "success" : "error"} small description={outcome.message} className="fr-mb-2w" id="password-outcome" />}
        <Button type="submit" disabled={mismatch} id="password-submit">
          Changer le mot de passe
        </Button>
      </form>
    </section>
  );
}
