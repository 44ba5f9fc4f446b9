// A setting counted in seconds, at least one; an emptied field reports null.
import { Input } from "@codegouvfr/react-dsfr/Input";

type Props = { id: string; label: string; hint: string; value: number | null; onChange: (seconds: number | null) => void };

export function SecondsField({ id, label, hint, value, onChange }: Props) {
  return (
    <Input
      label={label}
      hintText={hint}
      nativeInputProps={{ id, type: "number", min: 1, value: value ?? "", onChange: (e) => onChange(e.target.value === "" ? null : Number(e.target.value)) }}
    />
  );
}
