// The population's states as a donut, drawn by the DSFR's own chart package (its `pie-chart` web
// component), in the design system's palette. The table beside it carries the same figures.
import "@gouvfr/dsfr-chart/PieChart";
import chartStyles from "@gouvfr/dsfr-chart/PieChart.css?inline";
import type { StateCounts } from "../../bindings";
import { INIT_STATES, INIT_STATE_LABELS } from "../../lib/format";

declare module "react" {
  // eslint-disable-next-line @typescript-eslint/no-namespace
  namespace JSX {
    interface IntrinsicElements {
      "pie-chart": {
        id?: string;
        ref?: (element: HTMLElement | null) => void;
        x: string;
        y: string;
        name: string;
        "selected-palette": string;
        "unit-tooltip"?: string;
      };
    }
  }
}

// The package's element renders into a shadow root (its build passes `shadowRoot: false` to
// `customElements.define`, which ignores it), where neither its stylesheet nor the DSFR's reach:
// its legend would show without its colours. Its own rules, and the few DSFR utilities its
// legend uses, are given to that root as a constructed stylesheet, which the window's content
// security policy allows.
const LEGEND_UTILITIES = `
  p { margin: 0; }
  .fr-text--sm { font-size: 0.875rem; line-height: 1.5rem; }
  .fr-text--bold { font-weight: 700; }
  .fr-ml-1w { margin-left: 0.5rem; }
  .fr-mt-3v { margin-top: 0.75rem; }
  .fr-mb-1v { margin-bottom: 0.25rem; }
  .fr-mt-4v { margin-top: 1rem; }
`;
let sheet: CSSStyleSheet | null = null;

function styleShadowRoot(element: HTMLElement | null) {
  const root = element?.shadowRoot;
  if (!root) return;
  if (!sheet) {
    sheet = new CSSStyleSheet();
    sheet.replaceSync(chartStyles + LEGEND_UTILITIES);
  }
  root.adoptedStyleSheets = [sheet];
}

export function StateChart({ states }: { states: StateCounts }) {
  // Every state, even at zero, so that each keeps its colour from one population to the next.
  const labels = INIT_STATES.map((state) => INIT_STATE_LABELS[state]);
  return (
    <div className="guichet-chart" aria-hidden="true">
      <pie-chart
        id="initialisation-chart"
        ref={styleShadowRoot}
        x={JSON.stringify([labels])}
        y={JSON.stringify([INIT_STATES.map((state) => states[state])])}
        name={JSON.stringify(labels)}
        selected-palette="categorical"
        unit-tooltip="établissements"
      />
    </div>
  );
}
