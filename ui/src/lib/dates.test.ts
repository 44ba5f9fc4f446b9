import { describe, expect, it } from "vitest";
import { DAY_FORMAT_MESSAGE, isInvalid, NO_DAY, readDay, showDay, typedDay } from "./dates";

const day = (iso: string) => ({ kind: "day", iso });
const invalid = (message: string) => ({ kind: "invalid", message });

describe("a day typed as jj/mm/aaaa", () => {
  it("reads the day first, whatever the PC's locale", () => {
    expect(readDay("05/03/2026")).toEqual(day("2026-03-05"));
    expect(readDay("12/11/2026")).toEqual(day("2026-11-12"));
  });

  it("accepts one-digit days and months, dots, dashes, spaces, eight digits and blanks around", () => {
    for (const text of ["5/3/2026", "05/3/2026", "5/03/2026", "05.03.2026", "05-03-2026", "05 03 2026", "05032026", "  05/03/2026 "]) {
      expect(readDay(text), text).toEqual(day("2026-03-05"));
    }
  });

  it("reads nothing typed as no day", () => {
    expect(readDay("")).toEqual({ kind: "empty" });
    expect(readDay("   ")).toEqual({ kind: "empty" });
  });

  it("says which day does not exist", () => {
    expect(readDay("31/02/2026")).toEqual(invalid("Date invalide\u00a0: 31/02/2026 n’existe pas"));
    expect(readDay("31/4/2026")).toEqual(invalid("Date invalide\u00a0: 31/04/2026 n’existe pas"));
    expect(readDay("00/03/2026")).toEqual(invalid("Date invalide\u00a0: 00/03/2026 n’existe pas"));
    expect(readDay("05/13/2026")).toEqual(invalid("Date invalide\u00a0: 05/13/2026 n’existe pas"));
    expect(readDay("05/00/2026")).toEqual(invalid("Date invalide\u00a0: 05/00/2026 n’existe pas"));
  });

  it("knows 29 February only in leap years", () => {
    expect(readDay("29/02/2024")).toEqual(day("2024-02-29"));
    expect(readDay("29/02/2000")).toEqual(day("2000-02-29"));
    expect(readDay("29/02/2026").kind).toBe("invalid");
    expect(readDay("29/02/2100")).toEqual(invalid("Date invalide\u00a0: 29/02/2100 n’existe pas"));
    expect(readDay("30/02/2024").kind).toBe("invalid");
  });

  it("asks for the format for anything else", () => {
    for (const text of ["hier", "2026-03-05", "05/03/26", "05/03", "5/3/20266", "05/03-2026", "05//03/2026", "0503206", "05/03/0999", "١٢/٠٣/٢٠٢٦", "5/3/2026x"]) {
      expect(readDay(text), text).toEqual(invalid(DAY_FORMAT_MESSAGE));
    }
  });

  it("shows an ISO day as jj/mm/aaaa", () => {
    expect(showDay("2026-03-05")).toBe("05/03/2026");
  });
});

describe("a date field's value", () => {
  it("holds the text and the day it names", () => {
    expect(typedDay("5/3/2026")).toEqual({ text: "5/3/2026", iso: "2026-03-05" });
    expect(typedDay("31/02/2026")).toEqual({ text: "31/02/2026", iso: null });
  });

  it("is invalid only when something typed names no day", () => {
    expect(isInvalid(NO_DAY)).toBe(false);
    expect(isInvalid(typedDay("  "))).toBe(false);
    expect(isInvalid(typedDay("05/03/2026"))).toBe(false);
    expect(isInvalid(typedDay("31/02/2026"))).toBe(true);
    expect(isInvalid(typedDay("demain"))).toBe(true);
  });
});
