//! The two files the bench imports, drawn from the database's establishments for a seed. Last
//! year's names every establishment, open, with its official address: imported first, it
//! brings the demo database to where a yearly import finds a database kept current. This
//! year's holds `rows` rows over every académie, most unchanged, a few per cent renamed, moved,
//! with a new official address, closed (`FERME`, their successor named) or their closing
//! announced, and new UAIs; every establishment it does not name vanishes, and closes.

use std::collections::{HashMap, HashSet};

use guichet_core::annuaire::Record;
use guichet_core::model::establishment::{EstablishmentIdentity, EstablishmentKind, Sector};
use guichet_core::model::uai::Uai;
use serde::Serialize;

use super::file::{Row, official_mail};
use crate::rng::Rng;

/// Of every thousand rows of this year's file: new UAIs, then among the others, those renamed,
/// moved, with a new official address, closed, their closing announced.
const NEW: usize = 10;
const RENAMED: usize = 20;
const MOVED: usize = 10;
const MAIL: usize = 20;
const FERME: usize = 5;
const CLOSING: usize = 5;

const LAST_YEAR: &str = "2025-09-01";
const THIS_YEAR: &str = "2026-09-01";
const RENAMES: [&str; 3] = [" - Cité scolaire", " (ex-annexe)", " Simone Veil"];

/// What this year's file was drawn to hold: what its dry run should find.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct Drawn {
    pub rows: usize,
    pub new: usize,
    pub renamed: usize,
    pub moved: usize,
    pub mail_changed: usize,
    pub closing_announced: usize,
    pub ferme: usize,
    /// Establishments the file does not name.
    pub vanished: usize,
    pub unchanged: usize,
}

/// Last year's file: every establishment, open, with its official address.
pub fn last_year(records: &[Record]) -> Vec<Row> {
    records
        .iter()
        .map(|r| Row::open(&r.identity, LAST_YEAR))
        .collect()
}

/// This year's file: `rows` rows, of which [`NEW`] ‰ new UAIs and the others drawn among
/// `records`, each with at most one change.
pub fn this_year(records: &[Record], rows: usize, seed: u64) -> (Vec<Row>, Drawn) {
    let mut rng = Rng::new(seed);
    let kept = (rows - rows * NEW / 1000).min(records.len());
    let mut order: Vec<usize> = (0..records.len()).collect();
    for at in 0..kept {
        let other = at + rng.below(order.len() - at);
        order.swap(at, other);
    }
    let mut chosen = order[..kept].to_vec();
    chosen.sort_unstable();
    let mut by_department: HashMap<&str, Vec<usize>> = HashMap::new();
    for &at in &chosen {
        let department = records[at].identity.department.as_str();
        by_department.entry(department).or_default().push(at);
    }
    let mut drawn = Drawn {
        rows: kept,
        vanished: records.len() - kept,
        ..Drawn::default()
    };
    let mut file = Vec::with_capacity(rows);
    for &at in &chosen {
        let identity = &records[at].identity;
        let neighbours = &by_department[identity.department.as_str()];
        let neighbour = &records[neighbours[rng.below(neighbours.len())]].identity;
        let mut row = Row::open(identity, THIS_YEAR);
        let mut draw = rng.below(1000);
        let mut within = |share: usize| {
            let hit = draw < share;
            draw = draw.wrapping_sub(share);
            hit
        };
        let same_place = neighbour.postcode == identity.postcode && neighbour.town == identity.town;
        if within(RENAMED) {
            row.identity
                .name
                .push_str(RENAMES[rng.below(RENAMES.len())]);
            drawn.renamed += 1;
        } else if within(MOVED) && !same_place {
            row.identity.postcode = neighbour.postcode.clone();
            row.identity.town = neighbour.town.clone();
            drawn.moved += 1;
        } else if within(MAIL) {
            row.mail = Some(official_mail("secretariat", identity));
            drawn.mail_changed += 1;
        } else if within(FERME) {
            row.etat = "FERME";
            row.updated_on = "2026-08-31";
            row.mere = (neighbour.uai != identity.uai).then(|| neighbour.uai.clone());
            drawn.ferme += 1;
        } else if within(CLOSING) {
            row.etat = "A FERMER";
            drawn.closing_announced += 1;
        } else {
            drawn.unchanged += 1;
        }
        file.push(row);
    }
    let new = new_establishments(records, &chosen, rows.saturating_sub(kept), &mut rng);
    drawn.new = new.len();
    drawn.rows += new.len();
    file.extend(new.iter().map(|identity| Row::open(identity, THIS_YEAR)));
    (file, drawn)
}

/// `count` new écoles, each in the place of one of `chosen`, under a UAI of its department
/// that no establishment has.
fn new_establishments(
    records: &[Record],
    chosen: &[usize],
    count: usize,
    rng: &mut Rng,
) -> Vec<EstablishmentIdentity> {
    let mut taken: HashSet<Uai> = records.iter().map(|r| r.identity.uai.clone()).collect();
    let mut next_serial: HashMap<u32, u32> = HashMap::new();
    let mut new = Vec::with_capacity(count);
    let mut attempts = 0;
    while new.len() < count && !chosen.is_empty() && attempts < count * 10 {
        attempts += 1;
        let place = &records[chosen[rng.below(chosen.len())]].identity;
        let Ok(prefix) = place.uai.as_str()[..3].parse::<u32>() else {
            continue;
        };
        let serial = next_serial.entry(prefix).or_insert(9_999);
        while *serial > 0 && taken.contains(&Uai::from_parts(prefix, *serial)) {
            *serial -= 1;
        }
        if *serial == 0 {
            continue;
        }
        let uai = Uai::from_parts(prefix, *serial);
        taken.insert(uai.clone());
        new.push(EstablishmentIdentity {
            uai,
            name: format!("Ecole primaire nouvelle n°{}", new.len() + 1),
            kind: EstablishmentKind::Ecole,
            sector: Sector::Public,
            ..place.clone()
        });
    }
    new
}
