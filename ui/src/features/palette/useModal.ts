// A native <dialog> shown as a modal while its component is mounted; the focus goes back where it
// was when it closes, so that the keyboard goes on from the same place.
import { useEffect, type RefObject } from "react";

export function useModal(dialog: RefObject<HTMLDialogElement | null>) {
  useEffect(() => {
    const previous = document.activeElement instanceof HTMLElement ? document.activeElement : null;
    const element = dialog.current;
    if (element && !element.open) element.showModal();
    return () => previous?.focus();
  }, [dialog]);
}
