// « Suivi des initialisations », for every role: a population's establishments by the state of
// their principal address, as a chart and as figures; each count opens its list; CSV export.
import { Alert } from "@codegouvfr/react-dsfr/Alert";
import { Button } from "@codegouvfr/react-dsfr/Button";
import { useEffect, useState, type FormEvent } from "react";
import { commands, type EstablishmentState, type InitState, type InitialisationReport } from "../../bindings";
import { formatDateTime, INIT_STATE_LABELS, INIT_STATES } from "../../lib/format";
import { Pending } from "../../lib/Pending";
import { exported, messageOf, unwrap } from "../../lib/result";
import { ALL, toPopulation, type PopulationForm } from "./population";
import { PopulationFields } from "./PopulationFields";
import { StateChart } from "./StateChart";
import { StateList } from "./StateList";

type Message = { ok: boolean; text: string };

export function InitialisationPage({ onOpen }: { onOpen: (uai: string) => void }) {
  const [form, setForm] = useState<PopulationForm>(ALL);
  const [population, setPopulation] = useState(toPopulation(ALL));
  const [report, setReport] = useState<InitialisationReport | null>(null);
  const [chosen, setChosen] = useState<InitState | null>(null);
  const [list, setList] = useState<EstablishmentState[] | null>(null);
  const [message, setMessage] = useState<Message | null>(null);

  useEffect(() => {
    let current = true;
    unwrap(commands.initialisationReport(population))
      .then((found) => current && setReport(found))
      .catch((failure: unknown) => current && setMessage({ ok: false, text: messageOf(failure) }));
    return () => {
      current = false;
    };
  }, [population]);
  useEffect(() => {
    if (chosen === null) return;
    let current = true;
    unwrap(commands.initialisationEstablishments(population, chosen))
      .then((found) => current && setList(found))
      .catch((failure: unknown) => current && setMessage({ ok: false, text: messageOf(failure) }));
    return () => {
      current = false;
    };
  }, [population, chosen]);

  function apply(event: FormEvent) {
    event.preventDefault();
    setMessage(null);
    setReport(null);
    setChosen(null);
    setPopulation(toPopulation(form));
  }
  function choose(state: InitState) {
    setList(null);
    setChosen(state);
  }
  async function exportCsv() {
    setMessage(await exported(commands.exportInitialisationCsv(population), "Établissements exportés"));
  }

  return (
    <section aria-labelledby="initialisation-title">
      <h1 id="initialisation-title" className="fr-h3">
        Suivi des initialisations
      </h1>
      <form onSubmit={apply} className="guichet-filters" id="initialisation-filters" noValidate>
        <PopulationFields form={form} onChange={setForm} />
        <div className="guichet-filters__actions guichet-filters__actions--beside">
          <Button type="submit" id="initialisation-apply">
            Afficher
          </Button>
          <Button type="button" priority="secondary" iconId="fr-icon-download-line" onClick={exportCsv} id="initialisation-export" disabled={!report}>
            Exporter en CSV
          </Button>
        </div>
      </form>
      {message && <Alert severity={message.ok ? "success" : "error"} small description={message.text} className="fr-mb-2w" id="initialisation-message" />}
      {!report && !message && <Pending label="Décompte des établissements…" />}
      {report && report.total === 0 && <p id="initialisation-empty">Aucun établissement ne correspond à ces filtres.</p>}
      {report && report.total > 0 && (
        <div className="guichet-dashboard">
          <StateChart states={report.states} />
          <div className="fr-table fr-table--no-caption">
            <table id="initialisation-table">
              <caption>Établissements par état de leur adresse principale, au {formatDateTime(report.at)}</caption>
              <thead>
                <tr>
                  <th scope="col">État</th>
                  <th scope="col">Établissements</th>
                  <th scope="col">Part</th>
                </tr>
              </thead>
              <tbody>
                {INIT_STATES.map((state) => (
                  <tr key={state} data-state={state} aria-selected={chosen === state}>
                    <td>{INIT_STATE_LABELS[state]}</td>
                    <td>
                      <Button priority="tertiary" size="small" id={`count-${state}`} onClick={() => choose(state)} title={`Lister\u00a0: ${INIT_STATE_LABELS[state]}`}>
                        {report.states[state]}
                      </Button>
                    </td>
                    <td>{share(report.states[state], report.total)}</td>
                  </tr>
                ))}
                <tr data-state="total">
                  <th scope="row">Total</th>
                  <td id="count-total">{report.total}</td>
                  <td>100&nbsp;%</td>
                </tr>
              </tbody>
            </table>
          </div>
        </div>
      )}
      {report && chosen && !list && <Pending label="Liste des établissements…" />}
      {report && chosen && list && <StateList state={chosen} count={report.states[chosen]} establishments={list} onOpen={onOpen} />}
    </section>
  );
}

/** « 12,5 % », one decimal, French style. */
function share(count: number, total: number): string {
  return `${(Math.round((count / total) * 1000) / 10).toLocaleString("fr-FR")}\u00a0%`;
}
