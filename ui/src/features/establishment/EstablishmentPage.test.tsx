import { act, fireEvent, render } from "@testing-library/react";
import { beforeEach, describe, expect, it, vi } from "vitest";
import type { Agent } from "../../bindings";
import { agentOf, ALLOWED_GRANT, permissionsOf, refused } from "../../test/agents";
import { byId, rowAction } from "../../test/dom";
import { henriIv } from "../../test/establishments";
import { paletteCommands, WithPalette } from "../../test/palette";

const commands = vi.hoisted(() => ({
  openEstablishment: vi.fn(),
  establishment: vi.fn(),
  timeline: vi.fn(),
  normaliseEmail: vi.fn(),
  attach: vi.fn(),
  setPrincipal: vi.fn(),
  detach: vi.fn(),
  addressLinks: vi.fn(),
}));
vi.mock("../../bindings", () => ({ commands, CHANGE_EVENT: "guichet://change" }));
const events = vi.hoisted(() => ({ listeners: [] as ((event: { payload: unknown }) => void)[] }));
vi.mock("@tauri-apps/api/event", () => ({
  listen: vi.fn(async (_name: string, listener: (event: { payload: unknown }) => void) => {
    events.listeners.push(listener);
    return () => events.listeners.splice(events.listeners.indexOf(listener), 1);
  }),
}));

import { EstablishmentPage } from "./EstablishmentPage";

/** A refusal no constant of the window holds: shown, it can only come from the agent's data. */
const REFUSAL = "Refus d’essai venu du cœur (modification des adresses).";

const principal = "ce.0750654d@ac-paris.fr";
const secretariat = "secretariat.henri-iv@gmail.com";

async function shown(agent: Agent, onBack = () => {}, onOpen: (uai: string) => void = () => {}) {
  await act(async () => {
    render(
      <WithPalette>
        <EstablishmentPage uai={henriIv.uai} agent={agent} onBack={onBack} onOpen={onOpen} />
      </WithPalette>,
    );
  });
}

function withEditing(agent: Agent, edit_addresses: Agent["permissions"]["edit_addresses"]): Agent {
  return { ...agent, permissions: { ...agent.permissions, edit_addresses } };
}

describe("an establishment's page and its actions", () => {
  beforeEach(() => {
    vi.clearAllMocks();
    commands.openEstablishment.mockResolvedValue({ status: "ok", data: henriIv });
    commands.establishment.mockResolvedValue({ status: "ok", data: henriIv });
    commands.timeline.mockResolvedValue({ status: "ok", data: [] });
    commands.addressLinks.mockResolvedValue({
      status: "ok",
      data: { email: secretariat, account_id: 2, status: { state: "not_initialised", link_expired_at: null }, links: [] },
    });
  });

  it("shows the core's refusal and disables every change when the agent's permissions refuse editing", async () => {
    // An "agent" role, which may edit: the page follows the permissions the core sent, not the role.
    await shown(withEditing(agentOf("agent"), refused(REFUSAL)));
    expect(byId("edit-refused").textContent).toBe(REFUSAL);
    expect((byId("attach-email") as HTMLInputElement).disabled).toBe(true);
    expect((byId("call-note") as HTMLInputElement).disabled).toBe(true);
    expect((byId("attach-submit") as HTMLButtonElement).disabled).toBe(true);
    expect(byId("attach-submit").title).toBe(REFUSAL);
    for (const button of [rowAction(secretariat, "principal"), rowAction(secretariat, "detach"), rowAction(principal, "detach")]) {
      expect(button.disabled).toBe(true);
      expect(button.title).toBe(REFUSAL);
    }
    expect(rowAction(secretariat, "links").disabled).toBe(false);
  });

  it("lists the refused changes in the palette with the core's reason", async () => {
    await shown(withEditing(agentOf("agent"), refused(REFUSAL)));
    const byCommand = paletteCommands();
    for (const id of ["attach", "principal-2", "detach-1", "detach-2"]) expect(byCommand.get(id)?.refused).toBe(REFUSAL);
    for (const id of ["links-1", "links-2", "timeline", "back"]) expect(byCommand.get(id)?.refused).toBeUndefined();
    expect(byCommand.has("principal-1")).toBe(false);
  });

  it("offers every change when the core allows editing, whatever the role is called", async () => {
    await shown(withEditing(agentOf("lecture"), ALLOWED_GRANT));
    expect(document.getElementById("edit-refused")).toBeNull();
    expect((byId("attach-email") as HTMLInputElement).disabled).toBe(false);
    expect(rowAction(secretariat, "principal").disabled).toBe(false);
    expect(rowAction(secretariat, "principal").title).toBe(`Faire de ${secretariat} l’adresse principale`);
    expect(rowAction(secretariat, "detach").title).toBe(`Détacher ${secretariat}`);
    expect(paletteCommands().get("attach")?.refused).toBeUndefined();
  });

  it("attaches an address only once confirmed, with the call's note, then empties the form", async () => {
    commands.normaliseEmail.mockResolvedValue({ status: "ok", data: { email: "vie.scolaire@ac-paris.fr", warning: null } });
    commands.attach.mockResolvedValue({ status: "ok", data: { email: "vie.scolaire@ac-paris.fr", uais: [henriIv.uai], message: "Adresse rattachée." } });
    await shown(agentOf("agent"));
    fireEvent.change(byId("attach-email"), { target: { value: "  Vie.Scolaire@AC-Paris.fr " } });
    fireEvent.change(byId("call-note"), { target: { value: "appel du secrétariat" } });
    await act(async () => {
      fireEvent.click(byId("attach-submit"));
    });
    expect(commands.normaliseEmail).toHaveBeenCalledWith("  Vie.Scolaire@AC-Paris.fr ");
    expect(byId("confirm-question").textContent).toBe(`Rattacher «\u00a0vie.scolaire@ac-paris.fr\u00a0» à LYCÉE GÉNÉRAL HENRI IV (0750654D)\u00a0?`);
    expect(commands.attach).not.toHaveBeenCalled();
    await act(async () => {
      fireEvent.click(byId("confirm-action"));
    });
    expect(commands.attach).toHaveBeenCalledWith("vie.scolaire@ac-paris.fr", [henriIv.uai], false, henriIv.version, "appel du secrétariat");
    expect(byId("action-outcome").textContent).toContain("Adresse rattachée.");
    expect((byId("attach-email") as HTMLInputElement).value).toBe("");
    expect((byId("call-note") as HTMLInputElement).value).toBe("");
    expect(document.getElementById("confirm-box")).toBeNull();
    // The page and its timeline read again what the change saved, without opening it again.
    expect(commands.openEstablishment).toHaveBeenCalledTimes(1);
    expect(commands.establishment).toHaveBeenCalledTimes(1);
  });

  it("asks which address replaces a detached principal one", async () => {
    commands.detach.mockResolvedValue({ status: "ok", data: { email: principal, uais: [henriIv.uai], message: "Adresse détachée." } });
    await shown(agentOf("agent"));
    fireEvent.click(rowAction(principal, "detach"));
    expect((byId("replacement-select") as HTMLSelectElement).value).toBe(secretariat);
    await act(async () => {
      fireEvent.click(byId("confirm-action"));
    });
    expect(commands.detach).toHaveBeenCalledWith(principal, henriIv.uai, secretariat, henriIv.version, null);
  });

  it("keeps the confirmation closed after a conflict, and Escape cancels before it goes back", async () => {
    commands.setPrincipal.mockResolvedValue({ status: "error", error: { kind: "conflict", message: "Un autre agent vient de modifier l’établissement." } });
    const onBack = vi.fn();
    await shown(agentOf("agent"), onBack);
    fireEvent.click(rowAction(secretariat, "principal"));
    await act(async () => {
      fireEvent.click(byId("confirm-action"));
    });
    expect(byId("action-outcome").textContent).toContain("Un autre agent");
    expect(document.getElementById("confirm-box")).toBeNull();

    fireEvent.click(rowAction(secretariat, "principal"));
    fireEvent.keyDown(window, { key: "Escape" });
    expect(document.getElementById("confirm-box")).toBeNull();
    expect(onBack).not.toHaveBeenCalled();
    fireEvent.keyDown(window, { key: "Escape" });
    expect(onBack).toHaveBeenCalledTimes(1);
  });

  it("reads the establishment again when another window changes it or one of its addresses", async () => {
    await shown(agentOf("agent"));
    expect(commands.openEstablishment).toHaveBeenCalledTimes(1);
    expect(commands.establishment).toHaveBeenCalledTimes(0);
    await act(async () => {
      for (const listener of [...events.listeners]) listener({ payload: { entity: "account", key: 99 } });
    });
    expect(commands.establishment).toHaveBeenCalledTimes(0);
    await act(async () => {
      for (const listener of [...events.listeners]) listener({ payload: { entity: "reset", key: 2 } });
    });
    expect(commands.establishment).toHaveBeenCalledTimes(1);
    expect(commands.openEstablishment).toHaveBeenCalledTimes(1);
    expect(commands.timeline).toHaveBeenCalledTimes(2);
  });

  it("opens an address's links, whose sending follows the agent's own permission", async () => {
    const agent = agentOf("agent");
    await shown({ ...agent, permissions: { ...permissionsOf("agent"), send_links: refused("Refus d’essai des envois.") } });
    fireEvent.click(rowAction(secretariat, "links"));
    await act(async () => {});
    expect(byId("address-title").textContent).toBe(secretariat);
    expect(byId("send-refused").textContent).toBe("Refus d’essai des envois.");
  });

  it("offers the Annuaire's address as the principal one when there is none, confirmed first", async () => {
    const official = "secretariat@ac-paris.fr";
    const without = { ...henriIv, principal_email: null, addresses: henriIv.addresses.map((a) => ({ ...a, principal: false })), annuaire: { ...henriIv.annuaire, official_mail: official } };
    commands.openEstablishment.mockResolvedValue({ status: "ok", data: without });
    commands.attach.mockResolvedValue({ status: "ok", data: { email: official, uais: [henriIv.uai], message: "Rattachée." } });
    await shown(agentOf("agent"));
    expect(byId("official-suggestion").textContent).toContain(official);
    fireEvent.click(byId("use-official-mail"));
    expect(commands.attach).not.toHaveBeenCalled();
    await act(async () => fireEvent.click(byId("confirm-action")));
    expect(commands.attach).toHaveBeenCalledWith(official, [henriIv.uai], true, henriIv.version, null);
  });

  it("offers no Annuaire address when a principal one exists, and refuses it with the core's reason", async () => {
    await shown(agentOf("agent"));
    expect(document.getElementById("official-suggestion")).toBeNull();
    const without = { ...henriIv, principal_email: null, addresses: [], annuaire: { ...henriIv.annuaire, official_mail: "secretariat@ac-paris.fr" } };
    commands.openEstablishment.mockResolvedValue({ status: "ok", data: without });
    document.body.innerHTML = "";
    await shown(withEditing(agentOf("agent"), refused(REFUSAL)));
    const button = byId("use-official-mail") as HTMLButtonElement;
    expect(button.disabled).toBe(true);
    expect(button.title).toBe(REFUSAL);
  });

  it("leads a closed establishment to its successor, from the page and from the palette", async () => {
    const successor = { uai: "0750655E", name: "LYCÉE LOUIS-LE-GRAND", type: "lycee" as const, postcode: "75005", town: "PARIS", closed_on: null, reason: "annuaire" as const };
    const closed = { ...henriIv, annuaire: { closed_on: "2026-06-30", closing_announced: false, official_mail: null, successor } };
    commands.openEstablishment.mockResolvedValue({ status: "ok", data: closed });
    const onOpen = vi.fn();
    await shown(agentOf("agent"), () => {}, onOpen);
    expect(byId("closed-badge").textContent).toBe("Fermé");
    expect(byId("closed-notice").textContent).toContain("fermé le 30/06/2026");
    expect(byId("successor").textContent).toContain("désigné par l’Annuaire de l’éducation");
    expect(document.activeElement?.id).toBe("open-successor");
    fireEvent.click(byId("open-successor"));
    expect(onOpen).toHaveBeenCalledWith("0750655E");
    expect(paletteCommands().get("successor")?.label).toBe("Ouvrir le successeur LYCÉE LOUIS-LE-GRAND (0750655E)");
  });
});
