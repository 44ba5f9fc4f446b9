// Adding an address to the base and attaching it to the establishment, with the note of the call
// that every change of the page carries; disabled with the core's reason when the role refuses it.
import { Button } from "@codegouvfr/react-dsfr/Button";
import { Checkbox } from "@codegouvfr/react-dsfr/Checkbox";
import { Input } from "@codegouvfr/react-dsfr/Input";
import type { FormEvent } from "react";
import { useRequiredFields } from "../../lib/required";
import type { Draft } from "./useAddressChanges";

type Props = {
  draft: Draft;
  /** Why the agent may not change the addresses; undefined when it may. */
  refused: string | undefined;
  onEdit: (change: Partial<Draft>) => void;
  onSubmit: () => void;
};

export function AttachForm({ draft, refused, onEdit, onSubmit }: Props) {
  const canEdit = refused === undefined;
  const required = useRequiredFields({ "attach-email": { value: draft.email, message: "Saisissez l’adresse électronique à ajouter ou à rattacher." } });
  const submit = (event: FormEvent) => {
    event.preventDefault();
    if (required.check()) onSubmit();
  };
  return (
    <form onSubmit={submit} className="guichet-narrow fr-mt-4w" aria-labelledby="attach-title" id="attach-form" noValidate>
      <h2 id="attach-title" className="fr-h5">
        Ajouter ou rattacher une adresse
      </h2>
      {refused !== undefined && (
        <p className="fr-text--sm guichet-refusal" id="edit-refused">
          {refused}
        </p>
      )}
      <Input
        label="Adresse électronique"
        hintText="Une adresse absente de la base y est ajoutée, puis rattachée à cet établissement."
        disabled={!canEdit}
        {...required.stateOf("attach-email")}
        nativeInputProps={{ id: "attach-email", value: draft.email, onChange: (e) => onEdit({ email: e.target.value }), required: true, autoComplete: "off", spellCheck: false }}
      />
      <Checkbox
        id="attach-principal"
        disabled={!canEdit}
        options={[
          {
            label: "En faire l’adresse principale de l’établissement",
            nativeInputProps: { checked: draft.principal, onChange: (e) => onEdit({ principal: e.target.checked }) },
          },
        ]}
      />
      <Input
        label="Note de l’appel (facultative)"
        hintText={"Par exemple\u00a0: appel du secrétariat, M. Martin. Elle figure au journal."}
        disabled={!canEdit}
        nativeInputProps={{ id: "call-note", value: draft.note, onChange: (e) => onEdit({ note: e.target.value }) }}
      />
      <Button type="submit" disabled={!canEdit} id="attach-submit" title={refused}>
        Rattacher…
      </Button>
    </form>
  );
}
