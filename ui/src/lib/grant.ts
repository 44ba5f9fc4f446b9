// The core decides what an agent's role allows and says why it refuses; screens only read it.
import type { Grant } from "../bindings";

/** Why the action is refused, as the window shows it beside the disabled action; undefined when allowed. */
export function refusalOf(grant: Grant): string | undefined {
  if (grant.allowed) return undefined;
  // The core always gives its reason; a refusal without one still disables the action.
  return grant.refusal ?? "Votre rôle ne permet pas cette action.";
}
