//! What callers say, drawn from the database's own rows so that the queries work at any size:
//! a name with a typo, without accents, abbreviated (lyc, clg, st), name words and town, a town,
//! a postcode, a UAI (some with a wrong check letter), the start of an address, a full address.
//! In the style of the relevance set (`scripts/data/relevance.py`), deterministic for a seed and
//! a database.

mod speech;

use guichet_core::{Error, Guichet};

use crate::rng::Rng;
use speech::{GENERIC, KIND_WORDS, abbreviate, town_words, typo, words};

/// One query and, when it names one row, the row the results should hold.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BenchQuery {
    pub text: String,
    pub kind: Kind,
    pub target: Option<Target>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Target {
    Establishment(String),
    /// Lower case.
    Address(String),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Kind {
    NameTypo,
    NoAccents,
    Abbreviation,
    NameTown,
    Town,
    Postcode,
    Uai,
    UaiWrongLetter,
    Typing,
    AddressPrefix,
    AddressFull,
}

impl Kind {
    pub const ALL: [Kind; 11] = [
        Kind::NameTypo,
        Kind::NoAccents,
        Kind::Abbreviation,
        Kind::NameTown,
        Kind::Town,
        Kind::Postcode,
        Kind::Uai,
        Kind::UaiWrongLetter,
        Kind::Typing,
        Kind::AddressPrefix,
        Kind::AddressFull,
    ];

    /// Out of 100 queries.
    fn weight(self) -> u64 {
        match self {
            Kind::NameTypo => 14,
            Kind::NoAccents => 10,
            Kind::Abbreviation => 10,
            Kind::NameTown => 14,
            Kind::Town => 8,
            Kind::Postcode => 6,
            Kind::Uai => 8,
            Kind::UaiWrongLetter => 5,
            Kind::Typing => 5,
            Kind::AddressPrefix => 12,
            Kind::AddressFull => 8,
        }
    }

    pub fn code(self) -> &'static str {
        match self {
            Kind::NameTypo => "name_typo",
            Kind::NoAccents => "no_accents",
            Kind::Abbreviation => "abbreviation",
            Kind::NameTown => "name_town",
            Kind::Town => "town",
            Kind::Postcode => "postcode",
            Kind::Uai => "uai",
            Kind::UaiWrongLetter => "uai_wrong_letter",
            Kind::Typing => "typing",
            Kind::AddressPrefix => "address_prefix",
            Kind::AddressFull => "address_full",
        }
    }

    fn is_address(self) -> bool {
        matches!(self, Kind::AddressPrefix | Kind::AddressFull)
    }
}

/// An establishment as the queries need it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Row {
    pub uai: String,
    pub name: String,
    pub town: String,
    pub postcode: String,
}

/// Reads every establishment and a sample of addresses, then draws `count` queries.
pub async fn generate(
    guichet: &Guichet,
    count: usize,
    seed: u64,
) -> Result<Vec<BenchQuery>, Error> {
    let rows: Vec<Row> = guichet
        .bench_establishment_rows()
        .await?
        .into_iter()
        .map(|(uai, name, town, postcode)| Row {
            uai,
            name,
            town,
            postcode,
        })
        .collect();
    let emails = sample_emails(guichet, count / 4 + 1, seed).await?;
    Ok(draw(&rows, &emails, count, seed))
}

/// About `count` addresses: for random ids between the smallest and the largest, the first
/// account from there (ids may have gaps), in id order.
async fn sample_emails(guichet: &Guichet, count: usize, seed: u64) -> Result<Vec<String>, Error> {
    let Some((min, max)) = guichet.bench_account_id_bounds().await? else {
        return Ok(Vec::new());
    };
    let mut rng = Rng::new(seed ^ 0xADD2E55);
    let span = u64::try_from(i64::from(max) - i64::from(min) + 1).unwrap_or(1);
    let mut ids: Vec<i32> = (0..count)
        .map(|_| min.saturating_add(i32::try_from(rng.next() % span).unwrap_or(0)))
        .collect();
    ids.sort_unstable();
    ids.dedup();
    guichet.bench_emails_from(&ids).await
}

/// Draws `count` queries from these rows; the same rows and seed give the same queries.
pub fn draw(rows: &[Row], emails: &[String], count: usize, seed: u64) -> Vec<BenchQuery> {
    let mut rng = Rng::new(seed);
    let mut queries = Vec::with_capacity(count);
    if rows.is_empty() {
        return queries;
    }
    let total: u64 = Kind::ALL.iter().map(|k| k.weight()).sum();
    while queries.len() < count {
        let mut roll = rng.next() % total;
        let kind = Kind::ALL
            .into_iter()
            .find(|kind| {
                let hit = roll < kind.weight();
                roll = roll.saturating_sub(kind.weight());
                hit
            })
            .unwrap_or(Kind::NameTown);
        let row = &rows[rng.below(rows.len())];
        let query = if kind.is_address() {
            if emails.is_empty() {
                continue;
            }
            let email = &emails[rng.below(emails.len())];
            address_query(kind, row, email, &mut rng)
        } else {
            establishment_query(kind, row, &mut rng)
        };
        if !query.text.trim().is_empty() {
            queries.push(query);
        }
    }
    queries
}

fn establishment_query(kind: Kind, row: &Row, rng: &mut Rng) -> BenchQuery {
    let name = words(&row.name);
    let distinctive: Vec<String> = name
        .iter()
        .filter(|w| w.len() > 1 && !GENERIC.contains(&w.as_str()))
        .cloned()
        .collect();
    // "CIO DE VERSAILLES": nothing distinctive in the name, the whole name is what is said.
    let distinctive = if distinctive.is_empty() {
        name.clone()
    } else {
        distinctive
    };
    let kind_word = name
        .first()
        .filter(|w| KIND_WORDS.contains(&w.as_str()))
        .cloned();
    let town = town_words(&row.town).join(" ");
    let uai = Some(Target::Establishment(row.uai.clone()));
    let (text, target) = match kind {
        Kind::NameTypo => {
            // The slip goes in a word of the name, not in the type word.
            let first = usize::from(kind_word.is_some());
            let mut said: Vec<String> = kind_word.into_iter().collect();
            said.extend(distinctive.iter().take(3).cloned());
            let longest = (first..said.len())
                .filter(|&i| said[i].len() >= 4 && said[i].bytes().all(|b| b.is_ascii_lowercase()))
                .max_by_key(|&i| (said[i].len(), std::cmp::Reverse(i)));
            if let Some(i) = longest {
                let slips = if said[i].len() >= 8 && rng.chance(50) {
                    2
                } else {
                    1
                };
                for _ in 0..slips {
                    said[i] = typo(&said[i], rng);
                }
            }
            if rng.chance(50) {
                said.push(town.clone());
            }
            (said.join(" "), None)
        }
        Kind::NoAccents => {
            let text = name.join(" ");
            let text = if rng.chance(20) {
                text.to_uppercase()
            } else {
                text
            };
            (text, None)
        }
        Kind::Abbreviation => {
            // Callers stop after a few words of a long name.
            let mut said = abbreviate(&name);
            said.truncate(5);
            if rng.chance(40) {
                said.extend(abbreviate(&town_words(&row.town)));
            }
            (said.join(" "), None)
        }
        Kind::NameTown => {
            let take = 1 + rng.below(2);
            let mut said: Vec<String> = distinctive.iter().take(take).cloned().collect();
            said.push(town.clone());
            (said.join(" "), uai)
        }
        Kind::Town => {
            let text = if rng.chance(50) {
                town.clone()
            } else {
                row.town.clone()
            };
            (text, None)
        }
        Kind::Postcode => {
            let text = match kind_word {
                Some(word) if rng.chance(30) => format!("{word} {}", row.postcode),
                _ => row.postcode.clone(),
            };
            (text, None)
        }
        Kind::Uai => {
            let text = if rng.chance(50) {
                row.uai.to_lowercase()
            } else {
                row.uai.clone()
            };
            (text, uai)
        }
        Kind::UaiWrongLetter => {
            let digits = &row.uai[..row.uai.len().min(7)];
            let text = if rng.chance(25) {
                digits.to_string()
            } else {
                let right = row.uai.chars().nth(7).unwrap_or('A');
                let wrong = UAI_LETTERS
                    .chars()
                    .filter(|&c| c != right)
                    .nth(rng.below(UAI_LETTERS.len() - 1))
                    .unwrap_or('A');
                format!("{digits}{wrong}")
            };
            (text, uai)
        }
        Kind::Typing => {
            let mut said: Vec<String> = kind_word.into_iter().collect();
            said.extend(distinctive.iter().take(2).cloned());
            if let Some(last) = said.last_mut()
                && last.len() >= 5
            {
                let keep = 3 + rng.below(last.len() - 3);
                last.truncate(keep);
            }
            (said.join(" "), None)
        }
        Kind::AddressPrefix | Kind::AddressFull => unreachable!("address kinds"),
    };
    BenchQuery { text, kind, target }
}

fn address_query(kind: Kind, row: &Row, email: &str, rng: &mut Rng) -> BenchQuery {
    let email_lower = email.to_lowercase();
    let target = Some(Target::Address(email_lower.clone()));
    let (text, target) = match kind {
        Kind::AddressFull => {
            let text = if rng.chance(20) {
                email.to_uppercase()
            } else {
                email.to_string()
            };
            (text, target)
        }
        // The functional address read out from the establishment's UAI, whatever its domain.
        _ if rng.chance(35) => (format!("ce.{}@", row.uai.to_lowercase()), None),
        _ => {
            let (local, domain) = email_lower.split_once('@').unwrap_or((&email_lower, ""));
            match rng.below(3) {
                0 => (format!("{local}@"), target),
                1 => {
                    let cut = 3 + rng.below(4);
                    let domain: String = domain.chars().take(cut).collect();
                    (format!("{local}@{domain}"), target)
                }
                _ => {
                    let cut = 3 + rng.below(local.len().max(1));
                    (local.chars().take(cut).collect(), None)
                }
            }
        }
    };
    BenchQuery { text, kind, target }
}

const UAI_LETTERS: &str = "ABCDEFGHJKLMNPRSTUVWXYZ";

#[cfg(test)]
mod tests {
    use super::*;

    fn rows() -> Vec<Row> {
        [
            ("0750654D", "LYCÉE GÉNÉRAL HENRI IV", "PARIS", "75005"),
            ("0931234X", "COLLÈGE JEAN JAURÈS", "SAINT-DENIS", "93200"),
            (
                "0781234A",
                "ÉCOLE ÉLÉMENTAIRE DES TILLEULS",
                "VERSAILLES",
                "78000",
            ),
            ("0941234B", "CIO DE CRÉTEIL", "CRÉTEIL", "94000"),
            (
                "0771234C",
                "LYCÉE PROFESSIONNEL SAINTE-MARIE",
                "MEAUX CEDEX 2",
                "77100",
            ),
        ]
        .map(|(uai, name, town, postcode)| Row {
            uai: uai.into(),
            name: name.into(),
            town: town.into(),
            postcode: postcode.into(),
        })
        .into()
    }

    fn emails() -> Vec<String> {
        ["ce.0750654d@ac-paris.fr", "Jean.Dupont@gmail.com"]
            .map(String::from)
            .into()
    }

    #[test]
    fn draws_the_same_queries_for_the_same_seed() {
        let a = draw(&rows(), &emails(), 500, 7);
        assert_eq!(a.len(), 500);
        assert_eq!(a, draw(&rows(), &emails(), 500, 7));
        assert_ne!(a, draw(&rows(), &emails(), 500, 8));
        for kind in Kind::ALL {
            assert!(a.iter().any(|q| q.kind == kind), "{kind:?}");
        }
        assert!(
            draw(&rows(), &[], 50, 7)
                .iter()
                .all(|q| !q.kind.is_address())
        );
        assert!(draw(&[], &emails(), 50, 7).is_empty());
    }

    #[test]
    fn says_names_the_way_callers_do() {
        let queries = draw(&rows(), &emails(), 2_000, 1);
        let texts = |kind: Kind| -> Vec<&str> {
            queries
                .iter()
                .filter(|q| q.kind == kind)
                .map(|q| q.text.as_str())
                .collect()
        };
        assert!(texts(Kind::Abbreviation).contains(&"lp ste marie"));
        assert!(texts(Kind::Abbreviation).contains(&"clg jean jaures st denis"));
        assert!(texts(Kind::NameTown).contains(&"henri iv paris"));
        assert!(texts(Kind::Town).contains(&"meaux"));
        assert!(texts(Kind::Uai).contains(&"0750654d"));
        assert!(texts(Kind::UaiWrongLetter).contains(&"0750654"));
        for text in texts(Kind::UaiWrongLetter) {
            assert!(!text.starts_with("0750654D"), "{text}");
        }
        for text in texts(Kind::NameTypo) {
            assert!(text.is_ascii(), "{text}");
        }
        assert!(texts(Kind::AddressPrefix).contains(&"jean.dupont@"));
        assert!(texts(Kind::AddressFull).contains(&"JEAN.DUPONT@GMAIL.COM"));
    }
}
