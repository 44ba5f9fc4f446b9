// A new password typed twice, with the policy ticked off under the first field.
import { Input } from "@codegouvfr/react-dsfr/Input";
import type { FieldState } from "../../lib/required";
import { PasswordChecklist, usePasswordRules } from "./PasswordChecklist";

/** Whether the confirmation, once typed, differs from the password: the form must not be sent then. */
export function confirmationDiffers(password: string, confirmation: string): boolean {
  return confirmation !== "" && confirmation !== password;
}

type Props = {
  /** The password field's id; the confirmation's is this id followed by `-confirmation`. */
  id: string;
  /** « Mot de passe », « Nouveau mot de passe »: the confirmation reads « Confirmer le … ». */
  label: string;
  password: string;
  confirmation: string;
  onPasswordChange: (password: string) => void;
  onConfirmationChange: (confirmation: string) => void;
  /** The form's messages for its empty fields, by id (`useRequiredFields`). */
  stateOf: (id: string) => FieldState;
};

export function NewPasswordFields({ id, label, password, confirmation, onPasswordChange, onConfirmationChange, stateOf }: Props) {
  const confirmationLabel = `Confirmer le ${label.charAt(0).toLowerCase()}${label.slice(1)}`;
  const rules = usePasswordRules(password);
  const mismatch = confirmationDiffers(password, confirmation);
  const confirmationState: FieldState = mismatch ? { state: "error", stateRelatedMessage: "Les deux mots de passe diffèrent." } : stateOf(`${id}-confirmation`);
  return (
    <>
      <Input
        label={label}
        {...stateOf(id)}
        nativeInputProps={{ id, type: "password", autoComplete: "new-password", value: password, onChange: (e) => onPasswordChange(e.target.value), required: true }}
      />
      <PasswordChecklist rules={rules} />
      <Input
        label={confirmationLabel}
        {...confirmationState}
        nativeInputProps={{
          id: `${id}-confirmation`,
          type: "password",
          autoComplete: "new-password",
          value: confirmation,
          onChange: (e) => onConfirmationChange(e.target.value),
          required: true,
        }}
      />
    </>
  );
}
