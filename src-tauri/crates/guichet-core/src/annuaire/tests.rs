use std::io::Read;

use super::*;
use crate::error::ErrorKind;
use crate::model::establishment::{EstablishmentKind, Sector};

const HEADER: &str = "Identifiant_de_l_etablissement;Nom_etablissement;Type_etablissement;\
    Statut_public_prive;Adresse_1;Code_postal;Code_commune;Nom_commune;Code_departement;\
    Code_academie;Libelle_academie;Mail;Telephone;etat;date_ouverture;date_maj_ligne;\
    etablissement_mere";

fn row(uai: &str, name: &str, kind: &str, sector: &str, town: &str) -> String {
    format!(
        "{uai};{name};{kind};{sector};1 rue X;93100;93048;{town};093;24;Créteil;\
         ce.{}@ac-creteil.fr;0102030405;OUVERT;1970-01-01;2026-05-01;",
        uai.to_lowercase()
    )
}

fn rows_of(text: &str) -> Vec<Result<SourceRow, Rejection>> {
    let mut reader = AnnuaireReader::new(text.as_bytes()).expect("an Annuaire file");
    let mut rows = Vec::new();
    while let Some(row) = reader.next_row().expect("readable") {
        rows.push(row);
    }
    rows
}

#[test]
fn the_download_s_labels_and_the_api_s_lower_case_read_alike_with_or_without_bom() {
    let body = row(
        "0930118Y",
        "Lycée Jean Jaurès",
        "Lycée",
        "Public",
        "Montreuil",
    );
    let labels = format!("{HEADER}\r\n{body}\r\n{body}\r\n");
    let api = format!("\u{feff}{}\n{body}\n{body}\n", HEADER.to_lowercase());
    let (a, b) = (rows_of(&labels), rows_of(&api));
    assert_eq!(a, b);
    assert_eq!(a[1].as_ref().map(|r| r.line), Ok(3));
    let row = a[0].as_ref().expect("a row");
    assert_eq!(row.line, 2);
    assert_eq!(row.identity.uai.as_str(), "0930118Y");
    assert_eq!(row.identity.kind, EstablishmentKind::Lycee);
    assert_eq!(row.identity.sector, Sector::Public);
    assert_eq!(row.identity.department, "93");
    assert_eq!(row.identity.academie, "Créteil");
    assert_eq!(
        row.official_mail.as_deref(),
        Some("ce.0930118y@ac-creteil.fr")
    );
    assert_eq!(row.state, RowState::Open);
}

#[test]
fn types_and_sectors_map_to_the_project_s_kinds() {
    let cases = [
        (
            "Collège",
            "Privé",
            EstablishmentKind::College,
            Sector::Prive,
        ),
        ("Ecole", "Public", EstablishmentKind::Ecole, Sector::Public),
        (
            "Information et orientation",
            "Public",
            EstablishmentKind::Cio,
            Sector::Public,
        ),
        ("EREA", "Public", EstablishmentKind::Erea, Sector::Public),
        (
            "Médico-social",
            "Public",
            EstablishmentKind::Autre,
            Sector::Public,
        ),
    ];
    for (label, sector, kind, expected_sector) in cases {
        let text = format!(
            "{HEADER}\n{}\n",
            row("0930118Y", "X", label, sector, "Bobigny")
        );
        let row = rows_of(&text).remove(0).expect("a row");
        assert_eq!(
            (row.identity.kind, row.identity.sector),
            (kind, expected_sector),
            "{label}"
        );
    }
}

#[test]
fn a_bad_row_is_left_aside_with_its_line_and_column() {
    let text = format!(
        "{HEADER}\n{}\n{}\n{}\n",
        row("0930118Z", "Lycée A", "Lycée", "Public", "Bobigny"),
        row("0930118Y", "Lycée B", "Lycée", "Inconnu", "Bobigny"),
        row("0930118Y", "", "Lycée", "Public", "Bobigny"),
    );
    let rejected: Vec<(u64, String)> = rows_of(&text)
        .into_iter()
        .map(|r| r.expect_err("rejected"))
        .map(|r| (r.line, r.column))
        .collect();
    assert_eq!(
        rejected,
        [
            (2, "Identifiant_de_l_etablissement".to_string()),
            (3, "Statut_public_prive".to_string()),
            (4, "Nom_etablissement".to_string()),
        ]
    );
}

#[test]
fn a_file_that_is_not_the_annuaire_fails_whole() {
    let kind = |bytes: &[u8]| {
        AnnuaireReader::new(bytes)
            .map(|_| ())
            .expect_err("refused")
            .kind()
    };
    assert_eq!(kind(b""), ErrorKind::AnnuaireEmpty);
    assert_eq!(kind("\u{feff}\r\n".as_bytes()), ErrorKind::AnnuaireEmpty);
    assert_eq!(
        kind(HEADER.replace(';', ",").as_bytes()),
        ErrorKind::AnnuaireSeparator
    );
    match AnnuaireReader::new("uai;nom;Nom_commune\n".as_bytes()).map(|_| ()) {
        Err(crate::Error::AnnuaireHeaders { missing }) => {
            assert!(missing.contains(&"Identifiant_de_l_etablissement".to_string()));
            assert!(!missing.contains(&"Nom_commune".to_string()), "{missing:?}");
        }
        other => panic!("{other:?}"),
    }
}

/// Serves a file of `rows` rows made on demand, counting what it served.
struct Generated {
    rows: u32,
    next: u32,
    pending: Vec<u8>,
    served: std::rc::Rc<std::cell::Cell<usize>>,
}

impl Read for Generated {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        if self.pending.is_empty() {
            if self.next > self.rows {
                return Ok(0);
            }
            self.pending = if self.next == 0 {
                format!("{HEADER}\n").into_bytes()
            } else {
                let uai = crate::model::uai::Uai::from_parts(
                    930 + self.next / 10_000,
                    self.next % 10_000,
                );
                format!(
                    "{}\n",
                    row(uai.as_str(), "Collège", "Collège", "Public", "Bobigny")
                )
                .into_bytes()
            };
            self.next += 1;
        }
        let n = buf.len().min(self.pending.len());
        buf[..n].copy_from_slice(&self.pending[..n]);
        self.pending.drain(..n);
        self.served.set(self.served.get() + n);
        Ok(n)
    }
}

#[test]
fn a_large_file_is_read_row_by_row() {
    let served = std::rc::Rc::new(std::cell::Cell::new(0));
    let rows = 300_000;
    let input = Generated {
        rows,
        next: 0,
        pending: Vec::new(),
        served: served.clone(),
    };
    let mut reader = AnnuaireReader::new(input).expect("an Annuaire file");
    let first = reader.next_row().expect("readable").expect("a row");
    assert!(first.is_ok(), "{first:?}");
    // The first row comes after a buffer's worth of the file, not the whole of it.
    assert!(
        served.get() < 256 * 1024,
        "{} bytes read for one row",
        served.get()
    );
    let mut count = 1;
    while reader.next_row().expect("readable").is_some() {
        count += 1;
    }
    assert_eq!(count, rows);
    assert!(
        served.get() > 30_000_000,
        "the whole file is {} bytes",
        served.get()
    );
}

#[test]
fn the_preview_counts_everything_and_words_each_difference() {
    let known_row = |uai: &str, name: &str| {
        let row = rows_of(&format!(
            "{HEADER}\n{}\n",
            row(uai, name, "Lycée", "Public", "Montreuil")
        ))
        .remove(0)
        .expect("a row");
        (
            row.identity.uai.clone(),
            Known {
                version: 1,
                record: Record {
                    identity: row.identity,
                    official_mail: row.official_mail,
                    closed_on: None,
                    successor: None,
                    closing_announced: false,
                    updated_on: None,
                },
            },
        )
    };
    let known = [
        known_row("0930118Y", "Lycée Jean Jaurès"),
        known_row("0930120A", "Lycée Voltaire"),
    ]
    .into_iter()
    .collect();
    let file = format!(
        "{HEADER}\n{}\n{}\n{}\n",
        row(
            "0930118Y",
            "Lycée Jean-Jaurès",
            "Lycée",
            "Public",
            "Montreuil"
        ),
        row("0930121B", "Lycée Nouveau", "Lycée", "Public", "Montreuil"),
        // A duplicate is rejected; an unreadable UAI would keep the académie's closures back.
        row(
            "0930121B",
            "Lycée Nouveau bis",
            "Lycée",
            "Public",
            "Montreuil"
        ),
    );
    let mut reader = AnnuaireReader::new(file.as_bytes()).expect("an Annuaire file");
    let today = chrono::NaiveDate::from_ymd_opt(2026, 9, 1).expect("a day");
    let mut builder = DiffBuilder::new(known, true, today);
    let column = reader.column_name(Column::Uai);
    while let Some(row) = reader.next_row().expect("readable") {
        match row {
            Ok(row) => builder.add(row, &column),
            Err(rejection) => builder.reject(rejection),
        }
    }
    let preview = AnnuairePreview::of(&builder.finish());
    let c = preview.counts;
    assert_eq!(
        (c.rows, c.new, c.renamed, c.closed, c.unchanged, c.rejected),
        (3, 1, 1, 1, 0, 1)
    );
    let words: Vec<(DiffKind, &str, &str, &str)> = preview
        .items
        .iter()
        .map(|i| (i.kind, i.uai.as_str(), i.before.as_str(), i.after.as_str()))
        .collect();
    assert_eq!(
        words,
        [
            (
                DiffKind::New,
                "0930121B",
                "",
                "Lycée Nouveau (93100 Montreuil)"
            ),
            (
                DiffKind::Renamed,
                "0930118Y",
                "Lycée Jean Jaurès",
                "Lycée Jean-Jaurès"
            ),
            (
                DiffKind::Closed,
                "0930120A",
                "Lycée Voltaire",
                "fermé le 01/09/2026 (absent du fichier)"
            ),
        ]
    );
    assert_eq!(preview.rejected.len(), 1);
    assert_eq!(preview.rejected[0].line, 4);
    assert!(
        preview.rejected[0].reason.contains("en double"),
        "{:?}",
        preview.rejected
    );
    assert!(!preview.empty);
}
