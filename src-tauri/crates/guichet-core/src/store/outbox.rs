//! The sender's side of the outbox: senders register and beat, claim one message at a time
//! right before sending it (minting its link in the same transaction when it has none yet, or
//! none that still works), and settle it once the server answered. A message claimed by a sender
//! that stopped beating goes back to the queue and is sent again byte for byte.

use chrono::{DateTime, NaiveDateTime, Utc};

use super::{Backend, Store, on_pool};
use crate::error::Result;

/// What became of one claimed message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum MailOutcome {
    /// The server accepted it, with this reply.
    Sent { reply: String },
    /// It did not go through; the next attempt is at `at`.
    Retry { reason: String, at: DateTime<Utc> },
    /// It will never go: refused for good, or out of attempts.
    Failed { reason: String },
    /// Not sent, and rightly so: its link was replaced by a newer one before it left.
    Dropped { reason: String },
    /// The server could not be reached at all: not this message's fault, so the attempt does
    /// not count; it waits for the sender to reach the server again.
    Deferred { reason: String, at: DateTime<Utc> },
}

impl MailOutcome {
    /// The state the outbox records, the reply, and whether the kept message can go.
    fn columns(&self, now: DateTime<Utc>) -> (&'static str, &str, DateTime<Utc>, bool) {
        match self {
            MailOutcome::Sent { reply } => ("sent", reply, now, true),
            MailOutcome::Retry { reason, at } | MailOutcome::Deferred { reason, at } => {
                ("waiting", reason, *at, false)
            }
            MailOutcome::Failed { reason } => ("failed", reason, now, true),
            MailOutcome::Dropped { reason } => ("dropped", reason, now, true),
        }
    }
}

/// A message to mint a link for: its row, and the account the link opens.
#[derive(Debug, Clone)]
pub(crate) struct ToMint {
    pub outbox_id: i32,
    pub account_id: i32,
    pub recipient: String,
}

/// A freshly minted link and its message: the portal's row, the ledger's columns and the bytes
/// (sealed for keeping, and in clear for sending now).
pub(crate) struct Minted {
    pub selector: String,
    pub hashed_token: String,
    pub requested_local: NaiveDateTime,
    pub expires_local: NaiveDateTime,
    pub expires_at: DateTime<Utc>,
    pub token_sha256: String,
    pub message_id: String,
    pub sealed: Vec<u8>,
    pub bytes: Vec<u8>,
}

impl std::fmt::Debug for Minted {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Minted")
            .field("selector", &self.selector)
            .field("expires_at", &self.expires_at)
            .field("message_id", &self.message_id)
            .finish_non_exhaustive()
    }
}

/// What the sender brings to a claim: it alone holds the signing key.
pub(crate) trait Minter {
    /// The kept message of an outbox row, or `None` if it does not open (another key).
    fn open(&self, outbox_id: i32, sealed: &[u8]) -> Option<Vec<u8>>;
    /// A new link and its message, or why this message cannot be composed at all.
    fn mint(&self, job: &ToMint, now: DateTime<Utc>) -> std::result::Result<Minted, String>;
}

/// A message claimed for sending.
#[derive(Debug)]
pub(crate) enum Claim {
    /// To send now, as these bytes.
    Send {
        outbox_id: i32,
        recipient: String,
        attempts: i32,
        bytes: Vec<u8>,
    },
    /// Settled at once, without sending.
    Settled(MailOutcome),
}

#[derive(sqlx::FromRow)]
struct Claimed {
    id: i32,
    reset_link_id: Option<i32>,
    recipient: String,
    attempts: i32,
}

#[derive(sqlx::FromRow)]
struct LinkState {
    account_id: i32,
    email: String,
    disabled: bool,
    selector: Option<String>,
    expires_at: Option<DateTime<Utc>>,
    replaced_at: Option<DateTime<Utc>>,
    superseded: bool,
    sealed: Option<Vec<u8>>,
}

/// What every window shows of the senders.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub(crate) struct SenderBeat {
    pub heartbeat_at: DateTime<Utc>,
    pub problem: Option<String>,
    pub problem_since: Option<DateTime<Utc>>,
}

pub(crate) const REPLACED_BEFORE_SENDING: &str =
    "Remplacé par un lien plus récent avant de partir\u{a0}: non envoyé.";
const INTERRUPTED: &str = "Envoi interrompu (le service d’envoi s’est arrêté)\u{a0}: le message \
     repart à l’identique.";

impl Store {
    /// Registers a running sender; its id marks the messages it claims.
    pub(crate) async fn register_sender(
        &self,
        host: &str,
        pid: u32,
        login: &str,
        now: DateTime<Utc>,
    ) -> Result<i64> {
        Ok(on_pool!(self, pool => {
            sqlx::query_scalar(
                "INSERT INTO mail_sender (host, pid, login, started_at, heartbeat_at) \
                 VALUES ($1, $2, $3, $4, $4) RETURNING id",
            )
            .bind(host)
            .bind(i64::from(pid))
            .bind(login)
            .bind(now)
            .fetch_one(pool)
            .await?
        }))
    }

    /// Says the sender is alive; `false` if its row is gone (another sender took it for dead).
    pub(crate) async fn sender_heartbeat(&self, sender: i64, now: DateTime<Utc>) -> Result<bool> {
        let updated = on_pool!(self, pool => {
            sqlx::query("UPDATE mail_sender SET heartbeat_at = $2 WHERE id = $1")
                .bind(sender)
                .bind(now)
                .execute(pool)
                .await?
                .rows_affected()
        });
        Ok(updated == 1)
    }

    /// Records why the links do not leave (in French), or that they do again (`None`); the
    /// time it started is kept while the problem stays the same.
    pub(crate) async fn sender_problem(
        &self,
        sender: i64,
        problem: Option<&str>,
        now: DateTime<Utc>,
    ) -> Result<()> {
        on_pool!(self, pool => {
            sqlx::query(
                "UPDATE mail_sender SET problem = $2, \
                 problem_since = CASE WHEN $2 IS NULL THEN NULL \
                     WHEN problem = $2 THEN problem_since ELSE $3 END \
                 WHERE id = $1",
            )
            .bind(sender)
            .bind(problem)
            .bind(now)
            .execute(pool)
            .await?;
        });
        Ok(())
    }

    /// A sender stopping: its row goes, and what it had claimed goes back to the queue.
    pub(crate) async fn unregister_sender(&self, sender: i64) -> Result<()> {
        on_pool!(self, pool => {
            let mut tx = pool.begin_with(self.begin_write()).await?;
            sqlx::query(
                "UPDATE mail_outbox SET state = 'waiting', claimed_by = NULL WHERE state = 'sending' AND claimed_by = $1",
            )
            .bind(sender)
            .execute(&mut *tx)
            .await?;
            sqlx::query("DELETE FROM mail_sender WHERE id = $1")
                .bind(sender)
                .execute(&mut *tx)
                .await?;
            tx.commit().await?;
        });
        Ok(())
    }

    /// Messages claimed by a sender that stopped beating before `alive_after` (killed, or cut
    /// off from the database) go back to the queue, to be sent again identically; rows of
    /// senders silent since `forget_before` are removed.
    pub(crate) async fn requeue_orphans(
        &self,
        alive_after: DateTime<Utc>,
        forget_before: DateTime<Utc>,
        now: DateTime<Utc>,
    ) -> Result<u64> {
        Ok(on_pool!(self, pool => {
            let mut tx = pool.begin_with(self.begin_write()).await?;
            let requeued = sqlx::query(
                "UPDATE mail_outbox SET state = 'waiting', claimed_by = NULL, last_reply = $2, next_attempt_at = $3 \
                 WHERE state = 'sending' AND (claimed_by IS NULL OR claimed_by NOT IN \
                     (SELECT id FROM mail_sender WHERE heartbeat_at > $1))",
            )
            .bind(alive_after)
            .bind(INTERRUPTED)
            .bind(now)
            .execute(&mut *tx)
            .await?
            .rows_affected();
            sqlx::query("DELETE FROM mail_sender WHERE heartbeat_at < $1")
                .bind(forget_before)
                .execute(&mut *tx)
                .await?;
            tx.commit().await?;
            requeued
        }))
    }

    /// Claims the next due message for `sender`, in a transaction of its own: the message is
    /// 'sending', its link minted if it has none that still works (the account's older pending
    /// requests deleted, as the portal expects of a new one), its bytes kept sealed. A message
    /// whose link a newer request replaced is dropped instead. `None` when nothing is due.
    pub(crate) async fn claim_next(
        &self,
        sender: i64,
        now: DateTime<Utc>,
        minter: &(dyn Minter + Sync),
    ) -> Result<Option<Claim>> {
        let skip_locked = if self.backend() == Backend::Postgres {
            " FOR UPDATE SKIP LOCKED"
        } else {
            ""
        };
        on_pool!(self, pool => {
            let mut tx = pool.begin_with(self.begin_write()).await?;
            let claimed: Option<Claimed> = sqlx::query_as(&format!(
                "UPDATE mail_outbox SET state = 'sending', claimed_by = $2, attempts = attempts + 1 \
                 WHERE id = (SELECT id FROM mail_outbox WHERE state = 'waiting' AND next_attempt_at <= $1 \
                             ORDER BY next_attempt_at, id LIMIT 1{skip_locked}) \
                 RETURNING id, reset_link_id, recipient, attempts"
            ))
            .bind(now)
            .bind(sender)
            .fetch_optional(&mut *tx)
            .await?;
            let Some(claimed) = claimed else {
                tx.commit().await?;
                return Ok(None);
            };
            // A message settled without being sent: its final state, in the claim's transaction.
            macro_rules! settle {
                ($outcome:expr) => {{
                    let outcome: MailOutcome = $outcome;
                    let (state, reply, next, _) = outcome.columns(now);
                    sqlx::query(
                        "UPDATE mail_outbox SET state = $2, last_reply = $3, next_attempt_at = $4 WHERE id = $1",
                    )
                    .bind(claimed.id)
                    .bind(state)
                    .bind(reply)
                    .bind(next)
                    .execute(&mut *tx)
                    .await?;
                    sqlx::query("DELETE FROM mail_secret WHERE outbox_id = $1")
                        .bind(claimed.id)
                        .execute(&mut *tx)
                        .await?;
                    tx.commit().await?;
                    return Ok(Some(Claim::Settled(outcome)));
                }};
            }
            let Some(link_id) = claimed.reset_link_id else {
                settle!(MailOutcome::Failed { reason: "Message sans lien\u{a0}: rien à envoyer.".into() });
            };
            let link: LinkState = sqlx::query_as(
                "SELECT l.account_id, a.email, a.disabled, l.selector, l.expires_at, l.replaced_at, \
                 EXISTS (SELECT 1 FROM reset_link n WHERE n.account_id = l.account_id AND n.id > l.id) AS superseded, \
                 (SELECT s.sealed FROM mail_secret s WHERE s.outbox_id = $2) AS sealed \
                 FROM reset_link l JOIN account a ON a.id = l.account_id WHERE l.id = $1",
            )
            .bind(link_id)
            .bind(claimed.id)
            .fetch_one(&mut *tx)
            .await?;
            let outcome = if link.superseded || link.replaced_at.is_some() {
                Some(MailOutcome::Dropped { reason: REPLACED_BEFORE_SENDING.into() })
            } else if link.disabled {
                Some(MailOutcome::Failed {
                    reason: "Le compte de cette adresse est désactivé\u{a0}: le lien n’est pas parti.".into(),
                })
            } else if !claimed.recipient.eq_ignore_ascii_case(&link.email) {
                Some(MailOutcome::Failed {
                    reason: format!(
                        "Le message était adressé à «\u{a0}{}\u{a0}», qui n’est pas l’adresse du compte \
                         («\u{a0}{}\u{a0}»)\u{a0}: le lien n’est pas parti.",
                        claimed.recipient, link.email
                    ),
                })
            } else {
                None
            };
            if let Some(outcome) = outcome {
                settle!(outcome);
            }
            // A link minted earlier goes again as it was, while it works and its message opens.
            let kept = match (&link.expires_at, &link.sealed) {
                (Some(expires_at), Some(sealed)) if *expires_at > now => minter.open(claimed.id, sealed),
                _ => None,
            };
            if let Some(bytes) = kept {
                tx.commit().await?;
                return Ok(Some(Claim::Send {
                    outbox_id: claimed.id,
                    recipient: claimed.recipient,
                    attempts: claimed.attempts,
                    bytes,
                }));
            }
            let job = ToMint {
                outbox_id: claimed.id,
                account_id: link.account_id,
                recipient: claimed.recipient.clone(),
            };
            let minted = match minter.mint(&job, now) {
                Ok(minted) => minted,
                Err(reason) => settle!(MailOutcome::Failed { reason }),
            };
            // Two senders minting for one account take turns, so that one link stays valid.
            if self.backend() == Backend::Postgres {
                sqlx::query("SELECT pg_advisory_xact_lock(1735, $1)")
                    .bind(link.account_id)
                    .execute(&mut *tx)
                    .await?;
            }
            sqlx::query(
                "UPDATE reset_link SET replaced_at = $2 WHERE account_id = $1 AND id <> $3 AND replaced_at IS NULL \
                 AND selector IN (SELECT selector FROM reset_password_request WHERE user_id = $1)",
            )
            .bind(link.account_id)
            .bind(now)
            .bind(link_id)
            .execute(&mut *tx)
            .await?;
            sqlx::query(
                "DELETE FROM reset_password_request WHERE user_id = $1 AND (expires_at > $2 OR selector = $3)",
            )
            .bind(link.account_id)
            .bind(minted.requested_local)
            .bind(&link.selector)
            .execute(&mut *tx)
            .await?;
            sqlx::query(
                "INSERT INTO reset_password_request (user_id, selector, hashed_token, requested_at, expires_at) \
                 VALUES ($1, $2, $3, $4, $5)",
            )
            .bind(link.account_id)
            .bind(&minted.selector)
            .bind(&minted.hashed_token)
            .bind(minted.requested_local)
            .bind(minted.expires_local)
            .execute(&mut *tx)
            .await?;
            sqlx::query(
                "UPDATE reset_link SET selector = $2, expires_at = $3, minted_at = $4, token_sha256 = $5 WHERE id = $1",
            )
            .bind(link_id)
            .bind(&minted.selector)
            .bind(minted.expires_at)
            .bind(now)
            .bind(&minted.token_sha256)
            .execute(&mut *tx)
            .await?;
            sqlx::query("UPDATE mail_outbox SET message_id = $2 WHERE id = $1")
                .bind(claimed.id)
                .bind(&minted.message_id)
                .execute(&mut *tx)
                .await?;
            sqlx::query(
                "INSERT INTO mail_secret (outbox_id, sealed) VALUES ($1, $2) \
                 ON CONFLICT (outbox_id) DO UPDATE SET sealed = excluded.sealed",
            )
            .bind(claimed.id)
            .bind(&minted.sealed)
            .execute(&mut *tx)
            .await?;
            tx.commit().await?;
            Ok(Some(Claim::Send {
                outbox_id: claimed.id,
                recipient: claimed.recipient,
                attempts: claimed.attempts,
                bytes: minted.bytes,
            }))
        })
    }

    /// Records what became of a message `sender` claimed; the kept message is erased once it
    /// has left (or never will). A sender whose claim was taken back meanwhile records nothing.
    /// On PostgreSQL the commit does not wait for the disk: a lost outcome costs one repeat.
    pub(crate) async fn settle_mail(
        &self,
        sender: i64,
        outbox_id: i32,
        outcome: &MailOutcome,
        now: DateTime<Utc>,
    ) -> Result<()> {
        let (state, reply, next, done) = outcome.columns(now);
        let sent_at = (state == "sent").then_some(now);
        // A deferred attempt gives back the attempt its claim counted.
        let uncounted = i32::from(matches!(outcome, MailOutcome::Deferred { .. }));
        on_pool!(self, pool => {
            let mut tx = pool.begin_with(self.begin_write()).await?;
            if self.backend() == Backend::Postgres {
                sqlx::query("SET LOCAL synchronous_commit TO OFF").execute(&mut *tx).await?;
            }
            let settled = sqlx::query(
                "UPDATE mail_outbox SET state = $3, last_reply = $4, next_attempt_at = $5, sent_at = $6, \
                 attempts = attempts - $7, claimed_by = CASE WHEN $3 = 'waiting' THEN NULL ELSE claimed_by END \
                 WHERE id = $1 AND state = 'sending' AND claimed_by = $2",
            )
            .bind(outbox_id)
            .bind(sender)
            .bind(state)
            .bind(reply)
            .bind(next)
            .bind(sent_at)
            .bind(uncounted)
            .execute(&mut *tx)
            .await?
            .rows_affected();
            if settled == 1 && done {
                sqlx::query("DELETE FROM mail_secret WHERE outbox_id = $1")
                    .bind(outbox_id)
                    .execute(&mut *tx)
                    .await?;
            }
            tx.commit().await?;
        });
        Ok(())
    }

    /// The senders that beat after `alive_after`, the freshest first.
    pub(crate) async fn live_senders(&self, alive_after: DateTime<Utc>) -> Result<Vec<SenderBeat>> {
        Ok(on_pool!(self, pool => {
            sqlx::query_as(
                "SELECT heartbeat_at, problem, problem_since FROM mail_sender \
                 WHERE heartbeat_at > $1 ORDER BY heartbeat_at DESC",
            )
            .bind(alive_after)
            .fetch_all(pool)
            .await?
        }))
    }

    /// When the oldest message still waiting was asked for, and when a sender last beat.
    pub(crate) async fn queue_age(&self) -> Result<(Option<DateTime<Utc>>, Option<DateTime<Utc>>)> {
        Ok(on_pool!(self, pool => {
            sqlx::query_as(
                "SELECT (SELECT min(created_at) FROM mail_outbox WHERE state IN ('waiting', 'sending')), \
                        (SELECT max(heartbeat_at) FROM mail_sender)",
            )
            .fetch_one(pool)
            .await?
        }))
    }
}
