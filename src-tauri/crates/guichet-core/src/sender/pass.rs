//! One pass of the sender: messages that a dead sender left claimed go back to the queue,
//! then as many workers as connections each claim a message right before sending it, deliver
//! it, and record its outcome with their next claim, until nothing is due or the server fails.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Mutex, PoisonError};

use chrono::{DateTime, Duration, Utc};

use super::outcome::{DrainReport, outcome};
use super::status::STALE_AFTER;
use super::{IDLE_CHECK, POLL, Sender};

/// How long a pass keeps waiting for a campaign's slots before it ends (and the sender, a
/// stop asked, stops).
const PASS_SPAN: std::time::Duration = std::time::Duration::from_secs(5);
/// The shortest wait for a slot: a slot just missed is not polled in a loop.
const SLOT_FLOOR: std::time::Duration = std::time::Duration::from_millis(5);
use crate::error::{Error, Result};
use crate::store::{Attempt, Claim, MailOutcome};

impl Sender {
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
        let started = std::time::Instant::now();
        let stopped = AtomicBool::new(false);
        let server_problem = Mutex::new(None);
        let worker = || async {
            let mut done = DrainReport::default();
            // The outcome of the message this worker sent last, recorded with its next claim.
            let mut sent: Option<(i32, Attempt)> = None;
            while !stopped.load(Ordering::Relaxed) {
                let claimed = {
                    let _turn = self.write_turn().await;
                    let previous = sent.as_ref().map(|(id, attempt)| (*id, attempt));
                    let claimed = self
                        .store
                        .claim_next(self.id, previous, clock(), &ready)
                        .await?;
                    sent = None;
                    claimed
                };
                let Some(claim) = claimed else {
                    // A campaign's next slot soon: this pass waits for it rather than ends, so
                    // that the key and the server are not checked again for every message.
                    if now.is_some() || started.elapsed() >= PASS_SPAN {
                        break;
                    }
                    match self.store.next_campaign_slot().await? {
                        Some(slot) => match (slot - clock()).to_std() {
                            Ok(wait) if wait >= POLL => break,
                            Ok(wait) => tokio::time::sleep(wait.max(SLOT_FLOOR)).await,
                            Err(_) => tokio::time::sleep(SLOT_FLOOR).await,
                        },
                        None => break,
                    }
                    continue;
                };
                let outcome = match claim {
                    Claim::Settled(outcome) => outcome,
                    Claim::Send {
                        outbox_id,
                        recipient,
                        attempts,
                        message_id,
                        bytes,
                    } => {
                        let return_path = ready.return_path(outbox_id);
                        let envelope_id = message_id.as_deref().map(envelope_id);
                        let result = ready
                            .transport
                            .deliver(outbox_id, (&return_path, &recipient), envelope_id, bytes)
                            .await;
                        let reply = match &result {
                            Ok(reply) => Some(reply.clone()),
                            Err(error) => {
                                tracing::info!("sender {}: message {outbox_id}: {error}", self.id);
                                error.reply().map(str::to_owned)
                            }
                        };
                        let outcome = outcome(result, attempts, clock());
                        let attempt = Attempt {
                            outcome: outcome.clone(),
                            return_path: Some(return_path),
                            reply,
                        };
                        sent = Some((outbox_id, attempt));
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
            if let Some((outbox_id, attempt)) = &sent {
                let _turn = self.write_turn().await;
                self.store
                    .settle_mail(self.id, *outbox_id, attempt, clock())
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
}

/// The envelope id a message asks delivery reports to carry: its Message-ID without the angle
/// brackets (a report's `Original-Envelope-Id`, which the bounce mailbox matches).
fn envelope_id(message_id: &str) -> &str {
    message_id
        .trim()
        .trim_start_matches('<')
        .trim_end_matches('>')
}
