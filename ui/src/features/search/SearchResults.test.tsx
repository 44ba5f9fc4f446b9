import { fireEvent, render, screen } from "@testing-library/react";
import { describe, expect, it, vi } from "vitest";
import type { SearchHit } from "../../bindings";
import { SearchResults, targetOf } from "./SearchResults";

const henriIv: SearchHit = {
  kind: "establishment",
  uai: "0750654D",
  name: "LYCÉE GÉNÉRAL HENRI IV",
  type: "lycee",
  postcode: "75005",
  town: "PARIS",
  closed_on: null,
};
const orphan: SearchHit = { kind: "address", email: "secretariat@gmail.com", uais: [] };
const attached: SearchHit = { kind: "address", email: "ce.0750654d@ac-paris.fr", uais: ["0750654D"] };

describe("search results", () => {
  it("lists establishments and addresses with what identifies them", () => {
    render(<SearchResults hits={[henriIv, orphan]} active={0} onOpen={() => {}} onHover={() => {}} />);
    const options = screen.getAllByRole("option");
    expect(options).toHaveLength(2);
    expect(options[0]?.textContent).toContain("Lycée");
    expect(options[0]?.textContent).toContain("0750654D · 75005 PARIS");
    expect(options[0]?.getAttribute("aria-selected")).toBe("true");
    expect(options[1]?.textContent).toContain("Rattachée à aucun établissement");
    expect(options[1]?.getAttribute("aria-disabled")).toBe("true");
  });

  it("opens the establishment of the clicked result, at the address's links for an address", () => {
    const onOpen = vi.fn();
    render(<SearchResults hits={[attached, henriIv]} active={-1} onOpen={onOpen} onHover={() => {}} />);
    const [address, establishment] = screen.getAllByRole("option");
    fireEvent.click(address as HTMLElement);
    expect(onOpen).toHaveBeenLastCalledWith("0750654D", attached.kind === "address" ? attached.email : "");
    fireEvent.click(establishment as HTMLElement);
    expect(onOpen).toHaveBeenLastCalledWith("0750654D");
  });

  it("opens nothing for an address attached nowhere", () => {
    expect(targetOf(orphan)).toBeNull();
    expect(targetOf(henriIv)).toBe("0750654D");
  });

  it("marks a closed establishment with its badge and its closing date, still to be opened", () => {
    const onOpen = vi.fn();
    const closed: SearchHit = { ...henriIv, uai: "0750655E", closed_on: "2026-06-30" };
    render(<SearchResults hits={[henriIv, closed]} active={0} onOpen={onOpen} onHover={() => {}} />);
    const [open, tombstone] = screen.getAllByRole("option");
    expect(open?.textContent).not.toContain("Fermé");
    expect(tombstone?.textContent).toContain("Fermé");
    expect(tombstone?.textContent).toContain("0750655E · 75005 PARIS · fermé le 30/06/2026");
    expect(tombstone?.getAttribute("data-closed")).toBe("2026-06-30");
    fireEvent.click(tombstone as HTMLElement);
    expect(onOpen).toHaveBeenLastCalledWith("0750655E");
  });
});
