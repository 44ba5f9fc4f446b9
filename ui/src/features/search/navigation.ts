// Which result is active while the focus stays in the search field: arrows move, Home/End jump,
// the list wraps so that an agent never gets stuck at an end.

export type NavigationKey = "ArrowDown" | "ArrowUp" | "Home" | "End";

export function isNavigationKey(key: string): key is NavigationKey {
  return key === "ArrowDown" || key === "ArrowUp" || key === "Home" || key === "End";
}

/** The next active index among `count` results; -1 means none is active. */
export function nextActive(current: number, count: number, key: NavigationKey): number {
  if (count === 0) return -1;
  switch (key) {
    case "ArrowDown":
      return current < 0 || current >= count - 1 ? 0 : current + 1;
    case "ArrowUp":
      return current <= 0 ? count - 1 : current - 1;
    case "Home":
      return 0;
    case "End":
      return count - 1;
  }
}
