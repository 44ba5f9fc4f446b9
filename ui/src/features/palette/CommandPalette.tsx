// Ctrl+K: one field that reaches every screen and every action of the current screen. A native
// modal dialog, so that focus stays inside and the rest of the window is inert while it is open.
import { useEffect, useRef, useState, type KeyboardEvent } from "react";
import { isNavigationKey, nextActive } from "../search/navigation";
import { matchCommands, type PaletteCommand } from "./palette";
import { useModal } from "./useModal";

type Props = { commands: PaletteCommand[]; onClose: () => void };

export function CommandPalette({ commands, onClose }: Props) {
  const dialog = useRef<HTMLDialogElement>(null);
  const [typed, setTyped] = useState("");
  const [active, setActive] = useState(0);
  const matches = matchCommands(commands, typed);
  const shown = Math.min(active, matches.length - 1);

  useModal(dialog);

  function run(command: PaletteCommand | undefined) {
    if (!command || command.refused) return;
    onClose();
    // After the dialog is gone and the focus is back, so that a command that moves it keeps it.
    window.setTimeout(command.run, 0);
  }

  function onKeyDown(event: KeyboardEvent) {
    // The screens below listen for Escape on the window: it closes the palette only.
    event.stopPropagation();
    if (event.key === "Escape") {
      event.preventDefault();
      onClose();
    } else if (event.key === "Enter") {
      event.preventDefault();
      run(matches[shown]);
    } else if (isNavigationKey(event.key) && matches.length > 0 && (event.key === "ArrowDown" || event.key === "ArrowUp")) {
      event.preventDefault();
      setActive(nextActive(shown, matches.length, event.key));
    }
  }

  useEffect(() => {
    document.getElementById(`palette-option-${shown}`)?.scrollIntoView({ block: "nearest" });
  }, [shown]);

  return (
    <dialog ref={dialog} className="guichet-palette" aria-labelledby="palette-title" id="command-palette" onKeyDown={onKeyDown} onClose={onClose}>
      <h2 id="palette-title" className="fr-sr-only">
        Palette de commandes
      </h2>
      <input
        id="palette-input"
        className="fr-input guichet-palette__input"
        role="combobox"
        aria-expanded="true"
        aria-controls="palette-options"
        aria-activedescendant={matches.length > 0 ? `palette-option-${shown}` : undefined}
        aria-label="Écran ou action à trouver"
        placeholder={"Écran ou action\u00a0: «\u00a0principale\u00a0», «\u00a0lien\u00a0», «\u00a0journal\u00a0»…"}
        autoComplete="off"
        spellCheck={false}
        autoFocus
        value={typed}
        onChange={(event) => (setTyped(event.target.value), setActive(0))}
      />
      <ul id="palette-options" role="listbox" aria-label="Commandes" className="guichet-palette__options">
        {matches.map((command, index) => (
          <li
            key={command.id}
            id={`palette-option-${index}`}
            data-command={command.id}
            role="option"
            aria-selected={index === shown}
            aria-disabled={command.refused ? true : undefined}
            title={command.refused}
            className="guichet-palette__option"
            onMouseDown={(event) => event.preventDefault()}
            onClick={() => run(command)}
          >
            <span className="guichet-palette__label">{command.label}</span>
            {command.refused && <span className="guichet-palette__refused">{command.refused}</span>}
            <span className="guichet-palette__group">{command.group}</span>
            {command.shortcut && <kbd className="guichet-palette__kbd">{command.shortcut}</kbd>}
          </li>
        ))}
      </ul>
      {matches.length === 0 && (
        <p className="fr-text--sm fr-m-2w" role="status" id="palette-empty">
          Aucune commande ne correspond à «&nbsp;{typed}&nbsp;». Essayez un autre mot, ou Échap pour fermer.
        </p>
      )}
      <p className="fr-text--xs fr-mb-0 guichet-palette__hint" aria-hidden="true">
        ↑ ↓ pour choisir · Entrée pour exécuter · Échap pour fermer
      </p>
    </dialog>
  );
}
