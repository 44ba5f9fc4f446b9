import { act, render } from "@testing-library/react";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import type { Diagnosis } from "../../bindings";
import { byId } from "../../test/dom";

const commands = vi.hoisted(() => ({ diagnose: vi.fn() }));
vi.mock("../../bindings", () => ({ commands }));

import { DiagnosisPanel } from "./DiagnosisPanel";

const email = "secretariat.henri-iv@gmail.com";
const known: Diagnosis = {
  input: email,
  normalised: email,
  syntax: null,
  verdict: { kind: "known", account_id: 2, email, establishments: [{ uai: "0750654D", name: "LYCÉE GÉNÉRAL HENRI IV", principal: false }] },
  action: "L’adresse est connue\u00a0: ouvrez l’établissement.",
  findings: [],
  undelivered: null,
};

async function shown(diagnosis: Diagnosis) {
  commands.diagnose.mockResolvedValue({ status: "ok", data: diagnosis });
  render(<DiagnosisPanel email={email} onOpen={() => {}} />);
  await act(async () => {
    await vi.runAllTimersAsync();
  });
}

describe("an address's diagnosis", () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

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
});
