//! `report initialisation`: the contract scripts read (`total` and the five states, which add up
//! to it), the filters as repeatable options, refusals in French; no agent signs in on a
//! standalone database, and a reader may when one is given.

use guichet_tests::{AGENT_PASSWORD, on_both_backends};
use serde_json::Value;

use crate::{admin, desk};

const STATES: [&str; 5] = [
    "sans-adresse",
    "jamais-initialise",
    "lien-en-attente",
    "lien-expire",
    "initialise",
];

fn states_of(report: &Value) -> Vec<u64> {
    STATES
        .iter()
        .map(|state| {
            report["states"][state]
                .as_u64()
                .unwrap_or_else(|| panic!("{state} in {report}"))
        })
        .collect()
}

on_both_backends!(
    the_report_counts_every_state_and_filters_the_population,
    |db| {
        desk(&db);
        let url = db.url.as_str();
        let sql = db.sql().await;
        let all = admin(url, &["report", "initialisation"]).run();
        let all = all.ok();
        let total = all["total"].as_u64().expect("total");
        assert_eq!(total as i64, sql.count("establishment").await);
        assert_eq!(states_of(all).iter().sum::<u64>(), total);
        assert_eq!(
            all["states"].as_object().expect("states").len(),
            5,
            "exactly the five states: {all}"
        );
        assert_eq!(
            all["states"]["sans-adresse"].as_i64(),
            Some(
                sql.number("SELECT count(*) FROM establishment WHERE principal_account_id IS NULL")
                    .await
            )
        );

        // Repeated options: any of their values; different options: all of them.
        let filtered = admin(
            url,
            &[
                "report",
                "initialisation",
                "--academie",
                "CRETEIL",
                "--academie",
                "versailles",
                "--type",
                "lycee",
                "--secteur",
                "public",
            ],
        )
        .agent("lea", AGENT_PASSWORD)
        .run();
        let filtered = filtered.ok();
        let expected = sql
            .number(
                "SELECT count(*) FROM establishment WHERE academie IN ('Créteil', 'Versailles') \
             AND kind = 'lycee' AND sector = 'public'",
            )
            .await;
        assert_eq!(filtered["total"].as_i64(), Some(expected));
        assert!(expected > 0 && (expected as u64) < total);
        assert_eq!(states_of(filtered).iter().sum::<u64>(), expected as u64);
        let by_department = admin(url, &["report", "initialisation", "--departement", "75"]).run();
        assert_eq!(
            by_department.ok()["total"].as_i64(),
            Some(
                sql.number("SELECT count(*) FROM establishment WHERE department = '75'")
                    .await
            )
        );

        // For people: the total, then each state's label and count.
        let run = admin(url, &["report", "initialisation"]).text().run();
        assert_eq!(run.code, 0, "{}", run.stderr);
        let text = run.stdout;
        assert!(
            text.starts_with(&format!("{total} établissements")),
            "{text}"
        );
        assert!(text.contains("Sans adresse principale"), "{text}");
    }
);

on_both_backends!(
    a_filter_that_names_nothing_is_refused_with_what_was_typed,
    |db| {
        desk(&db);
        let url = db.url.as_str();
        for (option, typed) in [
            ("--academie", "Gotham"),
            ("--departement", "7501"),
            ("--type", "université"),
            ("--secteur", "associatif"),
        ] {
            let run = admin(url, &["report", "initialisation", option, typed]).run();
            let message = run.refused("invalid_population");
            assert!(
                message.contains(&format!("«\u{a0}{typed}\u{a0}»")),
                "{message}"
            );
        }
    }
);
