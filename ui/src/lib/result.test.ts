import { afterEach, describe, expect, it, vi } from "vitest";
import { CommandFailure, exported, onSessionEnded, onSessionLocked, unwrap } from "./result";

describe("a command's failure", () => {
  afterEach(() => {
    onSessionEnded(null);
    onSessionLocked(null);
  });

  it("ends the session when the agent was disabled, whatever the screen", async () => {
    const ended = vi.fn();
    onSessionEnded(ended);
    const failure = unwrap(Promise.resolve({ status: "error" as const, error: { kind: "agent_disabled" as const, message: "Ce compte d’agent est désactivé." } }));
    await expect(failure).rejects.toBeInstanceOf(CommandFailure);
    expect(ended).toHaveBeenCalledWith("Ce compte d’agent est désactivé.");
  });

  it("leaves the session alone for any other refusal", async () => {
    const ended = vi.fn();
    onSessionEnded(ended);
    await expect(unwrap(Promise.resolve({ status: "error" as const, error: { kind: "forbidden" as const, message: "Non." } }))).rejects.toThrow("Non.");
    expect(ended).not.toHaveBeenCalled();
  });

  it("shows the lock screen when the core locked the idle session, without signing out", async () => {
    const ended = vi.fn();
    const locked = vi.fn();
    onSessionEnded(ended);
    onSessionLocked(locked);
    const failure = unwrap(Promise.resolve({ status: "error" as const, error: { kind: "session_locked" as const, message: "L’écran s’est verrouillé." } }));
    await expect(failure).rejects.toThrow("L’écran s’est verrouillé.");
    expect(locked).toHaveBeenCalledOnce();
    expect(ended).not.toHaveBeenCalled();
  });
});

describe("an export's outcome", () => {
  it("says where the file went, or the core's reason it was not written", async () => {
    expect(await exported(Promise.resolve({ status: "ok", data: "/home/agent/Téléchargements/journal.csv" }), "Journal exporté")).toEqual({
      ok: true,
      text: "Journal exporté dans /home/agent/Téléchargements/journal.csv.",
    });
    const refusal = { kind: "io" as const, message: "Le dossier n’a pas pu être écrit." };
    expect(await exported(Promise.resolve({ status: "error", error: refusal }), "Journal exporté")).toEqual({ ok: false, text: refusal.message });
  });
});
