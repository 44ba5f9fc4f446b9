// What the palette offers on an establishment's page: its changes (listed but not runnable, with
// the core's reason, when the agent's role refuses them), each address's links, the timeline.
import type { Establishment } from "../../bindings";
import type { PaletteCommand } from "../palette/palette";

type Actions = {
  openLinks: (email: string) => void;
  askPrincipal: (email: string) => void;
  askDetach: (email: string, principal: boolean) => void;
  back: () => void;
  /** Opens another establishment: a closed one's successor. */
  open: (uai: string) => void;
};

export function establishmentCommands(establishment: Establishment, refused: string | undefined, actions: Actions): PaletteCommand[] {
  const successor = establishment.annuaire.closed_on ? establishment.annuaire.successor : null;
  return [
    ...(successor
      ? [{ id: "successor", group: "Établissement", label: `Ouvrir le successeur ${successor.name} (${successor.uai})`, keywords: "fermé successeur annuaire", run: () => actions.open(successor.uai) }]
      : []),
    {
      id: "attach",
      group: "Établissement",
      label: "Ajouter ou rattacher une adresse",
      keywords: "nouvelle adresse association",
      refused,
      run: () => document.getElementById("attach-email")?.focus(),
    },
    ...establishment.addresses.flatMap((address): PaletteCommand[] => [
      {
        id: `links-${address.account_id}`,
        group: "Adresse",
        label: `Liens et état de ${address.email}`,
        keywords: "initialisation envoyer lien",
        run: () => actions.openLinks(address.email),
      },
      ...(address.principal
        ? []
        : [{ id: `principal-${address.account_id}`, group: "Établissement", label: `Rendre principale ${address.email}`, keywords: "adresse principale changer", refused, run: () => actions.askPrincipal(address.email) }]),
      { id: `detach-${address.account_id}`, group: "Établissement", label: `Détacher ${address.email}`, keywords: "retirer enlever", refused, run: () => actions.askDetach(address.email, address.principal) },
    ]),
    { id: "timeline", group: "Établissement", label: "Voir l’historique de l’établissement", keywords: "chronologie journal", run: () => document.getElementById("timeline")?.scrollIntoView() },
    { id: "back", group: "Établissement", label: "Retour à la recherche", shortcut: "Échap", run: actions.back },
  ];
}
