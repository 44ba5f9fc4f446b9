// The audit journal for supervisors: filters, the entries with what changed, the CSV export.
import { Alert } from "@codegouvfr/react-dsfr/Alert";
import { Button } from "@codegouvfr/react-dsfr/Button";
import { Input } from "@codegouvfr/react-dsfr/Input";
import { Select } from "@codegouvfr/react-dsfr/Select";
import { useEffect, useState, type FormEvent } from "react";
import { commands, type AuditAction, type AuditEntry, type AuditFilter } from "../../bindings";
import { DateField } from "../../lib/DateField";
import type { TypedDay } from "../../lib/dates";
import { ACTION_LABELS, formatDateTime } from "../../lib/format";
import { exported, messageOf, unwrap } from "../../lib/result";
import { EMPTY_FORM, invalidDays, toFilter, type JournalForm } from "./filter";

const DAY_FIELD_IDS = { from: "journal-from", to: "journal-to" } as const;

export function JournalPage() {
  const [form, setForm] = useState<JournalForm>(EMPTY_FORM);
  const [filter, setFilter] = useState<AuditFilter>(() => toFilter(EMPTY_FORM));
  // Set once the form was submitted with a day that is not one: its error shows at once.
  const [checked, setChecked] = useState(false);
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

  const set = (field: "agent" | "uai" | "email" | "action") => (value: string) => setForm((old) => ({ ...old, [field]: value }));
  const setDay = (field: "from" | "to") => (value: TypedDay) => setForm((old) => ({ ...old, [field]: value }));

  function apply(event: FormEvent) {
    event.preventDefault();
    setMessage(null);
    const invalid = invalidDays(form);
    setChecked(invalid.length > 0);
    if (invalid[0]) {
      // The list stays as it was: the agent corrects the day where its error is written.
      document.getElementById(DAY_FIELD_IDS[invalid[0]])?.focus();
      return;
    }
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
      <form onSubmit={apply} className="guichet-filters" id="journal-filters" noValidate>
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
        <DateField id={DAY_FIELD_IDS.from} label="Du" value={form.from} onChange={setDay("from")} checked={checked} />
        <DateField id={DAY_FIELD_IDS.to} label="Au" value={form.to} onChange={setDay("to")} checked={checked} />
        <div className="guichet-filters__actions">
          <Button type="submit">Filtrer</Button>
          <Button type="button" priority="secondary" iconId="fr-icon-download-line" onClick={exportCsv} id="journal-export">
            Exporter en CSV
          </Button>
        </div>
      </form>
      {message && <Alert severity={message.ok ? "success" : "error"} small description={message.text} className="fr-mb-2w" id="journal-message" />}
      {entries && entries.length === 0 && <p>Aucune action ne correspond à ces filtres.</p>}
      {entries && entries.length > 0 && <JournalTable entries={entries} />}
    </section>
  );
}

/** The entries, newest first, in the DSFR's current table markup: the table fills the page and
 * scrolls sideways in its container (a table right inside .fr-table is drawn as a block only as
 * wide as its text). */
function JournalTable({ entries }: { entries: AuditEntry[] }) {
  return (
    <div className="fr-table fr-table--no-caption guichet-journal-table" id="journal-table-wrapper">
      <div className="fr-table__wrapper">
        <div className="fr-table__container">
          <div className="fr-table__content">
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
        </div>
      </div>
    </div>
  );
}
