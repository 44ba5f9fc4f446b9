import { act, fireEvent, render, screen } from "@testing-library/react";
import { beforeEach, describe, expect, it, vi } from "vitest";
import type { Agent } from "../../bindings";
import { agentOf } from "../../test/agents";
import { byId } from "../../test/dom";

const sandrine = agentOf("superviseur", { id: 1, login: "sandrine", display_name: "Sandrine Petit" });
const team: Agent[] = [
  sandrine,
  agentOf("agent", { id: 2, login: "camille", display_name: "Camille Martin" }),
  agentOf("lecture", { id: 3, login: "lea", display_name: "Léa Bernard", disabled: true }),
];

const commands = vi.hoisted(() => ({
  agents: vi.fn(),
  setAgentRole: vi.fn(),
  setAgentDisabled: vi.fn(),
  passwordRules: vi.fn(async () => []),
  addAgent: vi.fn(),
}));
vi.mock("../../bindings", () => ({ commands }));

import { AgentsPage } from "./AgentsPage";

async function shown() {
  await act(async () => {
    render(<AgentsPage me={sandrine} />);
  });
}

describe("the agents screen", () => {
  beforeEach(() => {
    vi.clearAllMocks();
    commands.agents.mockResolvedValue({ status: "ok", data: team });
    commands.setAgentRole.mockResolvedValue({ status: "ok", data: null });
    commands.setAgentDisabled.mockResolvedValue({ status: "ok", data: null });
  });

  it("lets a supervisor change nothing of its own account", async () => {
    await shown();
    expect(document.getElementById("role-sandrine")).toBeNull();
    expect(document.getElementById("disable-sandrine")).toBeNull();
    expect(document.getElementById("role-camille")).not.toBeNull();
    expect(document.getElementById("enable-lea")?.textContent).toBe("Réactiver");
  });

  it("changes a role only once confirmed", async () => {
    await shown();
    fireEvent.change(byId("role-camille"), { target: { value: "lecture" } });
    expect(commands.setAgentRole).not.toHaveBeenCalled();
    expect(document.getElementById("agent-confirm-question")?.textContent).toContain("Camille Martin");
    await act(async () => {
      fireEvent.click(screen.getByRole("button", { name: "Confirmer" }));
    });
    expect(commands.setAgentRole).toHaveBeenCalledWith("camille", "lecture");
    expect(document.getElementById("agent-outcome")?.textContent).toContain("Lecture seule");
  });

  it("disables after confirmation, and a cancel changes nothing", async () => {
    await shown();
    fireEvent.click(byId("disable-camille"));
    fireEvent.click(screen.getByRole("button", { name: "Annuler" }));
    expect(document.getElementById("agent-confirm-box")).toBeNull();
    fireEvent.click(byId("disable-camille"));
    await act(async () => {
      fireEvent.click(screen.getByRole("button", { name: "Confirmer" }));
    });
    expect(commands.setAgentDisabled).toHaveBeenCalledTimes(1);
    expect(commands.setAgentDisabled).toHaveBeenCalledWith("camille", true);
  });

  it("shows the core's refusal as it is", async () => {
    commands.setAgentDisabled.mockResolvedValue({
      status: "error",
      error: { kind: "forbidden", message: "Votre rôle (agent) ne permet pas de gérer les agents." },
    });
    await shown();
    fireEvent.click(byId("enable-lea"));
    await act(async () => {
      fireEvent.click(screen.getByRole("button", { name: "Confirmer" }));
    });
    expect(document.getElementById("agent-outcome")?.textContent).toContain("ne permet pas de gérer les agents");
  });
});
