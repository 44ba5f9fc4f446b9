// The journal's filters as the agent fills them, and the query they ask the core for.
import type { AuditAction, AuditFilter } from "../../bindings";
import { isInvalid, NO_DAY, type TypedDay } from "../../lib/dates";
import { parisDayStart } from "../../lib/format";

/** The most entries a screen lists at once. */
export const PAGE = 500;

export type JournalForm = { agent: string; uai: string; email: string; action: "" | AuditAction; from: TypedDay; to: TypedDay };

export const EMPTY_FORM: JournalForm = { agent: "", uai: "", email: "", action: "", from: NO_DAY, to: NO_DAY };

/** The day fields holding text that is not a day, « Du » first: the form cannot filter on them. */
export function invalidDays(form: JournalForm): ("from" | "to")[] {
  return (["from", "to"] as const).filter((field) => isInvalid(form[field]));
}

/** The query for a form whose days are all valid (see [`invalidDays`]). */
export function toFilter(form: JournalForm): AuditFilter {
  const text = (value: string) => (value.trim() === "" ? null : value.trim());
  return {
    agent: text(form.agent),
    uai: text(form.uai),
    email: text(form.email),
    action: form.action === "" ? null : form.action,
    // Days are Paris days, whatever the PC's time zone.
    from: form.from.iso ? parisDayStart(form.from.iso, 0) : null,
    // The "to" day is included: the filter stops at the start of the next day.
    to: form.to.iso ? parisDayStart(form.to.iso, 1) : null,
    limit: PAGE,
  };
}
