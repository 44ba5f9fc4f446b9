import { act, fireEvent, render } from "@testing-library/react";
import { beforeEach, describe, expect, it, vi } from "vitest";
import type { Agent } from "../../bindings";
import { agentOf, ALLOWED_GRANT, refused } from "../../test/agents";
import { byId } from "../../test/dom";
import { paletteCommands, WithPalette } from "../../test/palette";

const commands = vi.hoisted(() => ({ addressLinks: vi.fn(), sendLink: vi.fn() }));
vi.mock("../../bindings", () => ({ commands, CHANGE_EVENT: "guichet://change" }));
vi.mock("@tauri-apps/api/event", () => ({ listen: vi.fn(async () => () => {}) }));

import { AddressPanel } from "./AddressPanel";

/** A refusal no constant of the window holds: shown, it can only come from the agent's data. */
const REFUSAL = "Refus d’essai venu du cœur (envoi des liens).";
const email = "secretariat.henri-iv@gmail.com";

async function shown(agent: Agent) {
  await act(async () => {
    render(
      <WithPalette>
        <AddressPanel email={email} agent={agent} note="" onClose={() => {}} />
      </WithPalette>,
    );
  });
}

function withSending(agent: Agent, send_links: Agent["permissions"]["send_links"]): Agent {
  return { ...agent, permissions: { ...agent.permissions, send_links } };
}

describe("an address's links", () => {
  beforeEach(() => {
    commands.addressLinks.mockResolvedValue({
      status: "ok",
      data: { email, account_id: 2, status: { state: "not_initialised", link_expired_at: null }, links: [], recent_link: null },
    });
  });

  it("shows the core's refusal and disables sending when the agent's permissions refuse it", async () => {
    // An "agent" role, which may send: the panel follows the permissions the core sent, not the role.
    await shown(withSending(agentOf("agent"), refused(REFUSAL)));
    expect(byId("send-refused").textContent).toBe(REFUSAL);
    expect((byId("send-link") as HTMLButtonElement).disabled).toBe(true);
    expect(byId("send-link").title).toBe(REFUSAL);
    expect(paletteCommands().get("send-link")?.refused).toBe(REFUSAL);
  });

  it("offers sending when the core allows it, whatever the role is called", async () => {
    await shown(withSending(agentOf("lecture"), ALLOWED_GRANT));
    expect(document.getElementById("send-refused")).toBeNull();
    expect((byId("send-link") as HTMLButtonElement).disabled).toBe(false);
    expect(byId("send-link").title).toBe("");
    expect(paletteCommands().get("send-link")?.refused).toBeUndefined();
  });

  it("asks for confirmation with the core's warning when a link went less than an hour ago", async () => {
    const warning = "Avertissement d’essai venu du cœur (lien récent).";
    commands.addressLinks.mockResolvedValue({
      status: "ok",
      data: { email, account_id: 2, status: { state: "not_initialised", link_expired_at: null }, links: [], recent_link: { at: "2026-03-12T09:05:00Z", warning } },
    });
    await shown(agentOf("agent"));
    expect(document.getElementById("send-recent")).toBeNull();
    fireEvent.click(byId("send-link"));
    expect(byId("send-recent").textContent).toContain(warning);
    expect(commands.sendLink).not.toHaveBeenCalled();
  });

  it("asks without a warning when no link is recent", async () => {
    await shown(agentOf("agent"));
    fireEvent.click(byId("send-link"));
    byId("send-question");
    expect(document.getElementById("send-recent")).toBeNull();
  });
});
