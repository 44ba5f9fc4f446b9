// Turns the generated bindings' `{status, data | error}` results into values or thrown errors,
// so that screens handle one failure path.
import type { CommandError } from "../bindings";

export class CommandFailure extends Error {
  readonly kind: CommandError["kind"];
  constructor(error: CommandError) {
    super(error.message);
    this.kind = error.kind;
  }
}

export type Outcome<T> = { status: "ok"; data: T } | { status: "error"; error: CommandError };

/** Failures that end the agent's session wherever they happen: disabled by a supervisor, no
 * longer a member of its role, or signed out. */
const SESSION_ENDERS: ReadonlySet<CommandError["kind"]> = new Set(["agent_disabled", "missing_group_role", "not_signed_in"]);

let sessionEnded: ((message: string) => void) | null = null;
let sessionLocked: (() => void) | null = null;

/** Lets the window sign the agent out when any command says the session is over. */
export function onSessionEnded(listener: ((message: string) => void) | null): void {
  sessionEnded = listener;
}

/** Lets the window show its lock screen when the core says the session locked for idleness. */
export function onSessionLocked(listener: (() => void) | null): void {
  sessionLocked = listener;
}

export async function unwrap<T>(pending: Promise<Outcome<T>>): Promise<T> {
  const outcome = await pending;
  if (outcome.status === "error") {
    if (SESSION_ENDERS.has(outcome.error.kind)) sessionEnded?.(outcome.error.message);
    if (outcome.error.kind === "session_locked") sessionLocked?.();
    throw new CommandFailure(outcome.error);
  }
  return outcome.data;
}

/** The French message an agent reads for any failure, expected or not. */
export function messageOf(error: unknown): string {
  if (error instanceof CommandFailure) return error.message;
  return "Une erreur inattendue est survenue. Réessayez, puis contactez l’équipe technique si elle persiste.";
}

/** What an export says once done: where its file went (« Journal exporté dans … »), or why it
 * was not written. */
export async function exported(command: Promise<Outcome<string>>, done: string): Promise<{ ok: boolean; text: string }> {
  try {
    return { ok: true, text: `${done} dans ${await unwrap(command)}.` };
  } catch (failure) {
    return { ok: false, text: messageOf(failure) };
  }
}
