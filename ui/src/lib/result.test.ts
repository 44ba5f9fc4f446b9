import { afterEach, describe, expect, it, vi } from "vitest";
import { CommandFailure, onSessionEnded, unwrap } from "./result";

describe("a command's failure", () => {
  afterEach(() => onSessionEnded(null));

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
});
