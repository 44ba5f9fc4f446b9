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

  it("shows what became of each message: its status, the core's sentence, and the raw reply folded", async () => {
    const refusedSummary = "Refusé par le relais le 12/03/2026 à 10:05\u00a0: boîte aux lettres inexistante («\u00a0No such mailbox here\u00a0»). Vérifiez l’adresse avec le correspondant.";
    commands.addressLinks.mockResolvedValue({
      status: "ok",
      data: {
        email,
        account_id: 2,
        status: { state: "not_initialised", link_expired_at: null },
        recent_link: null,
        links: [
          {
            id: 2,
            requested_at: "2026-03-12T09:04:00Z",
            expires_at: "2026-03-12T10:04:00Z",
            agent: "Camille Martin",
            agent_login: "camille",
            lifecycle: { state: "valid", until: "2026-03-12T10:04:00Z" },
            delivery: { state: "failed", reason: "550 5.1.1 No such mailbox here" },
            outcome: { status: "refused", code: 550, enhanced: "5.1.1", text: "No such mailbox here", at: "2026-03-12T09:05:00Z", queue_id: null, summary: refusedSummary },
          },
          {
            id: 1,
            requested_at: "2026-03-11T09:04:00Z",
            expires_at: "2026-03-11T10:04:00Z",
            agent: "Camille Martin",
            agent_login: "camille",
            lifecycle: { state: "expired", at: "2026-03-11T10:04:00Z" },
            delivery: { state: "sent", at: "2026-03-11T09:05:00Z", reply: "250 2.0.0 Ok: queued as 4F2B31C0A2" },
            outcome: { status: "accepted", code: 250, enhanced: "2.0.0", text: null, at: "2026-03-11T09:05:00Z", queue_id: "4F2B31C0A2", summary: "Accepté par le relais le 11/03/2026 à 10:05 (n°\u00a04F2B31C0A2)." },
          },
        ],
      },
    });
    await shown(agentOf("agent"));
    const rows = byId("link-ledger").querySelectorAll("tbody tr");
    expect(rows).toHaveLength(2);
    const [refusedRow, acceptedRow] = [rows[0] as HTMLElement, rows[1] as HTMLElement];
    expect(refusedRow.dataset.outcome).toBe("refused");
    expect(refusedRow.querySelector(".fr-badge--error")?.textContent).toBe("Refusé par le relais");
    expect(refusedRow.textContent).toContain(refusedSummary);
    // The old wording of the delivery is gone: the outcome says it once.
    expect(refusedRow.textContent).not.toContain("Échec de l’envoi");
    const detail = refusedRow.querySelector("details");
    expect(detail?.open).toBe(false);
    expect(detail?.querySelector("summary")?.textContent).toBe("Détail technique");
    expect(detail?.querySelector("[data-detail=code] dd")?.textContent).toBe("550");
    expect(detail?.querySelector("[data-detail=enhanced] dd")?.textContent).toBe("5.1.1");
    expect(detail?.querySelector("[data-detail=at] dd")?.textContent).toBe("12/03/2026 à 10:05");
    expect(acceptedRow.querySelector(".fr-badge--success")?.textContent).toBe("Accepté par le relais");
    expect(acceptedRow.querySelector("[data-detail=queue_id]")?.textContent).toBe("N° dans la file du relais4F2B31C0A2");
  });
});
