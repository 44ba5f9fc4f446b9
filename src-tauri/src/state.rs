//! What every command reaches through `State`: the core, opened once in the background at
//! launch, and the signed-in agent's session.

use std::sync::Mutex;

use guichet_core::agents::Session;
use guichet_core::store::OpenMode;
use guichet_core::{Error, Guichet, Settings};
use tokio::sync::OnceCell;

use crate::error::{CommandError, CommandResult};

#[derive(Debug)]
pub struct AppState {
    settings: CommandResult<Settings>,
    guichet: OnceCell<CommandResult<Guichet>>,
    session: Mutex<Option<Session>>,
}

impl AppState {
    pub fn new(settings: CommandResult<Settings>) -> AppState {
        AppState {
            settings,
            guichet: OnceCell::new(),
            session: Mutex::new(None),
        }
    }

    /// The opened core; the first caller opens it (migrations, demo data), the others wait.
    pub async fn guichet(&self) -> CommandResult<&Guichet> {
        let opened = self
            .guichet
            .get_or_init(|| async {
                let settings = self.settings.clone()?;
                Guichet::open(settings, OpenMode::MustExist)
                    .await
                    .map_err(CommandError::from)
            })
            .await;
        opened.as_ref().map_err(Clone::clone)
    }

    /// The core and the signed-in agent, or the error that sends the window to the sign-in screen.
    pub async fn signed_in(&self) -> CommandResult<(&Guichet, Session)> {
        let guichet = self.guichet().await?;
        let session = self
            .lock()
            .clone()
            .ok_or_else(|| CommandError::from(Error::NotSignedIn))?;
        Ok((guichet, session))
    }

    pub fn set_session(&self, session: Option<Session>) {
        *self.lock() = session;
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Option<Session>> {
        // A panic while holding this lock cannot leave a half-written session: recover it.
        self.session
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }
}
