// The keyboard shortcuts, listed once: the help panel shows this list and App handles these keys.

export type Shortcut = { keys: string[]; does: string };

export const SHORTCUTS: { title: string; shortcuts: Shortcut[] }[] = [
  {
    title: "Partout",
    shortcuts: [
      { keys: ["Ctrl", "K"], does: "Ouvrir la palette de commandes\u00a0: tous les écrans et toutes les actions" },
      { keys: ["/"], does: "Aller au champ de recherche" },
      { keys: ["?"], does: "Afficher cette aide" },
      { keys: ["Échap"], does: "Fermer la fenêtre ouverte, annuler une confirmation ou revenir à la recherche" },
      { keys: ["Tab"], does: "Passer au champ ou au bouton suivant (Maj+Tab\u00a0: précédent)" },
    ],
  },
  {
    title: "Recherche",
    shortcuts: [
      { keys: ["↑", "↓"], does: "Choisir un résultat, ou un établissement récent quand le champ est vide" },
      { keys: ["Début", "Fin"], does: "Premier ou dernier résultat" },
      { keys: ["Entrée"], does: "Ouvrir l’établissement choisi" },
    ],
  },
  {
    title: "Palette de commandes",
    shortcuts: [
      { keys: ["↑", "↓"], does: "Choisir une commande" },
      { keys: ["Entrée"], does: "Exécuter la commande choisie" },
    ],
  },
];

/** Whether a key press is typing in a field, where "/" and "?" are characters, not shortcuts. */
export function isTyping(target: EventTarget | null): boolean {
  if (!(target instanceof HTMLElement)) return false;
  return target.isContentEditable || ["INPUT", "TEXTAREA", "SELECT"].includes(target.tagName);
}
