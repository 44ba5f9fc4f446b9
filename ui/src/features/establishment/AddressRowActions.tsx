// What an agent does with one attached address, from its row: its links, making it principal,
// detaching it; the changes disabled with the core's reason when the agent's role refuses them.
import { Button } from "@codegouvfr/react-dsfr/Button";
import type { AttachedAddress } from "../../bindings";

type Props = {
  address: AttachedAddress;
  /** Why the agent may not change the addresses; undefined when it may. */
  refused: string | undefined;
  onLinks: () => void;
  onPrincipal: () => void;
  onDetach: () => void;
};

export function AddressRowActions({ address, refused, onLinks, onPrincipal, onDetach }: Props) {
  const canEdit = refused === undefined;
  return (
    <div className="guichet-row-actions">
      <Button size="small" priority="secondary" title={`État et liens d’initialisation de ${address.email}`} nativeButtonProps={{ "data-action": "links" }} onClick={onLinks}>
        Liens
      </Button>
      {!address.principal && (
        <Button
          size="small"
          priority="tertiary"
          disabled={!canEdit}
          title={refused ?? `Faire de ${address.email} l’adresse principale`}
          nativeButtonProps={{ "data-action": "principal" }}
          onClick={onPrincipal}
        >
          Rendre principale
        </Button>
      )}
      <Button
        size="small"
        priority="tertiary"
        disabled={!canEdit}
        title={refused ?? `Détacher ${address.email}`}
        nativeButtonProps={{ "data-action": "detach" }}
        onClick={onDetach}
      >
        Détacher
      </Button>
    </div>
  );
}
