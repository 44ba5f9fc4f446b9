// One campaign of the list: its state, its progress, and what may be done with it now; cancelling
// asks first, in the page.
import { Badge } from "@codegouvfr/react-dsfr/Badge";
import { Button } from "@codegouvfr/react-dsfr/Button";
import { useState } from "react";
import type { CampaignAction, CampaignState, CampaignStatus } from "../../bindings";
import { formatDateTime } from "../../lib/format";
import { allows, CAMPAIGN_STATE_LABELS, formatDuration } from "./campaign";

type Props = {
  status: CampaignStatus;
  /** Why the agent may not conduct campaigns; undefined when it may. */
  refused: string | undefined;
  busy: boolean;
  /** The rate field's value, null when it holds no valid rate. */
  rate: number | null;
  onStart: () => void;
  onChange: (action: Exclude<CampaignAction, "start">) => void;
  onExport: () => void;
};

const SEVERITY: Record<CampaignState, "new" | "info" | "warning" | "error" | "success"> = {
  preparee: "new",
  "en-cours": "info",
  "en-pause": "warning",
  annulee: "error",
  terminee: "success",
};

export function CampaignItem({ status, refused, busy, rate, onStart, onChange, onExport }: Props) {
  const [confirming, setConfirming] = useState(false);
  const n = status.campaign;
  const name = `campagne n°\u00a0${n}`;
  const done = status.sent + status.failed + status.dropped;
  const rateNow = status.rate_per_minute ?? null;
  const left = status.seconds_left ?? null;
  // An action the agent may do, in a state that allows it.
  const can = (action: CampaignAction) => refused === undefined && !busy && allows(status.state, action);

  return (
    <li className="guichet-campaign" id={`campaign-${n}`} data-state={status.state}>
      <h3 className="fr-h6 fr-mb-1w">
        {`Campagne n°\u00a0${n} `}
        <Badge as="span" noIcon small severity={SEVERITY[status.state]} id={`campaign-state-${n}`}>
          {CAMPAIGN_STATE_LABELS[status.state]}
        </Badge>
      </h3>
      <p className="fr-text--sm fr-mb-1w guichet-refusal">
        {`Préparée le ${formatDateTime(status.created_at)}`}
        {status.started_at && `, lancée le ${formatDateTime(status.started_at)}`}
        {rateNow !== null && ` à ${rateNow}\u00a0messages par minute`}
        {` · ${status.skipped} établissement${status.skipped > 1 ? "s" : ""} écarté${status.skipped > 1 ? "s" : ""}`}
      </p>
      <progress className="guichet-progress" id={`campaign-progress-${n}`} aria-label={`Progression de la ${name}`} value={done} max={Math.max(status.to_send, 1)}>
        {`${done} sur ${status.to_send}`}
      </progress>
      <p className="fr-mb-1w" id={`campaign-figures-${n}`}>
        {`Envoyés ${status.sent} · En échec ${status.failed} · Restants ${status.remaining}`}
        {status.dropped > 0 && ` · Non envoyés ${status.dropped}`}
        {left !== null && <span id={`campaign-eta-${n}`}>{` · Fin prévue dans ${formatDuration(left)}`}</span>}
      </p>
      <div className="guichet-row-actions">
        {status.state === "preparee" && (
          <Button size="small" id={`campaign-launch-${n}`} disabled={!can("start") || rate === null} title={refused ?? `Lancer la ${name} au débit choisi`} onClick={onStart}>
            Lancer
          </Button>
        )}
        <Button size="small" priority="secondary" id={`campaign-pause-${n}`} disabled={!can("pause")} title={refused ?? `Mettre en pause la ${name}`} onClick={() => onChange("pause")}>
          Pause
        </Button>
        <Button size="small" priority="secondary" id={`campaign-resume-${n}`} disabled={!can("resume")} title={refused ?? `Reprendre la ${name}`} onClick={() => onChange("resume")}>
          Reprendre
        </Button>
        <Button size="small" priority="secondary" id={`campaign-cancel-${n}`} disabled={!can("cancel") || confirming} title={refused ?? `Annuler la ${name}`} onClick={() => setConfirming(true)}>
          Annuler
        </Button>
        <Button size="small" priority="tertiary" iconId="fr-icon-download-line" id={`campaign-export-${n}`} onClick={onExport}>
          Exporter le compte rendu (CSV)
        </Button>
      </div>
      {confirming && (
        <div className="fr-callout fr-mt-2w" role="alertdialog" aria-labelledby={`campaign-cancel-question-${n}`}>
          <p className="fr-callout__text" id={`campaign-cancel-question-${n}`}>
            {`Annuler la ${name}\u00a0? Les liens pas encore envoyés ne le seront pas.`}
          </p>
          <div className="guichet-lock__actions">
            <Button
              id={`campaign-cancel-confirm-${n}`}
              disabled={!can("cancel")}
              nativeButtonProps={{ autoFocus: true }}
              onClick={() => {
                setConfirming(false);
                onChange("cancel");
              }}
            >
              Annuler la campagne
            </Button>
            <Button priority="secondary" id={`campaign-cancel-keep-${n}`} onClick={() => setConfirming(false)}>
              Ne pas annuler
            </Button>
          </div>
        </div>
      )}
    </li>
  );
}
