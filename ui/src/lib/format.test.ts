import { describe, expect, it } from "vitest";
import { describeLifecycle, describeStatus, formatDate, formatDateTime, formatMoment, parisDayStart } from "./format";

describe("French dates in Paris time", () => {
  it("shows a winter UTC instant one hour later", () => {
    expect(formatDateTime("2026-01-15T09:05:00Z")).toBe("15/01/2026 à 10:05");
  });

  it("shows a summer UTC instant two hours later, crossing midnight", () => {
    expect(formatDate("2026-07-14T22:30:00Z")).toBe("15/07/2026");
  });

  it("gives only the time on the same Paris day", () => {
    const now = new Date("2026-11-25T08:00:00Z");
    expect(formatMoment("2026-11-25T13:32:00Z", now)).toBe("14:32");
    expect(formatMoment("2026-11-26T13:32:00Z", now)).toBe("26/11/2026 à 14:32");
  });
});

describe("initialisation states", () => {
  const now = new Date("2026-11-25T08:00:00Z");

  it("says when a pending link stops working", () => {
    expect(describeStatus({ state: "link_pending", until: "2026-11-25T09:00:00Z" }, now)).toEqual({
      label: "Lien valable jusqu’à 10:00",
      severity: "info",
    });
  });

  it("warns about an address that never set its password", () => {
    expect(describeStatus({ state: "not_initialised", link_expired_at: null }, now).severity).toBe("warning");
    expect(describeStatus({ state: "not_initialised", link_expired_at: "2026-11-20T10:00:00Z" }, now).label).toBe(
      "Non initialisé, lien expiré le 20/11/2026 à 11:00",
    );
  });

  it("dates an initialised address when the portal recorded it", () => {
    expect(describeStatus({ state: "initialised", at: "2026-03-12T10:00:00Z" }, now).label).toBe("Initialisé le 12/03/2026");
    expect(describeStatus({ state: "initialised", at: null }, now).label).toBe("Initialisé");
  });
});

describe("Paris calendar days", () => {
  it("starts a winter day at 23:00 UTC the day before", () => {
    expect(parisDayStart("2026-11-25", 0)).toBe("2026-11-24T23:00:00.000Z");
  });

  it("starts a summer day at 22:00 UTC and can move to the next day", () => {
    expect(parisDayStart("2026-07-14", 1)).toBe("2026-07-14T22:00:00.000Z");
  });
});

describe("the link ledger", () => {
  it("says until when a link works and who replaced it", () => {
    expect(describeLifecycle({ state: "valid", until: "2026-11-25T13:32:00Z" }).label).toBe("Valable jusqu’au 25/11/2026 à 14:32");
    expect(describeLifecycle({ state: "replaced", at: "2026-11-25T10:20:00Z", by: "2026-11-25T10:20:00Z" }).label).toBe(
      "Remplacé par le lien du 25/11/2026 à 11:20",
    );
  });

  it("says a link is asked for until the sender mints it", () => {
    expect(describeLifecycle({ state: "requested" }).label).toBe("Demandé, créé à l’envoi");
  });
});
