// What the Annuaire de l'éducation says of an establishment, at the head of its page: closed
// (a tombstone, with the establishment that took over, one Entrée away), or closing.
import { Alert } from "@codegouvfr/react-dsfr/Alert";
import { Button } from "@codegouvfr/react-dsfr/Button";
import type { Ref } from "react";
import type { AnnuaireFacts, Successor } from "../../bindings";
import { showDay } from "../../lib/dates";
import { KIND_LABELS } from "../../lib/format";

type Props = {
  facts: AnnuaireFacts;
  onOpenSuccessor?: (uai: string) => void;
  /** The successor's button, which takes the focus when a closed establishment opens. */
  successorButton?: Ref<HTMLButtonElement>;
};

export function AnnuaireNotice({ facts, onOpenSuccessor, successorButton }: Props) {
  if (facts.closed_on) {
    return (
      <div id="closed-notice" className="fr-mb-3w">
        <Alert
          severity="warning"
          small
          description={`Établissement fermé le ${showDay(facts.closed_on)}. Ses adresses et son historique restent consultables, mais aucun lien d’initialisation ne leur est envoyé.`}
        />
        {facts.successor ? (
          <SuccessorLine successor={facts.successor} onOpen={onOpenSuccessor} button={successorButton} />
        ) : (
          <p className="fr-text--sm fr-mt-1w" id="successor-none">
            Aucun établissement ouvert du même type dans la même commune n’est connu pour lui succéder.
          </p>
        )}
      </div>
    );
  }
  if (facts.closing_announced) {
    return <Alert id="closing-notice" className="fr-mb-3w" severity="info" small description={"Fermeture annoncée par l’Annuaire de l’éducation\u00a0: l’établissement est encore ouvert."} />;
  }
  return null;
}

function SuccessorLine({ successor, onOpen, button }: { successor: Successor; onOpen?: (uai: string) => void; button?: Ref<HTMLButtonElement> }) {
  const why = successor.reason === "annuaire" ? "désigné par l’Annuaire de l’éducation" : "ouvert, du même type, dans la même commune";
  return (
    <div className="fr-mt-1w guichet-successor" id="successor" data-uai={successor.uai}>
      <p className="fr-text--sm fr-mb-1w">
        Successeur {successor.reason === "annuaire" ? "" : "suggéré "}({why})&nbsp;: <strong>{successor.name}</strong> — {KIND_LABELS[successor.type]}, {successor.uai}, {successor.postcode} {successor.town}
        {successor.closed_on ? `, fermé lui aussi le ${showDay(successor.closed_on)}` : ""}
      </p>
      {onOpen && (
        <Button ref={button} id="open-successor" size="small" iconId="fr-icon-arrow-right-line" iconPosition="right" onClick={() => onOpen(successor.uai)}>
          Ouvrir {successor.name}
        </Button>
      )}
    </div>
  );
}
