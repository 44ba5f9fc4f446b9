import { describe, expect, it } from "vitest";
import type { DeliveryReport, DeliveryStatus } from "../bindings";
import { counted, DELIVERY_LABELS, deliveryBadge, handoverNote, technicalDetail, undeliveredLabel } from "./delivery";

const refused: DeliveryReport = {
  status: "refused",
  code: 550,
  enhanced: "5.1.1",
  text: "No such mailbox here",
  at: "2026-03-12T09:05:00Z",
  queue_id: null,
  summary: "Refusé par le relais le 12/03/2026 à 10:05\u00a0: boîte aux lettres inexistante.",
};

describe("a message's status", () => {
  it("has a French label and a colour for each status", () => {
    const expected: Record<DeliveryStatus, [string, string | undefined]> = {
      queued: ["En attente", "warning"],
      accepted: ["Accepté par le relais", "success"],
      refused: ["Refusé par le relais", "error"],
      deferred: ["Différé", "warning"],
      bounced: ["Non délivré", "error"],
      failed: ["Non envoyé", "error"],
      dropped: ["Non envoyé (remplacé)", undefined],
    };
    for (const [status, [label, severity]] of Object.entries(expected) as [DeliveryStatus, [string, string | undefined]][]) {
      expect(deliveryBadge(status)).toEqual({ label, severity });
    }
    expect(Object.keys(DELIVERY_LABELS).sort()).toEqual(Object.keys(expected).sort());
  });

  it("flags an address refused by the relay as such, and any other undelivered one as not delivered", () => {
    expect(undeliveredLabel(refused)).toBe("Refusé par le relais");
    expect(undeliveredLabel({ ...refused, status: "bounced" })).toBe("Dernier message non délivré");
  });
});

describe("the technical detail", () => {
  it("gives the raw reply, the queue id and the time in Paris, only what is known", () => {
    expect(technicalDetail(refused).map((line) => [line.label, line.value])).toEqual([
      ["Code SMTP", "550"],
      ["Code étendu", "5.1.1"],
      ["Réponse du serveur", "No such mailbox here"],
      ["Date", "12/03/2026 à 10:05"],
    ]);
    const accepted: DeliveryReport = { status: "accepted", code: 250, enhanced: null, text: null, at: null, queue_id: "4F2B31C0A2", summary: "Accepté par le relais." };
    expect(technicalDetail(accepted).map((line) => line.label)).toEqual(["Code SMTP", "N° dans la file du relais"]);
    expect(technicalDetail({ status: "queued", code: null, enhanced: null, text: null, at: null, queue_id: null, summary: "En attente d’envoi." })).toEqual([]);
  });
});

describe("a message not yet handed over", () => {
  it("says it is being sent, or tried again after failed attempts", () => {
    expect(handoverNote({ state: "sending" })).toBe("Envoi en cours.");
    expect(handoverNote({ state: "waiting", attempts: 2, reason: "connexion refusée" })).toBe("Nouvel essai prévu (2\u00a0essais déjà faits).");
    expect(handoverNote({ state: "waiting", attempts: 1, reason: null })).toBe("Nouvel essai prévu (1\u00a0essai déjà fait).");
    expect(handoverNote({ state: "waiting", attempts: 0, reason: null })).toBeNull();
    expect(handoverNote({ state: "sent", at: "2026-03-12T09:05:00Z", reply: null })).toBeNull();
  });
});

describe("French counts", () => {
  it("puts 0 and 1 in the singular", () => {
    expect(counted(0, "retour reconnu", "retours reconnus")).toBe("0\u00a0retour reconnu");
    expect(counted(1, "retour reconnu", "retours reconnus")).toBe("1\u00a0retour reconnu");
    expect(counted(3, "retour reconnu", "retours reconnus")).toBe("3\u00a0retours reconnus");
  });
});
