// Signing in, and creating the first supervisor of an empty database.
import { Alert } from "@codegouvfr/react-dsfr/Alert";
import { Button } from "@codegouvfr/react-dsfr/Button";
import { Input } from "@codegouvfr/react-dsfr/Input";
import { useState, type FormEvent } from "react";
import { commands, type Agent } from "../../bindings";
import { useRequiredFields } from "../../lib/required";
import { messageOf, unwrap } from "../../lib/result";
import { confirmationDiffers, NewPasswordFields } from "./NewPasswordFields";

type Props = { onSignedIn: (agent: Agent) => void };

/** `notice` says why the agent was signed out (disabled by a supervisor, for instance). */
export function SignInPage({ onSignedIn, notice }: Props & { notice?: string }) {
  const [login, setLogin] = useState("");
  const [password, setPassword] = useState("");
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const required = useRequiredFields({
    login: { value: login, message: "Saisissez votre identifiant." },
    password: { value: password, message: "Saisissez votre mot de passe." },
  });

  async function submit(event: FormEvent) {
    event.preventDefault();
    if (!required.check()) return;
    setBusy(true);
    setError(null);
    try {
      onSignedIn(await unwrap(commands.signIn(login, password)));
    } catch (failure) {
      setError(messageOf(failure));
      setPassword("");
    } finally {
      setBusy(false);
    }
  }

  return (
    <section className="guichet-narrow" aria-labelledby="sign-in-title">
      <h1 id="sign-in-title" className="fr-h3">
        Connexion au Guichet
      </h1>
      {notice && !error && <Alert severity="warning" small description={notice} className="fr-mb-2w" id="sign-in-notice" />}
      <form onSubmit={submit} id="sign-in-form" noValidate>
        <Input
          label="Identifiant"
          {...required.stateOf("login")}
          nativeInputProps={{ id: "login", autoFocus: true, autoComplete: "username", value: login, onChange: (e) => setLogin(e.target.value), required: true }}
        />
        <Input
          label="Mot de passe"
          {...required.stateOf("password")}
          nativeInputProps={{ id: "password", type: "password", autoComplete: "current-password", value: password, onChange: (e) => setPassword(e.target.value), required: true }}
        />
        {error && <Alert severity="error" small description={error} className="fr-mb-2w" id="sign-in-error" />}
        <Button type="submit" disabled={busy} id="sign-in-submit">
          {busy ? "Vérification…" : "Se connecter"}
        </Button>
      </form>
    </section>
  );
}

export function FirstSupervisorPage({ onSignedIn }: Props) {
  const [login, setLogin] = useState("");
  const [name, setName] = useState("");
  const [password, setPassword] = useState("");
  const [confirmation, setConfirmation] = useState("");
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const mismatch = confirmationDiffers(password, confirmation);
  const required = useRequiredFields({
    "new-login": { value: login, message: "Choisissez l’identifiant du superviseur." },
    "new-name": { value: name, message: "Saisissez le nom affiché, par exemple «\u00a0Sandrine Martin\u00a0»." },
    "new-password": { value: password, message: "Choisissez un mot de passe." },
    "new-password-confirmation": { value: confirmation, message: "Saisissez le mot de passe une seconde fois." },
  });

  async function submit(event: FormEvent) {
    event.preventDefault();
    if (!required.check() || password !== confirmation) return;
    setBusy(true);
    setError(null);
    try {
      onSignedIn(await unwrap(commands.createFirstSupervisor(login, name, password)));
    } catch (failure) {
      setError(messageOf(failure));
    } finally {
      setBusy(false);
    }
  }

  return (
    <section className="guichet-narrow" aria-labelledby="first-title">
      <h1 id="first-title" className="fr-h3">
        Premier superviseur
      </h1>
      <p>Cette base ne connaît encore aucun agent. Créez le compte du superviseur, qui pourra ensuite ajouter les autres agents.</p>
      <form onSubmit={submit} id="first-supervisor-form" noValidate>
        <Input
          label="Identifiant"
          hintText={"Lettres minuscules, chiffres, «\u00a0.\u00a0», «\u00a0_\u00a0» ou «\u00a0-\u00a0», par exemple «\u00a0prenom.nom\u00a0»."}
          {...required.stateOf("new-login")}
          nativeInputProps={{ id: "new-login", autoFocus: true, value: login, onChange: (e) => setLogin(e.target.value), required: true }}
        />
        <Input label="Nom affiché" {...required.stateOf("new-name")} nativeInputProps={{ id: "new-name", value: name, onChange: (e) => setName(e.target.value), required: true }} />
        <NewPasswordFields id="new-password" label="Mot de passe" password={password} onPasswordChange={setPassword}
          confirmation={confirmation} onConfirmationChange={setConfirmation} stateOf={required.stateOf} />
        {error && <Alert severity="error" small description={error} className="fr-mb-2w" id="first-supervisor-error" />}
        <Button type="submit" disabled={busy || mismatch} id="first-supervisor-submit">
          Créer le superviseur et se connecter
        </Button>
      </form>
    </section>
  );
}
