//! The Annuaire's columns, as the download labels them (`Identifiant_de_l_etablissement`) or as
//! its API does (`identifiant_de_l_etablissement`): matched without regard to case, the others
//! ignored.

use crate::error::{Error, Result};

/// A column the import reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Column {
    Uai,
    Name,
    Kind,
    Sector,
    Postcode,
    Town,
    Department,
    Academie,
    Mail,
    State,
    UpdatedOn,
    Parent,
}

impl Column {
    pub const ALL: [Column; 12] = [
        Column::Uai,
        Column::Name,
        Column::Kind,
        Column::Sector,
        Column::Postcode,
        Column::Town,
        Column::Department,
        Column::Academie,
        Column::Mail,
        Column::State,
        Column::UpdatedOn,
        Column::Parent,
    ];

    /// The header as the download labels it.
    pub fn label(self) -> &'static str {
        match self {
            Column::Uai => "Identifiant_de_l_etablissement",
            Column::Name => "Nom_etablissement",
            Column::Kind => "Type_etablissement",
            Column::Sector => "Statut_public_prive",
            Column::Postcode => "Code_postal",
            Column::Town => "Nom_commune",
            Column::Department => "Code_departement",
            Column::Academie => "Libelle_academie",
            Column::Mail => "Mail",
            Column::State => "etat",
            Column::UpdatedOn => "date_maj_ligne",
            Column::Parent => "etablissement_mere",
        }
    }

    /// A file without this column is not the Annuaire.
    pub fn required(self) -> bool {
        !matches!(
            self,
            Column::Mail | Column::State | Column::UpdatedOn | Column::Parent | Column::Department
        )
    }
}

/// Where each column is in the file's rows, and how the file names it.
#[derive(Debug, Clone)]
pub struct Columns {
    positions: Vec<(Column, usize, String)>,
}

impl Columns {
    /// The columns of a header row; a required one missing is named in the error.
    pub fn of(header: &[&str]) -> Result<Columns> {
        if let [single] = header
            && let Some(found) = [',', '\t', '|'].into_iter().find(|c| single.contains(*c))
        {
            return Err(Error::AnnuaireSeparator { found });
        }
        let mut positions = Vec::new();
        let mut missing = Vec::new();
        for column in Column::ALL {
            let found = header.iter().position(|name| {
                name.trim_start_matches('\u{feff}')
                    .trim()
                    .eq_ignore_ascii_case(column.label())
            });
            match found {
                Some(at) => positions.push((column, at, header[at].trim().to_string())),
                None if column.required() => missing.push(column.label().to_string()),
                None => {}
            }
        }
        if !missing.is_empty() {
            return Err(Error::AnnuaireHeaders { missing });
        }
        Ok(Columns { positions })
    }

    /// Whether the file has this column.
    pub fn has(&self, column: Column) -> bool {
        self.positions.iter().any(|(c, _, _)| *c == column)
    }

    /// The position of a column in a row.
    pub fn position(&self, column: Column) -> Option<usize> {
        self.positions
            .iter()
            .find(|(c, _, _)| *c == column)
            .map(|(_, at, _)| *at)
    }

    /// The column as the file names it (the download's label when it has none).
    pub fn name(&self, column: Column) -> String {
        self.positions
            .iter()
            .find(|(c, _, _)| *c == column)
            .map(|(_, _, name)| name.clone())
            .unwrap_or_else(|| column.label().to_string())
    }
}
