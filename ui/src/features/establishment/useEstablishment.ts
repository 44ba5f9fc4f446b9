// An establishment as the core has it now: read when it opens, and read again after each change,
// this window's or another agent's.
import { listen } from "@tauri-apps/api/event";
import { useCallback, useEffect, useRef, useState } from "react";
import { CHANGE_EVENT, commands, type Change, type Establishment } from "../../bindings";
import { messageOf, unwrap } from "../../lib/result";

type Loaded = { uai: string; establishment: Establishment } | { uai: string; error: string };

/** Whether another window's change touches this establishment or one of its addresses. */
export function concerns(change: Change, establishment: Establishment): boolean {
  switch (change.entity) {
    case "establishment":
    case "attachment":
      return change.key === establishment.uai;
    case "account":
    case "reset":
      return establishment.addresses.some((address) => address.account_id === change.key);
  }
}

export type EstablishmentData = {
  /** Null while it loads, or when it could not be read. */
  establishment: Establishment | null;
  /** Why it could not be read. */
  error: string | null;
  loading: boolean;
  /** Counts the reloads, so that what depends on the establishment (its timeline) reads again. */
  revision: number;
  reload: () => void;
};

export function useEstablishment(uai: string): EstablishmentData {
  const [loaded, setLoaded] = useState<Loaded | null>(null);
  const [revision, setRevision] = useState(0);
  const reload = useCallback(() => setRevision((r) => r + 1), []);
  // The first reading of an establishment is the agent opening it, which the core notes among
  // its recent ones; reading it again after a change is not.
  const opened = useRef<string | null>(null);

  useEffect(() => {
    let current = true;
    const opening = opened.current !== uai;
    opened.current = uai;
    unwrap(opening ? commands.openEstablishment(uai) : commands.establishment(uai))
      .then((establishment) => current && setLoaded({ uai, establishment }))
      .catch((error: unknown) => current && setLoaded({ uai, error: messageOf(error) }));
    return () => {
      current = false;
    };
  }, [uai, revision]);

  // What was read for another establishment is not shown while this one loads.
  const shown = loaded?.uai === uai ? loaded : null;
  const establishment = shown && "establishment" in shown ? shown.establishment : null;

  useEffect(() => {
    if (!establishment) return;
    const unlisten = listen<Change>(CHANGE_EVENT, (event) => concerns(event.payload, establishment) && reload());
    return () => {
      unlisten.then((stop) => stop());
    };
  }, [establishment, reload]);

  return { establishment, error: shown && "error" in shown ? shown.error : null, loading: shown === null, revision, reload };
}
