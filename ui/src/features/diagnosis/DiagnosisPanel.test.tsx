import { act, fireEvent, render } from "@testing-library/react";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import type { Diagnosis } from "../../bindings";
import { agentOf } from "../../test/agents";
import { byId } from "../../test/dom";
import { paletteCommands, WithPalette } from "../../test/palette";

const commands = vi.hoisted(() => ({ diagnose: vi.fn(), search: vi.fn(), attach: vi.fn(), addressLinks: vi.fn() }));
vi.mock("../../bindings", () => ({ commands, CHANGE_EVENT: "guichet://change" }));
vi.mock("@tauri-apps/api/event", () => ({ listen: vi.fn(async () => () => {}) }));

import { DiagnosisPanel } from "./DiagnosisPanel";

const email = "secretariat.henri-iv@gmail.com";
const henriIv = { uai: "0750654D", name: "LYCÉE GÉNÉRAL HENRI IV", principal: false };
const known: Diagnosis = {
  input: email,
  normalised: email,
  syntax: null,
  verdict: { kind: "known", account_id: 2, email, establishments: [henriIv] },
  action: "L’adresse est connue\u00a0: ouvrez l’établissement.",
  steps: [
    { step: { kind: "send_link", email }, label: `Envoyer un lien d’initialisation à ${email}…` },
    { step: { kind: "open", establishment: henriIv }, label: "Ouvrir LYCÉE GÉNÉRAL HENRI IV (0750654D)" },
  ],
  findings: [],
  undelivered: null,
};
const unknown: Diagnosis = {
  ...known,
  verdict: { kind: "unknown" },
  action: "Adresse inconnue\u00a0: ajoutez-la puis rattachez-la à l’établissement du correspondant.",
  steps: [{ step: { kind: "attach", email, known: false, establishment: null }, label: `Ajouter ${email} et la rattacher à un établissement…` }],
};

const handlers = { onOpen: vi.fn(), onSearch: vi.fn() };

async function settle() {
  await act(async () => {
    await vi.runAllTimersAsync();
  });
}

async function shown(diagnosis: Diagnosis, role: "agent" | "lecture" = "agent", primaryRef = { current: null as (() => void) | null }) {
  commands.diagnose.mockResolvedValue({ status: "ok", data: diagnosis });
  render(
    <WithPalette>
      <DiagnosisPanel email={email} agent={agentOf(role)} caller="0750654D" primaryRef={primaryRef} {...handlers} />
    </WithPalette>,
  );
  await settle();
  return primaryRef;
}

describe("an address's diagnosis", () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => {
    vi.useRealTimers();
    vi.clearAllMocks();
  });

  it("says when the newest message to the address did not arrive, and why", async () => {
    const summary = "Non délivré\u00a0: le serveur destinataire l’a refusé le 12/03/2026 à 10:05\u00a0: boîte aux lettres pleine. Vérifiez l’adresse avec le correspondant.";
    await shown({ ...known, undelivered: { status: "bounced", code: 552, enhanced: "5.2.2", text: "Mailbox full", at: "2026-03-12T09:05:00Z", queue_id: null, summary } });
    const alert = byId("diagnosis-undelivered");
    expect(alert.className).toContain("fr-alert--warning");
    expect(alert.querySelector("h3")?.textContent).toBe("Le dernier message n’est pas arrivé");
    expect(alert.textContent).toContain(summary);
  });

  it("says nothing of messages when the last one arrived", async () => {
    await shown(known);
    byId("diagnosis-action");
    expect(document.getElementById("diagnosis-undelivered")).toBeNull();
  });

  it("offers each step as a button and in the palette, the first one for Entrée", async () => {
    commands.addressLinks.mockResolvedValue({ status: "ok", data: { account_id: 2, status: { state: "never" }, links: [], recent_link: null } });
    const primary = await shown(known);
    expect(byId("diagnosis-step-0").textContent).toBe(known.steps[0]?.label);
    fireEvent.click(byId("diagnosis-step-1"));
    expect(handlers.onOpen).toHaveBeenCalledWith("0750654D");
    const palette = paletteCommands();
    expect(palette.get("diagnosis-step-0")?.label).toBe(known.steps[0]?.label);
    expect(palette.get("diagnosis-step-1")?.group).toBe("Diagnostic");
    // Entrée in the search field: the link's question, asked at once.
    act(() => primary.current?.());
    await settle();
    expect(byId("send-question").textContent).toContain(email);
  });

  it("refuses what the agent's role does not allow, with the core's reason", async () => {
    const primary = await shown(known, "lecture");
    const send = byId("diagnosis-step-0") as HTMLButtonElement;
    expect(send.disabled).toBe(true);
    expect(send.title).toContain("lecture seule");
    expect(paletteCommands().get("diagnosis-step-0")?.refused).toContain("lecture seule");
    // Entrée takes the first step the role allows: opening the establishment.
    act(() => primary.current?.());
    expect(handlers.onOpen).toHaveBeenCalledWith("0750654D");
  });

  it("adds and attaches the address to the establishment chosen in the panel, the caller's first", async () => {
    commands.search.mockResolvedValue({
      status: "ok",
      data: { hits: [{ kind: "establishment", uai: "0750654D", name: "LYCÉE GÉNÉRAL HENRI IV", type: "lycee", postcode: "75005", town: "PARIS", closed_on: null }], uai_correction: null },
    });
    commands.attach.mockResolvedValue({ status: "ok", data: { message: "Adresse rattachée." } });
    await shown(unknown);
    fireEvent.click(byId("diagnosis-step-0"));
    await settle();
    // Nothing typed: the establishment the agent came from.
    expect(commands.search).toHaveBeenCalledWith("0750654D", expect.any(Number));
    expect(byId("step-establishment-0").dataset.uai).toBe("0750654D");
    fireEvent.keyDown(byId("step-establishment-input"), { key: "Enter" });
    await settle();
    expect(byId("step-target").textContent).toContain("0750654D");
    fireEvent.click(byId("step-principal"));
    fireEvent.keyDown(byId("step-principal"), { key: "Enter" });
    expect(byId("step-question").textContent).toContain("en faire l’adresse principale");
    fireEvent.click(byId("step-confirm"));
    await settle();
    expect(commands.attach).toHaveBeenCalledWith(email, ["0750654D"], true, null, null);
    expect(byId("step-outcome").textContent).toBe("Adresse rattachée.");
    expect(byId("step-send").textContent).toContain(email);
  });

  it("keeps the choice and says why when the core refuses the attachment", async () => {
    commands.attach.mockResolvedValue({ status: "error", error: { kind: "conflict", message: "Un autre agent vient de modifier cet établissement." } });
    await shown({ ...unknown, steps: [{ step: { kind: "attach", email, known: false, establishment: { uai: "0750654D", name: "LYCÉE GÉNÉRAL HENRI IV", academie: "Paris" } }, label: "Ajouter…" }] });
    fireEvent.click(byId("diagnosis-step-0"));
    await settle();
    // The establishment the address names is chosen already.
    expect(byId("step-target").textContent).toContain("0750654D");
    fireEvent.submit(byId("step-attach").closest("form") as HTMLFormElement);
    fireEvent.click(byId("step-confirm"));
    await settle();
    expect(byId("step-outcome").textContent).toContain("Un autre agent");
    expect(document.getElementById("step-send")).toBeNull();
    expect(byId("step-target").textContent).toContain("0750654D");
  });
});
