// Choosing an establishment without leaving the panel: a field that searches as the caller
// dictates (UAI, name, town), arrows to move, Entrée to choose; the caller's establishment, when
// the agent came from its page, is offered before anything is typed.
import { useEffect, useState, type KeyboardEvent } from "react";
import { commands } from "../../bindings";
import { messageOf, unwrap } from "../../lib/result";
import { isNavigationKey, nextActive } from "../search/navigation";

const LIMIT = 6;
const DEBOUNCE_MS = 80;

export type Chosen = { uai: string; name: string; town: string };

type Props = {
  /** The establishment whose page the agent came from, offered first. */
  caller: string | null;
  onChoose: (chosen: Chosen) => void;
};

/** The establishments among a search's hits. */
async function establishments(query: string): Promise<Chosen[]> {
  const response = await unwrap(commands.search(query, LIMIT));
  return response.hits.flatMap((hit) => (hit.kind === "establishment" ? [{ uai: hit.uai, name: hit.name, town: hit.town }] : []));
}

export function EstablishmentChooser({ caller, onChoose }: Props) {
  const [typed, setTyped] = useState("");
  const [options, setOptions] = useState<Chosen[]>([]);
  const [active, setActive] = useState(0);
  const [error, setError] = useState<string | null>(null);
  const query = typed.trim() === "" ? (caller ?? "") : typed.trim();

  useEffect(() => {
    if (query === "") return;
    let current = true;
    const timer = window.setTimeout(() => {
      establishments(query)
        .then((found) => current && (setOptions(found), setActive(0), setError(null)))
        .catch((failure: unknown) => current && setError(messageOf(failure)));
    }, DEBOUNCE_MS);
    return () => {
      current = false;
      window.clearTimeout(timer);
    };
  }, [query]);

  const shown = query === "" ? [] : options;

  function onKeyDown(event: KeyboardEvent<HTMLInputElement>) {
    if (isNavigationKey(event.key) && shown.length > 0) {
      event.preventDefault();
      setActive((current) => nextActive(current, shown.length, event.key as Parameters<typeof nextActive>[2]));
    } else if (event.key === "Enter") {
      event.preventDefault();
      const chosen = shown[active];
      if (chosen) onChoose(chosen);
    }
  }

  return (
    <div className="fr-input-group fr-mb-1w">
      <label className="fr-label" htmlFor="step-establishment-input">
        Établissement du correspondant
        <span className="fr-hint-text">Code UAI, nom ou commune. Flèches pour choisir, Entrée pour retenir.</span>
      </label>
      <input
        id="step-establishment-input"
        className="fr-input"
        type="search"
        autoComplete="off"
        spellCheck={false}
        autoFocus
        role="combobox"
        aria-autocomplete="list"
        aria-controls="step-establishments"
        aria-expanded={shown.length > 0}
        aria-activedescendant={shown.length > 0 ? `step-establishment-${active}` : undefined}
        value={typed}
        onChange={(event) => setTyped(event.target.value)}
        onKeyDown={onKeyDown}
      />
      {error && <p className="fr-error-text">{error}</p>}
      {shown.length > 0 && (
        <ul id="step-establishments" role="listbox" aria-label="Établissements" className="guichet-chooser">
          {shown.map((option, index) => (
            <li
              key={option.uai}
              id={`step-establishment-${index}`}
              role="option"
              aria-selected={index === active}
              data-uai={option.uai}
              className="guichet-chooser__option"
              onMouseDown={(event) => event.preventDefault()}
              onClick={() => onChoose(option)}
            >
              <strong>{option.name}</strong> · {option.uai} · {option.town}
              {option.uai === caller && typed.trim() === "" && <span className="fr-text--xs"> · établissement ouvert avant</span>}
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}
