// The recent establishments as the core has them, read each time `active` turns true (the
// search page shown, the palette opened), so that what was opened or changed since is listed;
// forgotten when it turns false, so that the next agent never sees the last one's.
import { useEffect, useState } from "react";
import { commands, type RecentEstablishment } from "../../bindings";
import { unwrap } from "../../lib/result";

export function useRecentEstablishments(active: boolean): RecentEstablishment[] {
  const [recent, setRecent] = useState<RecentEstablishment[] | null>(null);
  useEffect(() => {
    if (!active) return;
    let current = true;
    // A list that cannot be read is only a shortcut missing: nothing to tell the agent.
    unwrap(commands.recentEstablishments())
      .then((list) => current && setRecent(list))
      .catch(() => {});
    return () => {
      current = false;
      setRecent(null);
    };
  }, [active]);
  return (active && recent) || [];
}
