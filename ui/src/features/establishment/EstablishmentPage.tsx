// An establishment's page and what an agent does on it: attach an address, change the principal
// address, detach one; each confirmed first, then saved as one change, then listed in the
// timeline. Other agents' changes reload the page.
import { Alert } from "@codegouvfr/react-dsfr/Alert";
import { Button } from "@codegouvfr/react-dsfr/Button";
import { useEffect, useState } from "react";
import type { Agent } from "../../bindings";
import { refusalOf } from "../../lib/grant";
import { Pending } from "../../lib/Pending";
import { AddressPanel } from "../links/AddressPanel";
import { usePaletteCommands } from "../palette/registry";
import { AddressRowActions } from "./AddressRowActions";
import { AttachForm } from "./AttachForm";
import { ConfirmBox } from "./ConfirmBox";
import { establishmentCommands } from "./establishmentCommands";
import { EstablishmentView } from "./EstablishmentView";
import { OfficialSuggestion } from "./OfficialSuggestion";
import { Timeline } from "./Timeline";
import { useAddressChanges } from "./useAddressChanges";
import { useEstablishment } from "./useEstablishment";

/** `email`: the address the agent came for (an address's search result), its links shown;
 * `onOpen` opens another establishment (a closed one's successor). */
type Props = { uai: string; email?: string; agent: Agent; onBack: () => void; onOpen: (uai: string) => void };

export function EstablishmentPage({ uai, email, agent, onBack, onOpen }: Props) {
  const { establishment, error, loading, revision, reload } = useEstablishment(uai);
  const changes = useAddressChanges(establishment, reload);
  const { pending, cancel } = changes;
  const [openAddress, setOpenAddress] = useState<string | null>(email ?? null);
  const refused = refusalOf(agent.permissions.edit_addresses);

  // Escape cancels the change waiting for confirmation, or else goes back to the search.
  useEffect(() => {
    const onKey = (event: KeyboardEvent) => {
      if (event.key !== "Escape") return;
      if (pending) cancel();
      else onBack();
    };
    window.addEventListener("keydown", onKey);
    return () => window.removeEventListener("keydown", onKey);
  }, [onBack, pending, cancel]);

  const askPrincipal = (email: string) => changes.ask({ kind: "principal", email });
  usePaletteCommands(
    establishment
      ? establishmentCommands(establishment, refused, { openLinks: setOpenAddress, askPrincipal, askDetach: changes.askDetach, back: onBack, open: onOpen })
      : [],
  );

  return (
    <section>
      <Button priority="tertiary no outline" iconId="fr-icon-arrow-left-line" onClick={onBack} title="Revenir à la recherche (Échap)" id="back-to-search">
        Retour à la recherche
      </Button>
      {loading && <Pending label={`Ouverture de l’établissement ${uai}…`} />}
      {error !== null && <Alert className="fr-mt-4w" severity="error" title="Établissement introuvable" description={error} />}
      {establishment && (
        <>
          <EstablishmentView
            establishment={establishment}
            focusTitle={email === undefined}
            onOpenSuccessor={onOpen}
            principalSuggestion={
              <OfficialSuggestion
                establishment={establishment}
                refused={refused}
                onAsk={(official, attached) =>
                  attached ? askPrincipal(official) : changes.ask({ kind: "attach", email: official, principal: true, warning: null })
                }
              />
            }
            rowActions={(address) => (
              <AddressRowActions
                address={address}
                refused={refused}
                onLinks={() => setOpenAddress(address.email)}
                onPrincipal={() => askPrincipal(address.email)}
                onDetach={() => changes.askDetach(address.email, address.principal)}
              />
            )}
          />
          {openAddress && establishment.addresses.some((a) => a.email === openAddress) && (
            <AddressPanel
              email={openAddress}
              agent={agent}
              note={changes.draft.note}
              onClose={() => setOpenAddress(null)}
              focusSend={openAddress === email}
            />
          )}
          {changes.outcome && (
            <Alert severity={changes.outcome.ok ? "success" : "error"} small description={changes.outcome.message} className="fr-mt-2w" id="action-outcome" />
          )}
          {pending && (
            <ConfirmBox
              pending={pending}
              establishment={establishment}
              busy={changes.busy}
              onReplacement={changes.setReplacement}
              onConfirm={changes.confirm}
              onCancel={cancel}
            />
          )}
          <AttachForm draft={changes.draft} refused={refused} onEdit={changes.edit} onSubmit={changes.askAttach} />
          <Timeline uai={establishment.uai} revision={revision} />
        </>
      )}
    </section>
  );
}
