// A setting counted in whole units (seconds, messages a minute), at least one; an emptied field
// reports null. What is not such a number says so beside the field, in French: the form does not
// let the browser speak (`noValidate`).
import { Input } from "@codegouvfr/react-dsfr/Input";
import { useState } from "react";

type Props = { id: string; label: string; hint: string; value: number | null; onChange: (seconds: number | null) => void };

export const NOT_A_COUNT = "Un nombre entier, au moins 1.";

export function SecondsField({ id, label, hint, value, onChange }: Props) {
  // Letters typed in a number field leave it an empty value: only the field knows they are there.
  const [unreadable, setUnreadable] = useState(false);
  const invalid = unreadable || (value !== null && (!Number.isInteger(value) || value < 1));
  return (
    <Input
      label={label}
      hintText={hint}
      state={invalid ? "error" : "default"}
      stateRelatedMessage={invalid ? NOT_A_COUNT : undefined}
      nativeInputProps={{
        id,
        type: "number",
        min: 1,
        step: 1,
        value: value ?? "",
        "aria-invalid": invalid || undefined,
        onChange: (e) => {
          setUnreadable(e.target.validity.badInput);
          onChange(e.target.value === "" ? null : Number(e.target.value));
        },
      }}
    />
  );
}
