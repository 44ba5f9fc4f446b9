import { act, fireEvent, render, screen } from "@testing-library/react";
import { describe, expect, it, vi } from "vitest";

vi.mock("../../bindings", () => ({
  commands: {
    recentEstablishments: vi.fn(async () => ({ status: "ok", data: [] })),
    search: vi.fn(async () => ({
      status: "ok",
      data: {
        hits: [{ kind: "establishment", uai: "0750654D", name: "LYCÉE HENRI IV", type: "lycee", postcode: "75005", town: "PARIS", closed_on: null }],
        uai_correction: { typed: "0750654E", expected: "0750654D", message: "la lettre de contrôle « E » est fausse, la bonne est « D »" },
      },
    })),
  },
}));

import { agentOf } from "../../test/agents";
import { needsDiagnosis, SearchPage } from "./SearchPage";

describe("the search field", () => {
  it("opens the active result with Enter and says which UAI letter was wrong", async () => {
    vi.useFakeTimers();
    const onOpen = vi.fn();
    render(<SearchPage query="0750654E" onQueryChange={() => {}} onOpen={onOpen} agent={agentOf("agent")} caller={null} />);
    await act(async () => {
      await vi.runAllTimersAsync();
    });
    expect(screen.getAllByRole("option")).toHaveLength(1);
    expect(document.getElementById("uai-correction")?.textContent).toContain("la bonne est « D »");
    fireEvent.keyDown(screen.getByRole("combobox"), { key: "Enter" });
    expect(onOpen).toHaveBeenCalledWith("0750654D");
    vi.useRealTimers();
  });
});

describe("when to diagnose an address", () => {
  it("diagnoses a whole address the results do not hold", () => {
    expect(needsDiagnosis("ce.0750654d@ac-pari.fr", [])).toBe(true);
    expect(needsDiagnosis("CE.0750654D@ac-paris.fr", [{ kind: "address", email: "ce.0750654d@ac-paris.fr", uais: ["0750654D"] }])).toBe(false);
  });

  it("diagnoses a known address attached nowhere", () => {
    expect(needsDiagnosis("orphelin@ac-paris.fr", [{ kind: "address", email: "orphelin@ac-paris.fr", uais: [] }])).toBe(true);
  });

  it("waits for a whole address", () => {
    expect(needsDiagnosis("ce.0750654d@", [])).toBe(false);
    expect(needsDiagnosis("henri iv", [])).toBe(false);
  });
});
