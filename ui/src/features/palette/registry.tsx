// Screens hand the palette what can be done on them while they are shown. Kept in a ref, not in
// state: registering re-renders nothing, and the palette reads the list when it opens.
import { createContext, useContext, useEffect, useId, useMemo, useRef, type ReactNode } from "react";
import type { PaletteCommand } from "./palette";

type Registry = {
  set: (key: string, commands: PaletteCommand[]) => void;
  remove: (key: string) => void;
  /** The shown screens' commands, the innermost screen's first. */
  current: () => PaletteCommand[];
};

const RegistryContext = createContext<Registry | null>(null);

export function PaletteRegistry({ children }: { children: ReactNode }) {
  const entries = useRef(new Map<string, PaletteCommand[]>());
  const registry = useMemo<Registry>(
    () => ({
      set: (key, commands) => void entries.current.set(key, commands),
      remove: (key) => void entries.current.delete(key),
      current: () => [...entries.current.values()].reverse().flat(),
    }),
    [],
  );
  return <RegistryContext.Provider value={registry}>{children}</RegistryContext.Provider>;
}

export function usePaletteRegistry(): Registry {
  const registry = useContext(RegistryContext);
  if (!registry) throw new Error("usePaletteRegistry outside <PaletteRegistry>");
  return registry;
}

/** Offers these commands in the palette while the calling component is mounted. */
export function usePaletteCommands(commands: PaletteCommand[]) {
  const registry = useContext(RegistryContext);
  const key = useId();
  // Every render replaces the list, so that each command runs with the screen's current state.
  useEffect(() => {
    registry?.set(key, commands);
  });
  useEffect(() => () => registry?.remove(key), [registry, key]);
}
