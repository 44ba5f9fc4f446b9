// The audit journal for supervisors: filters, the entries with what changed, the CSV export.
import { Alert } from "@codegouvfr/react-dsfr/Alert";
import { Button } from "@codegouvfr/react-dsfr/Button";
import { Input } from "@codegouvfr/react-dsfr/Input";
import { Select } from "@codegouvfr/react-dsfr/Select";
import { useEffect, useState, type FormEvent } from "react";
import { commands, type AuditAction, type AuditEntry, type AuditFilter } from "../../bindings";
import { ACTION_LABELS, formatDateTime, parisDayStart } from "../../lib/format";
import { exported, messageOf, unwrap } from "../../lib/result";

const PAGE = 500;

type Form = { agent: string; uai: string; email: string; action: "" | AuditAction; from: string; to: string };
const EMPTY: Form = { agent: "", uai: "", email: "", action: "", from: "", to: "" };

export function toFilter(form: Form): AuditFilter {
  const text = (value: string) => (value.trim() === "" ? null : value.trim());
  return {
    agent: text(form.agent),
    uai: text(form.uai),
    email: text(form.email),
    action: form.action === "" ? null : form.action,
    from: form.from ? parisDayStart(form.from, 0) : null,
    // The "to" day is included: the filter stops at the start of the next day.
    to: form.to ? parisDayStart(form.to, 1) : null,
    limit: PAGE,
  };
}

export function JournalPage() {
  const [form, setForm] = useState<Form>(EMPTY);
  const [filter, setFilter] = useState<AuditFilter>(toFilter(EMPTY));
  const [entries, setEntries] = useState<AuditEntry[] | null>(null);
  const [message, setMessage] = useState<{ ok: boolean; text: string } | null>(null);

  useEffect(() => {
    let current = true;
    unwrap(commands.auditEntries(filter))
      .then((found) => current && setEntries(found))
      .catch((failure: unknown) => current && setMessage({ ok: false, text: messageOf(failure) }));
    return () => {
      current = false;
    };
  }, [filter]);

  const set = (field: keyof Form) => (value: string) => setForm((old) => ({ ...old, [field]: value }));

  function apply(event: FormEvent) {
    event.preventDefault();
    setMessage(null);
    setFilter(toFilter(form));
  }

  async function exportCsv() {
    setMessage(await exported(commands.exportAuditCsv({ ...filter, limit: null }), "Journal exporté"));
  }

  return (
    <section aria-labelledby="journal-title">
      <h1 id="journal-title" className="fr-h3">
        Journal des actions
      </h1>
      <form onSubmit={apply} className="guichet-filters" id="journal-filters">
        <Input label="Agent" nativeInputProps={{ id: "filter-agent", value: form.agent, onChange: (e) => set("agent")(e.target.value) }} />
        <Input label="UAI" nativeInputProps={{ id: "filter-uai", value: form.uai, onChange: (e) => set("uai")(e.target.value) }} />
        <Input label="Adresse" nativeInputProps={{ id: "filter-email", value: form.email, onChange: (e) => set("email")(e.target.value) }} />
        <Select label="Action" nativeSelectProps={{ id: "filter-action", value: form.action, onChange: (e) => set("action")(e.target.value) }}>
          <option value="">Toutes</option>
          {(Object.keys(ACTION_LABELS) as AuditAction[]).map((code) => (
            <option key={code} value={code}>
              {ACTION_LABELS[code]}
            </option>
          ))}
        </Select>
        <Input label="Du" nativeInputProps={{ type: "date", value: form.from, onChange: (e) => set("from")(e.target.value) }} />
        <Input label="Au" nativeInputProps={{ type: "date", value: form.to, onChange: (e) => set("to")(e.target.value) }} />
        <div className="guichet-filters__actions">
          <Button type="submit">Filtrer</Button>
          <Button type="button" priority="secondary" iconId="fr-icon-download-line" onClick={exportCsv} id="journal-export">
            Exporter en CSV
          </Button>
        </div>
      </form>
      {message && <Alert severity={message.ok ? "success" : "error"} small description={message.text} className="fr-mb-2w" id="journal-message" />}
      {entries && entries.length === 0 && <p>Aucune action ne correspond à ces filtres.</p>}
      {entries && entries.length > 0 && (
        <div className="fr-table fr-table--no-caption">
          <table id="journal-table">
            <caption>Actions des agents, les plus récentes d’abord</caption>
            <thead>
              <tr>
                <th scope="col">Date</th>
                <th scope="col">Agent</th>
                <th scope="col">Action</th>
                <th scope="col">Établissement / adresse</th>
                <th scope="col">Changement</th>
                <th scope="col">Note</th>
              </tr>
            </thead>
            <tbody>
              {entries.map((entry) => (
                <tr key={entry.id} data-action={entry.action}>
                  <td>{formatDateTime(entry.at)}</td>
                  <td>{entry.agent ?? "—"}</td>
                  <td>{ACTION_LABELS[entry.action]}</td>
                  <td>{[entry.uai, entry.email].filter(Boolean).join(" · ") || "—"}</td>
                  <td>
                    {entry.changes.map((change) => (
                      <div key={change.field}>
                        <strong>{change.field}</strong>&nbsp;:{" "}
                        {change.before !== null && <del>{change.before}</del>} {change.after !== null && <ins>{change.after}</ins>}
                      </div>
                    ))}
                  </td>
                  <td>{entry.note ?? ""}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}
