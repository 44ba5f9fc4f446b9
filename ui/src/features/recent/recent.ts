// The establishments the agent opened or changed recently, as the search page's list and the
// palette offer them. Pure, so that it is tested without a window.
import type { RecentEstablishment } from "../../bindings";
import { isNavigationKey, nextActive } from "../search/navigation";
import type { PaletteCommand } from "../palette/palette";

export const RECENT_LIST_ID = "recent-list";

export function recentOptionId(index: number): string {
  return `recent-${index}`;
}

/** What a key pressed in the empty search field does to the recent list, or null if it is not the list's. */
export type RecentKey = { kind: "move"; active: number } | { kind: "open"; uai: string };

export function onRecentKey(key: string, active: number, recent: readonly RecentEstablishment[]): RecentKey | null {
  if (recent.length === 0) return null;
  if (isNavigationKey(key)) return { kind: "move", active: nextActive(active, recent.length, key) };
  const chosen = recent[active];
  // Enter with nothing chosen stays the field's: the list opens only what the arrows picked.
  if (key === "Enter" && chosen) return { kind: "open", uai: chosen.uai };
  return null;
}

/** The palette's « Récents »: one command per establishment, most recent first. */
export function recentCommands(recent: readonly RecentEstablishment[], open: (uai: string) => void): PaletteCommand[] {
  return recent.map((establishment) => ({
    id: `recent-${establishment.uai}`,
    group: "Récents",
    label: `Ouvrir ${establishment.name} (${establishment.uai})`,
    keywords: `${establishment.town} récent${establishment.changed_today ? " modifié aujourd’hui" : ""}`,
    run: () => open(establishment.uai),
  }));
}
