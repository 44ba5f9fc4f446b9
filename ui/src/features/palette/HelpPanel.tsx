// "?": the keyboard shortcuts, in a modal dialog that Escape closes.
import { Button } from "@codegouvfr/react-dsfr/Button";
import { useRef } from "react";
import { SHORTCUTS } from "./shortcuts";
import { useModal } from "./useModal";

export function HelpPanel({ onClose }: { onClose: () => void }) {
  const dialog = useRef<HTMLDialogElement>(null);
  useModal(dialog);
  return (
    <dialog
      ref={dialog}
      className="guichet-help"
      aria-labelledby="help-title"
      id="help-panel"
      onClose={onClose}
      onKeyDown={(event) => {
        event.stopPropagation();
        if (event.key === "Escape") {
          event.preventDefault();
          onClose();
        }
      }}
    >
      <div className="guichet-panel__head">
        <h2 id="help-title" className="fr-h4 fr-mb-0">
          Raccourcis clavier
        </h2>
        <Button priority="tertiary no outline" size="small" iconId="fr-icon-close-line" onClick={onClose} id="help-close" nativeButtonProps={{ autoFocus: true }}>
          Fermer
        </Button>
      </div>
      {SHORTCUTS.map((section) => (
        <section key={section.title} className="fr-mt-2w">
          <h3 className="fr-h6 fr-mb-1w">{section.title}</h3>
          <dl className="guichet-shortcuts">
            {section.shortcuts.map((shortcut) => (
              <div key={shortcut.does} className="guichet-shortcuts__row">
                <dt>
                  {shortcut.keys.map((key, index) => (
                    <span key={key}>
                      {index > 0 && (shortcut.keys[0] === "Ctrl" ? " + " : " ")}
                      <kbd>{key}</kbd>
                    </span>
                  ))}
                </dt>
                <dd>{shortcut.does}</dd>
              </div>
            ))}
          </dl>
        </section>
      ))}
    </dialog>
  );
}
