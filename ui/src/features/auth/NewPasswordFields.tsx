// A new password typed twice, with the policy ticked off under the first field.
import { Input } from "@codegouvfr/react-dsfr/Input";
import { PasswordChecklist, usePasswordRules } from "./PasswordChecklist";

/** Whether the confirmation, once typed, differs from the password: the form must not be sent then. */
export function confirmationDiffers(password: string, confirmation: string): boolean {
  return confirmation !== "" && confirmation !== password;
}

type Props = {
  id: string;
  label: string;
  confirmationId: string;
  confirmationLabel: string;
  password: string;
  confirmation: string;
  onPasswordChange: (password: string) => void;
  onConfirmationChange: (confirmation: string) => void;
};

export function NewPasswordFields({ id, label, confirmationId, confirmationLabel, password, confirmation, onPasswordChange, onConfirmationChange }: Props) {
  const rules = usePasswordRules(password);
  const mismatch = confirmationDiffers(password, confirmation);
  return (
    <>
      <Input
        label={label}
        nativeInputProps={{ id, type: "password", autoComplete: "new-password", value: password, onChange: (e) => onPasswordChange(e.target.value), required: true }}
      />
      <PasswordChecklist rules={rules} />
      <Input
        label={confirmationLabel}
        state={mismatch ? "error" : "default"}
        stateRelatedMessage={mismatch ? "Les deux mots de passe diffèrent." : undefined}
        nativeInputProps={{
          id: confirmationId,
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
