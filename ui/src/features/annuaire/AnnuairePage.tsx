// « Annuaire de l’éducation », for supervisors: choose the data set's CSV export, see its dry run
// (what it would add, change, close and reopen; nothing written), export it, then apply it in one
// transaction. A progress bar follows the file's reading.
import { Alert } from "@codegouvfr/react-dsfr/Alert";
import { Button } from "@codegouvfr/react-dsfr/Button";
import { Checkbox } from "@codegouvfr/react-dsfr/Checkbox";
import { Input } from "@codegouvfr/react-dsfr/Input";
import { useState } from "react";
import type { Agent, AnnuairePreview } from "../../bindings";
import { refusalOf } from "../../lib/grant";
import { countLine, KIND_LABELS, summary } from "./annuaire";
import { useAnnuaire } from "./useAnnuaire";

const BUSY_LABELS = { "dry-run": "Simulation", export: "Export", import: "Import", choose: "Choix du fichier" } as const;

export function AnnuairePage({ agent }: { agent: Agent }) {
  const refused = refusalOf(agent.permissions.import_annuaire);
  const annuaire = useAnnuaire();
  const [path, setPath] = useState("");
  const [missing, setMissing] = useState(false);
  const [skipRejected, setSkipRejected] = useState(false);
  const shown = annuaire.preview && annuaire.preview.path === path.trim() ? annuaire.preview.preview : null;
  const rejected = shown?.counts.rejected ?? 0;

  const submit = (event: React.FormEvent) => {
    event.preventDefault();
    if (path.trim() === "") {
      setMissing(true);
      return;
    }
    setSkipRejected(false);
    void annuaire.dryRun(path.trim());
  };

  const choose = async () => {
    const chosen = await annuaire.choose();
    if (chosen) {
      setPath(chosen);
      setMissing(false);
      setSkipRejected(false);
      void annuaire.dryRun(chosen);
    }
  };

  return (
    <section aria-labelledby="annuaire-title">
      <h1 id="annuaire-title" className="fr-h3">
        Annuaire de l’éducation
      </h1>
      <p className="fr-text--sm">
        Mettez les établissements à jour depuis l’export CSV du jeu de données «&nbsp;Annuaire de l’éducation&nbsp;» (séparateur «&nbsp;;&nbsp;», UTF-8). La
        simulation montre ce que l’import changerait sans rien écrire&nbsp;; les établissements fermés restent consultables avec leurs adresses et leur historique.
      </p>
      {refused !== undefined && (
        <p className="fr-text--sm guichet-refusal" id="annuaire-refused">
          {refused}
        </p>
      )}
      <form noValidate onSubmit={submit} className="guichet-filters__actions fr-mb-2w" id="annuaire-form">
        <Input
          className="guichet-annuaire-path"
          label="Fichier CSV de l’Annuaire"
          hintText="Chemin complet du fichier téléchargé"
          state={missing ? "error" : "default"}
          stateRelatedMessage="Indiquez le fichier à importer."
          disabled={refused !== undefined}
          nativeInputProps={{
            id: "annuaire-path",
            value: path,
            spellCheck: false,
            onChange: (e) => {
              setPath(e.target.value);
              setMissing(false);
            },
          }}
        />
        <Button type="button" priority="secondary" id="annuaire-choose" disabled={refused !== undefined || annuaire.busy !== null} onClick={() => void choose()}>
          Parcourir…
        </Button>
        <Button type="submit" id="annuaire-dry-run" disabled={refused !== undefined || annuaire.busy !== null} title={refused}>
          Simuler l’import
        </Button>
      </form>
      {annuaire.busy !== null && annuaire.busy !== "choose" && (
        <div className="fr-mb-2w" id="annuaire-busy">
          <label htmlFor="annuaire-progress" className="fr-text--sm">
            {BUSY_LABELS[annuaire.busy]}&nbsp;: lecture du fichier, {Math.floor(annuaire.permille / 10)}&nbsp;%
            {annuaire.busy === "import" && annuaire.permille >= 1000 ? ", écriture dans la base…" : ""}
          </label>
          <progress id="annuaire-progress" className="guichet-progress" max={1000} value={annuaire.permille} />
        </div>
      )}
      {annuaire.message && (
        <Alert severity={annuaire.message.ok ? "success" : "error"} small description={annuaire.message.text} className="fr-mb-2w" id="annuaire-message" />
      )}
      {annuaire.applied && (
        <Alert
          id="annuaire-applied"
          severity="success"
          small
          className="fr-mb-2w"
          description={
            annuaire.applied.import_id === null
              ? "La base est déjà à jour\u00a0: rien n’a été écrit."
              : `Import n°\u00a0${annuaire.applied.import_id} appliqué et journalisé. ${summary(annuaire.applied.preview.counts)}.`
          }
        />
      )}
      {shown && (
        <>
          <Review preview={shown} />
          <div className="guichet-filters__actions fr-mb-4w">
            {rejected > 0 && !shown.empty && (
              <Checkbox
                id="annuaire-skip-rejected"
                options={[
                  {
                    label: `Écarter ${countLine(rejected, "ligne rejetée", "lignes rejetées")} et importer le reste`,
                    nativeInputProps: { id: "annuaire-skip", checked: skipRejected, onChange: (e) => setSkipRejected(e.target.checked) },
                  },
                ]}
              />
            )}
            <Button id="annuaire-export" priority="secondary" disabled={annuaire.busy !== null} onClick={() => void annuaire.exportCsv(path.trim())}>
              Exporter les différences (CSV)
            </Button>
            {!shown.empty && (
              <Button
                id="annuaire-apply"
                disabled={refused !== undefined || annuaire.busy !== null || (rejected > 0 && !skipRejected)}
                onClick={() => void annuaire.apply(path.trim(), skipRejected)}
              >
                Appliquer l’import
              </Button>
            )}
          </div>
        </>
      )}
    </section>
  );
}

/** The dry run: its counts, the rows left aside, and the first differences of each kind. */
function Review({ preview }: { preview: AnnuairePreview }) {
  return (
    <section aria-labelledby="annuaire-summary" id="annuaire-review">
      <p className="fr-text--lead fr-mb-2w" id="annuaire-summary">
        {preview.empty ? `${summary(preview.counts)}. La base est déjà à jour.` : `${summary(preview.counts)}. Simulation\u00a0: rien n’a été écrit.`}
      </p>
      {preview.rejected.length > 0 && (
        <Table id="annuaire-rejected" caption="Lignes rejetées" head={["Ligne", "Colonne", "Raison"]}>
          {preview.rejected.map((r) => (
            <tr key={`${r.line}-${r.column}`} data-line={r.line}>
              <td>{r.line}</td>
              <td>{r.column}</td>
              <td>{r.reason}</td>
            </tr>
          ))}
        </Table>
      )}
      {preview.items.length > 0 && (
        <Table id="annuaire-changes" caption={"Différences (les 200 premières de chaque sorte\u00a0; l’export CSV les contient toutes)"} head={["Différence", "UAI", "Avant", "Après"]}>
          {preview.items.map((item) => (
            <tr key={`${item.kind}-${item.uai}`} data-kind={item.kind} data-uai={item.uai}>
              <td>{KIND_LABELS[item.kind]}</td>
              <td>{item.uai}</td>
              <td>{item.before}</td>
              <td>{item.after}</td>
            </tr>
          ))}
        </Table>
      )}
    </section>
  );
}

function Table({ id, caption, head, children }: { id: string; caption: string; head: string[]; children: React.ReactNode }) {
  return (
    <div className="fr-table guichet-journal-table">
      <div className="fr-table__wrapper">
        <div className="fr-table__container">
          <div className="fr-table__content">
            <table id={id}>
              <caption>{caption}</caption>
              <thead>
                <tr>
                  {head.map((h) => (
                    <th scope="col" key={h}>
                      {h}
                    </th>
                  ))}
                </tr>
              </thead>
              <tbody>{children}</tbody>
            </table>
          </div>
        </div>
      </div>
    </div>
  );
}
