// The agent's last word before a change of the establishment's addresses is saved: what will
// change, and which address replaces a detached principal one.
import { Alert } from "@codegouvfr/react-dsfr/Alert";
import { Button } from "@codegouvfr/react-dsfr/Button";
import { Select } from "@codegouvfr/react-dsfr/Select";
import type { Establishment } from "../../bindings";
import type { PendingChange } from "./useAddressChanges";

type Props = {
  pending: PendingChange;
  establishment: Establishment;
  busy: boolean;
  onReplacement: (email: string) => void;
  onConfirm: () => void;
  onCancel: () => void;
};

export function ConfirmBox({ pending, establishment, busy, onReplacement, onConfirm, onCancel }: Props) {
  const target = `${establishment.name} (${establishment.uai})`;
  const question =
    pending.kind === "attach"
      ? `Rattacher «\u00a0${pending.email}\u00a0» à ${target}${pending.principal ? " et en faire l’adresse principale" : ""}\u00a0?`
      : pending.kind === "principal"
        ? `Faire de «\u00a0${pending.email}\u00a0» l’adresse principale de ${target}\u00a0?`
        : `Détacher «\u00a0${pending.email}\u00a0» de ${target}\u00a0?`;
  const others = establishment.addresses.filter((address) => address.email !== pending.email);
  return (
    <div className="fr-callout fr-mt-2w" role="alertdialog" aria-labelledby="confirm-question" id="confirm-box">
      {pending.kind === "attach" && pending.warning && (
        <Alert severity="warning" small description={pending.warning} className="fr-mb-2w" id="confirm-warning" />
      )}
      <p className="fr-callout__text" id="confirm-question">
        {question}
      </p>
      {pending.kind === "detach" && pending.principal && (
        <Select
          label={"C’est l’adresse principale\u00a0: choisissez celle qui la remplace"}
          nativeSelectProps={{ id: "replacement-select", value: pending.replacement, onChange: (e) => onReplacement(e.target.value) }}
        >
          {others.length === 0 && <option value="">Aucune autre adresse rattachée</option>}
          {others.map((address) => (
            <option key={address.account_id} value={address.email}>
              {address.email}
            </option>
          ))}
        </Select>
      )}
      <div className="guichet-lock__actions">
        <Button onClick={onConfirm} disabled={busy} id="confirm-action" nativeButtonProps={{ autoFocus: true }}>
          {busy ? "Enregistrement…" : "Confirmer"}
        </Button>
        <Button priority="secondary" onClick={onCancel}>
          Annuler
        </Button>
      </div>
    </div>
  );
}
