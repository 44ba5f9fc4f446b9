// French wording and formats of the domain's values: dates in Paris time, establishment types,
// initialisation states.
import type { AuditAction, EstablishmentKind, InitState, InitStatus, Lifecycle, Role, Sector } from "../bindings";

const PARIS = "Europe/Paris";

const dateFormat = new Intl.DateTimeFormat("fr-FR", { timeZone: PARIS, day: "2-digit", month: "2-digit", year: "numeric" });
const timeFormat = new Intl.DateTimeFormat("fr-FR", { timeZone: PARIS, hour: "2-digit", minute: "2-digit" });

/** "12/03/2026" */
export function formatDate(iso: string): string {
  return dateFormat.format(new Date(iso));
}

/** "12/03/2026 à 14:32" */
export function formatDateTime(iso: string): string {
  const at = new Date(iso);
  return `${dateFormat.format(at)} à ${timeFormat.format(at)}`;
}

/** "14:32" when the instant is on the same Paris day as `now`, else the date and time. */
export function formatMoment(iso: string, now: Date = new Date()): string {
  const at = new Date(iso);
  return dateFormat.format(at) === dateFormat.format(now) ? timeFormat.format(at) : formatDateTime(iso);
}

export const KIND_LABELS: Record<EstablishmentKind, string> = {
  lycee: "Lycée",
  college: "Collège",
  ecole: "École",
  cio: "CIO",
  erea: "EREA",
  autre: "Autre",
};

export const SECTOR_LABELS: Record<Sector, string> = { public: "Public", prive: "Privé" };

export type Severity = "success" | "info" | "warning" | "error";

/** What an agent reads about an address's password, and how alarming it is. */
export function describeStatus(status: InitStatus, now: Date = new Date()): { label: string; severity: Severity } {
  switch (status.state) {
    case "initialised":
      return { label: status.at ? `Initialisé le ${formatDate(status.at)}` : "Initialisé", severity: "success" };
    case "link_pending":
      return { label: `Lien valable jusqu’à ${formatMoment(status.until, now)}`, severity: "info" };
    case "not_initialised":
      return status.link_expired_at
        ? { label: `Non initialisé, lien expiré le ${formatDateTime(status.link_expired_at)}`, severity: "warning" }
        : { label: "Non initialisé", severity: "warning" };
  }
}

export const ROLE_LABELS: Record<Role, string> = { lecture: "Lecture seule", agent: "Agent", superviseur: "Superviseur", envoi: "Service d’envoi" };

export const ACTION_LABELS: Record<AuditAction, string> = {
  sign_in: "Connexion",
  sign_in_failed: "Échec de connexion",
  agent_added: "Agent ajouté",
  agent_role_changed: "Rôle d’agent changé",
  agent_disabled: "Agent désactivé",
  agent_enabled: "Agent réactivé",
  password_changed: "Mot de passe changé",
  address_added: "Adresse ajoutée",
  attached: "Adresse rattachée",
  detached: "Adresse détachée",
  principal_changed: "Adresse principale changée",
  link_sent: "Lien envoyé",
  settings_changed: "Réglages modifiés",
  journal_exported: "Journal exporté",
  link_used: "Lien utilisé",
  link_expired: "Lien expiré",
  campaign_planned: "Campagne préparée",
  campaign_started: "Campagne lancée",
  campaign_paused: "Campagne mise en pause",
  campaign_resumed: "Campagne reprise",
  campaign_cancelled: "Campagne annulée",
  annuaire_imported: "Annuaire importé",
  establishment_added: "Établissement ajouté",
  establishment_updated: "Établissement mis à jour",
  establishment_closed: "Établissement fermé",
  establishment_reopened: "Établissement rouvert",
};

/** The UTC instant at which a Paris calendar day (`YYYY-MM-DD`) plus `days` begins. */
export function parisDayStart(day: string, days: number): string {
  const [y, m, d] = day.split("-").map(Number);
  const noonUtc = Date.UTC(y ?? 1970, (m ?? 1) - 1, (d ?? 1) + days, 12);
  // Paris is one or two hours ahead of UTC: find the offset that day at noon.
  const parisNoon = new Intl.DateTimeFormat("en-GB", { timeZone: PARIS, hour: "2-digit", hour12: false }).format(noonUtc);
  const offsetHours = Number(parisNoon) - 12;
  return new Date(Date.UTC(y ?? 1970, (m ?? 1) - 1, (d ?? 1) + days, -offsetHours)).toISOString();
}

/** A link's state on the portal, as the ledger shows it. */
export function describeLifecycle(lifecycle: Lifecycle): { label: string; severity: Severity } {
  switch (lifecycle.state) {
    case "requested":
      return { label: "Demandé, créé à l’envoi", severity: "info" };
    case "valid":
      return { label: `Valable jusqu’au ${formatDateTime(lifecycle.until)}`, severity: "info" };
    case "expired":
      return { label: `Expiré le ${formatDateTime(lifecycle.at)}`, severity: "warning" };
    case "replaced":
      return {
        label: lifecycle.by ? `Remplacé par le lien du ${formatDateTime(lifecycle.by)}` : `Remplacé le ${formatDateTime(lifecycle.at)}`,
        severity: "warning",
      };
    case "used":
      return { label: lifecycle.at ? `Utilisé : mot de passe défini le ${formatDateTime(lifecycle.at)}` : "Utilisé", severity: "success" };
  }
}

/** The states of the « Suivi des initialisations », in the order the core counts them. */
export const INIT_STATES: readonly InitState[] = ["sans-adresse", "jamais-initialise", "lien-en-attente", "lien-expire", "initialise"];

/** The same words as the core's `InitState::label` (the CSV export and the command line). */
export const INIT_STATE_LABELS: Record<InitState, string> = {
  "sans-adresse": "Sans adresse principale",
  "jamais-initialise": "Jamais initialisé, aucun lien",
  "lien-en-attente": "Lien en attente",
  "lien-expire": "Lien expiré sans être utilisé",
  initialise: "Initialisé",
};
