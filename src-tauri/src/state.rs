//! What every command reaches through `State`: the database's gate, opened once in the
//! background at launch, and the signed-in agent with the Guichet it works through (the one of
//! the whole window in standalone mode, its own connections in shared mode).

use std::sync::Mutex;

use guichet_core::agents::Session;
use guichet_core::model::database::OpenMode;
use guichet_core::{Error, Gate, Guichet, Settings};
use tauri::{Emitter, Runtime};
use tokio::sync::OnceCell;

use crate::error::{CommandError, CommandResult};

/// The event each change of the database comes in, with a `Change` as payload.
pub const CHANGE_EVENT: &str = "guichet://change";

#[derive(Debug)]
pub struct AppState {
    settings: CommandResult<Settings>,
    gate: OnceCell<CommandResult<Gate>>,
    signed_in: Mutex<Option<(Guichet, Session)>>,
}

impl AppState {
    pub fn new(settings: CommandResult<Settings>) -> AppState {
        AppState {
            settings,
            gate: OnceCell::new(),
            signed_in: Mutex::new(None),
        }
    }

    /// The opened gate; the first caller opens it (migrations and demo data of a standalone
    /// database), the others wait.
    pub async fn gate(&self) -> CommandResult<&Gate> {
        let opened = self
            .gate
            .get_or_init(|| async {
                let settings = self.settings.clone()?;
                Gate::open(settings, OpenMode::MustExist)
                    .await
                    .map_err(CommandError::from)
            })
            .await;
        opened.as_ref().map_err(Clone::clone)
    }

    /// The signed-in agent and its Guichet, or the error that sends the window to the sign-in
    /// screen.
    pub async fn signed_in(&self) -> CommandResult<(Guichet, Session)> {
        self.gate().await?;
        self.lock()
            .clone()
            .ok_or_else(|| CommandError::from(Error::NotSignedIn))
    }

    /// Makes `session` the window's agent. An agent of a shared database brings connections of
    /// its own: its search index and change events start with it.
    pub async fn enter<R: Runtime>(
        &self,
        app: &tauri::AppHandle<R>,
        guichet: Guichet,
        session: Session,
    ) {
        let previous = self.lock().replace((guichet.clone(), session));
        if let Some((previous, _)) = previous {
            previous.sign_out().await;
        }
        if guichet.mode() == guichet_core::model::database::Mode::Shared {
            run_in_background(app.clone(), guichet);
        }
    }

    /// Refreshes the signed-in agent (its role after an unlock), on the same connections.
    pub fn refresh(&self, session: Session) {
        if let Some((_, current)) = self.lock().as_mut() {
            *current = session;
        }
    }

    pub async fn sign_out(&self) {
        let previous = self.lock().take();
        if let Some((guichet, _)) = previous {
            guichet.sign_out().await;
        }
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Option<(Guichet, Session)>> {
        // A panic while holding this lock cannot leave a half-written session: recover it.
        self.signed_in
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }
}

/// Keeps the search index current, runs the sender of a standalone database (a shared one has
/// its own service) and tells the window what other agents changed, for as long as `guichet`'s
/// connections are open.
pub fn run_in_background<R: Runtime>(app: tauri::AppHandle<R>, guichet: Guichet) {
    guichet.follow_changes();
    guichet.deliver_mail();
    let mut changes = guichet.changes();
    tauri::async_runtime::spawn(async move {
        loop {
            match changes.recv().await {
                Ok(change) => {
                    let _ = app.emit(CHANGE_EVENT, change);
                }
                Err(tokio::sync::broadcast::error::RecvError::Lagged(_)) => continue,
                Err(tokio::sync::broadcast::error::RecvError::Closed) => break,
            }
        }
    });
}
