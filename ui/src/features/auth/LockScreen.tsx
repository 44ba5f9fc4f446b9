// The screen locked after an idle time: the page is kept but hidden, the same agent's password
// unlocks it. The core locks the session too, after the same time without activity.
import { Alert } from "@codegouvfr/react-dsfr/Alert";
import { Button } from "@codegouvfr/react-dsfr/Button";
import { Input } from "@codegouvfr/react-dsfr/Input";
import { useEffect, useState, type FormEvent } from "react";
import { commands, type Agent } from "../../bindings";
import { useRequiredFields } from "../../lib/required";
import { messageOf, unwrap } from "../../lib/result";

type Props = { agent: Agent; onUnlocked: (agent: Agent) => void; onSignOut: () => void };

export function LockScreen({ agent, onUnlocked, onSignOut }: Props) {
  const [password, setPassword] = useState("");
  const [error, setError] = useState<string | null>(null);
  const required = useRequiredFields({ "unlock-password": { value: password, message: "Saisissez votre mot de passe." } });

  async function submit(event: FormEvent) {
    event.preventDefault();
    if (!required.check()) return;
    try {
      onUnlocked(await unwrap(commands.unlock(password)));
    } catch (failure) {
      setError(messageOf(failure));
      setPassword("");
    }
  }

  return (
    <div className="guichet-lock" role="dialog" aria-modal="true" aria-labelledby="lock-title" id="lock-screen">
      <form className="guichet-lock__card" onSubmit={submit} id="unlock-form" noValidate>
        <h1 id="lock-title" className="fr-h4">
          <span className="fr-icon-lock-line fr-mr-1w" aria-hidden="true" />
          Écran verrouillé
        </h1>
        <p>
          Après un moment d’inactivité, le Guichet demande le mot de passe de {agent.display_name} ({agent.login}). La page
          en cours est conservée.
        </p>
        <Input
          label="Mot de passe"
          {...required.stateOf("unlock-password")}
          nativeInputProps={{ id: "unlock-password", type: "password", autoFocus: true, autoComplete: "current-password", value: password, onChange: (e) => setPassword(e.target.value), required: true }}
        />
        {error && <Alert severity="error" small description={error} className="fr-mb-2w" id="unlock-error" />}
        <div className="guichet-lock__actions">
          <Button type="submit" id="unlock-submit">
            Déverrouiller
          </Button>
          <Button type="button" priority="tertiary" onClick={onSignOut}>
            Changer d’agent
          </Button>
        </div>
      </form>
    </div>
  );
}

const ACTIVITY = ["keydown", "mousedown", "mousemove", "wheel", "touchstart"] as const;

/** How often, at most, the window tells the core that its agent is at work. */
const KEEP_AWAKE_EVERY_MS = 30_000;

/** Calls `onIdle` once nothing happened in the window for `seconds`. While the agent works
 * between operations (reading a page, typing), tells the core so, at most every 30 s and always
 * after the last activity: the core's own lock, after the same time, then never falls first. */
export function useIdleLock(seconds: number, active: boolean, onIdle: () => void) {
  useEffect(() => {
    if (!active) return;
    const every = Math.min(KEEP_AWAKE_EVERY_MS, (seconds * 1000) / 2);
    let timer = window.setTimeout(onIdle, seconds * 1000);
    let told = Date.now();
    let telling: number | null = null;
    const tell = () => {
      telling = null;
      told = Date.now();
      unwrap(commands.keepAwake()).catch(() => undefined);
    };
    const reset = () => {
      window.clearTimeout(timer);
      timer = window.setTimeout(onIdle, seconds * 1000);
      if (telling === null) telling = window.setTimeout(tell, Math.max(0, told + every - Date.now()));
    };
    ACTIVITY.forEach((name) => window.addEventListener(name, reset, { passive: true }));
    return () => {
      window.clearTimeout(timer);
      if (telling !== null) window.clearTimeout(telling);
      ACTIVITY.forEach((name) => window.removeEventListener(name, reset));
    };
  }, [seconds, active, onIdle]);
}
