//! The one sender: the only code that mints tokens, writes the portal's requests, composes the
//! guide's e-mail and hands it to SMTP. It runs as `guichet-admin sender` beside a shared
//! database (connected as a member of `guichet_envoi`, the signing key and the SMTP password in
//! its own keyring or its systemd credentials), and inside the desktop app on a standalone one.
//!
//! Nothing is lost and a crash repeats at most what was in flight: each worker (one per SMTP
//! connection) claims one message right before sending it, in a committed transaction that also
//! mints its link and keeps its bytes sealed, and settles it once the server answered. A sender
//! beats every few seconds; a message claimed by one that stopped beating goes back to the
//! queue and is sent again, byte for byte, with the same `Message-ID`. Two senders never take
//! the same message. The server unreachable, the key missing, a setting wrong: the sender says
//! why (in its log and, through `mail_sender`, in every agent's window) and the messages wait.
//!
//! Here the sender's life (registering, beating, the loop, leaving) and what it says of its
//! problems; `pass` is one pass over the due messages, `ready` what a pass needs and the minting,
//! `outcome` what the server's answer means, `sealed` what it keeps until a message has left. Where the mail goes is `crate::delivery::destination`, the
//! status every window shows `status`.

mod bounces;
mod outcome;
mod pass;
mod ready;
mod sealed;
mod status;

use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration as StdDuration;

use chrono::Utc;

use crate::config::Settings;
use crate::delivery::destination::Transport;
use crate::error::{Error, Result};
use crate::mail::sending::SendingSettings;
use crate::store::{Mode, Store};

pub use crate::delivery::destination::Destination;
pub use outcome::{DrainReport, MAX_ATTEMPTS};
pub(crate) use status::status;
pub use status::{STALE_AFTER, SendingStatus};

/// How often a sender says it is alive.
pub const HEARTBEAT: StdDuration = StdDuration::from_secs(2);
/// How often a running sender looks for due messages when nothing woke it.
pub const POLL: StdDuration = StdDuration::from_secs(1);
/// With nothing to send, how often the sender still checks its key, settings and server, so
/// that the windows learn of a problem before the next link is asked for.
const IDLE_CHECK: StdDuration = StdDuration::from_secs(60);
/// How often a running sender reads the bounce mailbox (`GUICHET_BOUNCE_INTERVAL_SECONDS`
/// overrides it).
pub const BOUNCE_INTERVAL: StdDuration = StdDuration::from_secs(300);

fn bounce_interval() -> StdDuration {
    std::env::var("GUICHET_BOUNCE_INTERVAL_SECONDS")
        .ok()
        .and_then(|seconds| seconds.trim().parse().ok())
        .filter(|seconds| *seconds > 0)
        .map_or(BOUNCE_INTERVAL, StdDuration::from_secs)
}

/// What this process reads of the sending settings: the database's values under its own
/// environment's overrides.
pub async fn sending_settings(store: &Store, local: &Settings) -> Result<SendingSettings> {
    Ok(SendingSettings::resolve(
        &local.sending,
        &store.sending_values().await?,
    )?)
}

impl Sender {
    /// Whether links leave now, as every window shows it (the `sender --once` report).
    pub async fn status(&self) -> Result<SendingStatus> {
        status(&self.store, Utc::now()).await
    }
}

/// A running sender, registered in `mail_sender` and beating until it stops.
#[derive(Debug)]
pub struct Sender {
    store: Store,
    local: Settings,
    id: i64,
    demo: bool,
    wake: Arc<tokio::sync::Notify>,
    heartbeat: tokio::task::JoinHandle<()>,
    transport: tokio::sync::Mutex<Option<(Option<String>, Arc<Transport>)>>,
    /// The last problem said, so that the log says each once.
    problem: Mutex<Option<String>>,
    /// When the key, the settings and the server were last checked.
    checked: Mutex<Option<std::time::Instant>>,
    /// SQLite has one writer: the workers take turns here rather than in SQLite's busy
    /// handler, which sleeps for milliseconds each time it finds the database locked.
    write_turn: Option<tokio::sync::Mutex<()>>,
}

impl Sender {
    /// Registers a sender on `store`, with this process's settings (`local`: the data folder for
    /// `.eml` files, the environment's overrides). On a shared database only a member of
    /// `guichet_envoi` (or the owner) may send. `wake` starts a pass at once (the desktop app
    /// rings it when an agent asks for a link).
    pub async fn start(
        store: Store,
        local: Settings,
        wake: Arc<tokio::sync::Notify>,
    ) -> Result<Sender> {
        let login = match store.mode().await? {
            Mode::Shared => {
                let me = store.whoami().await?;
                let login = store.login().unwrap_or_default();
                match me {
                    Some(me) if me.owner || (me.role == "envoi" && me.in_group && !me.disabled) => {
                        me.login
                    }
                    _ => return Err(Error::NotASender(login)),
                }
            }
            Mode::Standalone => store.login().unwrap_or_else(|| "guichet".into()),
        };
        let demo = store.is_demo().await?;
        let host = hostname::get()
            .map(|name| name.to_string_lossy().into_owned())
            .unwrap_or_default();
        let id = store
            .register_sender(&host, std::process::id(), &login, Utc::now())
            .await?;
        let beating = store.clone();
        let heartbeat = tokio::spawn(async move {
            loop {
                tokio::time::sleep(HEARTBEAT).await;
                match beating.sender_heartbeat(id, Utc::now()).await {
                    Ok(true) => {}
                    Ok(false) => tracing::warn!("sender {id} was taken for dead by another"),
                    Err(error) if beating.is_closed() => {
                        tracing::debug!("sender {id} stops beating: {error}");
                        break;
                    }
                    Err(error) => tracing::warn!("sender {id} cannot beat: {error}"),
                }
            }
        });
        tracing::info!("sender {id} started on {host} as {login}");
        Ok(Sender {
            local,
            id,
            demo,
            wake,
            heartbeat,
            transport: tokio::sync::Mutex::new(None),
            problem: Mutex::new(None),
            checked: Mutex::new(None),
            write_turn: (store.backend() == crate::store::Backend::Sqlite)
                .then(|| tokio::sync::Mutex::new(())),
            store,
        })
    }

    pub fn id(&self) -> i64 {
        self.id
    }

    /// Sends what is due whenever woken (or every [`POLL`]), and reads the bounce mailbox every
    /// [`BOUNCE_INTERVAL`] beside it, until `stop` completes.
    pub async fn run_until(&self, stop: impl std::future::Future<Output = ()>) {
        let reading = async {
            loop {
                match self.read_bounces().await {
                    Ok(reading) if reading.read > 0 => {
                        tracing::info!("sender {}: {}", self.id, reading.describe());
                    }
                    // Said in the log and recorded for the supervisors by `read_bounces`.
                    Ok(_) | Err(_) => {}
                }
                tokio::time::sleep(bounce_interval()).await;
            }
        };
        tokio::select! {
            () = self.send_until(stop) => {}
            () = reading => {}
        }
    }

    async fn send_until(&self, stop: impl std::future::Future<Output = ()>) {
        tokio::pin!(stop);
        loop {
            match self.deliver_due().await {
                Ok(report) if report != DrainReport::default() => {
                    tracing::info!("sender {}: {report:?}", self.id);
                }
                Ok(_) => {}
                Err(error) if self.store.is_closed() => {
                    tracing::debug!("sender {} stops: {error}", self.id);
                    break;
                }
                Err(error) => tracing::warn!("sender {} pass failed: {error}", self.id),
            }
            // A running campaign's next slot may come sooner than the next poll.
            let pause = match self.store.next_campaign_slot().await {
                Ok(Some(slot)) => (slot - Utc::now()).to_std().unwrap_or_default().min(POLL),
                Ok(None) | Err(_) => POLL,
            };
            tokio::select! {
                () = &mut stop => break,
                () = self.wake.notified() => {}
                () = tokio::time::sleep(pause) => {}
            }
        }
    }

    /// Stops beating and leaves: what it had claimed goes back to the queue.
    pub async fn stop(self) {
        self.heartbeat.abort();
        if let Some((_, transport)) = self.transport.lock().await.take() {
            transport.close().await;
        }
        if let Err(error) = self.store.unregister_sender(self.id).await {
            tracing::warn!("sender {} could not unregister: {error}", self.id);
        }
    }

    /// Says (once, in the log and in `mail_sender`) why the links do not leave, or that they
    /// leave again.
    async fn say(&self, problem: Option<String>) {
        self.say_why(problem, "").await;
    }

    /// [`Sender::say`], the log also giving the precise cause (`detail`, in English).
    async fn say_why(&self, problem: Option<String>, detail: &str) {
        let changed = {
            let mut said = self.problem.lock().unwrap_or_else(PoisonError::into_inner);
            let changed = *said != problem;
            said.clone_from(&problem);
            changed
        };
        if !changed {
            return;
        }
        match &problem {
            Some(problem) => {
                tracing::warn!(
                    "sender {}: the links do not leave: {problem} {detail}",
                    self.id
                )
            }
            None => tracing::info!("sender {}: the links leave again", self.id),
        }
        if let Err(error) = self
            .store
            .sender_problem(self.id, problem.as_deref(), Utc::now())
            .await
        {
            tracing::warn!("sender {} could not record its state: {error}", self.id);
            *self.problem.lock().unwrap_or_else(PoisonError::into_inner) = None;
        }
    }
}

impl Drop for Sender {
    fn drop(&mut self) {
        self.heartbeat.abort();
    }
}
