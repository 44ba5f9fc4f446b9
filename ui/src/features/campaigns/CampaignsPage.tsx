// « Campagnes d’envoi »: every role follows the campaigns; those the core lets run them plan one
// (a dry run: nothing is sent), start it at a rate, pause, resume or cancel it.
import { Alert } from "@codegouvfr/react-dsfr/Alert";
import { Button } from "@codegouvfr/react-dsfr/Button";
import { Input } from "@codegouvfr/react-dsfr/Input";
import { useState } from "react";
import type { Agent, InitState } from "../../bindings";
import { refusalOf } from "../../lib/grant";
import { Pending } from "../../lib/Pending";
import { ALL, toPopulation, type PopulationForm } from "../initialisation/population";
import { usePaletteCommands } from "../palette/registry";
import { DEFAULT_RATE, DEFAULT_STATES } from "./campaign";
import { CampaignItem } from "./CampaignItem";
import { PlanForm } from "./PlanForm";
import { PlanResult } from "./PlanResult";
import { useCampaigns } from "./useCampaigns";

export function CampaignsPage({ agent }: { agent: Agent }) {
  const refused = refusalOf(agent.permissions.run_campaigns);
  const { campaigns, listError, plan, planMessage, listMessage, busy, makePlan, start, change, exportCsv } = useCampaigns();
  const [form, setForm] = useState<PopulationForm>(ALL);
  const [states, setStates] = useState<InitState[]>([...DEFAULT_STATES]);
  const [rateText, setRateText] = useState(String(DEFAULT_RATE));
  const rate = /^\d+$/.test(rateText.trim()) && Number(rateText) > 0 ? Number(rateText) : null;
  // The plan's campaign may have been started or cancelled from the list meanwhile.
  const planState = plan && campaigns?.find((c) => c.campaign === plan.campaign)?.state;
  const planStartable = plan !== null && (planState === undefined || planState === "preparee");

  usePaletteCommands([
    {
      id: "plan-campaign",
      group: "Campagne",
      label: "Préparer une campagne",
      keywords: "envoi liens population",
      refused,
      run: () => document.getElementById("filter-academie")?.focus(),
    },
  ]);

  return (
    <section aria-labelledby="campaigns-title">
      <h1 id="campaigns-title" className="fr-h3">
        Campagnes d’envoi
      </h1>
      {refused !== undefined && (
        <p className="fr-text--sm guichet-refusal" id="campaign-refused">
          {refused}
        </p>
      )}
      <h2 className="fr-h5">Préparer une campagne</h2>
      <PlanForm
        form={form}
        states={states}
        refused={refused}
        busy={busy}
        onForm={setForm}
        onStates={setStates}
        onPlan={() => void makePlan({ population: toPopulation(form), states })}
      />
      {planMessage && (
        <Alert severity={planMessage.ok ? "success" : "error"} small description={planMessage.text} className="fr-mb-2w" id="campaign-plan-message" />
      )}
      {plan && <PlanResult plan={plan} />}
      <div className="guichet-filters__actions fr-mb-4w">
        <Input
          label="Débit (messages par minute)"
          state={rate === null ? "error" : "default"}
          stateRelatedMessage="Un nombre entier de messages par minute, au moins 1."
          nativeInputProps={{ id: "campaign-rate", type: "number", min: 1, step: 1, inputMode: "numeric", value: rateText, onChange: (e) => setRateText(e.target.value) }}
        />
        {plan && (
          <Button
            id="campaign-start"
            disabled={refused !== undefined || busy || rate === null || !planStartable}
            title={refused}
            onClick={() => rate !== null && void start(plan.campaign, rate)}
          >
            Lancer la campagne
          </Button>
        )}
      </div>
      <h2 className="fr-h5">Campagnes</h2>
      {listMessage && (
        <Alert severity={listMessage.ok ? "success" : "error"} small description={listMessage.text} className="fr-mb-2w" id="campaign-message" />
      )}
      {listError && <Alert severity="error" small description={listError} className="fr-mb-2w" id="campaigns-error" />}
      {!campaigns && !listError && <Pending label="Lecture des campagnes…" />}
      {campaigns?.length === 0 && <p id="campaigns-empty">Aucune campagne pour l’instant.</p>}
      {campaigns && campaigns.length > 0 && (
        <ul className="guichet-campaigns" id="campaigns">
          {campaigns.map((status) => (
            <CampaignItem
              key={status.campaign}
              status={status}
              refused={refused}
              busy={busy}
              rate={rate}
              onStart={() => rate !== null && void start(status.campaign, rate)}
              onChange={(action) => void change(status.campaign, action)}
              onExport={() => void exportCsv(status.campaign)}
            />
          ))}
        </ul>
      )}
    </section>
  );
}
