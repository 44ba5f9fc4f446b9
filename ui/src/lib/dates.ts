// Calendar days as an agent types and reads them, `jj/mm/aaaa`, whatever the PC's locale: the
// browser's own date field shows `mm/dd/yyyy` under an English system.

/** What a typed day reads as: nothing, a day (`yyyy-mm-dd`), or why it is not one. */
export type DayReading = { kind: "empty" } | { kind: "day"; iso: string } | { kind: "invalid"; message: string };

export const DAY_FORMAT_MESSAGE = "Saisissez la date au format jj/mm/aaaa";

// The separators an agent may type between day, month and year: « / », « . », « - » or a space,
// the same twice. Eight digits in a row read as jjmmaaaa.
const SEPARATED = /^(\d{1,2})([/.\- ])(\d{1,2})\2(\d{4})$/;
const COMPACT = /^(\d{2})(\d{2})(\d{4})$/;

const pad = (n: number, width = 2) => String(n).padStart(width, "0");

function daysIn(month: number, year: number): number {
  const leap = (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
  return [31, leap ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][month - 1] ?? 0;
}

/** Reads `05/03/2026`, `5/3/2026`, `05.03.2026`, `05-03-2026` or `05032026` as 5 March 2026. */
export function readDay(text: string): DayReading {
  const typed = text.trim();
  if (typed === "") return { kind: "empty" };
  const parts = SEPARATED.exec(typed) ?? COMPACT.exec(typed);
  if (!parts) return { kind: "invalid", message: DAY_FORMAT_MESSAGE };
  const numbers = parts.length === 5 ? [parts[1], parts[3], parts[4]] : [parts[1], parts[2], parts[3]];
  const [day, month, year] = numbers.map(Number) as [number, number, number];
  if (year < 1000) return { kind: "invalid", message: DAY_FORMAT_MESSAGE };
  if (month < 1 || month > 12 || day < 1 || day > daysIn(month, year)) {
    return { kind: "invalid", message: `Date invalide\u00a0: ${pad(day)}/${pad(month)}/${year} n’existe pas` };
  }
  return { kind: "day", iso: `${year}-${pad(month)}-${pad(day)}` };
}

/** `2026-03-05` as an agent reads it: `05/03/2026`. */
export function showDay(iso: string): string {
  const [year, month, day] = iso.split("-");
  return `${day}/${month}/${year}`;
}

/** What a date field holds: the text as typed, and the day it names (null when empty or invalid). */
export type TypedDay = { text: string; iso: string | null };

export const NO_DAY: TypedDay = { text: "", iso: null };

/** The field's value once `text` is typed. */
export function typedDay(text: string): TypedDay {
  const reading = readDay(text);
  return { text, iso: reading.kind === "day" ? reading.iso : null };
}

/** Whether something was typed that is not a day. */
export function isInvalid(value: TypedDay): boolean {
  return value.iso === null && value.text.trim() !== "";
}
