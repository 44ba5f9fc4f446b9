// What is still loading, shown only once it takes longer than people notice (200 ms), so that
// fast answers do not flicker.
import { useEffect, useState } from "react";

export const PENDING_DELAY_MS = 200;

export function Pending({ label, id }: { label: string; id?: string }) {
  const [late, setLate] = useState(false);
  useEffect(() => {
    const timer = window.setTimeout(() => setLate(true), PENDING_DELAY_MS);
    return () => window.clearTimeout(timer);
  }, []);
  if (!late) return null;
  return (
    <p className="guichet-pending fr-text--sm" role="status" id={id}>
      <span className="guichet-spinner" aria-hidden="true" />
      {label}
    </p>
  );
}
