//! The account database on real SQLite and PostgreSQL: the same bodies run on both.

use chrono::{DateTime, Duration, NaiveDateTime, Utc};
use guichet_core::model::establishment::{
    EstablishmentIdentity, EstablishmentKind, InitStatus, Sector,
};
use guichet_core::model::uai::Uai;
use guichet_core::search::SearchHit;
use guichet_core::store::{Batch, NewAccount, NewAttachment, NewResetRequest, Store};
use guichet_core::{ErrorKind, portal_time};
use guichet_tests::time::{PARIS, fixed_now, naive};
use guichet_tests::{Sql, on_both_backends};

fn uai(text: &str) -> Uai {
    Uai::parse(text).expect("valid UAI")
}

fn establishment(code: &str, name: &str, town: &str, postcode: &str) -> EstablishmentIdentity {
    let uai = uai(code);
    EstablishmentIdentity {
        department: uai.department(),
        uai,
        name: name.into(),
        kind: EstablishmentKind::Lycee,
        sector: Sector::Public,
        postcode: postcode.into(),
        town: town.into(),
        academie: "Paris".into(),
    }
}

fn account(id: i32, email: &str, initialised: bool) -> NewAccount {
    NewAccount {
        id,
        email: email.into(),
        password: initialised.then(|| "$2y$13$hash".into()),
        password_changed_at: initialised.then(|| fixed_now() - Duration::days(30)),
        created_at: fixed_now() - Duration::days(60),
    }
}

fn request(user_id: i32, requested: DateTime<Utc>) -> NewResetRequest {
    NewResetRequest {
        user_id,
        selector: format!("selector{user_id:012}"),
        hashed_token: "aGFzaA==".into(),
        requested_at: portal_time::to_portal(PARIS, requested),
        expires_at: portal_time::to_portal(PARIS, requested + Duration::hours(1)),
    }
}

/// Henri-IV with three addresses in three states, Louis-le-Grand with none, one address nowhere.
fn fixture() -> Batch {
    let attach = |code: &str, account_id| NewAttachment {
        uai: uai(code),
        account_id,
        attached_at: fixed_now() - Duration::days(50),
    };
    Batch {
        establishments: vec![
            establishment("0750654D", "LYCÉE GÉNÉRAL HENRI IV", "PARIS", "75005"),
            establishment("0750655E", "LYCÉE LOUIS-LE-GRAND", "PARIS", "75005"),
            establishment("0750680G", "LYCEE POLYVALENT DIDEROT", "PARIS", "75019"),
        ],
        accounts: vec![
            account(1, "ce.0750654d@ac-paris.fr", true),
            account(2, "Secretariat.Henri4@gmail.com", false),
            account(3, "proviseur.henri4@ac-paris.fr", false),
            account(4, "orphan_100%@free.fr", false),
        ],
        attachments: vec![
            attach("0750654D", 1),
            attach("0750654D", 2),
            attach("0750654D", 3),
        ],
        principals: vec![(uai("0750654D"), 1)],
        reset_requests: vec![
            request(2, fixed_now() - Duration::minutes(20)),
            request(3, fixed_now() - Duration::hours(5)),
        ],
        demo_seed: None,
    }
}

async fn loaded(store: &Store) {
    store
        .insert_batch(&fixture(), fixed_now())
        .await
        .expect("fixture loads");
}

async fn error_kind(sql: &Sql, statement: &str) -> Option<String> {
    let result = sql.try_execute(statement).await;
    result.err().map(|error| error.to_string())
}

on_both_backends!(migrations_reach_the_known_version, |db| {
    let store = &db.store;
    assert_eq!(
        store.schema_version().await.expect("version"),
        store.known_schema_version()
    );
    assert!(store.known_schema_version() > 0);
    // Running them again changes nothing.
    store.migrate().await.expect("second run");
    assert_eq!(store.count_establishments().await.expect("count"), 0);
});

on_both_backends!(
    an_establishment_page_shows_every_address_and_its_state,
    |db| {
        loaded(&db.store).await;
        let page = db
            .store
            .establishment(&uai("0750654d"), PARIS, fixed_now())
            .await
            .expect("page");
        assert_eq!(page.identity.name, "LYCÉE GÉNÉRAL HENRI IV");
        assert_eq!(
            page.principal_email.as_deref(),
            Some("ce.0750654d@ac-paris.fr")
        );
        let states: Vec<(&str, bool, &InitStatus)> = page
            .addresses
            .iter()
            .map(|a| (a.email.as_str(), a.principal, &a.status))
            .collect();
        assert_eq!(states.len(), 3);
        assert_eq!(states[0].0, "ce.0750654d@ac-paris.fr");
        assert!(states[0].1);
        assert_eq!(
            states[0].2,
            &InitStatus::Initialised {
                at: Some(fixed_now() - Duration::days(30))
            }
        );
        assert_eq!(states[1].0, "proviseur.henri4@ac-paris.fr");
        assert_eq!(
            states[1].2,
            &InitStatus::NotInitialised {
                link_expired_at: Some(fixed_now() - Duration::hours(4))
            }
        );
        assert_eq!(states[2].0, "Secretariat.Henri4@gmail.com");
        assert_eq!(
            states[2].2,
            &InitStatus::LinkPending {
                until: fixed_now() + Duration::minutes(40)
            }
        );
    }
);

on_both_backends!(an_unknown_establishment_is_a_clear_error, |db| {
    loaded(&db.store).await;
    let error = db
        .store
        .establishment(&uai("0931234L"), PARIS, fixed_now())
        .await
        .expect_err("absent");
    assert_eq!(error.kind(), ErrorKind::EstablishmentNotFound);
    assert!(error.message().contains("0931234L"));
});

on_both_backends!(plain_search_finds_uai_name_town_and_address, |db| {
    loaded(&db.store).await;
    let uais = |hits: Vec<SearchHit>| -> Vec<String> {
        hits.into_iter()
            .map(|hit| match hit {
                SearchHit::Establishment(e) => e.uai.to_string(),
                SearchHit::Address(a) => a.email,
            })
            .collect()
    };
    assert_eq!(
        uais(db.store.plain_search("0750654d", 10).await.expect("uai")),
        ["0750654D"]
    );
    assert_eq!(
        uais(
            db.store
                .plain_search("lycée louis", 10)
                .await
                .expect("name")
        ),
        ["0750655E"]
    );
    assert_eq!(
        uais(db.store.plain_search("paris", 2).await.expect("town")).len(),
        2
    );
    assert_eq!(
        uais(
            db.store
                .plain_search("SECRETARIAT.h", 10)
                .await
                .expect("address")
        ),
        ["Secretariat.Henri4@gmail.com"]
    );
    // An invalid UAI, a wildcard or an empty query is no error: just no results.
    assert!(
        db.store
            .plain_search("0750654Z", 10)
            .await
            .expect("bad uai")
            .is_empty()
    );
    assert!(
        db.store
            .plain_search("%", 10)
            .await
            .expect("wildcard")
            .is_empty()
    );
    assert!(
        db.store
            .plain_search("_", 10)
            .await
            .expect("wildcard")
            .is_empty()
    );
    assert!(
        db.store
            .plain_search("   ", 10)
            .await
            .expect("blank")
            .is_empty()
    );
    assert_eq!(
        uais(
            db.store
                .plain_search("orphan_100%", 10)
                .await
                .expect("literal")
        ),
        ["orphan_100%@free.fr"]
    );
});

on_both_backends!(
    an_address_lists_the_establishments_it_is_attached_to,
    |db| {
        loaded(&db.store).await;
        let hits = db.store.plain_search("orphan", 10).await.expect("search");
        assert_eq!(hits.len(), 1);
        assert!(matches!(&hits[0], SearchHit::Address(a) if a.uais.is_empty()));
        let hits = db
            .store
            .plain_search("ce.0750654d@", 10)
            .await
            .expect("search");
        assert!(matches!(&hits[0], SearchHit::Address(a) if a.uais == [uai("0750654D")]));
    }
);

on_both_backends!(
    the_database_refuses_an_address_twice_in_another_case,
    |db| {
        loaded(&db.store).await;
        let error = error_kind(
        &db.sql().await,
        "INSERT INTO account (email, created_at, updated_at) VALUES ('CE.0750654D@AC-PARIS.FR', '2026-01-01T00:00:00Z', '2026-01-01T00:00:00Z')",
    )
    .await;
        assert!(error.expect("refused").to_lowercase().contains("unique"));
    }
);

on_both_backends!(the_database_refuses_a_uai_with_a_wrong_check_letter, |db| {
    let error = error_kind(
        &db.sql().await,
        "INSERT INTO establishment (uai, name, kind, sector, postcode, town, search_name, search_town, department, academie, created_at, updated_at) \
         VALUES ('0750654E', 'X', 'lycee', 'public', '75005', 'PARIS', 'x', 'paris', '75', 'Paris', '2026-01-01T00:00:00Z', '2026-01-01T00:00:00Z')",
    )
    .await;
    assert!(error.expect("refused").to_lowercase().contains("check"));
});

on_both_backends!(
    the_database_refuses_a_principal_address_that_is_not_attached,
    |db| {
        loaded(&db.store).await;
        // Account 4 is attached nowhere: making it Louis-le-Grand's principal fails at commit.
        let error = error_kind(
            &db.sql().await,
            "UPDATE establishment SET principal_account_id = 4 WHERE uai = '0750655E'",
        )
        .await;
        assert!(
            error
                .expect("refused")
                .to_lowercase()
                .contains("foreign key")
        );
        // Detaching Henri-IV's principal address fails the same way.
        let error = error_kind(
            &db.sql().await,
            "DELETE FROM establishment_account WHERE uai = '0750654D' AND account_id = 1",
        )
        .await;
        assert!(
            error
                .expect("refused")
                .to_lowercase()
                .contains("foreign key")
        );
        // Attaching to an establishment that does not exist fails too.
        let error = error_kind(
        &db.sql().await,
        "INSERT INTO establishment_account (uai, account_id, attached_at) VALUES ('0931234L', 4, '2026-01-01T00:00:00Z')",
    )
    .await;
        assert!(
            error
                .expect("refused")
                .to_lowercase()
                .contains("foreign key")
        );
    }
);

on_both_backends!(the_audit_journal_is_append_only, |db| {
    let insert = "INSERT INTO audit_event (at, action) VALUES ('2026-01-01T00:00:00Z', 'test')";
    assert_eq!(error_kind(&db.sql().await, insert).await, None);
    for statement in [
        "UPDATE audit_event SET action = 'rewritten'",
        "DELETE FROM audit_event",
    ] {
        let error = error_kind(&db.sql().await, statement)
            .await
            .expect("refused");
        assert!(error.contains("append-only"), "{statement}: {error}");
    }
});

#[tokio::test]
async fn on_postgresql_an_agents_role_may_not_change_the_journal_even_without_triggers() {
    let db = guichet_tests::TestDb::migrated(guichet_core::store::Backend::Postgres).await;
    let Sql::Postgres(pool) = &db.sql().await else {
        unreachable!("a PostgreSQL database")
    };
    let mut tx = pool.begin().await.expect("transaction");
    sqlx::query("INSERT INTO audit_event (at, action, uai) VALUES (now(), 'test', '0750654D')")
        .execute(&mut *tx)
        .await
        .expect("insert");
    // Without the triggers, only privileges stand in the way.
    sqlx::query("ALTER TABLE audit_event DISABLE TRIGGER USER")
        .execute(&mut *tx)
        .await
        .expect("triggers off");
    sqlx::query("SET LOCAL ROLE guichet_agent")
        .execute(&mut *tx)
        .await
        .expect("an agent's role");
    sqlx::query("INSERT INTO audit_event (at, action, uai) VALUES (now(), 'appended', '0750654D')")
        .execute(&mut *tx)
        .await
        .expect("append allowed");
    for statement in [
        "UPDATE audit_event SET action = 'rewritten'",
        "DELETE FROM audit_event",
        "TRUNCATE audit_event",
    ] {
        sqlx::query("SAVEPOINT attempt")
            .execute(&mut *tx)
            .await
            .expect("savepoint");
        let error = sqlx::query(statement)
            .execute(&mut *tx)
            .await
            .expect_err("refused");
        assert!(
            error.to_string().contains("permission denied"),
            "{statement}: {error}"
        );
        sqlx::query("ROLLBACK TO SAVEPOINT attempt")
            .execute(&mut *tx)
            .await
            .expect("rollback");
    }
    // An agent's role appends but does not read the journal (supervisors do): back to the
    // owner to count.
    sqlx::query("RESET ROLE")
        .execute(&mut *tx)
        .await
        .expect("the owner again");
    let count: i64 = sqlx::query_scalar("SELECT count(*) FROM audit_event")
        .fetch_one(&mut *tx)
        .await
        .expect("read");
    assert_eq!(count, 2);
    tx.rollback().await.expect("rolled back");
    db.remove().await;
}

on_both_backends!(reset_requests_keep_the_portals_naive_local_times, |db| {
    loaded(&db.store).await;
    let stored: Vec<(NaiveDateTime, NaiveDateTime)> = match &db.sql().await {
        Sql::Sqlite(pool) => sqlx::query_as(
            "SELECT requested_at, expires_at FROM reset_password_request ORDER BY user_id",
        )
        .fetch_all(pool)
        .await
        .expect("rows"),
        Sql::Postgres(pool) => sqlx::query_as(
            "SELECT requested_at, expires_at FROM reset_password_request ORDER BY user_id",
        )
        .fetch_all(pool)
        .await
        .expect("rows"),
    };
    // 09:00 UTC on 25 November is 10:00 in Paris: the row says 09:40 and 10:40 local time.
    let local = |h, m| naive(2026, 11, 25, h, m);
    assert_eq!(stored[0], (local(9, 40), local(10, 40)));
});

on_both_backends!(a_failed_batch_writes_nothing, |db| {
    let mut batch = fixture();
    // The second account repeats the first one's address in another case: the whole load fails.
    batch.accounts[1].email = "CE.0750654D@ac-paris.fr".into();
    assert!(db.store.insert_batch(&batch, fixed_now()).await.is_err());
    assert_eq!(db.store.count_establishments().await.expect("count"), 0);
});
