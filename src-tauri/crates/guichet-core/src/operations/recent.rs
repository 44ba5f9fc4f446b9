//! The establishments an agent just handled, for the caller who calls back: opening one notes
//! it, and so does every change the agent makes to it; the search page and the palette list
//! them. Kept on this PC ([`crate::recent`]), never failing the operation that notes.

use chrono::Utc;

use super::Guichet;
use crate::agents::{Permission, Session};
use crate::error::Result;
use crate::model::establishment::Establishment;
use crate::model::uai::Uai;
use crate::recent::{Noted, RecentBook, RecentEstablishment, Visit};

impl Guichet {
    /// An establishment's page, as [`Guichet::establishment`] reads it, noted among the
    /// agent's recent establishments.
    pub async fn open_establishment(&self, session: &Session, uai: &str) -> Result<Establishment> {
        let establishment = self.establishment(session, uai).await?;
        if let Some(book) = self.recent_book(session) {
            book.note(
                &[Visit::of(&establishment.identity)],
                Noted::Opened,
                Utc::now(),
            );
        }
        Ok(establishment)
    }

    /// The establishments this agent opened or changed on this PC and database, most recent
    /// first: the last ten, and every one changed today.
    pub async fn recent_establishments(
        &self,
        session: &Session,
    ) -> Result<Vec<RecentEstablishment>> {
        let session = self.require(session, Permission::Read).await?;
        Ok(self
            .recent_book(&session)
            .map(|book| book.recent(Utc::now()))
            .unwrap_or_default())
    }

    /// Notes establishments the agent has just changed, once the change is committed: a
    /// failure here is logged, the change stands.
    pub(crate) async fn note_changed(&self, session: &Session, uais: &[&Uai]) {
        let Some(book) = self.recent_book(session) else {
            return;
        };
        if uais.is_empty() {
            return;
        }
        let mut summaries = match self.store().summaries(uais).await {
            Ok(summaries) => summaries,
            Err(error) => {
                tracing::warn!("recent establishments not noted after a change: {error}");
                return;
            }
        };
        let visits: Vec<Visit> = uais
            .iter()
            .filter_map(|uai| summaries.remove(*uai))
            .map(|summary| Visit {
                uai: summary.uai,
                name: summary.name,
                town: summary.town,
            })
            .collect();
        book.note(&visits, Noted::Changed, Utc::now());
    }

    /// The agent's book on this PC for this database; none for a reading without an agent.
    fn recent_book(&self, session: &Session) -> Option<RecentBook> {
        if session.is_database_reader() {
            return None;
        }
        let settings = self.settings();
        Some(RecentBook::new(
            &settings.data_dir,
            &settings.effective_database_url(),
            &session.agent().login,
        ))
    }
}
