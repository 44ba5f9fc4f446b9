// What became of a message after it left, in the words of the ledger, the establishment's page
// and the diagnosis: the status as a badge, the raw reply for experts, the hand-over in progress.
import type { Delivery, DeliveryReport, DeliveryStatus, LeftReason } from "../bindings";
import { formatDateTime, type Severity } from "./format";

/** A message's status as its badge says it. */
export const DELIVERY_LABELS: Record<DeliveryStatus, string> = {
  queued: "En attente",
  accepted: "Accepté par le relais",
  refused: "Refusé par le relais",
  deferred: "Différé",
  bounced: "Non délivré",
  failed: "Non envoyé",
  dropped: "Non envoyé (remplacé)",
};

/** How alarming each status is; none for a message rightly never sent. */
const DELIVERY_SEVERITIES: Record<DeliveryStatus, Severity | undefined> = {
  queued: "warning",
  accepted: "success",
  refused: "error",
  deferred: "warning",
  bounced: "error",
  failed: "error",
  dropped: undefined,
};

/** The badge of a message's status: its French label and its DSFR colour (none: grey). */
export function deliveryBadge(status: DeliveryStatus): { label: string; severity: Severity | undefined } {
  return { label: DELIVERY_LABELS[status], severity: DELIVERY_SEVERITIES[status] };
}

/** The badge flagging an address whose newest message did not arrive. */
export function undeliveredLabel(report: DeliveryReport): string {
  return report.status === "refused" ? DELIVERY_LABELS.refused : "Dernier message non délivré";
}

/** One line of the technical detail: what it is, and the value; `raw` when it is the server's, as it sent it. */
export type DetailLine = { key: string; label: string; value: string; raw: boolean };

/** The raw status an expert reads (or passes to the relay's administrators); only what is known. */
export function technicalDetail(report: DeliveryReport): DetailLine[] {
  const lines: (DetailLine | null)[] = [
    report.code != null ? { key: "code", label: "Code SMTP", value: String(report.code), raw: true } : null,
    report.enhanced ? { key: "enhanced", label: "Code étendu", value: report.enhanced, raw: true } : null,
    report.text ? { key: "text", label: "Réponse du serveur", value: report.text, raw: true } : null,
    report.queue_id ? { key: "queue_id", label: "N° dans la file du relais", value: report.queue_id, raw: true } : null,
    report.at ? { key: "at", label: "Date", value: formatDateTime(report.at), raw: false } : null,
  ];
  return lines.filter((line): line is DetailLine => line !== null);
}

/**
 * What the outbox is doing with a message not yet handed over, which its status does not say:
 * being handed over now, or tried again after failed attempts.
 */
export function handoverNote(delivery: Delivery): string | null {
  switch (delivery.state) {
    case "sending":
      return "Envoi en cours.";
    case "waiting":
      return delivery.attempts > 0 ? `Nouvel essai prévu (${delivery.attempts}\u00a0essai${delivery.attempts > 1 ? "s" : ""} déjà fait${delivery.attempts > 1 ? "s" : ""}).` : null;
    default:
      return null;
  }
}

/** Why a report stays in the bounce mailbox, the same words as the core's `LeftReason::label`. */
export const LEFT_REASON_LABELS: Record<LeftReason, string> = {
  "unknown-message": "retour d’un message que le Guichet n’a pas envoyé",
  malformed: "rapport illisible",
  "too-large": "message trop gros pour être un retour",
};

/** « 1 retour reconnu », « 3 retours reconnus »: French counts, 0 and 1 in the singular. */
export function counted(count: number, singular: string, plural: string): string {
  return `${count}\u00a0${count > 1 ? plural : singular}`;
}
