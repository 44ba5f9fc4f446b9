// Supervisors manage the helpdesk's agents: the list, and adding one with its role.
import { Alert } from "@codegouvfr/react-dsfr/Alert";
import { Button } from "@codegouvfr/react-dsfr/Button";
import { Input } from "@codegouvfr/react-dsfr/Input";
import { Select } from "@codegouvfr/react-dsfr/Select";
import { useCallback, useEffect, useState, type FormEvent } from "react";
import { commands, type Agent, type Role } from "../../bindings";
import { ROLE_LABELS } from "../../lib/format";
import { messageOf, unwrap } from "../../lib/result";
import { PasswordChecklist, usePasswordRules } from "../auth/PasswordChecklist";

export function AgentsPage() {
  const [agents, setAgents] = useState<Agent[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  const reload = useCallback(() => {
    unwrap(commands.agents())
      .then(setAgents)
      .catch((failure: unknown) => setError(messageOf(failure)));
  }, []);
  useEffect(reload, [reload]);

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
              </tr>
            </thead>
            <tbody>
              {agents.map((agent) => (
                <tr key={agent.id}>
                  <td>{agent.login}</td>
                  <td>{agent.display_name}</td>
                  <td>{ROLE_LABELS[agent.role]}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      <AddAgentForm onAdded={reload} />
    </section>
  );
}

function AddAgentForm({ onAdded }: { onAdded: () => void }) {
  const [login, setLogin] = useState("");
  const [name, setName] = useState("");
  const [role, setRole] = useState<Role>("agent");
  const [password, setPassword] = useState("");
  const [outcome, setOutcome] = useState<{ ok: boolean; message: string } | null>(null);
  const rules = usePasswordRules(password);

  async function submit(event: FormEvent) {
    event.preventDefault();
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
    <form onSubmit={submit} className="guichet-narrow fr-mt-4w" aria-labelledby="add-agent-title">
      <h2 id="add-agent-title" className="fr-h5">
        Ajouter un agent
      </h2>
      <Input label="Identifiant" nativeInputProps={{ value: login, onChange: (e) => setLogin(e.target.value), required: true }} />
      <Input label="Nom affiché" nativeInputProps={{ value: name, onChange: (e) => setName(e.target.value), required: true }} />
      <Select label="Rôle" nativeSelectProps={{ value: role, onChange: (e) => setRole(e.target.value as Role) }}>
        {(Object.keys(ROLE_LABELS) as Role[]).map((code) => (
          <option key={code} value={code}>
            {ROLE_LABELS[code]}
          </option>
        ))}
      </Select>
      <Input
        label="Mot de passe initial"
        nativeInputProps={{ type: "password", autoComplete: "new-password", value: password, onChange: (e) => setPassword(e.target.value), required: true }}
      />
      <PasswordChecklist rules={rules} />
      {outcome && <Alert severity={outcome.ok ? "success" : "error"} small description={outcome.message} className="fr-mb-2w" />}
      <Button type="submit">Ajouter l’agent</Button>
    </form>
  );
}
