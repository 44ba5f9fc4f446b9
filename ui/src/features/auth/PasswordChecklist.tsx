// The password policy, ticked off while the agent types (the rules come from the core).
import { useEffect, useState } from "react";
import { commands, type RuleCheck } from "../../bindings";

export function usePasswordRules(password: string): RuleCheck[] {
  const [rules, setRules] = useState<RuleCheck[]>([]);
  useEffect(() => {
    let current = true;
    commands.passwordRules(password).then((checks) => current && setRules(checks));
    return () => {
      current = false;
    };
  }, [password]);
  return rules;
}

export function PasswordChecklist({ rules }: { rules: RuleCheck[] }) {
  return (
    <div className="fr-messages-group" id="password-rules" aria-live="polite">
      <p className="fr-message">Le mot de passe doit comporter&nbsp;:</p>
      {rules.map((check) => (
        <p
          key={check.rule}
          className={`fr-message ${check.met ? "fr-message--valid" : "fr-message--info"}`}
          data-rule={check.rule}
          data-met={check.met}
        >
          {check.label}
          <span className="fr-sr-only">{check.met ? " (respecté)" : " (pas encore respecté)"}</span>
        </p>
      ))}
    </div>
  );
}
