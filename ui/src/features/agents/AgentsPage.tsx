// Supervisors manage the helpdesk's agents: the list, each one's role and state (changed after
// a confirmation, never one's own), and adding one with its role.
import { Alert } from "@codegouvfr/react-dsfr/Alert";
import { Badge } from "@codegouvfr/react-dsfr/Badge";
import { Button } from "@codegouvfr/react-dsfr/Button";
import { Input } from "@codegouvfr/react-dsfr/Input";
import { Select } from "@codegouvfr/react-dsfr/Select";
import { useCallback, useEffect, useState, type FormEvent } from "react";
import { commands, type Agent, type Role } from "../../bindings";
import { ROLE_LABELS } from "../../lib/format";
import { useRequiredFields } from "../../lib/required";
import { messageOf, unwrap } from "../../lib/result";
import { PasswordChecklist, usePasswordRules } from "../auth/PasswordChecklist";

/** A change to another agent, waiting for the supervisor's confirmation. */
type Pending = { agent: Agent; change: { kind: "role"; role: Role } | { kind: "disabled"; disabled: boolean } };

export function AgentsPage({ me }: { me: Agent }) {
  const [agents, setAgents] = useState<Agent[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [pending, setPending] = useState<Pending | null>(null);
  const [outcome, setOutcome] = useState<{ ok: boolean; message: string } | null>(null);
  const [busy, setBusy] = useState(false);
  const reload = useCallback(() => {
    unwrap(commands.agents())
      .then(setAgents)
      .catch((failure: unknown) => setError(messageOf(failure)));
  }, []);
  useEffect(reload, [reload]);

  async function confirm() {
    if (!pending) return;
    const { agent, change } = pending;
    setBusy(true);
    try {
      if (change.kind === "role") {
        await unwrap(commands.setAgentRole(agent.login, change.role));
        setOutcome({ ok: true, message: `${agent.display_name} a désormais le rôle «\u00a0${ROLE_LABELS[change.role]}\u00a0», dès sa prochaine opération.` });
      } else {
        await unwrap(commands.setAgentDisabled(agent.login, change.disabled));
        setOutcome({
          ok: true,
          message: change.disabled
            ? `${agent.display_name} est désactivé\u00a0: il ne peut plus se connecter, et sa session ouverte est refusée.`
            : `${agent.display_name} est réactivé avec le rôle «\u00a0${ROLE_LABELS[agent.role]}\u00a0».`,
        });
      }
      setPending(null);
      reload();
    } catch (failure) {
      setOutcome({ ok: false, message: messageOf(failure) });
    } finally {
      setBusy(false);
    }
  }

  return (
    <section aria-labelledby="agents-title">
      <h1 id="agents-title" className="fr-h3">
        Agents
      </h1>
      {error && <Alert severity="error" small description={error} />}
      {agents && (
        <div className="fr-table fr-table--no-caption">
          <table id="agents-table">
            <caption>Agents du Guichet</caption>
            <thead>
              <tr>
                <th scope="col">Identifiant</th>
                <th scope="col">Nom</th>
                <th scope="col">Rôle</th>
                <th scope="col">État</th>
                <th scope="col">Action</th>
              </tr>
            </thead>
            <tbody>
              {agents.map((agent) => (
                <AgentRow key={agent.id} agent={agent} isMe={agent.login === me.login} onChange={(change) => setPending({ agent, change })} />
              ))}
            </tbody>
          </table>
        </div>
      )}
      {pending && (
        <div className="fr-callout fr-mt-2w" role="alertdialog" aria-labelledby="agent-confirm-question" id="agent-confirm-box">
          <p className="fr-callout__text" id="agent-confirm-question">
            {question(pending)}
          </p>
          <div className="guichet-lock__actions">
            <Button onClick={confirm} disabled={busy} id="agent-confirm" nativeButtonProps={{ autoFocus: true }}>
              {busy ? "Enregistrement…" : "Confirmer"}
            </Button>
            <Button priority="secondary" onClick={() => setPending(null)}>
              Annuler
            </Button>
          </div>
        </div>
      )}
      {outcome && <Alert severity={outcome.ok ? "success" : "error"} small description={outcome.message} className="fr-mt-2w" id="agent-outcome" />}
      <AddAgentForm onAdded={reload} />
    </section>
  );
}

function question({ agent, change }: Pending): string {
  const who = `${agent.display_name} (${agent.login})`;
  if (change.kind === "role") return `Donner à ${who} le rôle «\u00a0${ROLE_LABELS[change.role]}\u00a0»\u00a0?`;
  return change.disabled
    ? `Désactiver ${who}\u00a0? Il ne pourra plus se connecter, et sa session ouverte sera refusée à sa prochaine opération.`
    : `Réactiver ${who} avec le rôle «\u00a0${ROLE_LABELS[agent.role]}\u00a0»\u00a0?`;
}

type RowProps = { agent: Agent; isMe: boolean; onChange: (change: Pending["change"]) => void };

/** One agent; a supervisor changes the others' role and state, never their own. */
function AgentRow({ agent, isMe, onChange }: RowProps) {
  return (
    <tr id={`agent-${agent.login}`}>
      <td>{agent.login}</td>
      <td>
        {agent.display_name}
        {isMe && " (vous)"}
      </td>
      <td>
        {isMe ? (
          ROLE_LABELS[agent.role]
        ) : (
          <select
            className="fr-select"
            aria-label={`Rôle de ${agent.display_name}`}
            id={`role-${agent.login}`}
            value={agent.role}
            onChange={(e) => onChange({ kind: "role", role: e.target.value as Role })}
          >
            {(Object.keys(ROLE_LABELS) as Role[]).map((code) => (
              <option key={code} value={code}>
                {ROLE_LABELS[code]}
              </option>
            ))}
          </select>
        )}
      </td>
      <td>
        <Badge noIcon small severity={agent.disabled ? "error" : "success"}>
          {agent.disabled ? "Désactivé" : "Actif"}
        </Badge>
      </td>
      <td>
        {!isMe && (
          <Button
            size="small"
            priority="secondary"
            id={`${agent.disabled ? "enable" : "disable"}-${agent.login}`}
            onClick={() => onChange({ kind: "disabled", disabled: !agent.disabled })}
          >
            {agent.disabled ? "Réactiver" : "Désactiver"}
          </Button>
        )}
      </td>
    </tr>
  );
}

function AddAgentForm({ onAdded }: { onAdded: () => void }) {
  const [login, setLogin] = useState("");
  const [name, setName] = useState("");
  const [role, setRole] = useState<Role>("agent");
  const [password, setPassword] = useState("");
  const [outcome, setOutcome] = useState<{ ok: boolean; message: string } | null>(null);
  const rules = usePasswordRules(password);
  const required = useRequiredFields({
    "add-agent-login": { value: login, message: "Choisissez l’identifiant de l’agent." },
    "add-agent-name": { value: name, message: "Saisissez le nom affiché de l’agent." },
    "add-agent-password": { value: password, message: "Choisissez le mot de passe initial de l’agent." },
  });

  async function submit(event: FormEvent) {
    event.preventDefault();
    if (!required.check()) return;
    try {
      const agent = await unwrap(commands.addAgent(login, name, role, password));
      setOutcome({ ok: true, message: `${agent.display_name} (${agent.login}) peut se connecter avec le rôle «\u00a0${ROLE_LABELS[agent.role]}\u00a0».` });
      setLogin("");
      setName("");
      setPassword("");
      onAdded();
    } catch (failure) {
      setOutcome({ ok: false, message: messageOf(failure) });
    }
  }

  return (
    <form onSubmit={submit} className="guichet-narrow fr-mt-4w" aria-labelledby="add-agent-title" id="add-agent-form" noValidate>
      <h2 id="add-agent-title" className="fr-h5">
        Ajouter un agent
      </h2>
      <Input label="Identifiant" {...required.stateOf("add-agent-login")} nativeInputProps={{ id: "add-agent-login", value: login, onChange: (e) => setLogin(e.target.value), required: true }} />
      <Input label="Nom affiché" {...required.stateOf("add-agent-name")} nativeInputProps={{ id: "add-agent-name", value: name, onChange: (e) => setName(e.target.value), required: true }} />
      <Select label="Rôle" nativeSelectProps={{ value: role, onChange: (e) => setRole(e.target.value as Role) }}>
        {(Object.keys(ROLE_LABELS) as Role[]).map((code) => (
          <option key={code} value={code}>
            {ROLE_LABELS[code]}
          </option>
        ))}
      </Select>
      <Input
        label="Mot de passe initial"
        {...required.stateOf("add-agent-password")}
        nativeInputProps={{ id: "add-agent-password", type: "password", autoComplete: "new-password", value: password, onChange: (e) => setPassword(e.target.value), required: true }}
      />
      <PasswordChecklist rules={rules} />
      {outcome && <Alert severity={outcome.ok ? "success" : "error"} small description={outcome.message} className="fr-mb-2w" />}
      <Button type="submit" id="add-agent-submit">
        Ajouter l’agent
      </Button>
    </form>
  );
}
