import { describe, expect, it } from "vitest";
import { isNavigationKey, nextActive } from "./navigation";

describe("keyboard navigation in the results", () => {
  it("starts on the first result and wraps at both ends", () => {
    expect(nextActive(-1, 3, "ArrowDown")).toBe(0);
    expect(nextActive(0, 3, "ArrowDown")).toBe(1);
    expect(nextActive(2, 3, "ArrowDown")).toBe(0);
    expect(nextActive(0, 3, "ArrowUp")).toBe(2);
    expect(nextActive(-1, 3, "ArrowUp")).toBe(2);
  });

  it("jumps to the ends", () => {
    expect(nextActive(1, 5, "Home")).toBe(0);
    expect(nextActive(1, 5, "End")).toBe(4);
  });

  it("has nothing to activate in an empty list", () => {
    expect(nextActive(0, 0, "ArrowDown")).toBe(-1);
  });

  it("leaves other keys to the field", () => {
    expect(isNavigationKey("ArrowLeft")).toBe(false);
    expect(isNavigationKey("Enter")).toBe(false);
    expect(isNavigationKey("End")).toBe(true);
  });
});
