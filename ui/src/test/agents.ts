// Agents as the core sends them to the window, for tests: each with the permissions its role
// gives (a mirror of the core's rule, `Permissions::of`), refusals worded as the core words them.
import type { Agent, Grant, Permissions, Role } from "../bindings";

type Permission = keyof Permissions;

const ALLOWED: Record<Role, readonly Permission[]> = {
  lecture: ["read"],
  agent: ["read", "edit_addresses", "send_links"],
  superviseur: ["read", "edit_addresses", "send_links", "manage_agents", "manage_settings", "read_journal", "run_campaigns", "import_annuaire"],
  envoi: [],
};

/** The role as the core's refusals name it. */
const REFUSAL_LABELS: Record<Role, string> = { lecture: "lecture seule", agent: "agent", superviseur: "superviseur", envoi: "service d’envoi" };

const ACTIONS: Record<Permission, string> = {
  read: "de consulter la base",
  edit_addresses: "de modifier les adresses",
  send_links: "d’envoyer des liens d’initialisation",
  manage_agents: "de gérer les agents",
  manage_settings: "de modifier les réglages",
  read_journal: "de consulter ou d’exporter le journal",
  run_campaigns: "de préparer ou de conduire une campagne d’envoi",
  import_annuaire: "d’importer l’Annuaire de l’éducation",
};

export const ALLOWED_GRANT: Grant = { allowed: true, refusal: null };

export function refused(refusal: string): Grant {
  return { allowed: false, refusal };
}

/** What the core sends for `role`. */
export function permissionsOf(role: Role): Permissions {
  const grant = (permission: Permission): Grant =>
    ALLOWED[role].includes(permission) ? ALLOWED_GRANT : refused(`Votre rôle (${REFUSAL_LABELS[role]}) ne permet pas ${ACTIONS[permission]}.`);
  return {
    read: grant("read"),
    edit_addresses: grant("edit_addresses"),
    send_links: grant("send_links"),
    manage_agents: grant("manage_agents"),
    manage_settings: grant("manage_settings"),
    read_journal: grant("read_journal"),
    run_campaigns: grant("run_campaigns"),
    import_annuaire: grant("import_annuaire"),
  };
}

/** An enabled agent of `role` with the permissions the core gives it; `overrides` replace fields. */
export function agentOf(role: Role, overrides: Partial<Agent> = {}): Agent {
  return { id: 1, login: "camille", display_name: "Camille Martin", role, disabled: false, permissions: permissionsOf(role), ...overrides };
}
