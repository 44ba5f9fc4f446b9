// A day typed as `jj/mm/aaaa` in a design-system field, not the browser's date field, whose
// display follows the PC's locale. Its value is the text and the ISO day it names.
import { Input } from "@codegouvfr/react-dsfr/Input";
import { useState } from "react";
import { readDay, showDay, typedDay, type TypedDay } from "./dates";

type Props = {
  id: string;
  label: string;
  value: TypedDay;
  onChange: (value: TypedDay) => void;
  /** Shows the error before the field is left: the form was submitted with it. */
  checked?: boolean;
};

export function DateField({ id, label, value, onChange, checked = false }: Props) {
  // An error shows once the agent leaves the field, not while the day is half typed.
  const [left, setLeft] = useState(false);
  const reading = readDay(value.text);
  const error = reading.kind === "invalid" && (left || checked) ? reading.message : null;

  function leave() {
    setLeft(true);
    // `5/3/2026` reads back as `05/03/2026`: the agent sees the day understood.
    if (reading.kind === "day" && value.text !== showDay(reading.iso)) onChange(typedDay(showDay(reading.iso)));
  }

  return (
    <Input
      label={label}
      hintText="Format jj/mm/aaaa"
      state={error ? "error" : "default"}
      stateRelatedMessage={error ?? undefined}
      nativeInputProps={{
        id,
        value: value.text,
        autoComplete: "off",
        spellCheck: false,
        "aria-invalid": error ? true : undefined,
        onChange: (e) => onChange(typedDay(e.target.value)),
        onBlur: leave,
      }}
    />
  );
}
