import { cleanup, fireEvent, render, screen } from "@testing-library/react";
import { describe, expect, it, vi } from "vitest";
import { byId } from "../../test/dom";
import { NOT_A_COUNT, SecondsField } from "./SecondsField";

function shown(value: number | null) {
  const onChange = vi.fn();
  render(<SecondsField id="setting-delay" label="Délai (secondes)" hint="60 par défaut." value={value} onChange={onChange} />);
  return { input: byId("setting-delay") as HTMLInputElement, onChange };
}

describe("a setting in seconds", () => {
  it("shows its value under its label, at least one second", () => {
    const { input } = shown(600);
    expect(screen.getByLabelText(/Délai \(secondes\)/)).toBe(input);
    expect(input.value).toBe("600");
    expect(input.type).toBe("number");
    expect(input.min).toBe("1");
  });

  it("shows an unset value as an empty field", () => {
    expect(shown(null).input.value).toBe("");
  });

  it("reports the typed number, and null once emptied", () => {
    const { input, onChange } = shown(600);
    fireEvent.change(input, { target: { value: "90" } });
    expect(onChange).toHaveBeenLastCalledWith(90);
    fireEvent.change(input, { target: { value: "" } });
    expect(onChange).toHaveBeenLastCalledWith(null);
  });

  it("says beside the field, in French, what is not a whole number of at least one", () => {
    for (const wrong of [0, -5, 1.5]) {
      const { input } = shown(wrong);
      expect(input.getAttribute("aria-invalid"), String(wrong)).toBe("true");
      expect(screen.getByText(NOT_A_COUNT).id).toBe("setting-delay-desc-error");
      cleanup();
    }
    shown(60);
    expect(screen.queryByText(NOT_A_COUNT)).toBeNull();
  });
});
