// Whether the links leave: every agent's window says so when the sender service (or, on a
// standalone database, this window's own sender) cannot mail them, and why.
import { Alert } from "@codegouvfr/react-dsfr/Alert";
import { useEffect, useState } from "react";
import { commands, type SendingStatus } from "../../bindings";
import { formatDateTime } from "../../lib/format";
import { unwrap } from "../../lib/result";

/** How often the window asks; the sender beats every two seconds. */
const EVERY_MS = 5000;

export function SendingBanner({ active }: { active: boolean }) {
  const [status, setStatus] = useState<SendingStatus | null>(null);

  useEffect(() => {
    if (!active) return;
    let current = true;
    const ask = () =>
      unwrap(commands.sendingStatus())
        .then((found) => current && setStatus(found))
        // The status is a hint: a failure to read it is shown by the screens themselves.
        .catch(() => undefined);
    void ask();
    const timer = window.setInterval(() => void ask(), EVERY_MS);
    return () => {
      current = false;
      window.clearInterval(timer);
    };
  }, [active]);

  if (!active || !status?.problem) return null;
  return (
    <div className="fr-container guichet-sending-problem" id="sending-problem" role="status">
      <Alert
        severity="error"
        small
        description={status.since ? `${status.problem} Depuis le ${formatDateTime(status.since)}.` : status.problem}
      />
    </div>
  );
}
