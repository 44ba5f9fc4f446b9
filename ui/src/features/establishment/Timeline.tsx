// Everything that happened to an establishment and its addresses, newest first.
import { useEffect, useState } from "react";
import { commands, type AuditEntry } from "../../bindings";
import { ACTION_LABELS, formatDateTime } from "../../lib/format";
import { messageOf, unwrap } from "../../lib/result";

export function Timeline({ uai, revision }: { uai: string; revision: number }) {
  const [entries, setEntries] = useState<AuditEntry[] | string | null>(null);
  useEffect(() => {
    let current = true;
    unwrap(commands.timeline(uai))
      .then((found) => current && setEntries(found))
      .catch((error: unknown) => current && setEntries(messageOf(error)));
    return () => {
      current = false;
    };
  }, [uai, revision]);

  return (
    <section className="fr-mt-6w" aria-labelledby="timeline-title">
      <h2 id="timeline-title" className="fr-h5">
        Historique
      </h2>
      {typeof entries === "string" && <p className="fr-error-text">{entries}</p>}
      {Array.isArray(entries) && entries.length === 0 && (
        <p className="fr-text--sm">Aucune action n’a encore été faite sur cet établissement depuis le Guichet.</p>
      )}
      {Array.isArray(entries) && entries.length > 0 && (
        <ol className="guichet-timeline" id="timeline">
          {entries.map((entry) => (
            <li key={entry.id} data-action={entry.action}>
              <span className="guichet-timeline__when">{formatDateTime(entry.at)}</span>
              <span>
                <strong>{ACTION_LABELS[entry.action]}</strong>
                {entry.email && <> · {entry.email}</>}
                {entry.agent && <> · par {entry.agent}</>}
                {entry.changes
                  .filter((change) => change.before !== null && change.after !== null)
                  .map((change) => (
                    <span key={change.field} className="guichet-timeline__change">
                      {" "}
                      ({change.before} → {change.after})
                    </span>
                  ))}
                {entry.note && <em className="guichet-timeline__note"> — {entry.note}</em>}
              </span>
            </li>
          ))}
        </ol>
      )}
    </section>
  );
}
