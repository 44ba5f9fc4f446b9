// The words of the Annuaire screen: each kind of difference and the counts in one sentence.
import type { DiffCounts, DiffKind } from "../../bindings";

export const KIND_LABELS: Record<DiffKind, string> = {
  new: "Nouveau",
  renamed: "Renommé",
  moved: "Déplacé",
  changed: "Type ou statut modifié",
  mail_changed: "Adresse officielle modifiée",
  closed: "Fermé",
  reopened: "Rouvert",
};

/** « 1 nouveau », « 3 nouveaux »: each kind with its count, in the order of the file's review. */
export const COUNT_WORDS: [keyof DiffCounts, string, string][] = [
  ["new", "nouvel établissement", "nouveaux établissements"],
  ["renamed", "renommé", "renommés"],
  ["moved", "déplacé", "déplacés"],
  ["changed", "type ou statut modifié", "types ou statuts modifiés"],
  ["mail_changed", "adresse officielle modifiée", "adresses officielles modifiées"],
  ["closed", "fermé", "fermés"],
  ["reopened", "rouvert", "rouverts"],
  ["unchanged", "inchangé", "inchangés"],
  ["rejected", "ligne rejetée", "lignes rejetées"],
];

const number = new Intl.NumberFormat("fr-FR");

export function countLine(count: number, one: string, many: string): string {
  return `${number.format(count)}\u00a0${count > 1 ? many : one}`;
}

/** « 68 000 lignes lues : 12 nouveaux établissements, 3 fermés, 67 985 inchangés ». */
export function summary(counts: DiffCounts): string {
  const parts = COUNT_WORDS.filter(([key]) => counts[key] > 0).map(([key, one, many]) => countLine(counts[key], one, many));
  return `${countLine(counts.rows, "ligne lue", "lignes lues")}\u00a0: ${parts.join(", ")}`;
}
