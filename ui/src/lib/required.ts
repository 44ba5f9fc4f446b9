// Forms check their own fields (`noValidate`): the browser's messages follow the PC's locale and
// speak English on an English system. An empty field says so beside itself, in French, once the
// form was sent with it, as the design system draws an error; typing in it takes the message away,
// and a form that went through shows none, even once emptied for the next entry.
import { useState } from "react";

/** A field that may not be empty: its value and what to say beside it when it is. */
export type Required = { value: string; message: string };

export type FieldState = { state?: "error"; stateRelatedMessage?: string };

/** The fields of one form that may not be empty, by the id of their input. */
export function useRequiredFields(fields: Record<string, Required>) {
  const [sent, setSent] = useState(false);
  const empty = Object.entries(fields).filter(([, field]) => field.value.trim() === "");

  /** Whether the form may go; if not, shows the messages and puts the focus on the first empty field. */
  function check(): boolean {
    const [first] = empty;
    setSent(first !== undefined);
    if (first === undefined) return true;
    document.getElementById(first[0])?.focus();
    return false;
  }

  /** The Input's error state for the field `id`, once the form was refused and while it is empty. */
  function stateOf(id: string): FieldState {
    const field = sent ? empty.find(([emptyId]) => emptyId === id) : undefined;
    return field ? { state: "error", stateRelatedMessage: field[1].message } : {};
  }

  return { check, stateOf };
}
