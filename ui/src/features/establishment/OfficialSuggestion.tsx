// The Annuaire de l'éducation's address of an establishment without a principal one, offered
// as its principal address in one action (confirmed as any change is).
import { Button } from "@codegouvfr/react-dsfr/Button";
import type { Establishment } from "../../bindings";

type Props = {
  establishment: Establishment;
  /** Why the agent's role may not change addresses, when it may not. */
  refused: string | undefined;
  /** Asks to attach `email` as the principal address, or to make it principal when attached. */
  onAsk: (email: string, attached: boolean) => void;
};

export function OfficialSuggestion({ establishment, refused, onAsk }: Props) {
  const official = establishment.annuaire.official_mail;
  if (!official || establishment.annuaire.closed_on) return null;
  const attached = establishment.addresses.some((a) => a.email.toLowerCase() === official.toLowerCase());
  return (
    <div id="official-suggestion" className="guichet-suggestion fr-mb-3v">
      <p className="fr-text--sm fr-mb-1w">
        Adresse de l’établissement dans l’Annuaire de l’éducation&nbsp;: <strong>{official}</strong>
        {attached ? " (déjà rattachée)" : ""}
      </p>
      <Button
        id="use-official-mail"
        size="small"
        priority="secondary"
        disabled={refused !== undefined}
        title={refused}
        onClick={() => onAsk(official, attached)}
      >
        {attached ? `Faire de ${official} l’adresse principale…` : `Ajouter ${official} comme adresse principale…`}
      </Button>
    </div>
  );
}
