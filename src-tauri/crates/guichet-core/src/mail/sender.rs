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

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration as StdDuration;

use chrono::{DateTime, Duration, Utc};
use serde::Serialize;

use super::message::{formatted, message_id, reset_email};
use super::sealed::Seal;
use super::sending::SendingSettings;
use super::smtp_url::SmtpConfig;
use super::transport::{FileSender, SendError, SmtpSender};
use crate::config::Settings;
use crate::error::{Error, Result};
use crate::keyring::read_secret;
use crate::links::token::{self, SigningKey};
use crate::portal_time::from_portal;
use crate::secrets::SecretName;
use crate::store::{Claim, MailOutcome, Minted, Minter, Mode, Store, ToMint};

/// Temporary failures of one message are retried this many times (with growing pauses).
pub const MAX_ATTEMPTS: i32 = 10;
/// How often a sender says it is alive.
pub const HEARTBEAT: StdDuration = StdDuration::from_secs(2);
/// A sender silent this long is taken for dead: its claimed messages go again.
pub const STALE_AFTER: Duration = Duration::seconds(10);
/// How often a running sender looks for due messages when nothing woke it.
pub const POLL: StdDuration = StdDuration::from_secs(1);
/// How long a message may wait without any sender alive before the windows say so.
const UNSERVED_AFTER: Duration = Duration::seconds(15);
/// With nothing to send, how often the sender still checks its key, settings and server, so
/// that the windows learn of a problem before the next link is asked for.
const IDLE_CHECK: StdDuration = StdDuration::from_secs(60);

/// Where a database's mail goes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Destination {
    /// `.eml` files in this folder.
    Files(std::path::PathBuf),
    Smtp(SmtpConfig),
}

impl Destination {
    /// The configured SMTP server, or files when none is. A demonstration database holds real
    /// lycées' functional addresses: its mail goes to a server on the loopback (a test sink)
    /// or to files, never to a relay that would deliver it to a real establishment.
    pub fn of(
        smtp_url: Option<&str>,
        outbox_dir: std::path::PathBuf,
        demo: bool,
    ) -> Result<Destination> {
        let Some(url) = smtp_url else {
            return Ok(Destination::Files(outbox_dir));
        };
        let config = SmtpConfig::parse(url)?;
        if demo && !config.is_loopback() {
            tracing::warn!(
                "demonstration database: mail goes to {} rather than {}",
                outbox_dir.display(),
                config.host
            );
            return Ok(Destination::Files(outbox_dir));
        }
        Ok(Destination::Smtp(config))
    }

    /// Where the mail goes, completing « Les courriels sont … ».
    pub fn describe(&self) -> String {
        match self {
            Destination::Files(dir) => format!("écrits dans {}", dir.display()),
            Destination::Smtp(config) => {
                format!("remis au serveur {}:{}", config.host, config.port)
            }
        }
    }
}

/// What one pass did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct DrainReport {
    pub sent: usize,
    pub retried: usize,
    pub failed: usize,
    /// Replaced by a newer link before they left: rightly never sent.
    pub dropped: usize,
    /// Put back in the queue because the server could not be reached.
    pub deferred: usize,
    /// Claimed by a sender that died, taken back to be sent again.
    pub requeued: u64,
}

impl DrainReport {
    fn count(&mut self, outcome: &MailOutcome) {
        match outcome {
            MailOutcome::Sent { .. } => self.sent += 1,
            MailOutcome::Retry { .. } => self.retried += 1,
            MailOutcome::Failed { .. } => self.failed += 1,
            MailOutcome::Dropped { .. } => self.dropped += 1,
            MailOutcome::Deferred { .. } => self.deferred += 1,
        }
    }
}

/// Whether the links leave, as every agent's window shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, specta::Type)]
pub struct SendingStatus {
    /// « Les liens ne partent pas : … », or `None` while they leave.
    pub problem: Option<String>,
    pub since: Option<DateTime<Utc>>,
}

/// What this process reads of the sending settings: the database's values under its own
/// environment's overrides.
pub async fn sending_settings(store: &Store, local: &Settings) -> Result<SendingSettings> {
    SendingSettings::resolve(&local.sending, &store.sending_values().await?)
}

/// Whether the links of this database leave: the freshest live sender's problem, or none alive
/// while messages have waited for a while.
impl Sender {
    /// Whether links leave now, as every window shows it (the `sender --once` report).
    pub async fn status(&self) -> Result<SendingStatus> {
        status(&self.store, Utc::now()).await
    }
}

pub(crate) async fn status(store: &Store, now: DateTime<Utc>) -> Result<SendingStatus> {
    let senders = store.live_senders(now - STALE_AFTER).await?;
    if senders.iter().any(|sender| sender.problem.is_none()) {
        return Ok(SendingStatus {
            problem: None,
            since: None,
        });
    }
    if let Some(sender) = senders.first() {
        return Ok(SendingStatus {
            problem: sender.problem.as_deref().map(stated),
            since: sender.problem_since,
        });
    }
    let (oldest, last_beat) = store.queue_age().await?;
    match oldest.filter(|asked| *asked < now - UNSERVED_AFTER) {
        Some(asked) => Ok(SendingStatus {
            problem: Some(stated(&match last_beat {
                Some(at) => format!(
                    "Le service d’envoi ne répond plus depuis le {}.",
                    crate::text::paris_time(at)
                ),
                None => "Aucun service d’envoi ne tourne pour cette base.".to_string(),
            })),
            since: Some(asked),
        }),
        None => Ok(SendingStatus {
            problem: None,
            since: None,
        }),
    }
}

/// « Les liens ne partent pas : » and the reason, its capital lowered.
fn stated(reason: &str) -> String {
    format!(
        "Les liens ne partent pas\u{a0}: {}",
        crate::text::lowercase_first(reason)
    )
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

    /// Sends what is due now, until nothing is.
    pub async fn deliver_due(&self) -> Result<DrainReport> {
        self.deliver_due_at(None).await
    }

    /// [`Sender::deliver_due`] with the clock stopped at `now` (tests send links made at a
    /// chosen time).
    #[doc(hidden)]
    pub async fn deliver_due_at(&self, now: Option<DateTime<Utc>>) -> Result<DrainReport> {
        let clock = move || now.unwrap_or_else(Utc::now);
        let mut report = DrainReport {
            requeued: self
                .store
                .requeue_orphans(
                    self.id,
                    clock() - STALE_AFTER,
                    clock() - Duration::days(1),
                    clock(),
                )
                .await?,
            ..DrainReport::default()
        };
        // Idle, the keyring (a D-Bus call, perhaps a prompt) and the server are asked once a minute.
        let recently = self
            .checked
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .is_some_and(|at| at.elapsed() < IDLE_CHECK);
        if recently && !self.store.mail_due(clock()).await? {
            return Ok(report);
        }
        *self.checked.lock().unwrap_or_else(PoisonError::into_inner) =
            Some(std::time::Instant::now());
        let ready = match self.prepare().await {
            Ok(ready) => ready,
            Err(problem) => {
                self.say(Some(problem)).await;
                return Ok(report);
            }
        };
        if let Err(error) = ready.transport.reachable().await {
            self.say_why(Some(error.message()), &error.to_string())
                .await;
            return Ok(report);
        }
        let stopped = AtomicBool::new(false);
        let server_problem = Mutex::new(None);
        let worker = || async {
            let mut done = DrainReport::default();
            // The outcome of the message this worker sent last, recorded with its next claim.
            let mut sent: Option<(i32, MailOutcome)> = None;
            while !stopped.load(Ordering::Relaxed) {
                let claimed = {
                    let _turn = self.write_turn().await;
                    let previous = sent.as_ref().map(|(id, outcome)| (*id, outcome));
                    let claimed = self
                        .store
                        .claim_next(self.id, previous, clock(), &ready)
                        .await?;
                    sent = None;
                    claimed
                };
                let Some(claim) = claimed else {
                    break;
                };
                let outcome = match claim {
                    Claim::Settled(outcome) => outcome,
                    Claim::Send {
                        outbox_id,
                        recipient,
                        attempts,
                        bytes,
                    } => {
                        let result = ready
                            .transport
                            .deliver(outbox_id, &ready.envelope_from, &recipient, bytes)
                            .await;
                        if let Err(error) = &result {
                            tracing::info!("sender {}: message {outbox_id}: {error}", self.id);
                        }
                        let outcome = outcome(result, attempts, clock());
                        sent = Some((outbox_id, outcome.clone()));
                        outcome
                    }
                };
                if let MailOutcome::Deferred { reason, .. } = &outcome {
                    stopped.store(true, Ordering::Relaxed);
                    *server_problem
                        .lock()
                        .unwrap_or_else(PoisonError::into_inner) = Some(reason.clone());
                }
                done.count(&outcome);
            }
            if let Some((outbox_id, outcome)) = &sent {
                let _turn = self.write_turn().await;
                self.store
                    .settle_mail(self.id, *outbox_id, outcome, clock())
                    .await?;
            }
            Ok::<_, Error>(done)
        };
        let workers = (0..ready.transport.concurrency()).map(|_| worker());
        for done in futures_util::future::join_all(workers).await {
            let done = done?;
            report.sent += done.sent;
            report.retried += done.retried;
            report.failed += done.failed;
            report.dropped += done.dropped;
            report.deferred += done.deferred;
        }
        let problem = server_problem
            .into_inner()
            .unwrap_or_else(PoisonError::into_inner);
        self.say(problem).await;
        Ok(report)
    }

    /// This worker's turn to write, on SQLite.
    async fn write_turn(&self) -> Option<tokio::sync::MutexGuard<'_, ()>> {
        match &self.write_turn {
            Some(turn) => Some(turn.lock().await),
            None => None,
        }
    }

    /// Sends what is due whenever woken (or every [`POLL`]), until `stop` completes.
    pub async fn run_until(&self, stop: impl std::future::Future<Output = ()>) {
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
            tokio::select! {
                () = &mut stop => break,
                () = self.wake.notified() => {}
                () = tokio::time::sleep(POLL) => {}
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

    /// The settings, the key and the transport of this pass, or why the links cannot leave.
    async fn prepare(&self) -> std::result::Result<Ready, String> {
        let settings = sending_settings(&self.store, &self.local)
            .await
            .map_err(|error| error.message())?;
        let key = read_secret(SecretName::PortalSigningKey)
            .await
            .map_err(|error| error.message())?
            .ok_or_else(|| Error::MissingSigningKey.message())
            .and_then(|secret| {
                SigningKey::new(secret.expose()).map_err(|_| Error::MissingSigningKey.message())
            })?;
        // The sender's address, as the message's From gives it (checked with the settings).
        let envelope_from = super::message::parse_sender(&settings.mail_from)
            .map(|mailbox| mailbox.email.to_string())
            .map_err(|error| error.message())?;
        let transport = self
            .transport(&settings)
            .await
            .map_err(|error| error.message())?;
        Ok(Ready {
            seal: Seal::new(&key),
            key,
            settings,
            envelope_from,
            transport,
        })
    }

    /// The transport for the configured server, kept (with its open connections) while the
    /// setting stays the same.
    async fn transport(&self, settings: &SendingSettings) -> Result<Arc<Transport>> {
        let mut kept = self.transport.lock().await;
        if let Some((url, transport)) = kept.as_ref()
            && *url == settings.smtp_url
        {
            return Ok(transport.clone());
        }
        let destination = Destination::of(
            settings.smtp_url.as_deref(),
            self.local.outbox_dir(),
            self.demo,
        )?;
        let transport = Arc::new(match destination {
            Destination::Files(dir) => Transport::Files(FileSender::new(dir)),
            Destination::Smtp(config) => {
                let password = if config.user.is_some() {
                    read_secret(SecretName::SmtpPassword).await?
                } else {
                    None
                };
                Transport::Smtp(SmtpSender::new(config, password.as_ref())?)
            }
        });
        if let Some((_, old)) = kept.replace((settings.smtp_url.clone(), transport.clone())) {
            old.close().await;
        }
        Ok(transport)
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

/// What a pass needs: the key, the settings and where the mail goes.
struct Ready {
    key: SigningKey,
    seal: Seal,
    settings: SendingSettings,
    envelope_from: String,
    transport: Arc<Transport>,
}

impl Minter for Ready {
    fn open(&self, outbox_id: i32, sealed: &[u8]) -> Option<Vec<u8>> {
        self.seal.open(outbox_id, sealed)
    }

    fn mint(&self, job: &ToMint, now: DateTime<Utc>) -> std::result::Result<Minted, String> {
        let tz = self.settings.portal_timezone;
        let lifetime = self.settings.link_lifetime_seconds;
        let issued = token::issue(
            job.account_id,
            now,
            Duration::seconds(i64::from(lifetime)),
            tz,
            &self.key,
            &mut rand::rng(),
        );
        let link = issued.link(&self.settings.portal_url);
        let message = reset_email(
            &self.settings.mail_from,
            &job.recipient,
            link.expose(),
            lifetime,
        )
        .map_err(|error| error.message())?;
        let bytes = formatted(&message);
        Ok(Minted {
            token_sha256: token::token_digest(&issued.selector, &issued.verifier),
            message_id: message_id(&message).unwrap_or_default(),
            sealed: self.seal.seal(job.outbox_id, &bytes),
            bytes,
            expires_at: from_portal(tz, issued.expires_at),
            requested_local: issued.requested_at,
            expires_local: issued.expires_at,
            hashed_token: issued.hashed_token,
            selector: issued.selector,
        })
    }
}

/// Where the mail goes: an SMTP server, or `.eml` files.
#[derive(Debug)]
enum Transport {
    Smtp(SmtpSender),
    Files(FileSender),
}

impl Transport {
    async fn reachable(&self) -> std::result::Result<(), SendError> {
        match self {
            Transport::Smtp(smtp) => smtp.reachable().await,
            Transport::Files(_) => Ok(()),
        }
    }

    fn concurrency(&self) -> usize {
        match self {
            Transport::Smtp(smtp) => smtp.concurrency(),
            // One writer: each file is flushed to the disk before the next.
            Transport::Files(_) => 1,
        }
    }

    /// Hands the message over; the server's reply, or where the file was written.
    async fn deliver(
        &self,
        outbox_id: i32,
        envelope_from: &str,
        recipient: &str,
        bytes: Vec<u8>,
    ) -> std::result::Result<String, SendError> {
        match self {
            Transport::Smtp(smtp) => smtp
                .send(envelope_from, recipient, &bytes)
                .await
                .map(|accepted| accepted.reply),
            Transport::Files(files) => {
                let files = files.clone();
                // The same name for the same message: a repeat after a crash replaces the file.
                tokio::task::spawn_blocking(move || {
                    files.send(&format!("message-{outbox_id}"), &bytes)
                })
                .await
                .map_err(|error| SendError::Temporary {
                    reason: error.to_string(),
                })?
                .map(|path| format!("Écrit dans {}", path.display()))
                .map_err(|error| SendError::Unreachable {
                    reason: error.message(),
                })
            }
        }
    }

    async fn close(&self) {
        if let Transport::Smtp(smtp) = self {
            smtp.close().await;
        }
    }
}

/// The pause before the next attempt: 15 s, doubling, at most 15 minutes.
fn backoff(attempts: i32) -> Duration {
    let doublings = (attempts - 1).clamp(0, 6);
    Duration::seconds((15_i64 << doublings).min(15 * 60))
}

/// What the server's answer means for the message, at its `attempts`-th attempt. A link that
/// expires before its next attempt is minted anew then.
fn outcome(
    result: std::result::Result<String, SendError>,
    attempts: i32,
    now: DateTime<Utc>,
) -> MailOutcome {
    match result {
        Ok(reply) => MailOutcome::Sent { reply },
        Err(error) if error.is_about_the_server() => MailOutcome::Deferred {
            reason: error.message(),
            at: now,
        },
        Err(error) if error.is_temporary() && attempts >= MAX_ATTEMPTS => MailOutcome::Failed {
            reason: format!("{} (abandonné après {attempts} essais)", error.message()),
        },
        Err(error) if error.is_temporary() => MailOutcome::Retry {
            reason: error.message(),
            at: now + backoff(attempts),
        },
        Err(error) => MailOutcome::Failed {
            reason: error.message(),
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn retries_wait_longer_each_time_up_to_fifteen_minutes() {
        assert_eq!(backoff(1), Duration::seconds(15));
        assert_eq!(backoff(2), Duration::seconds(30));
        assert_eq!(backoff(5), Duration::seconds(240));
        assert_eq!(backoff(9), Duration::minutes(15));
    }

    #[test]
    fn a_temporary_failure_is_retried_until_the_attempts_run_out() {
        let now = Utc::now();
        let temporary = || {
            Err(SendError::Temporary {
                reason: "451".into(),
            })
        };
        assert!(matches!(
            outcome(temporary(), 1, now),
            MailOutcome::Retry { at, .. } if at == now + Duration::seconds(15)
        ));
        assert!(matches!(
            outcome(temporary(), MAX_ATTEMPTS, now),
            MailOutcome::Failed { reason } if reason.contains("abandonné")
        ));
    }

    #[test]
    fn an_unreachable_server_defers_without_counting_and_a_5xx_is_final() {
        let now = Utc::now();
        for error in [
            SendError::Unreachable {
                reason: "connection refused".into(),
            },
            SendError::Authentication {
                reply: "535 no".into(),
            },
        ] {
            assert!(matches!(
                outcome(Err(error), MAX_ATTEMPTS, now),
                MailOutcome::Deferred { .. }
            ));
        }
        let outcome = outcome(
            Err(SendError::Permanent {
                reply: "550 No such user".into(),
            }),
            1,
            now,
        );
        assert!(
            matches!(outcome, MailOutcome::Failed { reason } if reason.contains("550 No such user"))
        );
    }

    #[test]
    fn the_problem_reads_after_les_liens_ne_partent_pas() {
        assert_eq!(
            stated("La clé manque."),
            "Les liens ne partent pas\u{a0}: la clé manque."
        );
    }
}
