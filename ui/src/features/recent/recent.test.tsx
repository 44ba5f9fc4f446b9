import { fireEvent, render, screen } from "@testing-library/react";
import { describe, expect, it } from "vitest";
import type { RecentEstablishment } from "../../bindings";
import { fold, matchCommands } from "../palette/palette";
import { onRecentKey, recentCommands } from "./recent";
import { RecentList } from "./RecentList";

const henriIv: RecentEstablishment = {
  uai: "0750654D",
  name: "LYCÉE GÉNÉRAL HENRI IV",
  town: "PARIS",
  opened_at: "2026-03-05T09:40:00Z",
  changed_at: "2026-03-05T09:42:00Z",
  changed_today: true,
};
const louisLeGrand: RecentEstablishment = {
  uai: "0750655E",
  name: "LYCÉE LOUIS LE GRAND",
  town: "PARIS",
  opened_at: "2026-03-05T09:30:00Z",
  changed_at: null,
  changed_today: false,
};
const recent = [henriIv, louisLeGrand];

describe("the recent list from the empty search field", () => {
  it("starts on the most recent with ArrowDown and wraps at both ends", () => {
    expect(onRecentKey("ArrowDown", -1, recent)).toEqual({ kind: "move", active: 0 });
    expect(onRecentKey("ArrowDown", 0, recent)).toEqual({ kind: "move", active: 1 });
    expect(onRecentKey("ArrowDown", 1, recent)).toEqual({ kind: "move", active: 0 });
    expect(onRecentKey("ArrowUp", -1, recent)).toEqual({ kind: "move", active: 1 });
    expect(onRecentKey("End", 0, recent)).toEqual({ kind: "move", active: 1 });
  });

  it("opens the chosen one with Enter, and nothing before one is chosen", () => {
    expect(onRecentKey("Enter", 1, recent)).toEqual({ kind: "open", uai: "0750655E" });
    expect(onRecentKey("Enter", -1, recent)).toBeNull();
  });

  it("leaves every key to the field when nothing is recent, and other keys always", () => {
    expect(onRecentKey("ArrowDown", -1, [])).toBeNull();
    expect(onRecentKey("Escape", 0, recent)).toBeNull();
    expect(onRecentKey("a", 0, recent)).toBeNull();
  });

  it("shows each with its UAI and town, the ones changed today marked", () => {
    render(<RecentList recent={recent} active={1} onOpen={() => {}} onHover={() => {}} />);
    const options = screen.getAllByRole("option");
    expect(options.map((option) => option.dataset.uai)).toEqual(["0750654D", "0750655E"]);
    expect(options[0]?.textContent).toContain("Modifié aujourd’hui");
    expect(options[1]?.textContent).not.toContain("Modifié");
    expect(options[1]?.textContent).toContain("0750655E · PARIS");
    expect(options[1]?.getAttribute("aria-selected")).toBe("true");
    expect(options[0]?.getAttribute("aria-selected")).toBe("false");
  });

  it("opens the clicked one", () => {
    const opened: string[] = [];
    render(<RecentList recent={recent} active={-1} onOpen={(uai) => opened.push(uai)} onHover={() => {}} />);
    fireEvent.click(screen.getAllByRole("option")[1] as HTMLElement);
    expect(opened).toEqual(["0750655E"]);
  });
});

describe("the recent establishments in the palette", () => {
  it("offers to open each, most recent first, found by its name, UAI or town", () => {
    const opened: string[] = [];
    const offered = recentCommands(recent, (uai) => opened.push(uai));
    expect(offered.map((command) => [command.group, command.label])).toEqual([
      ["Récents", "Ouvrir LYCÉE GÉNÉRAL HENRI IV (0750654D)"],
      ["Récents", "Ouvrir LYCÉE LOUIS LE GRAND (0750655E)"],
    ]);
    expect(matchCommands(offered, "louis").map((command) => command.id)).toEqual(["recent-0750655E"]);
    expect(matchCommands(offered, "0750654").map((command) => command.id)).toEqual(["recent-0750654D"]);
    expect(matchCommands(offered, fold("récents")).length).toBe(2);
    matchCommands(offered, "henri")[0]?.run();
    expect(opened).toEqual(["0750654D"]);
  });
});
