import { describe, expect, it } from "vitest";
import { permissionsOf } from "./agents";

// The fixtures stand for what the core sends: the same rule and the same words as `Permissions::of`.
describe("the test agents' permissions", () => {
  it("let a reader read only, in the core's words", () => {
    const lecture = permissionsOf("lecture");
    expect(lecture.read).toEqual({ allowed: true, refusal: null });
    expect(lecture.edit_addresses.refusal).toBe("Votre rôle (lecture seule) ne permet pas de modifier les adresses.");
    expect(lecture.send_links.refusal).toBe("Votre rôle (lecture seule) ne permet pas d’envoyer des liens d’initialisation.");
  });

  it("let an agent change addresses and send links, not what supervisors do", () => {
    const agent = permissionsOf("agent");
    expect([agent.read, agent.edit_addresses, agent.send_links].every((grant) => grant.allowed && grant.refusal === null)).toBe(true);
    expect(agent.manage_agents.refusal).toBe("Votre rôle (agent) ne permet pas de gérer les agents.");
    expect(agent.manage_settings.refusal).toBe("Votre rôle (agent) ne permet pas de modifier les réglages.");
    expect(agent.read_journal.refusal).toBe("Votre rôle (agent) ne permet pas de consulter ou d’exporter le journal.");
  });

  it("let a supervisor do everything", () => {
    expect(Object.values(permissionsOf("superviseur")).every((grant) => grant.allowed && grant.refusal === null)).toBe(true);
  });
});
