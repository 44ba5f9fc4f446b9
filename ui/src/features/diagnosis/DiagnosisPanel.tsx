// « Mon adresse n’est pas reconnue » : when the search box holds an address the database does
// not have as such, why it fails and what to do: each step the verdict calls for, pre-filled,
// as a button and in the palette, the first one under Entrée from the search field.
import { Alert } from "@codegouvfr/react-dsfr/Alert";
import { Button } from "@codegouvfr/react-dsfr/Button";
import { useEffect, useState, type MutableRefObject } from "react";
import { commands, type Agent, type AttachedTo, type Diagnosis, type NextStep, type Step } from "../../bindings";
import { refusalOf } from "../../lib/grant";
import { messageOf, unwrap } from "../../lib/result";
import { AddressPanel } from "../links/AddressPanel";
import { usePaletteCommands } from "../palette/registry";
import { AttachStep } from "./AttachStep";

type Props = {
  email: string;
  agent: Agent;
  /** The establishment whose page the agent came from: the caller's, most likely. */
  caller: string | null;
  onOpen: (uai: string) => void;
  /** Looks for another spelling in the search field. */
  onSearch: (query: string) => void;
  /** Set to the first step's run while there is one, for Entrée in the search field. */
  primaryRef?: MutableRefObject<(() => void) | null>;
};

/** The step taken in the panel: attaching, or sending a link. */
type Taken = { kind: "attach"; step: Extract<NextStep, { kind: "attach" }> } | { kind: "send"; email: string };

/** Why the agent's role refuses a step, if it does. */
function refusalFor(step: NextStep, agent: Agent): string | undefined {
  if (step.kind === "attach") return refusalOf(agent.permissions.edit_addresses);
  if (step.kind === "send_link") return refusalOf(agent.permissions.send_links);
  return undefined;
}

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

export function DiagnosisPanel({ email, agent, caller, onOpen, onSearch, primaryRef }: Props) {
  const [diagnosis, setDiagnosis] = useState<{ email: string; result: Diagnosis | string } | null>(null);
  const [taken, setTaken] = useState<Taken | null>(null);

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

  const current = diagnosis && diagnosis.email === email && typeof diagnosis.result !== "string" ? diagnosis.result : null;
  const steps = current?.steps ?? [];
  const run = (step: NextStep) => {
    switch (step.kind) {
      case "attach":
        return setTaken({ kind: "attach", step });
      case "send_link":
        return setTaken({ kind: "send", email: step.email });
      case "use_spelling":
        return onSearch(step.email);
      case "open":
        return onOpen(step.establishment.uai);
    }
  };
  const runnable = steps.filter((step) => refusalFor(step.step, agent) === undefined);
  const first = taken === null ? (runnable[0]?.step ?? null) : null;
  useEffect(() => {
    if (!primaryRef) return;
    primaryRef.current = first ? () => run(first) : null;
    return () => void (primaryRef.current = null);
  });
  usePaletteCommands(
    steps.map((step, index) => ({
      id: `diagnosis-step-${index}`,
      group: "Diagnostic",
      label: step.label,
      keywords: `diagnostic ${email}`,
      refused: refusalFor(step.step, agent),
      run: () => run(step.step),
    })),
  );

  if (!diagnosis || diagnosis.email !== email) return null;
  if (typeof diagnosis.result === "string") return <Alert severity="error" small description={diagnosis.result} />;
  const result = diagnosis.result;
  return (
    <section className="guichet-panel fr-mt-2w" aria-labelledby="diagnosis-title" id="diagnosis-panel" data-verdict={result.verdict.kind}>
      <h2 id="diagnosis-title" className="fr-h6 fr-mb-1w">
        Diagnostic de l’adresse «&nbsp;{result.normalised ?? result.input}&nbsp;»
      </h2>
      <Alert severity={result.verdict.kind === "known" ? "success" : "warning"} small description={result.action} id="diagnosis-action" />
      {steps.length > 0 && (
        <StepButtons steps={steps} agent={agent} onRun={run} />
      )}
      {taken?.kind === "attach" && (
        <AttachStep
          key={taken.step.email}
          email={taken.step.email}
          known={taken.step.known}
          named={taken.step.establishment ? { uai: taken.step.establishment.uai, name: taken.step.establishment.name, town: "" } : null}
          caller={caller}
          agent={agent}
          onOpen={onOpen}
        />
      )}
      {taken?.kind === "send" && <AddressPanel email={taken.email} agent={agent} note="" onClose={() => setTaken(null)} confirmAtOnce />}
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

/** The steps as buttons, the first one primary; a refused one disabled with the core's reason. */
function StepButtons({ steps, agent, onRun }: { steps: Step[]; agent: Agent; onRun: (step: NextStep) => void }) {
  return (
    <ul className="guichet-steps fr-btns-group fr-btns-group--inline-md fr-btns-group--sm fr-mt-2w" id="diagnosis-steps">
      {steps.map((step, index) => {
        const refused = refusalFor(step.step, agent);
        return (
          <li key={index}>
            <Button
              priority={index === 0 ? "primary" : "secondary"}
              size="small"
              disabled={refused !== undefined}
              title={refused ?? (index === 0 ? "Entrée depuis le champ de recherche" : undefined)}
              onClick={() => onRun(step.step)}
              id={`diagnosis-step-${index}`}
              nativeButtonProps={{ "data-step": step.step.kind } as Record<string, string>}
            >
              {step.label}
            </Button>
          </li>
        );
      })}
    </ul>
  );
}
