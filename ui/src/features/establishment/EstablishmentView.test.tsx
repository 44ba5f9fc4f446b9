import { render, screen, within } from "@testing-library/react";
import { describe, expect, it } from "vitest";
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
});
