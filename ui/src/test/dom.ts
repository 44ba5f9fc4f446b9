// Finding what a screen shows, for tests.

/** The element of `id`, which must be on the screen. */
export function byId(id: string): HTMLElement {
  const element = document.getElementById(id);
  if (!element) throw new Error(`#${id} is not shown`);
  return element;
}

/** The buttons of one row of the attached addresses, by their `data-action`. */
export function rowAction(email: string, action: string): HTMLButtonElement {
  const button = document.querySelector<HTMLButtonElement>(`tr[data-email="${email}"] [data-action="${action}"]`);
  if (!button) throw new Error(`no ${action} button for ${email}`);
  return button;
}
