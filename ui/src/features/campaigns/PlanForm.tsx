// What a campaign reaches: a population and the states of its establishments; the dry run
// plans it and sends nothing.
import { Button } from "@codegouvfr/react-dsfr/Button";
import { Checkbox } from "@codegouvfr/react-dsfr/Checkbox";
import type { FormEvent } from "react";
import type { InitState } from "../../bindings";
import { INIT_STATE_LABELS, INIT_STATES } from "../../lib/format";
import type { PopulationForm } from "../initialisation/population";
import { PopulationFields } from "../initialisation/PopulationFields";

type Props = {
  form: PopulationForm;
  states: InitState[];
  /** Why the agent may not plan; undefined when it may. */
  refused: string | undefined;
  busy: boolean;
  onForm: (form: PopulationForm) => void;
  onStates: (states: InitState[]) => void;
  onPlan: () => void;
};

export function PlanForm({ form, states, refused, busy, onForm, onStates, onPlan }: Props) {
  const submit = (event: FormEvent) => {
    event.preventDefault();
    onPlan();
  };
  const toggle = (state: InitState, on: boolean) => onStates(on ? [...states, state] : states.filter((s) => s !== state));
  return (
    <form onSubmit={submit} className="guichet-filters" id="campaign-filters" noValidate>
      <PopulationFields form={form} onChange={onForm} />
      <Checkbox
        id="campaign-states"
        legend="États à atteindre"
        hintText={"Les établissements de la population dans ces états reçoivent un lien (si aucun n’est coché\u00a0: jamais initialisé ou lien expiré)."}
        className="guichet-filters__wide"
        options={INIT_STATES.map((state) => ({
          label: INIT_STATE_LABELS[state],
          nativeInputProps: { value: state, checked: states.includes(state), onChange: (e) => toggle(state, e.target.checked) },
        }))}
      />
      <div className="guichet-filters__actions guichet-filters__actions--beside">
        <Button type="submit" id="campaign-plan" disabled={refused !== undefined || busy} title={refused}>
          Préparer (rien n’est envoyé)
        </Button>
      </div>
    </form>
  );
}
