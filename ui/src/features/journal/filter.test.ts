import { describe, expect, it } from "vitest";
import { typedDay } from "../../lib/dates";
import { EMPTY_FORM, invalidDays, PAGE, toFilter } from "./filter";

describe("the journal's filters", () => {
  it("ask for every entry when empty", () => {
    expect(toFilter(EMPTY_FORM)).toEqual({ agent: null, uai: null, email: null, action: null, from: null, to: null, limit: PAGE });
    expect(invalidDays(EMPTY_FORM)).toEqual([]);
  });

  it("trim what is typed and keep the action chosen", () => {
    const filter = toFilter({ ...EMPTY_FORM, agent: " sandrine ", uai: "0750654D", email: "  ", action: "link_sent" });
    expect(filter).toMatchObject({ agent: "sandrine", uai: "0750654D", email: null, action: "link_sent" });
  });

  it("send « Du » and « Au » as Paris days, the « Au » day included", () => {
    const form = { ...EMPTY_FORM, from: typedDay("05/03/2026"), to: typedDay("05/03/2026") };
    expect(invalidDays(form)).toEqual([]);
    // 5 March is winter time in Paris: UTC+1.
    expect(toFilter(form)).toMatchObject({ from: "2026-03-04T23:00:00.000Z", to: "2026-03-05T23:00:00.000Z" });
  });

  it("read a day typed without zeros or with dots, over a change of time", () => {
    // Summer time starts on 29 March 2026: the « Au » day ends at 22:00 UTC.
    const form = { ...EMPTY_FORM, from: typedDay("1.3.2026"), to: typedDay("29/3/2026") };
    expect(toFilter(form)).toMatchObject({ from: "2026-02-28T23:00:00.000Z", to: "2026-03-29T22:00:00.000Z" });
  });

  it("name the days that are not days, « Du » first, and never filter on them", () => {
    const form = { ...EMPTY_FORM, from: typedDay("31/02/2026"), to: typedDay("demain") };
    expect(invalidDays(form)).toEqual(["from", "to"]);
    expect(invalidDays({ ...form, from: typedDay("") })).toEqual(["to"]);
    expect(toFilter(form)).toMatchObject({ from: null, to: null });
  });
});
