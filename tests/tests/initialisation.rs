//! The « Suivi des initialisations » on real SQLite and PostgreSQL: the core's counts against
//! counts written here in plain SQL, the filters, each state's list and the CSV export.

use chrono::Utc;
use guichet_core::agents::Session;
use guichet_core::initialisation::{InitState, InitialisationReport, PopulationInput};
use guichet_core::{ErrorKind, Guichet, Settings, portal_time};
use guichet_tests::{AGENT_PASSWORD, Sql, on_both_backends};

struct Desk {
    guichet: Guichet,
    reader: Session,
    sql: Sql,
}

/// The demo database (seed 7) with the team; the reader is the one who looks: every role may.
async fn desk(url: &str) -> Desk {
    let settings = Settings::with_defaults(Some(url.into()), std::env::temp_dir());
    let guichet = Guichet::open(settings, guichet_core::store::OpenMode::MustExist)
        .await
        .expect("opened");
    let size = guichet_core::demo::DemoSize {
        establishments: 3_000,
        accounts: 4_000,
    };
    guichet.load_demo(size, 7, Utc::now()).await.expect("demo");
    guichet_tests::add_team(&guichet).await;
    let reader = guichet
        .sign_in("lea", AGENT_PASSWORD)
        .await
        .expect("reader");
    Desk {
        sql: Sql::of(&guichet).await,
        guichet,
        reader,
    }
}

fn population(academies: &[&str], kinds: &[&str]) -> PopulationInput {
    PopulationInput {
        academies: academies.iter().map(|a| a.to_string()).collect(),
        kinds: kinds.iter().map(|k| k.to_string()).collect(),
        ..PopulationInput::default()
    }
}

/// Each state counted here in SQL of its own, over `filter` (conditions on `e`): a link is
/// pending when any of the address's requests expires after the portal's clock now.
async fn counted_in_sql(sql: &Sql, filter: &str) -> [i64; 5] {
    let now = portal_time::to_portal(chrono_tz::Europe::Paris, Utc::now())
        .format("%Y-%m-%d %H:%M:%S")
        .to_string();
    let principal = format!(
        "SELECT count(*) FROM establishment e JOIN account a ON a.id = e.principal_account_id \
         WHERE TRUE {filter}"
    );
    let link = "SELECT 1 FROM reset_password_request r WHERE r.user_id = a.id";
    [
        sql.number(&format!(
            "SELECT count(*) FROM establishment e WHERE e.principal_account_id IS NULL {filter}"
        ))
        .await,
        sql.number(&format!(
            "{principal} AND a.password IS NULL AND NOT EXISTS ({link})"
        ))
        .await,
        sql.number(&format!(
            "{principal} AND a.password IS NULL AND EXISTS ({link} AND r.expires_at > '{now}')"
        ))
        .await,
        sql.number(&format!(
            "{principal} AND a.password IS NULL AND EXISTS ({link}) \
             AND NOT EXISTS ({link} AND r.expires_at > '{now}')"
        ))
        .await,
        sql.number(&format!("{principal} AND a.password IS NOT NULL"))
            .await,
    ]
}

fn figures(report: &InitialisationReport) -> [i64; 5] {
    InitState::ALL.map(|state| i64::from(report.states.get(state)))
}

/// The core's report and the SQL counts, read until no link expired between the two readings.
async fn report_and_sql(
    desk: &Desk,
    input: &PopulationInput,
    filter: &str,
) -> (InitialisationReport, [i64; 5]) {
    loop {
        let before = counted_in_sql(&desk.sql, filter).await;
        let report = desk
            .guichet
            .initialisation_report(&desk.reader, input)
            .await
            .expect("report");
        if counted_in_sql(&desk.sql, filter).await == before {
            return (report, before);
        }
    }
}

on_both_backends!(the_dashboard_counts_what_plain_sql_counts, |db| {
    let desk = desk(&db.url).await;
    let total = desk.sql.count("establishment").await;
    let (report, counted) = report_and_sql(&desk, &PopulationInput::default(), "").await;
    assert_eq!(figures(&report), counted);
    assert_eq!(i64::from(report.total), total);
    assert_eq!(counted.iter().sum::<i64>(), total);
    for (state, n) in InitState::ALL.into_iter().zip(counted) {
        assert!(n > 0, "the demo database has no establishment in {state:?}");
    }

    // Accents and case ignored in the académie's name; filters combined.
    let input = population(&["creteil"], &["lycee", "college"]);
    let filter = "AND e.academie = 'Créteil' AND e.kind IN ('lycee', 'college')";
    let (report, counted) = report_and_sql(&desk, &input, filter).await;
    assert_eq!(figures(&report), counted);
    assert!(report.total > 0 && i64::from(report.total) < total);
    let input = PopulationInput {
        departments: vec!["93".into(), "94".into()],
        sectors: vec!["prive".into()],
        ..PopulationInput::default()
    };
    let filter = "AND e.department IN ('93', '94') AND e.sector = 'prive'";
    let (report, counted) = report_and_sql(&desk, &input, filter).await;
    assert_eq!(figures(&report), counted);

    // A population of nobody counts zero everywhere.
    let nobody = PopulationInput {
        departments: vec!["999".into()],
        ..PopulationInput::default()
    };
    let report = desk
        .guichet
        .initialisation_report(&desk.reader, &nobody)
        .await
        .expect("report");
    assert_eq!((report.total, figures(&report)), (0, [0; 5]));
});

on_both_backends!(
    each_count_lists_its_establishments_and_the_export_has_them_all,
    |db| {
        let desk = desk(&db.url).await;
        let input = population(&["Paris"], &[]);
        let report = desk
            .guichet
            .initialisation_report(&desk.reader, &input)
            .await
            .expect("report");
        let no_address = desk
            .guichet
            .initialisation_establishments(&desk.reader, &input, InitState::NoAddress)
            .await
            .expect("list");
        let expected = desk
            .sql
            .texts(
                "SELECT uai FROM establishment WHERE principal_account_id IS NULL \
             AND academie = 'Paris' ORDER BY uai LIMIT 500",
            )
            .await;
        assert!(!expected.is_empty());
        let listed: Vec<String> = no_address.iter().map(|e| e.uai.to_string()).collect();
        assert_eq!(listed, expected);
        assert!(no_address.iter().all(|e| e.principal_email.is_none()
            && e.academie == "Paris"
            && e.state == InitState::NoAddress));
        assert_eq!(listed.len() as u32, report.states.no_address.min(500));

        let initialised = desk
            .guichet
            .initialisation_establishments(&desk.reader, &input, InitState::Initialised)
            .await
            .expect("list");
        assert!(!initialised.is_empty());
        assert!(initialised.iter().all(|e| e.principal_email.is_some()));

        // The export: every establishment of the population, its state in French, for Excel.
        let csv = desk
            .guichet
            .initialisation_csv(&desk.reader, &input)
            .await
            .expect("export");
        assert!(
            csv.starts_with(
                "\u{feff}UAI;Établissement;Commune;Académie;Adresse principale;État\r\n"
            )
        );
        let rows: Vec<&str> = csv.trim_end().split("\r\n").skip(1).collect();
        assert_eq!(rows.len() as u32, report.total);
        let first_no_address = format!("{};", listed[0]);
        let row = rows
            .iter()
            .find(|row| row.starts_with(&first_no_address))
            .expect("listed establishment exported");
        assert!(row.ends_with(";;Sans adresse principale"), "{row}");
    }
);

on_both_backends!(a_filter_that_names_nothing_is_refused_in_french, |db| {
    let desk = desk(&db.url).await;
    let cases = [
        (population(&["Gotham"], &[]), "Gotham"),
        (population(&[], &["université"]), "université"),
        (
            PopulationInput {
                departments: vec!["7501".into()],
                ..PopulationInput::default()
            },
            "7501",
        ),
        (
            PopulationInput {
                sectors: vec!["associatif".into()],
                ..PopulationInput::default()
            },
            "associatif",
        ),
    ];
    for (input, typed) in cases {
        let error = desk
            .guichet
            .initialisation_report(&desk.reader, &input)
            .await
            .expect_err(typed);
        assert_eq!(error.kind(), ErrorKind::InvalidPopulation);
        assert!(
            error.message().contains(&format!("«\u{a0}{typed}\u{a0}»")),
            "{}",
            error.message()
        );
        for state in InitState::ALL {
            let error = desk
                .guichet
                .initialisation_establishments(&desk.reader, &input, state)
                .await
                .expect_err(typed);
            assert_eq!(error.kind(), ErrorKind::InvalidPopulation);
        }
        let error = desk
            .guichet
            .initialisation_csv(&desk.reader, &input)
            .await
            .expect_err(typed);
        assert_eq!(error.kind(), ErrorKind::InvalidPopulation);
    }
});
