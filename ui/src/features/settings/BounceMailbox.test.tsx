import { render } from "@testing-library/react";
import { describe, expect, it } from "vitest";
import type { BounceMailboxStatus } from "../../bindings";
import { byId } from "../../test/dom";
import { BounceMailbox } from "./BounceMailbox";

const unset: BounceMailboxStatus = { configured: false, read_at: null, matched: 0, ignored: 0, unmatched: 0, left: [], problem: null, problem_since: null };

describe("the bounce mailbox's section", () => {
  it("says when no mailbox is set", () => {
    render(<BounceMailbox status={unset} />);
    expect(byId("bounce-mailbox").dataset.state).toBe("not-configured");
    expect(byId("bounce-mailbox-state").textContent).toContain("Aucune boîte des retours n’est réglée");
    expect(document.getElementById("bounce-mailbox-problem")).toBeNull();
  });

  it("shows why the mailbox cannot be read, and since when, rather than its last reading", () => {
    const problem = "La boîte des retours (127.0.0.1:1) est injoignable\u00a0: connexion refusée.";
    render(
      <BounceMailbox
        status={{ ...unset, configured: true, read_at: "2026-12-01T08:00:00Z", matched: 4, problem, problem_since: "2026-12-02T08:00:00Z" }}
      />,
    );
    const alert = byId("bounce-mailbox-problem");
    expect(alert.className).toContain("fr-alert--error");
    expect(alert.textContent).toContain(problem);
    expect(alert.textContent).toContain("Depuis le 02/12/2026 à 09:00.");
    expect(document.getElementById("bounce-mailbox-state")).toBeNull();
  });

  it("counts the last reading and lists the reports left for a person to read", () => {
    render(
      <BounceMailbox
        status={{
          ...unset,
          configured: true,
          read_at: "2026-12-02T07:55:00Z",
          matched: 3,
          ignored: 1,
          unmatched: 2,
          left: [
            { uid: 7, subject: "Undelivered Mail Returned to Sender", from: "MAILER-DAEMON@mx.example.fr", reason: "unknown-message", detail: "no message with that id" },
            { uid: 9, subject: null, from: null, reason: "malformed", detail: null },
          ],
        }}
      />,
    );
    expect(byId("bounce-mailbox-state").textContent).toBe(
      "Dernière lecture le 02/12/2026 à 08:55\u00a0: 3\u00a0retours reconnus, 1\u00a0sans objet, 2\u00a0laissés dans la boîte.",
    );
    const left = byId("bounce-mailbox-left").querySelectorAll("li");
    expect(left).toHaveLength(2);
    expect(left[0]?.textContent).toBe(
      "«\u00a0Undelivered Mail Returned to Sender\u00a0», de MAILER-DAEMON@mx.example.fr\u00a0: retour d’un message que le Guichet n’a pas envoyé",
    );
    expect(left[1]?.textContent).toContain("rapport illisible");
    expect(byId("bounce-mailbox-left-note").textContent).toBe("Ils restent dans la boîte pour être lus par une personne.");
  });

  it("says nothing of left reports when the mailbox kept none", () => {
    render(<BounceMailbox status={{ ...unset, configured: true, read_at: "2026-12-02T07:55:00Z", matched: 1 }} />);
    expect(byId("bounce-mailbox-state").textContent).toContain("1\u00a0retour reconnu, 0\u00a0sans objet, 0\u00a0laissé dans la boîte.");
    expect(document.getElementById("bounce-mailbox-left")).toBeNull();
    expect(document.getElementById("bounce-mailbox-left-note")).toBeNull();
  });
});
