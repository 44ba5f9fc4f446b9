// What an agent changes in an establishment's addresses: attach one, make one principal, detach
// one. Each waits for the agent's confirmation, then is saved as one change against the version
// the agent saw; the page reloads after it, saved or not.
import { useCallback, useState } from "react";
import { commands, type Establishment } from "../../bindings";
import { CommandFailure, messageOf, unwrap } from "../../lib/result";

/** A change waiting for the agent's confirmation. */
export type PendingChange =
  | { kind: "attach"; email: string; principal: boolean; warning: string | null }
  | { kind: "principal"; email: string }
  | { kind: "detach"; email: string; principal: boolean; replacement: string };

/** What the attach form holds; the note of the call goes with every change. */
export type Draft = { email: string; principal: boolean; note: string };

export type Outcome = { ok: boolean; message: string };

const EMPTY_DRAFT: Draft = { email: "", principal: false, note: "" };

export function useAddressChanges(establishment: Establishment | null, reload: () => void) {
  const [draft, setDraft] = useState<Draft>(EMPTY_DRAFT);
  const [pending, setPending] = useState<PendingChange | null>(null);
  const [outcome, setOutcome] = useState<Outcome | null>(null);
  const [busy, setBusy] = useState(false);

  const edit = (change: Partial<Draft>) => setDraft((current) => ({ ...current, ...change }));
  const cancel = useCallback(() => setPending(null), []);

  const ask = (next: PendingChange) => {
    setOutcome(null);
    setPending(next);
  };

  /** Detaching the principal address asks for its replacement: another attached address first. */
  const askDetach = (email: string, principal: boolean) => {
    const other = establishment?.addresses.find((a) => a.email !== email);
    ask({ kind: "detach", email, principal, replacement: other?.email ?? "" });
  };

  /** Asks to attach the address as it will be saved (trimmed, domain in lower case), or says why it cannot be. */
  async function askAttach() {
    setOutcome(null);
    try {
      const checked = await unwrap(commands.normaliseEmail(draft.email));
      setPending({ kind: "attach", email: checked.email, principal: draft.principal, warning: checked.warning });
    } catch (failure) {
      setOutcome({ ok: false, message: messageOf(failure) });
    }
  }

  const setReplacement = (replacement: string) => {
    if (pending?.kind === "detach") setPending({ ...pending, replacement });
  };

  async function confirm() {
    if (!pending || !establishment) return;
    setBusy(true);
    const version = establishment.version;
    const note = draft.note.trim() === "" ? null : draft.note;
    try {
      const done = await unwrap(
        pending.kind === "attach"
          ? commands.attach(pending.email, [establishment.uai], pending.principal, version, note)
          : pending.kind === "principal"
            ? commands.setPrincipal(establishment.uai, pending.email, version, note)
            : commands.detach(pending.email, establishment.uai, pending.principal ? pending.replacement : null, version, note),
      );
      setOutcome({ ok: true, message: done.message });
      const attached = pending.kind === "attach";
      setDraft((current) => (attached ? EMPTY_DRAFT : { ...current, note: "" }));
      setPending(null);
    } catch (failure) {
      setOutcome({ ok: false, message: messageOf(failure) });
      // On a conflict the page reloads with the other agent's change; the form keeps its input.
      if (failure instanceof CommandFailure && failure.kind === "conflict") setPending(null);
    } finally {
      setBusy(false);
      reload();
    }
  }

  return { draft, edit, pending, outcome, busy, ask, askDetach, askAttach, setReplacement, cancel, confirm };
}
