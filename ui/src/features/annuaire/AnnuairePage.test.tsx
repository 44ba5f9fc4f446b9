import { act, fireEvent, render } from "@testing-library/react";
import { beforeEach, describe, expect, it, vi } from "vitest";
import type { AnnuairePreview } from "../../bindings";
import { agentOf } from "../../test/agents";
import { byId } from "../../test/dom";

const commands = vi.hoisted(() => ({
  annuaireDryRun: vi.fn(),
  importAnnuaire: vi.fn(),
  exportAnnuaireCsv: vi.fn(),
  chooseAnnuaireFile: vi.fn(),
}));
vi.mock("../../bindings", () => ({ commands, ANNUAIRE_PROGRESS_EVENT: "guichet://annuaire-progress" }));
const events = vi.hoisted(() => ({ listeners: [] as ((event: { payload: { permille: number } }) => void)[] }));
vi.mock("@tauri-apps/api/event", () => ({
  listen: vi.fn(async (_name: string, listener: (event: { payload: { permille: number } }) => void) => {
    events.listeners.push(listener);
    return () => events.listeners.splice(events.listeners.indexOf(listener), 1);
  }),
}));

import { summary } from "./annuaire";
import { AnnuairePage } from "./AnnuairePage";

const ok = <T,>(data: T) => Promise.resolve({ status: "ok" as const, data });
const PATH = "/home/sandrine/Téléchargements/fr-en-annuaire-education.csv";

function preview(overrides: Partial<AnnuairePreview["counts"]> = {}, rejected: AnnuairePreview["rejected"] = []): AnnuairePreview {
  const counts = { rows: 68000, new: 1, renamed: 0, moved: 0, changed: 0, mail_changed: 0, closed: 1, reopened: 0, unchanged: 67998, rejected: rejected.length, ...overrides };
  return {
    counts,
    items: [
      { kind: "new", uai: "0931234X", before: "", after: "LYCÉE NOUVEAU (93000 BOBIGNY)" },
      { kind: "closed", uai: "0750654D", before: "LYCÉE HENRI IV", after: "fermé le 30/06/2026 (marqué FERME), successeur 0750655E" },
    ],
    rejected,
    empty: false,
  };
}

async function shown(role: "superviseur" | "agent" = "superviseur") {
  await act(async () => {
    render(<AnnuairePage agent={agentOf(role)} />);
  });
}

async function type(path: string) {
  await act(async () => {
    fireEvent.change(byId("annuaire-path"), { target: { value: path } });
  });
}

async function submit() {
  await act(async () => {
    fireEvent.submit(byId("annuaire-form"));
  });
}

describe("the Annuaire screen", () => {
  beforeEach(() => {
    vi.clearAllMocks();
    document.body.innerHTML = "";
    events.listeners.length = 0;
  });

  it("asks for a file in French rather than letting the browser refuse the form", async () => {
    await shown();
    expect((byId("annuaire-form") as HTMLFormElement).noValidate).toBe(true);
    await submit();
    expect(byId("annuaire-form").textContent).toContain("Indiquez le fichier à importer.");
    expect(commands.annuaireDryRun).not.toHaveBeenCalled();
  });

  it("shows the dry run's counts and rows, then applies it and says what it wrote", async () => {
    commands.annuaireDryRun.mockReturnValue(ok(preview()));
    commands.importAnnuaire.mockReturnValue(ok({ import_id: 7, preview: preview() }));
    await shown();
    await type(PATH);
    await submit();
    expect(commands.annuaireDryRun).toHaveBeenCalledWith(PATH);
    expect(byId("annuaire-summary").textContent).toBe("68\u202f000\u00a0lignes lues\u00a0: 1\u00a0nouvel établissement, 1\u00a0fermé, 67\u202f998\u00a0inchangés. Simulation\u00a0: rien n’a été écrit.");
    const rows = byId("annuaire-changes").querySelectorAll("tbody tr");
    expect([...rows].map((r) => `${r.getAttribute("data-kind")} ${r.getAttribute("data-uai")}`)).toEqual(["new 0931234X", "closed 0750654D"]);
    expect(rows[1]?.textContent).toContain("Fermé");
    await act(async () => fireEvent.click(byId("annuaire-apply")));
    expect(commands.importAnnuaire).toHaveBeenCalledWith(PATH, false);
    expect(byId("annuaire-applied").textContent).toContain("Import n°\u00a07 appliqué et journalisé.");
    expect(document.getElementById("annuaire-apply")).toBeNull();
  });

  it("applies a file with rejected rows only once the agent chose to leave them aside", async () => {
    const rejected = [{ line: 12, column: "Identifiant_de_l_etablissement", reason: "UAI 0750654A : la lettre de contrôle devrait être D" }];
    commands.annuaireDryRun.mockReturnValue(ok(preview({}, rejected)));
    commands.importAnnuaire.mockReturnValue(ok({ import_id: 8, preview: preview({}, rejected) }));
    await shown();
    await type(PATH);
    await submit();
    expect(byId("annuaire-rejected").querySelector("tbody tr")?.textContent).toContain("Identifiant_de_l_etablissement");
    const apply = byId("annuaire-apply") as HTMLButtonElement;
    expect(apply.disabled).toBe(true);
    await act(async () => fireEvent.click(byId("annuaire-skip")));
    expect(apply.disabled).toBe(false);
    await act(async () => fireEvent.click(apply));
    expect(commands.importAnnuaire).toHaveBeenCalledWith(PATH, true);
  });

  it("follows the reading with a progress bar, and shows the core's refusal of a bad file", async () => {
    let fail: (value: unknown) => void = () => {};
    commands.annuaireDryRun.mockReturnValue(new Promise((resolve) => (fail = resolve)));
    await shown();
    await type(PATH);
    await submit();
    await act(async () => events.listeners.forEach((listener) => listener({ payload: { permille: 425 } })));
    expect((byId("annuaire-progress") as HTMLProgressElement).value).toBe(425);
    expect(byId("annuaire-busy").textContent).toContain("42\u00a0%");
    await act(async () => fail({ status: "error", error: { kind: "annuaire_headers", message: "Ligne 1 : ce fichier n’est pas l’Annuaire de l’éducation." } }));
    expect(byId("annuaire-message").textContent).toContain("Ligne 1");
    expect(document.getElementById("annuaire-busy")).toBeNull();
    expect(document.getElementById("annuaire-review")).toBeNull();
  });

  it("opens the file chosen in the system's dialog and runs its dry run at once", async () => {
    commands.chooseAnnuaireFile.mockReturnValue(ok(PATH));
    commands.annuaireDryRun.mockReturnValue(ok(preview()));
    await shown();
    await act(async () => fireEvent.click(byId("annuaire-choose")));
    expect((byId("annuaire-path") as HTMLInputElement).value).toBe(PATH);
    expect(commands.annuaireDryRun).toHaveBeenCalledWith(PATH);
  });

  it("disables everything for a role the core refuses, with its reason", async () => {
    await shown("agent");
    expect(byId("annuaire-refused").textContent).toBe("Votre rôle (agent) ne permet pas d’importer l’Annuaire de l’éducation.");
    for (const id of ["annuaire-path", "annuaire-choose", "annuaire-dry-run"]) expect((byId(id) as HTMLInputElement).disabled).toBe(true);
  });

  it("says the counts in French, a kind left out when there is none", () => {
    expect(summary({ rows: 2, new: 0, renamed: 2, moved: 0, changed: 0, mail_changed: 0, closed: 0, reopened: 0, unchanged: 0, rejected: 0 })).toBe(
      "2\u00a0lignes lues\u00a0: 2\u00a0renommés",
    );
  });
});
