//! Annuaire de l'éducation files as the data set's CSV export writes them, generated from the
//! embedded real lycées: every column of the download (the import reads some, ignores the
//! others), `;`-separated, with or without BOM, headers as the download labels them or in the
//! API's lower-case form.

use guichet_core::model::establishment::{EstablishmentIdentity, EstablishmentKind, Sector};

/// The download's columns, in its order.
pub const HEADER: [&str; 24] = [
    "Identifiant_de_l_etablissement",
    "Nom_etablissement",
    "Type_etablissement",
    "Statut_public_prive",
    "Adresse_1",
    "Adresse_2",
    "Adresse_3",
    "Code_postal",
    "Code_commune",
    "Nom_commune",
    "Code_departement",
    "Code_academie",
    "Code_region",
    "Ecole_maternelle",
    "Ecole_elementaire",
    "Voie_generale",
    "Libelle_academie",
    "Libelle_region",
    "Telephone",
    "Mail",
    "etat",
    "date_ouverture",
    "date_maj_ligne",
    "etablissement_mere",
];

/// How a file names its columns.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Headers {
    /// `Identifiant_de_l_etablissement`, as the download labels them.
    Labels,
    /// `identifiant_de_l_etablissement`, as the API does.
    Api,
}

/// One row of the file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Row {
    pub identity: EstablishmentIdentity,
    pub mail: Option<String>,
    /// `OUVERT`, `A FERMER` or `FERME`.
    pub etat: &'static str,
    pub updated_on: &'static str,
    pub mere: Option<String>,
}

impl Row {
    /// An open row of the establishment, its official address `ce.<uai>@<académie's domain>`.
    pub fn open(identity: &EstablishmentIdentity) -> Row {
        let domain = guichet_core::model::academie::by_name(&identity.academie)
            .map(|a| a.domain.clone())
            .unwrap_or_else(|| "education.fr".into());
        Row {
            mail: Some(format!(
                "ce.{}@{domain}",
                identity.uai.as_str().to_lowercase()
            )),
            identity: identity.clone(),
            etat: "OUVERT",
            updated_on: "2026-09-01",
            mere: None,
        }
    }

    /// The row's fields, in [`HEADER`]'s order.
    pub fn fields(&self) -> Vec<String> {
        let i = &self.identity;
        let kind = match i.kind {
            EstablishmentKind::Lycee => "Lycée",
            EstablishmentKind::College => "Collège",
            EstablishmentKind::Ecole => "Ecole",
            EstablishmentKind::Cio => "Information et orientation",
            EstablishmentKind::Erea => "EREA",
            EstablishmentKind::Autre => "Service Administratif",
        };
        let sector = match i.sector {
            Sector::Public => "Public",
            Sector::Prive => "Privé",
        };
        let department = format!("{:0>3}", i.department);
        let academie = guichet_core::model::academie::all()
            .iter()
            .position(|a| a.name == i.academie)
            .map(|at| format!("{:02}", at + 1))
            .unwrap_or_default();
        vec![
            i.uai.to_string(),
            i.name.clone(),
            kind.into(),
            sector.into(),
            "1 rue de l'École".into(),
            String::new(),
            format!("BP 12; {} CEDEX", i.postcode),
            i.postcode.clone(),
            format!("{}{:0>3}", &i.department, i.postcode.len()),
            i.town.clone(),
            department,
            academie,
            "11".into(),
            "0".into(),
            "0".into(),
            "1".into(),
            i.academie.clone(),
            "Île-de-France".into(),
            "01 23 45 67 89".into(),
            self.mail.clone().unwrap_or_default(),
            self.etat.into(),
            "1965-09-01".into(),
            self.updated_on.into(),
            self.mere.clone().unwrap_or_default(),
        ]
    }
}

/// The file's bytes: every field quoted as the export does, CRLF line ends.
pub fn file(rows: &[Row], headers: Headers, bom: bool) -> Vec<u8> {
    let mut out = Vec::new();
    if bom {
        out.extend_from_slice("\u{feff}".as_bytes());
    }
    let mut writer = csv::WriterBuilder::new()
        .delimiter(b';')
        .quote_style(csv::QuoteStyle::Always)
        .terminator(csv::Terminator::CRLF)
        .from_writer(&mut out);
    let header: Vec<String> = HEADER
        .iter()
        .map(|h| match headers {
            Headers::Labels => h.to_string(),
            Headers::Api => h.to_lowercase(),
        })
        .collect();
    writer.write_record(&header).expect("header");
    for row in rows {
        writer.write_record(row.fields()).expect("row");
    }
    writer.flush().expect("flushed");
    drop(writer);
    out
}

/// The embedded real lycées of `academies`, sorted by UAI.
pub fn lycees_of(academies: &[&str]) -> Vec<EstablishmentIdentity> {
    let mut lycees: Vec<EstablishmentIdentity> = guichet_core::demo::lycees()
        .into_iter()
        .filter(|l| academies.contains(&l.academie.as_str()))
        .collect();
    lycees.sort_by(|a, b| a.uai.cmp(&b.uai));
    lycees.dedup_by(|a, b| a.uai == b.uai);
    lycees
}
