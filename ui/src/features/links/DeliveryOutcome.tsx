// What became of one message after it left: its status as a badge, the core's sentence for the
// agent, and, folded for experts, the relay's or the report's raw status.
import { Badge } from "@codegouvfr/react-dsfr/Badge";
import type { Delivery, DeliveryReport, DeliveryStatus } from "../../bindings";
import { deliveryBadge, handoverNote, technicalDetail } from "../../lib/delivery";

export function DeliveryBadge({ status }: { status: DeliveryStatus }) {
  const { label, severity } = deliveryBadge(status);
  return (
    <Badge small severity={severity} className="guichet-outcome__badge">
      {label}
    </Badge>
  );
}

/** « Détail technique », folded: what the server answered, for the relay's administrators. */
export function TechnicalDetail({ report }: { report: DeliveryReport }) {
  const lines = technicalDetail(report);
  if (lines.length === 0) return null;
  return (
    <details className="guichet-technical fr-mt-1v">
      <summary className="fr-text--xs">Détail technique</summary>
      <dl className="guichet-technical__lines fr-text--xs">
        {lines.map((line) => (
          <div key={line.key} data-detail={line.key}>
            <dt>{line.label}</dt>
            {/* The server's words, in English and its own typography: code, not French text. */}
            <dd>{line.raw ? <code>{line.value}</code> : line.value}</dd>
          </div>
        ))}
      </dl>
    </details>
  );
}

type Props = { outcome: DeliveryReport; delivery: Delivery };

/** A ledger row's message: badge, sentence, what the outbox is doing, and the raw detail. */
export function DeliveryOutcome({ outcome, delivery }: Props) {
  const note = handoverNote(delivery);
  return (
    <div className="guichet-outcome">
      <DeliveryBadge status={outcome.status} />
      <p className="fr-text--sm fr-mb-0 fr-mt-1v guichet-outcome__summary">{outcome.summary}</p>
      {note && <p className="fr-text--xs fr-mb-0 guichet-reply">{note}</p>}
      <TechnicalDetail report={outcome} />
    </div>
  );
}
