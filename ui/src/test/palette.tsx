// What the palette offers while a screen is shown, for tests.
import { useEffect, type ReactNode } from "react";
import type { PaletteCommand } from "../features/palette/palette";
import { PaletteRegistry, usePaletteRegistry } from "../features/palette/registry";

let current: () => PaletteCommand[] = () => [];

function Probe() {
  const registry = usePaletteRegistry();
  useEffect(() => {
    current = registry.current;
  }, [registry]);
  return null;
}

/** `children` inside the palette's registry, as the window mounts screens. */
export function WithPalette({ children }: { children: ReactNode }) {
  return (
    <PaletteRegistry>
      <Probe />
      {children}
    </PaletteRegistry>
  );
}

/** The commands the shown screens offer, by id. */
export function paletteCommands(): Map<string, PaletteCommand> {
  return new Map(current().map((command) => [command.id, command]));
}
