//! The Annuaire de l'éducation's import through the core on real SQLite and PostgreSQL: files
//! written in the data set's exact format from the embedded real lycées (with and without BOM,
//! both header styles), a second snapshot with known changes whose dry run lists exactly those
//! and whose import writes them with their journal, once; bad files refused with their line and
//! column, nothing written.

use guichet_core::agents::Session;
use guichet_core::annuaire::AnnuaireDiff;
use guichet_core::model::establishment::EstablishmentIdentity;
use guichet_core::{ErrorKind, Guichet, Settings};
use guichet_tests::annuaire::{HEADER, Headers, Row, file, lycees_of};
use guichet_tests::{Sql, on_both_backends};

/// An empty database with the team; the supervisor's session.
async fn desk(url: &str) -> (Guichet, Session, Sql) {
    let settings = Settings::with_defaults(Some(url.into()), std::env::temp_dir());
    let guichet = Guichet::open(settings, guichet_core::store::OpenMode::MustExist)
        .await
        .expect("opened");
    let supervisor = guichet_tests::add_team(&guichet).await;
    let sql = Sql::of(&guichet).await;
    (guichet, supervisor, sql)
}

fn uais<'a>(items: impl IntoIterator<Item = &'a guichet_core::model::uai::Uai>) -> Vec<String> {
    let mut uais: Vec<String> = items.into_iter().map(|u| u.to_string()).collect();
    uais.sort();
    uais
}

/// What the database holds and has journaled, to show that nothing was written.
async fn footprint(sql: &Sql) -> (i64, i64, i64, i64) {
    (
        sql.count("establishment").await,
        sql.number("SELECT COALESCE(SUM(version), 0) FROM establishment")
            .await,
        sql.count("audit_event").await,
        sql.count("annuaire_import").await,
    )
}

async fn text(sql: &Sql, query: &str) -> String {
    sql.texts(query).await.pop().unwrap_or_default()
}

/// The first snapshot: every embedded lycée of Créteil and Versailles, open.
fn first_snapshot(base: &[EstablishmentIdentity]) -> Vec<Row> {
    base.iter().map(Row::open).collect()
}

on_both_backends!(
    every_header_style_with_or_without_bom_reads_the_same_file,
    |db| {
        let (guichet, supervisor, sql) = desk(&db.url).await;
        let base = lycees_of(&["Créteil", "Versailles"]);
        assert!(base.len() > 200, "{} lycées", base.len());
        let rows = first_snapshot(&base);
        let mut diffs = Vec::new();
        for (headers, bom) in [
            (Headers::Labels, true),
            (Headers::Labels, false),
            (Headers::Api, true),
            (Headers::Api, false),
        ] {
            let bytes = file(&rows, headers, bom);
            let diff = guichet
                .annuaire_dry_run(&supervisor, bytes.as_slice())
                .await
                .expect("dry run");
            assert!(
                diff.rejected.is_empty(),
                "{headers:?} {bom}: {:?}",
                diff.rejected
            );
            diffs.push(serde_json::to_value(&diff).expect("JSON"));
        }
        assert!(diffs.iter().all(|d| *d == diffs[0]));
        let new = diffs[0]["new"].as_array().expect("new");
        assert_eq!(new.len(), base.len());
        assert_eq!(new[0]["uai"], base[0].uai.as_str());
        assert_eq!(new[0]["name"], base[0].name.as_str());
        assert_eq!(new[0]["academie"], base[0].academie.as_str());
        for key in [
            "renamed",
            "moved",
            "changed",
            "mail_changed",
            "closed",
            "reopened",
            "rejected",
        ] {
            assert_eq!(diffs[0][key], serde_json::json!([]), "{key}");
        }
        assert_eq!(diffs[0]["unchanged"], 0);
        // A dry run writes nothing.
        assert_eq!(footprint(&sql).await.0, 0);
        let agent = guichet
            .sign_in("camille", guichet_tests::AGENT_PASSWORD)
            .await
            .expect("camille");
        let refused = guichet
            .annuaire_dry_run(&agent, file(&rows, Headers::Labels, true).as_slice())
            .await
            .expect_err("supervisors only");
        assert_eq!(refused.kind(), ErrorKind::Forbidden);
    }
);

on_both_backends!(
    a_second_snapshot_lists_and_applies_exactly_its_changes_once,
    |db| {
        let (guichet, supervisor, sql) = desk(&db.url).await;
        let base = lycees_of(&["Créteil", "Versailles"]);
        let creteil: Vec<&EstablishmentIdentity> =
            base.iter().filter(|l| l.academie == "Créteil").collect();
        let versailles: Vec<&EstablishmentIdentity> =
            base.iter().filter(|l| l.academie == "Versailles").collect();
        let first = file(&first_snapshot(&base), Headers::Labels, true);
        let (_, imported) = guichet
            .import_annuaire(&supervisor, first.as_slice(), "annuaire-1.csv", false)
            .await
            .expect("first import");
        assert!(imported.id.is_some());
        assert_eq!(imported.counts.added, base.len());
        assert_eq!(sql.count("establishment").await, base.len() as i64);
        let (removed, renamed, moved, mail, closing, successor) = (
            creteil[0], creteil[1], creteil[2], creteil[3], creteil[4], creteil[5],
        );
        let reopened = versailles[0];
        // A past import closed this one.
        sql.execute(&format!(
            "UPDATE establishment SET closed_on = '2025-07-01' WHERE uai = '{}'",
            reopened.uai
        ))
        .await;

        let mut rows: Vec<Row> = first_snapshot(&base)
            .into_iter()
            .filter(|r| r.identity.uai != removed.uai)
            .collect();
        for row in &mut rows {
            let uai = row.identity.uai.clone();
            if uai == renamed.uai {
                row.identity.name = format!("{} - Cité scolaire", row.identity.name);
            } else if uai == moved.uai {
                row.identity.academie = "Versailles".into();
                row.identity.department = "78".into();
                row.identity.postcode = "78000".into();
                row.identity.town = "Versailles".into();
            } else if uai == mail.uai {
                row.mail = Some("secretariat.lycee@ac-creteil.fr".into());
            } else if uai == closing.uai {
                row.etat = "FERME";
                row.updated_on = "2026-06-30";
                row.mere = Some(successor.uai.to_string());
            }
        }
        let second = file(&rows, Headers::Api, false);
        let before = footprint(&sql).await;
        let diff: AnnuaireDiff = guichet
            .annuaire_dry_run(&supervisor, second.as_slice())
            .await
            .expect("dry run");
        assert_eq!(footprint(&sql).await, before, "a dry run writes nothing");
        assert!(diff.new.is_empty() && diff.changed.is_empty() && diff.rejected.is_empty());
        assert_eq!(
            uais(diff.renamed.iter().map(|i| &i.uai)),
            [renamed.uai.to_string()]
        );
        assert_eq!(diff.renamed[0].before, renamed.name);
        assert_eq!(
            uais(diff.moved.iter().map(|i| &i.uai)),
            [moved.uai.to_string()]
        );
        assert_eq!(
            (
                diff.moved[0].before.academie.as_str(),
                diff.moved[0].after.academie.as_str()
            ),
            ("Créteil", "Versailles")
        );
        assert_eq!(
            uais(diff.mail_changed.iter().map(|i| &i.uai)),
            [mail.uai.to_string()]
        );
        assert_eq!(
            diff.mail_changed[0].after.as_deref(),
            Some("secretariat.lycee@ac-creteil.fr")
        );
        assert_eq!(
            uais(diff.closed.iter().map(|i| &i.uai)),
            uais([&removed.uai, &closing.uai])
        );
        let today = chrono::Utc::now()
            .with_timezone(&chrono_tz::Europe::Paris)
            .date_naive();
        for closed in &diff.closed {
            if closed.uai == closing.uai {
                assert_eq!(
                    closed.closed_on.map(|d| d.to_string()).as_deref(),
                    Some("2026-06-30")
                );
                assert_eq!(closed.successor_uai.as_ref(), Some(&successor.uai));
            } else {
                assert_eq!(closed.closed_on, Some(today), "vanished: the import's date");
                assert_eq!(closed.successor_uai, None);
            }
        }
        assert_eq!(
            uais(diff.reopened.iter().map(|i| &i.uai)),
            [reopened.uai.to_string()]
        );
        assert_eq!(diff.unchanged, base.len() - 1 - 5);

        // An extract of Versailles alone closes nothing in Créteil.
        let extract: Vec<Row> = first_snapshot(&base)
            .into_iter()
            .filter(|r| r.identity.academie == "Versailles" && r.identity.uai != versailles[1].uai)
            .collect();
        let extract = file(&extract, Headers::Labels, false);
        let partial = guichet
            .annuaire_dry_run(&supervisor, extract.as_slice())
            .await
            .expect("extract");
        assert_eq!(
            uais(partial.closed.iter().map(|i| &i.uai)),
            [versailles[1].uai.to_string()]
        );

        let (_, imported) = guichet
            .import_annuaire(&supervisor, second.as_slice(), "annuaire-2.csv", false)
            .await
            .expect("second import");
        let id = imported.id.expect("written");
        let row = |uai: &guichet_core::model::uai::Uai, column: &str| {
            format!(
                "SELECT COALESCE(CAST({column} AS TEXT), '') FROM establishment WHERE uai = '{uai}'"
            )
        };
        assert_eq!(
            text(&sql, &row(&renamed.uai, "name")).await,
            format!("{} - Cité scolaire", renamed.name)
        );
        assert_eq!(text(&sql, &row(&moved.uai, "academie")).await, "Versailles");
        assert_eq!(text(&sql, &row(&moved.uai, "town")).await, "Versailles");
        assert_eq!(
            text(&sql, &row(&mail.uai, "official_mail")).await,
            "secretariat.lycee@ac-creteil.fr"
        );
        assert_eq!(
            text(&sql, &row(&closing.uai, "closed_on")).await,
            "2026-06-30"
        );
        assert_eq!(
            text(&sql, &row(&closing.uai, "successor_uai")).await,
            successor.uai.as_str()
        );
        assert_eq!(
            text(&sql, &row(&removed.uai, "closed_on")).await,
            today.to_string()
        );
        assert_eq!(text(&sql, &row(&reopened.uai, "closed_on")).await, "");
        // Closed establishments stay, with their rows.
        assert_eq!(sql.count("establishment").await, base.len() as i64);

        let journal = |uai: &guichet_core::model::uai::Uai| {
            format!(
                "SELECT action FROM audit_event WHERE uai = '{uai}' AND action <> 'establishment_added'"
            )
        };
        assert_eq!(
            sql.texts(&journal(&renamed.uai)).await,
            ["establishment_updated"]
        );
        assert_eq!(
            sql.texts(&journal(&moved.uai)).await,
            ["establishment_updated"]
        );
        assert_eq!(
            sql.texts(&journal(&mail.uai)).await,
            ["establishment_updated"]
        );
        assert_eq!(
            sql.texts(&journal(&closing.uai)).await,
            ["establishment_closed"]
        );
        assert_eq!(
            sql.texts(&journal(&removed.uai)).await,
            ["establishment_closed"]
        );
        assert_eq!(
            sql.texts(&journal(&reopened.uai)).await,
            ["establishment_reopened"]
        );
        assert_eq!(
        sql.number("SELECT count(*) FROM audit_event WHERE action LIKE 'establishment_%' AND action <> 'establishment_added'").await,
        6
    );
        assert_eq!(
            sql.number("SELECT count(*) FROM audit_event WHERE action = 'annuaire_imported'")
                .await,
            2
        );
        let entry = text(&sql, &format!(
        "SELECT after FROM audit_event WHERE action = 'establishment_updated' AND uai = '{}'",
        renamed.uai
    )).await;
        let entry: serde_json::Value = serde_json::from_str(&entry).expect("JSON");
        assert_eq!(
            entry,
            serde_json::json!({"name": format!("{} - Cité scolaire", renamed.name)})
        );
        assert_eq!(
            sql.number(&format!(
                "SELECT CAST(closed * 100 + reopened * 10 + added AS BIGINT) FROM annuaire_import WHERE id = {id}"
            ))
            .await,
            210
        );
        assert_eq!(
            sql.number(&format!(
                "SELECT CAST(updated AS BIGINT) FROM annuaire_import WHERE id = {id}"
            ))
            .await,
            6, // renamed, moved, its mail, two closed, one reopened
        );

        // The same file again changes nothing.
        let after = footprint(&sql).await;
        let (again, imported) = guichet
            .import_annuaire(&supervisor, second.as_slice(), "annuaire-2.csv", false)
            .await
            .expect("again");
        assert_eq!(imported.id, None);
        assert!(again.is_empty());
        assert_eq!(again.unchanged, base.len() - 1);
        assert_eq!(footprint(&sql).await, after);
    }
);

/// `file` with its text in Latin-1, as a spreadsheet may save it.
fn latin1(bytes: &[u8]) -> Vec<u8> {
    String::from_utf8_lossy(bytes)
        .chars()
        .map(|c| u8::try_from(u32::from(c)).unwrap_or(b'?'))
        .collect()
}

on_both_backends!(
    bad_files_name_their_line_and_column_and_write_nothing,
    |db| {
        let (guichet, supervisor, sql) = desk(&db.url).await;
        let base = lycees_of(&["Créteil"]);
        let rows = first_snapshot(&base);
        let good = file(&rows, Headers::Labels, false);
        let before = footprint(&sql).await;
        let refused = |bytes: Vec<u8>| {
            let (guichet, supervisor) = (&guichet, &supervisor);
            async move {
                guichet
                    .import_annuaire(supervisor, bytes.as_slice(), "mauvais.csv", true)
                    .await
                    .expect_err("refused")
            }
        };

        let error = refused(b"uai;nom;commune\r\n0930118Y;Lycee;Bobigny\r\n".to_vec()).await;
        assert_eq!(error.kind(), ErrorKind::AnnuaireHeaders);
        assert!(
            error.message().starts_with("Ligne 1"),
            "{}",
            error.message()
        );
        assert!(
            error.message().contains("Identifiant_de_l_etablissement"),
            "{}",
            error.message()
        );

        let commas = String::from_utf8(good.clone())
            .expect("UTF-8")
            .replace("\";\"", "\",\"");
        let error = refused(commas.into_bytes()).await;
        assert_eq!(error.kind(), ErrorKind::AnnuaireSeparator);
        assert!(
            error.message().starts_with("Ligne 1"),
            "{}",
            error.message()
        );

        let error = refused(latin1(&good)).await;
        assert_eq!(error.kind(), ErrorKind::AnnuaireEncoding);
        let fields = rows[0].fields();
        let column = fields
            .iter()
            .position(|f| !f.is_ascii())
            .expect("an accent on the first row");
        let expected = format!("Ligne 2, colonne {}", HEADER[column]);
        assert!(
            error.message().starts_with(&expected),
            "{expected}: {}",
            error.message()
        );

        for empty in [
            Vec::new(),
            "\u{feff}".as_bytes().to_vec(),
            file(&[], Headers::Labels, true),
        ] {
            assert_eq!(refused(empty).await.kind(), ErrorKind::AnnuaireEmpty);
        }
        assert_eq!(footprint(&sql).await, before);

        // Bad rows are listed, refuse the import, and are left aside with --skip-rejected.
        let mut bad = rows.clone();
        bad[2].identity.uai = rows[1].identity.uai.clone();
        let first = rows[0].identity.uai.as_str();
        let wrong = if first.ends_with('A') { 'B' } else { 'A' };
        let text = String::from_utf8(file(&bad, Headers::Labels, false))
            .expect("UTF-8")
            .replacen(
                &format!("\"{first}\""),
                &format!("\"{}{wrong}\"", &first[..7]),
                1,
            )
            .replacen(&format!("\"{}\"", rows[3].identity.uai), "\"12345\"", 1);
        let broken = text.into_bytes();
        let diff = guichet
            .annuaire_dry_run(&supervisor, broken.as_slice())
            .await
            .expect("dry run");
        let rejected: Vec<(u64, &str)> = diff
            .rejected
            .iter()
            .map(|r| (r.line, r.column.as_str()))
            .collect();
        // Line 2: its check letter wrong; line 4: line 3's UAI again; line 5: no UAI.
        assert_eq!(
            rejected,
            [
                (2, "Identifiant_de_l_etablissement"),
                (4, "Identifiant_de_l_etablissement"),
                (5, "Identifiant_de_l_etablissement"),
            ]
        );
        assert!(
            diff.rejected[0].reason.contains("lettre de contrôle"),
            "{}",
            diff.rejected[0].reason
        );
        assert!(
            diff.rejected[1].reason.contains("en double"),
            "{}",
            diff.rejected[1].reason
        );
        let error = guichet
            .import_annuaire(
                &supervisor,
                broken.as_slice(),
                "quelques-erreurs.csv",
                false,
            )
            .await
            .expect_err("rejected rows refuse it");
        assert_eq!(error.kind(), ErrorKind::AnnuaireRejected);
        assert!(
            error
                .message()
                .contains("ligne 2, colonne Identifiant_de_l_etablissement"),
            "{}",
            error.message()
        );
        assert_eq!(footprint(&sql).await, before);
        let (_, imported) = guichet
            .import_annuaire(&supervisor, broken.as_slice(), "quelques-erreurs.csv", true)
            .await
            .expect("the rest applied");
        assert_eq!(imported.counts.rejected, 3);
        assert_eq!(imported.counts.added, rows.len() - 3);
        assert_eq!(sql.count("establishment").await, (rows.len() - 3) as i64);
    }
);

on_both_backends!(
    a_closing_announced_stays_open_and_a_new_status_is_a_change,
    |db| {
        let (guichet, supervisor, sql) = desk(&db.url).await;
        let base = lycees_of(&["Paris"]);
        let first = file(&first_snapshot(&base), Headers::Labels, false);
        guichet
            .import_annuaire(&supervisor, first.as_slice(), "paris.csv", false)
            .await
            .expect("first import");
        let (announced, private) = (&base[0], &base[1]);
        let mut rows = first_snapshot(&base);
        rows[0].etat = "A FERMER";
        rows[1].identity.sector = match private.sector {
            guichet_core::model::establishment::Sector::Public => {
                guichet_core::model::establishment::Sector::Prive
            }
            guichet_core::model::establishment::Sector::Prive => {
                guichet_core::model::establishment::Sector::Public
            }
        };
        let second = file(&rows, Headers::Labels, true);
        let diff = guichet
            .annuaire_dry_run(&supervisor, second.as_slice())
            .await
            .expect("dry run");
        assert_eq!(
            uais(diff.changed.iter().map(|i| &i.uai)),
            uais([&announced.uai, &private.uai])
        );
        let json = serde_json::to_value(&diff).expect("JSON");
        let item = |uai: &guichet_core::model::uai::Uai| {
            json["changed"]
                .as_array()
                .expect("changed")
                .iter()
                .find(|i| i["uai"] == uai.as_str())
                .cloned()
                .expect("listed")
        };
        assert_eq!(item(&announced.uai)["before"]["closing_announced"], false);
        assert_eq!(item(&announced.uai)["after"]["closing_announced"], true);
        assert_eq!(
            item(&private.uai)["after"]["sector"],
            rows[1].identity.sector.code()
        );
        assert!(diff.closed.is_empty(), "announced is still open");
        guichet
            .import_annuaire(&supervisor, second.as_slice(), "paris-2.csv", false)
            .await
            .expect("applied");
        let column = |uai: &guichet_core::model::uai::Uai, column: &str| {
            format!(
                "SELECT COALESCE(CAST({column} AS TEXT), '') FROM establishment WHERE uai = '{uai}'"
            )
        };
        assert_eq!(
            text(&sql, &column(&announced.uai, "closing_announced")).await,
            "1"
        );
        assert_eq!(text(&sql, &column(&announced.uai, "closed_on")).await, "");
        assert_eq!(
            text(&sql, &column(&private.uai, "sector")).await,
            rows[1].identity.sector.code()
        );
    }
);

on_both_backends!(
    an_establishment_changed_after_the_comparison_fails_the_whole_import,
    |db| {
        let (guichet, supervisor, sql) = desk(&db.url).await;
        let base = lycees_of(&["Créteil", "Versailles"]);
        let first = file(&first_snapshot(&base), Headers::Labels, true);
        guichet
            .import_annuaire(&supervisor, first.as_slice(), "annuaire-1.csv", false)
            .await
            .expect("first import");
        // Every lycée renamed: more changes than one batch of the writes holds.
        let rows: Vec<Row> = first_snapshot(&base)
            .into_iter()
            .map(|mut row| {
                row.identity.name = format!("{} (nouveau nom)", row.identity.name);
                row
            })
            .collect();
        let second = file(&rows, Headers::Labels, true);
        let diff = guichet
            .annuaire_dry_run(&supervisor, second.as_slice())
            .await
            .expect("dry run");
        assert_eq!(diff.plan.len(), base.len());
        assert!(
            base.len() > 500,
            "{} lycées: two batches at least",
            base.len()
        );
        // Another agent's change to the last one, between the comparison and the writing.
        let late = &base[base.len() - 1].uai;
        sql.execute(&format!(
            "UPDATE establishment SET version = version + 1 WHERE uai = '{late}'"
        ))
        .await;
        let before = footprint(&sql).await;

        let store =
            guichet_core::store::Store::connect(&db.url, guichet_core::store::OpenMode::MustExist)
                .await
                .expect("connected");
        let refused = store
            .apply_annuaire(
                &diff,
                "annuaire-2.csv",
                Some(supervisor.agent().id),
                chrono::Utc::now(),
            )
            .await
            .expect_err("a stale comparison");
        match &refused {
            guichet_core::Error::Conflict { uai, .. } => assert_eq!(uai, late),
            other => panic!("not a conflict: {other:?}"),
        }
        assert_eq!(
            footprint(&sql).await,
            before,
            "nothing written, the first batches neither"
        );
        assert_eq!(
            text(
                &sql,
                &format!(
                    "SELECT name FROM establishment WHERE uai = '{}'",
                    base[0].uai
                )
            )
            .await,
            base[0].name
        );
        store.close().await;
    }
);
