//! The recent establishments through the core's operations, on real SQLite and PostgreSQL:
//! opening notes, every change notes what it touched, a reader keeps a list of its own, and a
//! data folder that cannot hold the list fails none of them.

use guichet_core::agents::Session;
use guichet_core::recent::RecentEstablishment;
use guichet_core::{ErrorKind, Guichet, Settings};
use guichet_tests::{AGENT_PASSWORD, on_both_backends};

const HENRI_IV: &str = "0750654D";
const LOUIS_LE_GRAND: &str = "0750655E";
const CHARLEMAGNE: &str = "0750652B";

struct Desk {
    guichet: Guichet,
    agent: Session,
    reader: Session,
    data: tempfile::TempDir,
}

/// The demo database (seed 5) with its team, this PC's data folder a temporary one.
async fn desk(url: &str) -> Desk {
    let data = tempfile::tempdir().expect("data folder");
    let settings = Settings::with_defaults(Some(url.into()), data.path().to_path_buf());
    let guichet = Guichet::open(settings, guichet_core::store::OpenMode::MustExist)
        .await
        .expect("opened");
    let size = guichet_core::demo::DemoSize {
        establishments: 6_000,
        accounts: 8_000,
    };
    guichet
        .load_demo(size, 5, chrono::Utc::now())
        .await
        .expect("demo");
    guichet_tests::add_team(&guichet).await;
    Desk {
        agent: guichet
            .sign_in("camille", AGENT_PASSWORD)
            .await
            .expect("agent"),
        reader: guichet
            .sign_in("lea", AGENT_PASSWORD)
            .await
            .expect("reader"),
        guichet,
        data,
    }
}

async fn recent(desk: &Desk, session: &Session) -> Vec<RecentEstablishment> {
    desk.guichet
        .recent_establishments(session)
        .await
        .expect("recent establishments")
}

fn listed(recent: &[RecentEstablishment]) -> Vec<(&str, bool)> {
    recent
        .iter()
        .map(|entry| (entry.uai.as_str(), entry.changed_today))
        .collect()
}

on_both_backends!(
    opening_and_changing_note_the_establishments_for_each_agent,
    |db| {
        let desk = desk(&db.url).await;
        assert!(recent(&desk, &desk.agent).await.is_empty());

        // Opening notes; reading a page again does not.
        let page = desk
            .guichet
            .open_establishment(&desk.agent, LOUIS_LE_GRAND)
            .await
            .expect("opened");
        desk.guichet
            .establishment(&desk.agent, HENRI_IV)
            .await
            .expect("read");
        let first = recent(&desk, &desk.agent).await;
        assert_eq!(listed(&first), [(LOUIS_LE_GRAND, false)]);
        assert_eq!(first[0].name, page.identity.name);
        assert_eq!(first[0].town, page.identity.town);

        // A change notes its establishment first, with its town, never opened before.
        desk.guichet
            .attach(
                &desk.agent,
                "vie-scolaire.charlemagne@ac-paris.fr",
                &[CHARLEMAGNE.into()],
                false,
                None,
                None,
            )
            .await
            .expect("attached");
        let after_attach = recent(&desk, &desk.agent).await;
        assert_eq!(
            listed(&after_attach),
            [(CHARLEMAGNE, true), (LOUIS_LE_GRAND, false)]
        );
        let charlemagne = desk
            .guichet
            .establishment(&desk.agent, CHARLEMAGNE)
            .await
            .expect("page");
        assert_eq!(after_attach[0].town, charlemagne.identity.town);
        assert_eq!(after_attach[0].name, charlemagne.identity.name);

        // A link asked for notes the establishments of its address.
        let henri_iv = desk
            .guichet
            .establishment(&desk.agent, HENRI_IV)
            .await
            .expect("page");
        let address = henri_iv.principal_email.expect("a principal address");
        desk.guichet
            .send_link(&desk.agent, &address, None)
            .await
            .expect("link asked for");
        assert_eq!(
            listed(&recent(&desk, &desk.agent).await),
            [
                (HENRI_IV, true),
                (CHARLEMAGNE, true),
                (LOUIS_LE_GRAND, false)
            ]
        );

        // The reader has its own list; a change it may not make notes nothing.
        assert!(recent(&desk, &desk.reader).await.is_empty());
        let refused = desk
            .guichet
            .attach(
                &desk.reader,
                "lecture@ac-paris.fr",
                &[LOUIS_LE_GRAND.into()],
                false,
                None,
                None,
            )
            .await
            .expect_err("a reader attaches nothing");
        assert_eq!(refused.kind(), ErrorKind::Forbidden);
        assert!(recent(&desk, &desk.reader).await.is_empty());
        desk.guichet
            .open_establishment(&desk.reader, HENRI_IV)
            .await
            .expect("opened");
        assert_eq!(
            listed(&recent(&desk, &desk.reader).await),
            [(HENRI_IV, false)]
        );
        assert_eq!(recent(&desk, &desk.agent).await.len(), 3);

        // Kept on this PC: a new Guichet on the same database and folder reads them.
        let again = Guichet::open(
            Settings::with_defaults(Some(db.url.clone()), desk.data.path().to_path_buf()),
            guichet_core::store::OpenMode::MustExist,
        )
        .await
        .expect("opened again");
        let camille = again
            .sign_in("camille", AGENT_PASSWORD)
            .await
            .expect("agent");
        let kept = again.recent_establishments(&camille).await.expect("kept");
        assert_eq!(kept.len(), 3);
        assert_eq!(kept[0].uai.as_str(), HENRI_IV);
        again.close().await;
        desk.guichet.close().await;
    }
);

on_both_backends!(
    a_data_folder_that_cannot_hold_the_list_fails_no_operation,
    |db| {
        let desk = desk(&db.url).await;
        // The list's folder is a file: nothing can be read or written there.
        std::fs::write(desk.data.path().join("recent"), "not a folder").expect("written");
        desk.guichet
            .open_establishment(&desk.agent, HENRI_IV)
            .await
            .expect("opened all the same");
        desk.guichet
            .attach(
                &desk.agent,
                "vie-scolaire.henri4@ac-paris.fr",
                &[HENRI_IV.into()],
                false,
                None,
                None,
            )
            .await
            .expect("attached all the same");
        desk.guichet
            .send_link(&desk.agent, "vie-scolaire.henri4@ac-paris.fr", None)
            .await
            .expect("link asked for all the same");
        assert!(recent(&desk, &desk.agent).await.is_empty());
        desk.guichet.close().await;
    }
);
