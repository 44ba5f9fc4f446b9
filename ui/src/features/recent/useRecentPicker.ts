// The recent list as the search field drives it: shown while the field is empty, the arrows
// choosing in it and Enter opening the chosen one, as they do in the results.
import { useState, type KeyboardEvent } from "react";
import type { RecentEstablishment } from "../../bindings";
import { onRecentKey, recentOptionId } from "./recent";
import { useRecentEstablishments } from "./useRecentEstablishments";

export type RecentPicker = {
  recent: RecentEstablishment[];
  /** The field is empty and there is something to list. */
  shown: boolean;
  active: number;
  /** The active option's id, for the field's aria-activedescendant. */
  activeId: string | undefined;
  setActive: (index: number) => void;
  /** Handles the key when it is the list's; false leaves it to the field. */
  onKeyDown: (event: KeyboardEvent<HTMLInputElement>) => boolean;
};

export function useRecentPicker(query: string, onOpen: (uai: string) => void): RecentPicker {
  const recent = useRecentEstablishments(true);
  // The choice belongs to the query it was made under: typing, then clearing, starts afresh.
  const [choice, setChoice] = useState({ query, active: -1 });
  const shown = query.trim() === "" && recent.length > 0;
  const active = shown && choice.query === query ? choice.active : -1;
  const setActive = (index: number) => setChoice({ query, active: index });

  function onKeyDown(event: KeyboardEvent<HTMLInputElement>): boolean {
    const outcome = shown ? onRecentKey(event.key, active, recent) : null;
    if (!outcome) return false;
    // Enter too: without this, WebKit delivers the same key press to the page it opens.
    event.preventDefault();
    if (outcome.kind === "move") setActive(outcome.active);
    else onOpen(outcome.uai);
    return true;
  }

  return { recent, shown, active, activeId: active >= 0 ? recentOptionId(active) : undefined, setActive, onKeyDown };
}
