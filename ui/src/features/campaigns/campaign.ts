// The campaigns' words and rules as the window shows them: states, skip reasons, what each state
// allows (the core's `CampaignState::allows`), and the time left.
import type { CampaignAction, CampaignState, InitState, SkipReason } from "../../bindings";

export const CAMPAIGN_STATE_LABELS: Record<CampaignState, string> = {
  preparee: "Préparée",
  "en-cours": "En cours",
  "en-pause": "En pause",
  annulee: "Annulée",
  terminee: "Terminée",
};

export const SKIP_REASON_LABELS: Record<SkipReason, string> = {
  "sans-adresse": "Pas d’adresse principale",
  "lien-recent": "Lien envoyé il y a moins d’une heure",
  "adresse-rejetee": "Adresse rejetée par le serveur de messagerie",
  ferme: "Établissement fermé",
  initialise: "Déjà initialisé",
};

/** The core's default when none is chosen; checked when the screen opens. */
export const DEFAULT_STATES: readonly InitState[] = ["jamais-initialise", "lien-expire"];

export const DEFAULT_RATE = 60;

/** Whether `action` may be done to a campaign in `state`. */
export function allows(state: CampaignState, action: CampaignAction): boolean {
  switch (action) {
    case "start":
      return state === "preparee";
    case "pause":
      return state === "en-cours";
    case "resume":
      return state === "en-pause";
    case "cancel":
      return state === "preparee" || state === "en-cours" || state === "en-pause";
  }
}

/** « 45 s », « 2 min 05 s », « 1 h 07 min ». */
export function formatDuration(seconds: number): string {
  const s = Math.max(0, Math.round(seconds));
  const two = (n: number) => String(n).padStart(2, "0");
  if (s < 60) return `${s}\u00a0s`;
  if (s < 3600) return `${Math.floor(s / 60)}\u00a0min ${two(s % 60)}\u00a0s`;
  return `${Math.floor(s / 3600)}\u00a0h ${two(Math.floor((s % 3600) / 60))}\u00a0min`;
}
