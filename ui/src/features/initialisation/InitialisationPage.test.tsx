import { act, fireEvent, render, screen } from "@testing-library/react";
import { beforeEach, describe, expect, it, vi } from "vitest";
import { byId } from "../../test/dom";

const commands = vi.hoisted(() => ({
  academies: vi.fn(),
  initialisationReport: vi.fn(),
  initialisationEstablishments: vi.fn(),
  exportInitialisationCsv: vi.fn(),
}));
vi.mock("../../bindings", () => ({ commands }));
// The chart draws on a canvas jsdom does not have: the window tests see it drawn.
vi.mock("./StateChart", () => ({ StateChart: () => <div id="initialisation-chart" /> }));

import { InitialisationPage } from "./InitialisationPage";
import { toPopulation } from "./population";

const ok = <T,>(data: T) => Promise.resolve({ status: "ok" as const, data });
const REPORT = {
  total: 8,
  states: { "sans-adresse": 1, "jamais-initialise": 2, "lien-en-attente": 0, "lien-expire": 1, initialise: 4 },
  at: "2026-12-01T09:05:00Z",
};

async function show(onOpen = vi.fn()) {
  await act(async () => {
    render(<InitialisationPage onOpen={onOpen} />);
  });
  return onOpen;
}

describe("the « Suivi des initialisations »", () => {
  beforeEach(() => {
    commands.academies.mockResolvedValue(["Créteil", "Paris"]);
    commands.initialisationReport.mockImplementation(() => ok(REPORT));
    commands.initialisationEstablishments.mockImplementation(() =>
      ok([{ uai: "0750655E", name: "LYCÉE LOUIS-LE-GRAND", town: "PARIS", academie: "Paris", principal_email: null, state: "sans-adresse" }]),
    );
  });

  it("shows each state's count and share, the total last", async () => {
    await show();
    expect(byId("count-jamais-initialise").textContent).toBe("2");
    expect(byId("count-initialise").textContent).toBe("4");
    expect(byId("count-total").textContent).toBe("8");
    const row = byId("count-initialise").closest("tr");
    expect(row?.textContent).toContain("50\u00a0%");
    expect(byId("count-lien-expire").closest("tr")?.textContent).toContain("12,5\u00a0%");
  });

  it("opens a state's list from its count, and an establishment from the list", async () => {
    const onOpen = await show();
    await act(async () => {
      fireEvent.click(byId("count-sans-adresse"));
    });
    expect(commands.initialisationEstablishments).toHaveBeenLastCalledWith(expect.anything(), "sans-adresse");
    expect(byId("initialisation-list-title").textContent).toContain("Sans adresse principale");
    fireEvent.click(screen.getByTitle("Ouvrir la fiche de LYCÉE LOUIS-LE-GRAND"));
    expect(onOpen).toHaveBeenCalledWith("0750655E");
  });

  it("sends the filters as chosen and says when they select nobody", async () => {
    await show();
    commands.initialisationReport.mockImplementation(() => ok({ ...REPORT, total: 0, states: { ...REPORT.states, initialise: 0 } }));
    fireEvent.change(byId("filter-academie"), { target: { value: "Créteil" } });
    fireEvent.change(byId("filter-departements"), { target: { value: "93, 94" } });
    fireEvent.click(document.querySelector('#filter-types input[value="lycee"]') as HTMLInputElement);
    await act(async () => {
      fireEvent.submit(byId("initialisation-filters"));
    });
    expect(commands.initialisationReport).toHaveBeenLastCalledWith({ academies: ["Créteil"], departments: ["93", "94"], kinds: ["lycee"], sectors: [] });
    expect(byId("initialisation-empty").textContent).toBe("Aucun établissement ne correspond à ces filtres.");
  });

  it("shows the core's refusal of a filter", async () => {
    commands.initialisationReport.mockImplementation(() =>
      Promise.resolve({ status: "error" as const, error: { kind: "invalid_population", message: "«\u00a07501\u00a0» n’est pas un code de département." } }),
    );
    await show();
    expect(byId("initialisation-message").textContent).toContain("n’est pas un code de département");
  });
});

describe("the population typed in the filters", () => {
  it("reads departments separated by spaces, commas or semicolons, and leaves empty filters out", () => {
    expect(toPopulation({ academie: "", departments: " 75,93;  2A ", kinds: [], sector: "" })).toEqual({
      academies: [],
      departments: ["75", "93", "2A"],
      kinds: [],
      sectors: [],
    });
    expect(toPopulation({ academie: "Paris", departments: "", kinds: ["cio"], sector: "prive" }).sectors).toEqual(["prive"]);
  });
});
