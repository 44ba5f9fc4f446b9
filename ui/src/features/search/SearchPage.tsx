// The first screen: one field for a UAI, a name, a town or an address, results while typing.
import { Alert } from "@codegouvfr/react-dsfr/Alert";
import { useEffect, useRef, useState, type KeyboardEvent } from "react";
import { commands, type Agent, type SearchHit, type UaiCorrectionView } from "../../bindings";
import { Pending } from "../../lib/Pending";
import { messageOf, unwrap } from "../../lib/result";
import { DiagnosisPanel } from "../diagnosis/DiagnosisPanel";
import { RECENT_LIST_ID } from "../recent/recent";
import { RecentList } from "../recent/RecentList";
import { useRecentPicker } from "../recent/useRecentPicker";
import { isNavigationKey, nextActive } from "./navigation";
import { openHit, optionId, SearchResults } from "./SearchResults";

const RESULT_LIMIT = 20;
/** Long enough to skip a query per keystroke, short enough to feel instant. */
const DEBOUNCE_MS = 80;

type Props = {
  query: string;
  onQueryChange: (query: string) => void;
  /** Opens an establishment; on an address's result, with that address's links shown. */
  onOpen: (uai: string, email?: string) => void;
  agent: Agent;
  /** The establishment whose page the agent came from, offered first where one is chosen. */
  caller: string | null;
};

type Results = { query: string; hits: SearchHit[]; correction: UaiCorrectionView | null } | { query: string; error: string };

/**
 * An address typed whole that the results do not hold as such, or hold attached nowhere: the
 * caller's "not recognised".
 */
export function needsDiagnosis(query: string, hits: SearchHit[]): boolean {
  const typed = query.trim().toLowerCase();
  const whole = /^[^@\s]+@[^@\s]+\.[^@\s]+$/.test(typed);
  return whole && !hits.some((hit) => hit.kind === "address" && hit.email.toLowerCase() === typed && hit.uais.length > 0);
}

export function SearchPage({ query, onQueryChange, onOpen, agent, caller }: Props) {
  const input = useRef<HTMLInputElement>(null);
  // The diagnosis's first step, which Entrée takes when no result is there to open.
  const primaryStep = useRef<(() => void) | null>(null);
  const [results, setResults] = useState<Results | null>(null);
  const [active, setActive] = useState(-1);
  const recent = useRecentPicker(query, onOpen);

  useEffect(() => input.current?.focus(), []);

  useEffect(() => {
    const trimmed = query.trim();
    if (trimmed === "") return;
    let current = true;
    const timer = window.setTimeout(() => {
      unwrap(commands.search(trimmed, RESULT_LIMIT))
        .then(
          (response) =>
            current &&
            (setResults({ query: trimmed, hits: response.hits, correction: response.uai_correction }),
            setActive(response.hits.length > 0 ? 0 : -1)),
        )
        .catch((error: unknown) => current && setResults({ query: trimmed, error: messageOf(error) }));
    }, DEBOUNCE_MS);
    return () => {
      current = false;
      window.clearTimeout(timer);
    };
  }, [query]);

  const shown = query.trim() === "" ? null : results;
  const hits = shown && "hits" in shown ? shown.hits : [];

  function onKeyDown(event: KeyboardEvent<HTMLInputElement>) {
    if (recent.onKeyDown(event)) return;
    if (isNavigationKey(event.key) && hits.length > 0) {
      event.preventDefault();
      setActive((current) => nextActive(current, hits.length, event.key as Parameters<typeof nextActive>[2]));
    } else if (event.key === "Enter") {
      // Without this, WebKit delivers the same key press to whatever the new page focuses.
      event.preventDefault();
      const hit = hits[active];
      if (!(hit && openHit(hit, onOpen))) primaryStep.current?.();
    } else if (event.key === "Escape") {
      onQueryChange("");
    }
  }

  return (
    <section aria-labelledby="search-title">
      <h1 id="search-title" className="fr-h3">
        Rechercher un établissement ou une adresse
      </h1>
      <div className="fr-input-group">
        <label className="fr-label" htmlFor="search-input">
          Code UAI, nom, commune ou adresse électronique
          <span className="fr-hint-text">
            Exemples&nbsp;: 0750654D, Henri IV, Créteil, ce.0750654d@ac-paris.fr. Flèches pour choisir, Entrée pour ouvrir.
          </span>
        </label>
        <input
          ref={input}
          id="search-input"
          className="fr-input guichet-search-input"
          type="search"
          autoComplete="off"
          spellCheck={false}
          role="combobox"
          aria-autocomplete="list"
          aria-controls={recent.shown ? RECENT_LIST_ID : "search-results"}
          aria-expanded={hits.length > 0 || recent.shown}
          aria-activedescendant={recent.shown ? recent.activeId : active >= 0 && active < hits.length ? optionId(active) : undefined}
          value={query}
          onChange={(event) => onQueryChange(event.target.value)}
          onKeyDown={onKeyDown}
        />
      </div>
      {/* data-query names the query the results below answer (scripts wait on it). */}
      <div aria-live="polite" className="guichet-results-status" id="search-status" data-query={shown?.query ?? ""}>
        {query.trim() !== "" && shown?.query !== query.trim() && <Pending key={query.trim()} label="Recherche…" id="search-pending" />}
        {shown && "error" in shown && <Alert severity="error" small description={shown.error} />}
        {shown && "hits" in shown && shown.correction && (
          <Alert
            severity="warning"
            small
            id="uai-correction"
            description={`Code UAI ${shown.correction.typed}\u00a0: ${shown.correction.message}. Résultat pour ${shown.correction.expected}.`}
          />
        )}
        {shown && "hits" in shown && shown.hits.length === 0 && (
          <p className="fr-text--sm" id="search-empty">
            Aucun établissement ni aucune adresse ne correspond à «&nbsp;{shown.query}&nbsp;». Vérifiez le code UAI ou
            essayez la commune.
          </p>
        )}
        {hits.length > 0 && (
          <p className="fr-sr-only">
            {hits.length} résultat{hits.length > 1 ? "s" : ""}
          </p>
        )}
      </div>
      {hits.length > 0 && <SearchResults hits={hits} active={active} onOpen={onOpen} onHover={setActive} />}
      {recent.shown && <RecentList recent={recent.recent} active={recent.active} onOpen={onOpen} onHover={recent.setActive} />}
      {shown && "hits" in shown && needsDiagnosis(shown.query, shown.hits) && (
        <DiagnosisPanel key={shown.query} email={shown.query} agent={agent} caller={caller} onOpen={onOpen} onSearch={onQueryChange} primaryRef={primaryStep} />
      )}
    </section>
  );
}
