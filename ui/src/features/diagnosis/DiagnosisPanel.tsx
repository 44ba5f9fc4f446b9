// « Mon adresse n’est pas reconnue » : when the search box holds an address the database does
// not have as such, why it fails and what to do, with the establishments to open.
import { Alert } from "@codegouvfr/react-dsfr/Alert";
import { Button } from "@codegouvfr/react-dsfr/Button";
import { useEffect, useState } from "react";
import { commands, type AttachedTo, type Diagnosis } from "../../bindings";
import { messageOf, unwrap } from "../../lib/result";

type Props = { email: string; onOpen: (uai: string) => void };

/** The establishments a finding names, to open them from the panel. */
function establishmentsOf(finding: Diagnosis["findings"][number]["finding"]): AttachedTo[] {
  switch (finding.kind) {
    case "exact":
    case "near":
    case "other_domain":
      return finding.establishments;
    case "functional":
      return finding.establishment ? [{ uai: finding.establishment.uai, name: finding.establishment.name, principal: false }] : [];
    default:
      return [];
  }
}

export function DiagnosisPanel({ email, onOpen }: Props) {
  const [diagnosis, setDiagnosis] = useState<{ email: string; result: Diagnosis | string } | null>(null);

  useEffect(() => {
    let current = true;
    const timer = window.setTimeout(() => {
      unwrap(commands.diagnose(email))
        .then((result) => current && setDiagnosis({ email, result }))
        .catch((error: unknown) => current && setDiagnosis({ email, result: messageOf(error) }));
    }, 250);
    return () => {
      current = false;
      window.clearTimeout(timer);
    };
  }, [email]);

  if (!diagnosis || diagnosis.email !== email) return null;
  if (typeof diagnosis.result === "string") return <Alert severity="error" small description={diagnosis.result} />;
  const result = diagnosis.result;
  return (
    <section className="guichet-panel fr-mt-2w" aria-labelledby="diagnosis-title" id="diagnosis-panel" data-verdict={result.verdict.kind}>
      <h2 id="diagnosis-title" className="fr-h6 fr-mb-1w">
        Diagnostic de l’adresse «&nbsp;{result.normalised ?? result.input}&nbsp;»
      </h2>
      <Alert severity={result.verdict.kind === "known" ? "success" : "warning"} small description={result.action} id="diagnosis-action" />
      {result.undelivered && (
        <Alert
          severity="warning"
          title="Le dernier message n’est pas arrivé"
          description={result.undelivered.summary}
          className="fr-mt-2w"
          id="diagnosis-undelivered"
        />
      )}
      {result.findings.length > 0 && (
        <ul className="guichet-findings" id="diagnosis-findings">
          {result.findings.map((explained, index) => (
            <li key={index} data-kind={explained.finding.kind}>
              <p className="fr-mb-1v">{explained.message}</p>
              {establishmentsOf(explained.finding).map((establishment) => (
                <Button key={establishment.uai} size="small" priority="tertiary" onClick={() => onOpen(establishment.uai)}>
                  {establishment.name} ({establishment.uai}){establishment.principal ? " · adresse principale" : ""}
                </Button>
              ))}
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}
