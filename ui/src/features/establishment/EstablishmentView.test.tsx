import { render, screen, within } from "@testing-library/react";
import { describe, expect, it } from "vitest";
import type { AttachedAddress, DeliveryReport } from "../../bindings";
import { henriIv } from "../../test/establishments";
import { EstablishmentView } from "./EstablishmentView";

const now = new Date("2026-11-25T08:00:00Z");

describe("an establishment's page", () => {
  it("shows its identity and its principal address", () => {
    render(<EstablishmentView establishment={henriIv} now={now} />);
    expect(screen.getByRole("heading", { level: 1 }).textContent).toBe("LYCÉE GÉNÉRAL HENRI IV");
    expect(screen.getByText("0750654D")).toBeTruthy();
    const principal = document.getElementById("principal-address");
    expect(principal?.textContent).toContain("ce.0750654d@ac-paris.fr");
    expect(principal?.textContent).toContain("Initialisé le 03/09/2024");
  });

  it("lists every attached address with its state and who attached it", () => {
    render(<EstablishmentView establishment={henriIv} now={now} />);
    const rows = within(screen.getByRole("table")).getAllByRole("row").slice(1);
    expect(rows).toHaveLength(2);
    expect(rows[0]?.textContent).toContain("Principale");
    expect(rows[0]?.textContent).toContain("(import)");
    expect(rows[1]?.textContent).toContain("Lien valable jusqu’à 10:00");
    expect(rows[1]?.textContent).toContain("le 24/11/2026 par Camille Martin");
  });

  it("explains an establishment without a principal address", () => {
    render(<EstablishmentView establishment={{ ...henriIv, principal_email: null, addresses: [] }} now={now} />);
    expect(document.getElementById("principal-address")?.textContent).toContain("Aucune adresse principale");
    expect(screen.queryByRole("table")).toBeNull();
  });

  it("flags an address whose newest message did not arrive, with the reason in view", () => {
    const summary = "Refusé par le relais le 24/11/2026 à 10:05\u00a0: boîte aux lettres inexistante. Vérifiez l’adresse avec le correspondant.";
    const [principal, other] = henriIv.addresses as [AttachedAddress, AttachedAddress];
    const refused: DeliveryReport = { status: "refused", code: 550, enhanced: "5.1.1", text: "No such mailbox", at: "2026-11-24T09:05:00Z", queue_id: null, summary };
    const establishment = { ...henriIv, addresses: [{ ...principal, undelivered: null }, { ...other, undelivered: refused }] };
    const { rerender } = render(<EstablishmentView establishment={establishment} now={now} />);
    const flagged = document.querySelector<HTMLElement>('tr[data-email="secretariat.henri-iv@gmail.com"]');
    expect(flagged?.dataset.undelivered).toBe("refused");
    expect(flagged?.querySelector(".fr-badge--error")?.textContent).toBe("Refusé par le relais");
    expect(flagged?.textContent).toContain(summary);
    expect(document.querySelector('tr[data-email="ce.0750654d@ac-paris.fr"] .fr-badge--error')).toBeNull();
    const bounced: DeliveryReport = { ...refused, status: "bounced" };
    rerender(<EstablishmentView establishment={{ ...establishment, addresses: [{ ...principal, undelivered: null }, { ...other, undelivered: bounced }] }} now={now} />);
    expect(document.querySelector('tr[data-email="secretariat.henri-iv@gmail.com"] .fr-badge--error')?.textContent).toBe("Dernier message non délivré");
  });
});
