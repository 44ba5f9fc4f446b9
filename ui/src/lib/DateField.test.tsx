import { fireEvent, render, screen } from "@testing-library/react";
import { useState } from "react";
import { describe, expect, it } from "vitest";
import { byId } from "../test/dom";
import { DateField } from "./DateField";
import { NO_DAY, type TypedDay } from "./dates";

/** The field as a form holds it, with the last value it handed over. */
function Holder({ checked = false, seen }: { checked?: boolean; seen: TypedDay[] }) {
  const [value, setValue] = useState<TypedDay>(NO_DAY);
  return (
    <DateField
      id="day"
      label="Du"
      value={value}
      checked={checked}
      onChange={(next) => {
        seen.push(next);
        setValue(next);
      }}
    />
  );
}

function shown(checked = false) {
  const seen: TypedDay[] = [];
  const view = render(<Holder checked={checked} seen={seen} />);
  return { input: byId("day") as HTMLInputElement, seen, view };
}

const error = () => document.getElementById("day-desc-error");

describe("the date field", () => {
  it("is a text field with its format as a hint, not the browser's date field", () => {
    const { input } = shown();
    expect(input.type).toBe("text");
    expect(screen.getByLabelText(/Du/)).toBe(input);
    expect(screen.getByText("Format jj/mm/aaaa")).toBeTruthy();
  });

  it("hands over the ISO day of what is typed, and shows it as jj/mm/aaaa once left", () => {
    const { input, seen } = shown();
    fireEvent.change(input, { target: { value: "5/3/2026" } });
    expect(seen.at(-1)).toEqual({ text: "5/3/2026", iso: "2026-03-05" });
    fireEvent.blur(input);
    expect(input.value).toBe("05/03/2026");
    expect(seen.at(-1)).toEqual({ text: "05/03/2026", iso: "2026-03-05" });
    expect(error()).toBeNull();
  });

  it("says nothing while a day is half typed, then writes its error beside it once left", () => {
    const { input, seen } = shown();
    fireEvent.change(input, { target: { value: "31/02/2026" } });
    expect(seen.at(-1)).toEqual({ text: "31/02/2026", iso: null });
    expect(error()).toBeNull();
    fireEvent.blur(input);
    expect(error()?.textContent).toBe("Date invalide\u00a0: 31/02/2026 n’existe pas");
    expect(input.getAttribute("aria-invalid")).toBe("true");
    expect(input.getAttribute("aria-describedby")).toContain("day-desc-error");
    expect(input.closest(".fr-input-group")?.classList.contains("fr-input-group--error")).toBe(true);
    // Corrected, the error goes at once.
    fireEvent.change(input, { target: { value: "28/02/2026" } });
    expect(error()).toBeNull();
    expect(input.getAttribute("aria-invalid")).toBeNull();
  });

  it("asks for the format of garbage, at once when its form was submitted", () => {
    const seen: TypedDay[] = [];
    const { rerender } = render(<Holder seen={seen} />);
    fireEvent.change(byId("day"), { target: { value: "hier" } });
    expect(error()).toBeNull();
    rerender(<Holder checked seen={seen} />);
    expect(error()?.textContent).toBe("Saisissez la date au format jj/mm/aaaa");
  });

  it("shows no error for an emptied field", () => {
    const { input } = shown(true);
    fireEvent.change(input, { target: { value: "" } });
    fireEvent.blur(input);
    expect(error()).toBeNull();
  });
});
