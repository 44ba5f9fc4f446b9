//! Links leaving: this process's sender (a standalone database's), the sending settings in
//! effect, where mail goes, and whether links leave at all.

use chrono::Utc;

use super::Guichet;
use crate::agents::{Permission, Session};
use crate::error::Result;
use crate::mail::sending::SendingSettings;
use crate::model::database::Mode;
use crate::sender::{Destination, Sender, SendingStatus};

impl Guichet {
    /// Runs this process's sender in the background for as long as the database is open (the
    /// desktop app on a standalone database): at once when an agent asks for a link, and every
    /// second for retries. A shared database's links are sent by its own service, never here.
    pub fn deliver_mail(&self) {
        if self.mode != Mode::Standalone {
            return;
        }
        let guichet = self.clone();
        tokio::spawn(async move {
            let sender = match guichet.sender().await {
                Ok(sender) => sender,
                Err(error) => {
                    tracing::warn!("no sender in this window: {error}");
                    return;
                }
            };
            let store = guichet.store.clone();
            sender
                .run_until(async move {
                    while !store.is_closed() {
                        tokio::time::sleep(std::time::Duration::from_secs(1)).await;
                    }
                })
                .await;
            sender.stop().await;
        });
    }

    /// A sender on this database with this process's settings (the CLI's `send-link
    /// --deliver`, `outbox --drain` and `sender`). Refused on a shared database unless this
    /// connection is the sender service's role (or the owner's).
    pub async fn sender(&self) -> Result<Sender> {
        self.sender_with(self.settings.clone()).await
    }

    /// [`Guichet::sender`] with other settings for this process (another SMTP server, say).
    pub async fn sender_with(&self, settings: crate::config::Settings) -> Result<Sender> {
        Sender::start(self.store.clone(), settings, self.outbox.clone()).await
    }

    /// The sending settings in effect for this process: the database's, under this
    /// process's environment.
    pub async fn sending_settings(&self) -> Result<SendingSettings> {
        crate::sender::sending_settings(&self.store, &self.settings).await
    }

    /// The portal's time zone, in which it reads the naive times of its requests.
    pub async fn portal_timezone(&self) -> Result<chrono_tz::Tz> {
        let stored = self.store.sending_values().await?;
        Ok(SendingSettings::timezone(&self.settings.sending, &stored)?)
    }

    /// Where this database's mail goes (the demonstration rule applied).
    pub async fn mail_destination(&self) -> Result<Destination> {
        let demo = self.store.is_demo().await?;
        let settings = self.sending_settings().await?;
        Destination::of(
            settings.smtp_url.as_deref(),
            self.settings.outbox_dir(),
            demo,
        )
    }

    /// Whether the links leave: « Les liens ne partent pas : … » otherwise, for every window.
    pub async fn sending_status(&self, session: &Session) -> Result<SendingStatus> {
        self.require(session, Permission::Read).await?;
        crate::sender::status(&self.store, Utc::now()).await
    }

    /// How many messages of the outbox are in each state (`waiting`, `sent`, …).
    pub async fn outbox_counts(&self, session: &Session) -> Result<Vec<(String, i64)>> {
        self.require(session, Permission::Read).await?;
        self.store().outbox_counts().await
    }
}
