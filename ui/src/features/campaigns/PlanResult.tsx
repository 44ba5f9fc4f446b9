// The dry run's outcome: how many links the plan sends, and who it skips and why.
import type { CampaignPlan } from "../../bindings";
import { SKIP_REASON_LABELS } from "./campaign";

export function PlanResult({ plan }: { plan: CampaignPlan }) {
  const skipped = plan.skipped.length;
  return (
    <section aria-labelledby="campaign-plan-summary" id="campaign-plan-result">
      <p className="fr-text--lead fr-mb-2w" id="campaign-plan-summary">
        {`Campagne n°\u00a0${plan.campaign}\u00a0: ${plural(plan.to_send, "lien", "liens")} à envoyer, ${plural(skipped, "établissement écarté", "établissements écartés")}`}
      </p>
      {skipped > 0 && (
        <div className="fr-table">
          <table id="campaign-skipped">
            <caption>Établissements écartés</caption>
            <thead>
              <tr>
                <th scope="col">UAI</th>
                <th scope="col">Adresse principale</th>
                <th scope="col">Raison</th>
              </tr>
            </thead>
            <tbody>
              {plan.skipped.map((s) => (
                <tr key={s.uai} data-uai={s.uai} data-reason={s.reason}>
                  <td>{s.uai}</td>
                  <td>{s.email ?? "—"}</td>
                  <td>{SKIP_REASON_LABELS[s.reason]}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}

/** « 1 lien », « 0 lien », « 3 liens ». */
function plural(count: number, one: string, many: string): string {
  return `${count} ${count > 1 ? many : one}`;
}
