//! `annuaire import FILE`: keeps the establishments current from the Annuaire de l'éducation's
//! CSV export. `--dry-run` shows the difference and writes nothing; without it the difference is
//! applied in one transaction. Rows left aside refuse the import unless `--skip-rejected`.
//! Supervisors only.

use std::path::PathBuf;

use guichet_core::annuaire::{AnnuaireDiff, to_csv};
use guichet_core::{Error, Settings};
use serde_json::json;

use crate::output::{self, Acting, Failure, Output};

#[derive(Debug, clap::Subcommand)]
pub enum AnnuaireCommand {
    /// Importe l’export CSV de l’Annuaire de l’éducation (fr-en-annuaire-education) : nouveaux
    /// établissements, renommés, déplacés, modifiés, adresse officielle, fermés, rouverts.
    Import {
        /// Le fichier CSV, tel que téléchargé (séparateur « ; », UTF-8).
        file: PathBuf,
        /// Montre les différences sans rien écrire.
        #[arg(long)]
        dry_run: bool,
        /// Importe le reste du fichier en écartant les lignes rejetées.
        #[arg(long)]
        skip_rejected: bool,
        /// Écrit aussi les différences dans ce fichier CSV.
        #[arg(long, value_name = "FICHIER")]
        csv: Option<PathBuf>,
        #[command(flatten)]
        acting: Acting,
    },
}

pub async fn run(settings: Settings, command: AnnuaireCommand) -> Result<Output, Failure> {
    let AnnuaireCommand::Import {
        file,
        dry_run,
        skip_rejected,
        csv,
        acting,
    } = command;
    let (guichet, session) = output::signed_in(settings, &acting.agent).await?;
    let open = || {
        std::fs::File::open(&file)
            .map(std::io::BufReader::new)
            .map_err(|source| Error::Io {
                path: file.clone(),
                source,
            })
    };
    let name = file
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let (diff, imported) = if dry_run {
        (guichet.annuaire_dry_run(&session, open()?).await?, None)
    } else {
        let (diff, imported) = guichet
            .import_annuaire(&session, open()?, &name, skip_rejected)
            .await?;
        (diff, Some(imported))
    };
    if let Some(path) = &csv {
        std::fs::write(path, to_csv(&diff)).map_err(|source| Error::Io {
            path: path.clone(),
            source,
        })?;
    }
    let mut json = json!(diff);
    let mut text = describe(&diff);
    match &imported {
        None => text.push_str("\nSimulation\u{a0}: rien n’a été écrit."),
        Some(imported) => {
            json["import"] = json!(imported);
            text.push_str(&match imported.id {
                Some(id) => format!("\nImport n°\u{a0}{id} appliqué et journalisé."),
                None => "\nLa base est déjà à jour\u{a0}: rien n’a été écrit.".into(),
            });
        }
    }
    Ok(Output { text, json })
}

/// The difference in French: the counts, then every row.
fn describe(diff: &AnnuaireDiff) -> String {
    let mut lines = vec![format!(
        "{} nouveaux, {} renommés, {} déplacés, {} modifiés, {} adresses officielles changées, \
         {} fermés, {} rouverts, {} inchangés, {} lignes rejetées.",
        diff.new.len(),
        diff.renamed.len(),
        diff.moved.len(),
        diff.changed.len(),
        diff.mail_changed.len(),
        diff.closed.len(),
        diff.reopened.len(),
        diff.unchanged,
        diff.rejected.len()
    )];
    let or_none = |value: &Option<String>| value.clone().unwrap_or_else(|| "(aucune)".into());
    for item in &diff.new {
        let i = &item.identity;
        lines.push(format!(
            "nouveau   {}  {} — {} {}",
            i.uai, i.name, i.postcode, i.town
        ));
    }
    for item in &diff.renamed {
        lines.push(format!(
            "renommé   {}  {} → {}",
            item.uai, item.before, item.after
        ));
    }
    for item in &diff.moved {
        let (b, a) = (&item.before, &item.after);
        lines.push(format!(
            "déplacé   {}  {} {} ({}) → {} {} ({})",
            item.uai, b.postcode, b.town, b.academie, a.postcode, a.town, a.academie
        ));
    }
    for item in &diff.changed {
        let standing = |s: &guichet_core::annuaire::Standing| {
            let announced = if s.closing_announced {
                ", fermeture annoncée"
            } else {
                ""
            };
            format!("{}, {}{announced}", s.kind.code(), s.sector.code())
        };
        lines.push(format!(
            "modifié   {}  {} → {}",
            item.uai,
            standing(&item.before),
            standing(&item.after)
        ));
    }
    for item in &diff.mail_changed {
        lines.push(format!(
            "adresse   {}  {} → {}",
            item.uai,
            or_none(&item.before),
            or_none(&item.after)
        ));
    }
    for item in &diff.closed {
        let on = item.closed_on.map(|d| d.format("%d/%m/%Y").to_string());
        let successor = item
            .successor_uai
            .as_ref()
            .map(|s| format!(", repris par {s}"))
            .unwrap_or_default();
        lines.push(format!(
            "fermé     {}  {} le {}{successor}",
            item.uai,
            item.name,
            or_none(&on)
        ));
    }
    for item in &diff.reopened {
        lines.push(format!("rouvert   {}", item.uai));
    }
    for r in &diff.rejected {
        lines.push(format!(
            "rejeté    ligne {}, colonne {}\u{a0}: {}",
            r.line, r.column, r.reason
        ));
    }
    lines.join("\n")
}
