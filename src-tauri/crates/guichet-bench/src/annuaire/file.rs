//! Annuaire de l'éducation files as the data set's download writes them: UTF-8 with a BOM,
//! `;`-separated, every field quoted, CRLF line ends, the download's 24 columns in its order
//! (the import reads twelve of them and ignores the others).

use std::io::Write;
use std::path::Path;

use guichet_core::Error;
use guichet_core::model::academie;
use guichet_core::model::establishment::{EstablishmentIdentity, EstablishmentKind, Sector};
use guichet_core::model::uai::Uai;

/// The download's columns, in its order.
const HEADER: [&str; 24] = [
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

/// One row of the file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Row {
    pub identity: EstablishmentIdentity,
    pub mail: Option<String>,
    /// `OUVERT`, `A FERMER` or `FERME`.
    pub etat: &'static str,
    pub updated_on: &'static str,
    pub mere: Option<Uai>,
}

impl Row {
    /// An open row of the establishment, its official address `ce.<uai>@<académie's domain>`.
    pub fn open(identity: &EstablishmentIdentity, updated_on: &'static str) -> Row {
        Row {
            mail: Some(official_mail("ce", identity)),
            identity: identity.clone(),
            etat: "OUVERT",
            updated_on,
            mere: None,
        }
    }

    /// The row's fields, in [`HEADER`]'s order.
    fn fields(&self) -> [String; 24] {
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
        let academie_code = academie::all()
            .iter()
            .position(|a| a.name == i.academie)
            .map(|at| format!("{:02}", at + 1))
            .unwrap_or_default();
        let ecole = i.kind == EstablishmentKind::Ecole;
        [
            i.uai.to_string(),
            i.name.clone(),
            kind.into(),
            sector.into(),
            "1 rue de l'École".into(),
            String::new(),
            format!("BP 12; {} {} CEDEX", i.postcode, i.town.to_uppercase()),
            i.postcode.clone(),
            format!(
                "{:0>2}{}",
                i.department,
                i.postcode.get(2..).unwrap_or("001")
            ),
            i.town.clone(),
            format!("{:0>3}", i.department),
            academie_code,
            String::new(),
            u8::from(ecole).to_string(),
            u8::from(ecole).to_string(),
            u8::from(i.kind == EstablishmentKind::Lycee).to_string(),
            i.academie.clone(),
            String::new(),
            "01 23 45 67 89".into(),
            self.mail.clone().unwrap_or_default(),
            self.etat.into(),
            "1965-09-01".into(),
            self.updated_on.into(),
            self.mere.as_ref().map(Uai::to_string).unwrap_or_default(),
        ]
    }
}

/// An address of the establishment's académie: `<local>.<uai>@ac-….fr`.
pub fn official_mail(local: &str, identity: &EstablishmentIdentity) -> String {
    let domain = academie::by_name(&identity.academie).map_or("education.fr", |a| &a.domain);
    format!("{local}.{}@{domain}", identity.uai.as_str().to_lowercase())
}

/// Writes `rows` to `path` as the download does; returns the file's size in bytes.
pub fn write(path: &Path, rows: &[Row]) -> Result<u64, Error> {
    let io = |source| Error::Io {
        path: path.to_path_buf(),
        source,
    };
    let mut out = std::io::BufWriter::new(std::fs::File::create(path).map_err(io)?);
    out.write_all("\u{feff}".as_bytes()).map_err(io)?;
    record(&mut out, HEADER.iter().copied()).map_err(io)?;
    for row in rows {
        let fields = row.fields();
        record(&mut out, fields.iter().map(String::as_str)).map_err(io)?;
    }
    out.flush().map_err(io)?;
    Ok(std::fs::metadata(path).map_err(io)?.len())
}

/// One record, every field quoted and its quotes doubled.
fn record<'a>(out: &mut impl Write, fields: impl Iterator<Item = &'a str>) -> std::io::Result<()> {
    for (at, field) in fields.enumerate() {
        if at > 0 {
            out.write_all(b";")?;
        }
        write!(out, "\"{}\"", field.replace('"', "\"\""))?;
    }
    out.write_all(b"\r\n")
}
