//! The demo's generation: deterministic, complete, realistic, and bounded.

use std::collections::HashSet;

use chrono::{DateTime, TimeZone, Utc};

use super::{DemoSize, MAX_ACCOUNTS, generate, reference};
use crate::error::Error;
use crate::model::academie::{self, SIEC_ACADEMIES};
use crate::model::establishment::EstablishmentKind;
use crate::model::uai::Uai;

fn now() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, 25, 9, 0, 0)
        .single()
        .expect("valid instant")
}

const SMALL: DemoSize = DemoSize {
    establishments: 6_000,
    accounts: 12_000,
};

#[test]
fn the_same_seed_gives_the_same_rows() {
    let paris = chrono_tz::Europe::Paris;
    let (first, _) = generate(SMALL, 7, paris, now()).expect("generated");
    let (again, _) = generate(SMALL, 7, paris, now()).expect("generated");
    let (other, _) = generate(SMALL, 8, paris, now()).expect("generated");
    assert!(first == again);
    assert!(first != other);
}

#[test]
fn holds_every_real_lycee_then_generated_establishments_with_valid_uais() {
    let (batch, report) = generate(SMALL, 7, chrono_tz::Europe::Paris, now()).expect("generated");
    assert_eq!(batch.establishments.len(), SMALL.establishments);
    assert_eq!(report.lycees, reference::lycees().len());
    assert_eq!(
        report.colleges + report.ecoles + report.cio + report.erea + report.lycees,
        SMALL.establishments
    );
    let uais: HashSet<&Uai> = batch.establishments.iter().map(|e| &e.uai).collect();
    assert_eq!(uais.len(), batch.establishments.len(), "UAIs are unique");
    for e in &batch.establishments {
        assert!(Uai::parse(e.uai.as_str()).is_ok());
        assert_eq!(
            e.uai.department(),
            e.department,
            "{} is in its department",
            e.uai
        );
        assert_eq!(
            academie::by_department(&e.department).map(|a| a.name.as_str()),
            Some(e.academie.as_str())
        );
    }
}

#[test]
fn addresses_follow_the_patterns_establishments_use_and_mix_every_state() {
    let (batch, report) = generate(SMALL, 7, chrono_tz::Europe::Paris, now()).expect("generated");
    assert_eq!(batch.accounts.len(), SMALL.accounts);
    let lower: HashSet<String> = batch
        .accounts
        .iter()
        .map(|a| a.email.to_lowercase())
        .collect();
    assert_eq!(
        lower.len(),
        batch.accounts.len(),
        "addresses are unique without regard to case"
    );
    let functional = batch
        .accounts
        .iter()
        .filter(|a| a.email.starts_with("ce.") && a.email.contains("@ac-"))
        .count();
    let secretariat = batch
        .accounts
        .iter()
        .filter(|a| a.email.starts_with("secretariat."))
        .count();
    let personal = batch
        .accounts
        .iter()
        .filter(|a| a.email.ends_with("@gmail.com") || a.email.ends_with("@orange.fr"))
        .count();
    assert!(
        functional > SMALL.establishments / 2,
        "{functional} ce.<uai> addresses"
    );
    assert!(secretariat > 0 && personal > 0);
    for count in [
        report.initialised,
        report.never_initialised,
        report.link_pending,
        report.link_expired,
    ] {
        assert!(count > 0);
    }
    assert_eq!(
        report.initialised + report.never_initialised + report.link_pending + report.link_expired,
        SMALL.accounts
    );
    // Generated establishments lean to the SIEC's Île-de-France académies (~19 % of France).
    let generated: Vec<_> = batch
        .establishments
        .iter()
        .filter(|e| e.kind != EstablishmentKind::Lycee)
        .collect();
    let siec = generated
        .iter()
        .filter(|e| SIEC_ACADEMIES.contains(&e.academie.as_str()))
        .count();
    assert!(
        siec * 100 / generated.len() >= 40,
        "{siec} of {} in the SIEC's académies",
        generated.len()
    );
}

#[test]
fn refuses_sizes_out_of_range() {
    let paris = chrono_tz::Europe::Paris;
    let none = DemoSize {
        establishments: 0,
        accounts: 10,
    };
    let huge = DemoSize {
        establishments: 10,
        accounts: MAX_ACCOUNTS + 1,
    };
    assert!(matches!(
        generate(none, 1, paris, now()),
        Err(Error::InvalidDemoSize(_))
    ));
    assert!(matches!(
        generate(huge, 1, paris, now()),
        Err(Error::InvalidDemoSize(_))
    ));
}
