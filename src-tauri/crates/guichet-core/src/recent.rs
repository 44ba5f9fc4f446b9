//! This PC's memory of the establishments each agent opened or changed: one small JSON file per
//! agent and database in the data folder. It lives on the PC rather than in the database so that
//! a read-only agent, who writes nothing there, has it too, and it survives sign-outs and
//! restarts. Best effort: a file that cannot be read or written is logged and never fails what
//! the agent was doing; a corrupt one counts as empty.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::Mutex;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::model::establishment::EstablishmentIdentity;
use crate::model::uai::Uai;

/// How many establishments a file keeps, most recent first.
pub const KEPT: usize = 30;
/// How many of them the search page lists, besides those changed today.
pub const SHOWN: usize = 10;
/// The folder of the data folder that holds the files.
pub const FOLDER: &str = "recent";
/// Bumped when the file's shape changes: an older file is then read as empty.
const VERSION: u32 = 1;

/// An establishment this agent opened or changed, as the search page and the palette list it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, specta::Type)]
pub struct RecentEstablishment {
    pub uai: Uai,
    pub name: String,
    pub town: String,
    /// When the agent last opened or changed it.
    pub opened_at: DateTime<Utc>,
    /// When the agent last changed it (an address attached, made principal or detached, a
    /// link asked for) from this PC.
    pub changed_at: Option<DateTime<Utc>>,
    /// Changed on the Paris day of the reading.
    pub changed_today: bool,
}

/// One establishment as the file keeps it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Entry {
    pub uai: Uai,
    pub name: String,
    pub town: String,
    pub opened_at: DateTime<Utc>,
    #[serde(default)]
    pub changed_at: Option<DateTime<Utc>>,
}

/// An establishment being noted: who it is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Visit {
    pub uai: Uai,
    pub name: String,
    pub town: String,
}

impl Visit {
    pub fn of(identity: &EstablishmentIdentity) -> Visit {
        Visit {
            uai: identity.uai.clone(),
            name: identity.name.clone(),
            town: identity.town.clone(),
        }
    }
}

/// What the agent did with an establishment.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Noted {
    Opened,
    Changed,
}

/// The file as written: whose and which database's list it is, so that a file is never read
/// for another agent or another database.
#[derive(Debug, Serialize, Deserialize)]
struct RecentFile {
    version: u32,
    login: String,
    database: String,
    entries: Vec<Entry>,
}

/// Serialises the read-modify-write of every file in this process: two commands of one window
/// (an opening and a change) must not lose each other's entry.
static WRITING: Mutex<()> = Mutex::new(());

/// The recent establishments of one agent on one database, on this PC.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RecentBook {
    path: PathBuf,
    login: String,
    database: String,
}

impl RecentBook {
    /// The book of `login` on the database at `database_url`, in `data_dir`.
    pub fn new(data_dir: &Path, database_url: &str, login: &str) -> RecentBook {
        let database = database_identity(database_url);
        let file = hex(&Sha256::digest(format!("{database}\n{login}")))[..32].to_string();
        RecentBook {
            path: data_dir.join(FOLDER).join(format!("{file}.json")),
            login: login.to_string(),
            database,
        }
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    /// What the file keeps, most recent first; nothing when it is absent, unreadable or
    /// another's (logged).
    pub fn entries(&self) -> Vec<Entry> {
        let text = match std::fs::read_to_string(&self.path) {
            Ok(text) => text,
            Err(error) if error.kind() == std::io::ErrorKind::NotFound => return Vec::new(),
            Err(error) => {
                tracing::warn!(
                    "recent establishments not read from {}: {error}",
                    self.path.display()
                );
                return Vec::new();
            }
        };
        match serde_json::from_str::<RecentFile>(&text) {
            Ok(file)
                if file.version == VERSION
                    && file.login == self.login
                    && file.database == self.database =>
            {
                file.entries
            }
            Ok(_) => {
                tracing::warn!(
                    "recent establishments of {} belong to another agent, database or version: ignored",
                    self.path.display()
                );
                Vec::new()
            }
            Err(error) => {
                tracing::warn!(
                    "recent establishments of {} are corrupt, read as empty: {error}",
                    self.path.display()
                );
                Vec::new()
            }
        }
    }

    /// Notes that the agent opened or changed these establishments at `at`. Never fails: a file
    /// that cannot be written is logged and the list stays as it was.
    pub fn note(&self, visits: &[Visit], noted: Noted, at: DateTime<Utc>) {
        if visits.is_empty() {
            return;
        }
        let _writing = WRITING
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        let entries = visits.iter().fold(self.entries(), |entries, visit| {
            with_visit(entries, visit, noted, at)
        });
        if let Err(error) = self.write(entries) {
            tracing::warn!(
                "recent establishments not written to {}: {error}",
                self.path.display()
            );
        }
    }

    /// The list the search page shows at `now`.
    pub fn recent(&self, now: DateTime<Utc>) -> Vec<RecentEstablishment> {
        shown(&self.entries(), now)
    }

    /// The whole file, written beside it and renamed over it: a crash leaves the old list or
    /// the new one, never half of one.
    fn write(&self, entries: Vec<Entry>) -> std::io::Result<()> {
        let folder = self.path.parent().unwrap_or(Path::new("."));
        std::fs::create_dir_all(folder)?;
        let file = RecentFile {
            version: VERSION,
            login: self.login.clone(),
            database: self.database.clone(),
            entries,
        };
        let mut temporary = tempfile::NamedTempFile::new_in(folder)?;
        serde_json::to_writer_pretty(&mut temporary, &file)?;
        temporary.write_all(b"\n")?;
        temporary.as_file().sync_all()?;
        temporary.persist(&self.path).map_err(|error| error.error)?;
        Ok(())
    }
}

/// `entries` with `visit` first, once, and at most [`KEPT`] of them.
pub fn with_visit(
    mut entries: Vec<Entry>,
    visit: &Visit,
    noted: Noted,
    at: DateTime<Utc>,
) -> Vec<Entry> {
    let earlier = entries
        .iter()
        .position(|entry| entry.uai == visit.uai)
        .map(|index| entries.remove(index));
    let changed_at = match noted {
        Noted::Changed => Some(at),
        Noted::Opened => earlier.and_then(|entry| entry.changed_at),
    };
    entries.insert(
        0,
        Entry {
            uai: visit.uai.clone(),
            name: visit.name.clone(),
            town: visit.town.clone(),
            opened_at: at,
            changed_at,
        },
    );
    entries.truncate(KEPT);
    entries
}

/// The first [`SHOWN`] entries, and any later one changed today: a change of the day never
/// falls off the list while its call may still come back.
pub fn shown(entries: &[Entry], now: DateTime<Utc>) -> Vec<RecentEstablishment> {
    entries
        .iter()
        .enumerate()
        .map(|(index, entry)| {
            (
                index,
                entry,
                entry.changed_at.is_some_and(|at| same_paris_day(at, now)),
            )
        })
        .filter(|(index, _, changed_today)| *index < SHOWN || *changed_today)
        .map(|(_, entry, changed_today)| RecentEstablishment {
            uai: entry.uai.clone(),
            name: entry.name.clone(),
            town: entry.town.clone(),
            opened_at: entry.opened_at,
            changed_at: entry.changed_at,
            changed_today,
        })
        .collect()
}

fn same_paris_day(a: DateTime<Utc>, b: DateTime<Utc>) -> bool {
    let paris = chrono_tz::Europe::Paris;
    a.with_timezone(&paris).date_naive() == b.with_timezone(&paris).date_naive()
}

/// Which database a URL names, without what could identify a person or open it: the SHA-256
/// of its scheme, host, port and path (a user, a password and the parameters left out), or of
/// the text itself when it is not a URL.
pub fn database_identity(url: &str) -> String {
    let url = url.trim();
    let location = match url::Url::parse(url) {
        Ok(parsed) => {
            let port = parsed
                .port()
                .map(|port| format!(":{port}"))
                .unwrap_or_default();
            format!(
                "{}://{}{port}{}",
                parsed.scheme(),
                parsed.host_str().unwrap_or(""),
                parsed.path()
            )
        }
        Err(_) => url.to_string(),
    };
    hex(&Sha256::digest(location))
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|byte| format!("{byte:02x}")).collect()
}

#[cfg(test)]
mod tests {
    use chrono::TimeZone;

    use super::*;

    const DATABASE: &str = "sqlite:///var/lib/guichet/siec.sqlite";

    fn visit(uai: &str) -> Visit {
        Visit {
            uai: Uai::parse(uai).expect("valid UAI"),
            name: format!("LYCEE {uai}"),
            town: "PARIS".into(),
        }
    }

    /// A valid UAI for each number: seven digits and their check letter.
    fn uai(number: u32) -> String {
        let digits = format!("{number:07}");
        (b'A'..=b'Z')
            .map(|letter| format!("{digits}{}", letter as char))
            .find(|candidate| Uai::parse(candidate).is_ok())
            .expect("one letter checks")
    }

    fn paris(y: i32, m: u32, d: u32, h: u32, min: u32) -> DateTime<Utc> {
        chrono_tz::Europe::Paris
            .with_ymd_and_hms(y, m, d, h, min, 0)
            .single()
            .expect("unambiguous")
            .with_timezone(&Utc)
    }

    fn uais(entries: &[RecentEstablishment]) -> Vec<&str> {
        entries.iter().map(|entry| entry.uai.as_str()).collect()
    }

    #[test]
    fn the_most_recent_comes_first_once() {
        let dir = tempfile::tempdir().expect("folder");
        let book = RecentBook::new(dir.path(), DATABASE, "camille");
        let t = paris(2026, 3, 5, 9, 0);
        book.note(&[visit("0750654D")], Noted::Opened, t);
        book.note(
            &[visit("0750655E")],
            Noted::Opened,
            t + chrono::Duration::minutes(1),
        );
        book.note(
            &[visit("0750654D")],
            Noted::Opened,
            t + chrono::Duration::minutes(2),
        );
        let recent = book.recent(t + chrono::Duration::minutes(3));
        assert_eq!(uais(&recent), ["0750654D", "0750655E"]);
        assert_eq!(recent[0].opened_at, t + chrono::Duration::minutes(2));
        assert_eq!(recent[1].town, "PARIS");
    }

    #[test]
    fn thirty_are_kept_ten_shown_and_the_oldest_forgotten() {
        let dir = tempfile::tempdir().expect("folder");
        let book = RecentBook::new(dir.path(), DATABASE, "camille");
        let t = paris(2026, 3, 5, 9, 0);
        let all: Vec<String> = (1..=35).map(|n| uai(750_000 + n)).collect();
        for (minute, uai) in all.iter().enumerate() {
            let at = t + chrono::Duration::minutes(minute as i64);
            book.note(&[visit(uai)], Noted::Opened, at);
        }
        let kept = book.entries();
        assert_eq!(kept.len(), KEPT);
        assert_eq!(kept[0].uai.as_str(), all[34]);
        assert_eq!(
            kept[KEPT - 1].uai.as_str(),
            all[5],
            "the five oldest are gone"
        );
        let recent = book.recent(t + chrono::Duration::hours(1));
        assert_eq!(recent.len(), SHOWN);
        assert_eq!(recent[SHOWN - 1].uai.as_str(), all[25]);
    }

    #[test]
    fn a_change_of_the_day_stays_listed_below_the_ten() {
        let dir = tempfile::tempdir().expect("folder");
        let book = RecentBook::new(dir.path(), DATABASE, "camille");
        let t = paris(2026, 3, 5, 9, 0);
        let changed = uai(760_001);
        book.note(&[visit(&changed)], Noted::Changed, t);
        for n in 1..=12 {
            let at = t + chrono::Duration::minutes(n);
            book.note(&[visit(&uai(770_000 + n as u32))], Noted::Opened, at);
        }
        let recent = book.recent(t + chrono::Duration::hours(1));
        assert_eq!(recent.len(), SHOWN + 1);
        let last = recent.last().expect("one more");
        assert_eq!(last.uai.as_str(), changed);
        assert!(last.changed_today);
        // The next day it is only one of the many.
        let tomorrow = book.recent(paris(2026, 3, 6, 9, 0));
        assert_eq!(tomorrow.len(), SHOWN);
    }

    #[test]
    fn changed_today_is_the_paris_day_not_the_utc_one() {
        let dir = tempfile::tempdir().expect("folder");
        let book = RecentBook::new(dir.path(), DATABASE, "camille");
        // 23:30 in Paris on 5 March is 22:30 UTC: still 5 March both ways; 00:30 on the 6th
        // in Paris is 23:30 UTC on the 5th.
        let late = paris(2026, 3, 5, 23, 30);
        book.note(&[visit("0750654D")], Noted::Changed, late);
        book.note(&[visit("0750655E")], Noted::Opened, late);
        let just_after_midnight = paris(2026, 3, 6, 0, 30);
        assert_eq!(
            just_after_midnight.date_naive(),
            late.date_naive(),
            "the same UTC day"
        );
        let recent = book.recent(just_after_midnight);
        let changed = recent
            .iter()
            .find(|e| e.uai.as_str() == "0750654D")
            .expect("listed");
        assert!(!changed.changed_today, "changed yesterday in Paris");
        assert_eq!(changed.changed_at, Some(late));
        assert!(book.recent(paris(2026, 3, 5, 23, 45))[1].changed_today);
        let opened = recent
            .iter()
            .find(|e| e.uai.as_str() == "0750655E")
            .expect("listed");
        assert_eq!(opened.changed_at, None);
        assert!(!opened.changed_today);
    }

    #[test]
    fn opening_again_keeps_the_change_and_moves_it_first() {
        let dir = tempfile::tempdir().expect("folder");
        let book = RecentBook::new(dir.path(), DATABASE, "camille");
        let t = paris(2026, 3, 5, 9, 0);
        book.note(&[visit("0750654D")], Noted::Changed, t);
        book.note(
            &[visit("0750655E")],
            Noted::Opened,
            t + chrono::Duration::minutes(1),
        );
        book.note(
            &[visit("0750654D")],
            Noted::Opened,
            t + chrono::Duration::minutes(2),
        );
        let recent = book.recent(t + chrono::Duration::minutes(3));
        assert_eq!(uais(&recent), ["0750654D", "0750655E"]);
        assert_eq!(recent[0].changed_at, Some(t));
        assert!(recent[0].changed_today);
    }

    #[test]
    fn each_agent_and_each_database_has_its_own_list() {
        let dir = tempfile::tempdir().expect("folder");
        let t = paris(2026, 3, 5, 9, 0);
        let camille = RecentBook::new(dir.path(), DATABASE, "camille");
        let lea = RecentBook::new(dir.path(), DATABASE, "lea");
        let elsewhere =
            RecentBook::new(dir.path(), "postgres://db.siec.example/guichet", "camille");
        camille.note(&[visit("0750654D")], Noted::Opened, t);
        lea.note(&[visit("0750655E")], Noted::Opened, t);
        assert_eq!(uais(&camille.recent(t)), ["0750654D"]);
        assert_eq!(uais(&lea.recent(t)), ["0750655E"]);
        assert!(elsewhere.recent(t).is_empty());
        // Read again as a new process would.
        let again = RecentBook::new(dir.path(), DATABASE, "camille");
        assert_eq!(uais(&again.recent(t)), ["0750654D"]);
    }

    #[test]
    fn the_database_is_named_without_its_user_password_or_parameters() {
        let plain = database_identity("postgres://db.siec.example:5433/guichet");
        assert_eq!(
            database_identity(
                "postgres://agent:secret@db.siec.example:5433/guichet?sslmode=verify-full"
            ),
            plain
        );
        assert_ne!(
            database_identity("postgres://db.siec.example:5433/autre"),
            plain
        );
        assert_ne!(
            database_identity("postgres://db.siec.example/guichet"),
            plain
        );
        assert_ne!(
            database_identity("sqlite:///a.sqlite"),
            database_identity("sqlite:///b.sqlite")
        );
        assert_eq!(plain.len(), 64);
        let dir = tempfile::tempdir().expect("folder");
        let book = RecentBook::new(dir.path(), "postgres://agent:secret@db/guichet", "camille");
        book.note(&[visit("0750654D")], Noted::Opened, Utc::now());
        let written = std::fs::read_to_string(book.path()).expect("written");
        assert!(!written.contains("secret"), "{written}");
        assert!(!book.path().display().to_string().contains("camille"));
    }

    #[test]
    fn a_corrupt_file_reads_as_empty_and_is_replaced_by_the_next_note() {
        let dir = tempfile::tempdir().expect("folder");
        let book = RecentBook::new(dir.path(), DATABASE, "camille");
        let t = paris(2026, 3, 5, 9, 0);
        book.note(&[visit("0750654D")], Noted::Opened, t);
        for corrupt in [
            "{\"version\": 1, \"entr",
            "",
            "[]",
            "{\"version\":1,\"login\":\"camille\"}",
        ] {
            std::fs::write(book.path(), corrupt).expect("written");
            assert!(book.recent(t).is_empty(), "{corrupt:?}");
        }
        // The next note starts a new list over the corrupt one.
        book.note(&[visit("0750655E")], Noted::Opened, t);
        assert_eq!(uais(&book.recent(t)), ["0750655E"]);
        // A check letter that does not verify makes the file unreadable, not a panic.
        let text = std::fs::read_to_string(book.path())
            .expect("read")
            .replace("0750655E", "0750655X");
        std::fs::write(book.path(), text).expect("written");
        assert!(book.recent(t).is_empty());
    }

    #[test]
    fn a_folder_that_cannot_be_written_fails_nothing() {
        let dir = tempfile::tempdir().expect("folder");
        // The book's folder is a file: neither the list nor the note can use it.
        std::fs::write(dir.path().join(FOLDER), "not a folder").expect("written");
        let book = RecentBook::new(dir.path(), DATABASE, "camille");
        book.note(&[visit("0750654D")], Noted::Opened, Utc::now());
        assert!(book.recent(Utc::now()).is_empty());
        assert!(!book.path().exists());
    }

    #[test]
    fn a_write_leaves_no_temporary_file_behind() {
        let dir = tempfile::tempdir().expect("folder");
        let book = RecentBook::new(dir.path(), DATABASE, "camille");
        let t = Utc::now();
        book.note(&[visit("0750654D"), visit("0750655E")], Noted::Changed, t);
        let files: Vec<_> = std::fs::read_dir(dir.path().join(FOLDER))
            .expect("folder")
            .map(|entry| entry.expect("entry").file_name())
            .collect();
        assert_eq!(files.len(), 1, "{files:?}");
        // Several establishments of one change: the last noted first, each marked changed.
        let recent = book.recent(t);
        assert_eq!(uais(&recent), ["0750655E", "0750654D"]);
        assert!(recent.iter().all(|entry| entry.changed_today));
    }
}
