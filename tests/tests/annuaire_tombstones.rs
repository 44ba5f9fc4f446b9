//! What an imported closing leaves on real SQLite and PostgreSQL: a tombstone still found by
//! search with its closing date, its addresses and ledger intact, no link sent to them, and a
//! successor (the one the Annuaire names, or else an open one of the same type in the same
//! town); reopened by a later file with its history. And the Annuaire's official address,
//! offered on the page and known to the diagnosis.

use guichet_core::agents::Session;
use guichet_core::diagnosis::{Finding, NextStep};
use guichet_core::model::establishment::{EstablishmentIdentity, SuccessorReason};
use guichet_core::search::SearchHit;
use guichet_core::{ErrorKind, Guichet, Settings};
use guichet_tests::annuaire::{Headers, Row, file, lycees_of};
use guichet_tests::on_both_backends;

async fn desk(url: &str) -> (Guichet, Session) {
    let settings = Settings::with_defaults(Some(url.into()), std::env::temp_dir());
    let guichet = Guichet::open(settings, guichet_core::store::OpenMode::MustExist)
        .await
        .expect("opened");
    let supervisor = guichet_tests::add_team(&guichet).await;
    (guichet, supervisor)
}

async fn import(guichet: &Guichet, supervisor: &Session, rows: &[Row], name: &str) {
    guichet
        .import_annuaire(
            supervisor,
            file(rows, Headers::Labels, true).as_slice(),
            name,
            false,
        )
        .await
        .expect("imported");
}

/// A lycée whose town has other lycées of its sector, and those others.
fn with_neighbours(
    base: &[EstablishmentIdentity],
) -> (EstablishmentIdentity, Vec<EstablishmentIdentity>) {
    base.iter()
        .find_map(|a| {
            let others: Vec<EstablishmentIdentity> = base
                .iter()
                .filter(|b| {
                    b.uai != a.uai
                        && b.town == a.town
                        && b.department == a.department
                        && b.sector == a.sector
                })
                .cloned()
                .collect();
            (!others.is_empty()).then(|| (a.clone(), others))
        })
        .expect("a town with two lycées of one sector")
}

on_both_backends!(
    a_closed_establishment_stays_found_with_its_history_and_points_to_its_successor,
    |db| {
        let (guichet, supervisor) = desk(&db.url).await;
        let agent = guichet
            .sign_in("camille", guichet_tests::AGENT_PASSWORD)
            .await
            .expect("camille");
        let base = lycees_of(&["Créteil", "Versailles"]);
        let rows: Vec<Row> = base.iter().map(Row::open).collect();
        import(&guichet, &supervisor, &rows, "annuaire-1.csv").await;
        // `merged` closes naming `heir`; `vanished` drops out of the file and has a neighbour.
        let (vanished, neighbours) = with_neighbours(&base);
        let town = |l: &EstablishmentIdentity| l.town == vanished.town;
        let merged = base.iter().find(|l| !town(l)).expect("a lycée").clone();
        let heir = base
            .iter()
            .find(|l| !town(l) && l.uai != merged.uai)
            .expect("another")
            .clone();
        let email = "secretariat.ferme@ac-creteil.fr";
        guichet
            .attach(&agent, email, &[merged.uai.to_string()], true, None, None)
            .await
            .expect("attached");
        guichet
            .send_link(&agent, email, None)
            .await
            .expect("a link before the closing");

        let second: Vec<Row> = rows
            .iter()
            .filter(|r| r.identity.uai != vanished.uai)
            .map(|r| {
                let mut r = r.clone();
                if r.identity.uai == merged.uai {
                    r.etat = "FERME";
                    r.updated_on = "2026-06-30";
                    r.mere = Some(heir.uai.to_string());
                }
                r
            })
            .collect();
        import(&guichet, &supervisor, &second, "annuaire-2.csv").await;
        guichet.build_search_index().await.expect("index");

        // Found by its UAI and by its name, with its closing date.
        for query in [merged.uai.to_string(), merged.name.clone()] {
            let found = guichet.search(&agent, &query, 20).await.expect("search");
            let hit = found
                .hits
                .iter()
                .find_map(|hit| match hit {
                    SearchHit::Establishment(e) if e.uai == merged.uai => Some(e),
                    _ => None,
                })
                .unwrap_or_else(|| panic!("{query}: {:?}", found.hits));
            assert_eq!(
                hit.closed_on.map(|d| d.to_string()).as_deref(),
                Some("2026-06-30")
            );
        }
        let open = guichet
            .search(&agent, heir.uai.as_str(), 5)
            .await
            .expect("search");
        assert!(
            matches!(&open.hits[0], SearchHit::Establishment(e) if e.uai == heir.uai && e.closed_on.is_none())
        );

        // Its page: closed, the Annuaire's successor, the address and its ledger intact.
        let page = guichet
            .establishment(&agent, merged.uai.as_str())
            .await
            .expect("page");
        assert_eq!(
            page.annuaire.closed_on.map(|d| d.to_string()).as_deref(),
            Some("2026-06-30")
        );
        let successor = page.annuaire.successor.expect("successor");
        assert_eq!(successor.establishment.uai, heir.uai);
        assert_eq!(successor.reason, SuccessorReason::Annuaire);
        assert_eq!(page.principal_email.as_deref(), Some(email));
        let ledger = guichet.address_links(&agent, email).await.expect("ledger");
        assert_eq!(ledger.links.len(), 1);

        // No link to an address only a closed establishment holds.
        let refused = guichet
            .send_link(&agent, email, None)
            .await
            .expect_err("closed");
        assert_eq!(refused.kind(), ErrorKind::EstablishmentClosed);
        assert!(
            refused.message().contains(merged.uai.as_str()),
            "{}",
            refused.message()
        );
        assert_eq!(
            guichet
                .address_links(&agent, email)
                .await
                .expect("ledger")
                .links
                .len(),
            1
        );

        // Vanished without a successor named: an open lycée of its town, of its sector.
        let page = guichet
            .establishment(&agent, vanished.uai.as_str())
            .await
            .expect("page");
        assert!(page.annuaire.closed_on.is_some());
        let successor = page.annuaire.successor.expect("a neighbour");
        assert!(
            neighbours
                .iter()
                .any(|n| n.uai == successor.establishment.uai),
            "{successor:?} not among {neighbours:?}"
        );
        assert_eq!(successor.establishment.closed_on, None);
        assert_eq!(successor.reason, SuccessorReason::SameTown);
        // An open establishment has none.
        let page = guichet
            .establishment(&agent, heir.uai.as_str())
            .await
            .expect("page");
        assert_eq!(page.annuaire.closed_on, None);
        assert!(page.annuaire.successor.is_none());

        // A later file reopens it, with its address and its history.
        import(&guichet, &supervisor, &rows, "annuaire-3.csv").await;
        let page = guichet
            .establishment(&agent, merged.uai.as_str())
            .await
            .expect("page");
        assert_eq!(page.annuaire.closed_on, None);
        assert!(page.annuaire.successor.is_none());
        assert_eq!(page.principal_email.as_deref(), Some(email));
        guichet
            .send_link(&agent, email, None)
            .await
            .expect("open again");
        assert_eq!(
            guichet
                .address_links(&agent, email)
                .await
                .expect("ledger")
                .links
                .len(),
            2
        );
    }
);

on_both_backends!(
    the_annuaire_address_is_offered_and_the_diagnosis_knows_it,
    |db| {
        let (guichet, supervisor) = desk(&db.url).await;
        let agent = guichet
            .sign_in("camille", guichet_tests::AGENT_PASSWORD)
            .await
            .expect("camille");
        let base = lycees_of(&["Créteil"]);
        let official = "Secretariat.Lycee@ac-creteil.fr";
        let target = base[0].clone();
        let rows: Vec<Row> = base
            .iter()
            .map(|l| {
                let mut row = Row::open(l);
                if l.uai == target.uai {
                    row.mail = Some(official.into());
                }
                row
            })
            .collect();
        import(&guichet, &supervisor, &rows, "annuaire.csv").await;
        let page = guichet
            .establishment(&agent, target.uai.as_str())
            .await
            .expect("page");
        assert_eq!(page.principal_email, None);
        assert_eq!(page.annuaire.official_mail.as_deref(), Some(official));

        // Unknown to the base, but the Annuaire's: attach it there, first of the steps.
        guichet.build_search_index().await.expect("index");
        let typed = "secretariat.lycee@ac-creteil.fr";
        let diagnosis = guichet.diagnose(&agent, typed).await.expect("diagnosis");
        let official_findings: Vec<_> = diagnosis
            .findings
            .iter()
            .filter_map(|f| match &f.finding {
                Finding::OfficialMail {
                    establishment,
                    attached,
                } => Some((establishment.uai.clone(), *attached, f.message.clone())),
                _ => None,
            })
            .collect();
        assert_eq!(official_findings.len(), 1, "{:?}", diagnosis.findings);
        assert_eq!(official_findings[0].0, target.uai);
        assert!(!official_findings[0].1);
        assert!(
            official_findings[0].2.contains("Annuaire de l’éducation"),
            "{}",
            official_findings[0].2
        );
        match &diagnosis.steps[0].step {
            NextStep::Attach {
                email,
                known,
                establishment,
            } => {
                assert_eq!(email, typed);
                assert!(!known);
                assert_eq!(establishment.as_ref().map(|e| &e.uai), Some(&target.uai));
            }
            other => panic!("{other:?}"),
        }

        // Attached and principal in one change: the diagnosis then has no such step.
        guichet
            .attach(
                &agent,
                typed,
                &[target.uai.to_string()],
                true,
                Some(page.version),
                None,
            )
            .await
            .expect("attached");
        let page = guichet
            .establishment(&agent, target.uai.as_str())
            .await
            .expect("page");
        assert_eq!(page.principal_email.as_deref(), Some(typed));
        guichet.build_search_index().await.expect("index");
        let diagnosis = guichet.diagnose(&agent, typed).await.expect("diagnosis");
        assert!(
            diagnosis
                .findings
                .iter()
                .any(|f| matches!(&f.finding, Finding::OfficialMail { attached: true, .. }))
        );
        assert!(
            !diagnosis
                .steps
                .iter()
                .any(|s| matches!(&s.step, NextStep::Attach { .. })),
            "{:?}",
            diagnosis.steps
        );

        // An address that is nobody's official one gets no such finding.
        let other = guichet
            .diagnose(&agent, "inconnue@ac-creteil.fr")
            .await
            .expect("diagnosis");
        assert!(
            !other
                .findings
                .iter()
                .any(|f| matches!(&f.finding, Finding::OfficialMail { .. }))
        );
    }
);
