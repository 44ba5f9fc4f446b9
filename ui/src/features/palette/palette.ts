// What the command palette lists and how typed text picks among it. Pure, so that it is tested
// without a window.

/** One thing the agent can do or one screen it can open, from the palette. */
export type PaletteCommand = {
  /** Stable, for tests and React keys. */
  id: string;
  label: string;
  /** Shown at the right of the label: "Écran", "Établissement", "Lien"… */
  group: string;
  /** Other words that find it: "principale" finds "Changer l’adresse principale". */
  keywords?: string;
  /** The keyboard shortcut that does the same, shown beside it. */
  shortcut?: string;
  /** Why it cannot be run now (a role, a missing address): listed, not runnable. */
  refused?: string;
  run: () => void;
};

/** Lower case, without accents or apostrophe variants: "É" finds "e", "’" finds "'". */
export function fold(text: string): string {
  return text
    .normalize("NFD")
    .replace(/\p{Diacritic}/gu, "")
    .replace(/[’‘]/g, "'")
    .toLowerCase();
}

/**
 * The commands matching what is typed, best first: every typed word must begin a word of the
 * label or keywords; commands whose label starts with the text come first, then the rest in
 * their given order (the order of the screen the agent is on).
 */
/** What separates words in labels and in what is typed: an address is several words. */
const SEPARATORS = /[\s'«»()@.,:/-]+/;

export function matchCommands(commands: readonly PaletteCommand[], typed: string): PaletteCommand[] {
  const words = fold(typed).split(SEPARATORS).filter(Boolean);
  if (words.length === 0) return [...commands];
  const scored: { command: PaletteCommand; rank: number; index: number }[] = [];
  commands.forEach((command, index) => {
    const label = fold(command.label);
    const haystack = `${label} ${fold(command.keywords ?? "")} ${fold(command.group)}`.split(SEPARATORS).filter(Boolean);
    const all = words.every((word) => haystack.some((candidate) => candidate.startsWith(word)));
    if (!all) return;
    const rank = label.startsWith(words[0] ?? "") ? 0 : 1;
    scored.push({ command, rank, index });
  });
  return scored.sort((a, b) => a.rank - b.rank || a.index - b.index).map((entry) => entry.command);
}
