import { act, fireEvent, render, screen } from "@testing-library/react";
import { describe, expect, it, vi } from "vitest";

vi.mock("../../bindings", () => ({
  commands: {
    search: vi.fn(async () => ({
      status: "ok",
      data: [{ kind: "establishment", uai: "0750654D", name: "LYCÉE HENRI IV", type: "lycee", postcode: "75005", town: "PARIS" }],
    })),
  },
}));

import { SearchPage } from "./SearchPage";

describe("the search field", () => {
  it("opens the active result with Enter", async () => {
    vi.useFakeTimers();
    const onOpen = vi.fn();
    render(<SearchPage query="0750654D" onQueryChange={() => {}} onOpen={onOpen} />);
    await act(async () => {
      await vi.runAllTimersAsync();
    });
    expect(screen.getAllByRole("option")).toHaveLength(1);
    fireEvent.keyDown(screen.getByRole("combobox"), { key: "Enter" });
    expect(onOpen).toHaveBeenCalledWith("0750654D");
    vi.useRealTimers();
  });
});
