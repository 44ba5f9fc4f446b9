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

/// A claimed message and what its link and account say, read in the claim's transaction.
#[derive(sqlx::FromRow)]
struct ClaimRow {
    id: i32,
    reset_link_id: Option<i32>,
    recipient: String,
    attempts: i32,
    account_id: Option<i32>,
    email: Option<String>,
    disabled: Option<bool>,
    selector: Option<String>,
    expires_at: Option<DateTime<Utc>>,
    replaced_at: Option<DateTime<Utc>>,
    /// A newer request of the same account exists (later, as the ledger orders them): this one
    /// is replaced before it leaves.
    superseded: Option<bool>,
    sealed: Option<Vec<u8>>,
}

/// The next due message, moved to 'sending' by `$2` (SQLite: one writer at a time).
const CLAIM: &str = "UPDATE mail_outbox SET state = 'sending', claimed_by = $2, attempts = attempts + 1 \
     WHERE id = (SELECT id FROM mail_outbox WHERE state = 'waiting' AND next_attempt_at <= $1 \
                 ORDER BY next_attempt_at, id LIMIT 1) \
     RETURNING id";
/// What the claim needs to know of message `$1`: its link, its account, what is kept of it.
const CLAIMED: &str = "SELECT o.id, o.reset_link_id, o.recipient, o.attempts, l.account_id, a.email, a.disabled, \
     l.selector, l.expires_at, l.replaced_at, \
     EXISTS (SELECT 1 FROM reset_link n WHERE n.account_id = l.account_id \
         AND (n.requested_at, n.id) > (l.requested_at, l.id)) AS superseded, \
     s.sealed \
     FROM mail_outbox o LEFT JOIN reset_link l ON l.id = o.reset_link_id \
     LEFT JOIN account a ON a.id = l.account_id LEFT JOIN mail_secret s ON s.outbox_id = o.id \
     WHERE o.id = $1";
/// PostgreSQL: both in one round trip, the row locked so that another sender skips it, and the
/// account locked until the transaction ends, so that two senders minting for one account take
/// turns and one link stays valid (the mint, a statement of its own, reads after the lock).
const CLAIM_POSTGRES: &str = "WITH c AS ( \
         UPDATE mail_outbox SET state = 'sending', claimed_by = $2, attempts = attempts + 1 \
         WHERE id = (SELECT id FROM mail_outbox WHERE state = 'waiting' AND next_attempt_at <= $1 \
                     ORDER BY next_attempt_at, id LIMIT 1 FOR UPDATE SKIP LOCKED) \
         RETURNING id, reset_link_id, recipient, attempts) \
     SELECT c.id, c.reset_link_id, c.recipient, c.attempts, l.account_id, a.email, a.disabled, \
     l.selector, l.expires_at, l.replaced_at, \
     EXISTS (SELECT 1 FROM reset_link n WHERE n.account_id = l.account_id \
         AND (n.requested_at, n.id) > (l.requested_at, l.id)) AS superseded, \
     s.sealed, \
     pg_advisory_xact_lock(1735, l.account_id)::text = '' AS locked \
     FROM c LEFT JOIN reset_link l ON l.id = c.reset_link_id \
     LEFT JOIN account a ON a.id = l.account_id LEFT JOIN mail_secret s ON s.outbox_id = c.id";
/// PostgreSQL: the whole mint in one statement (every part sees the same snapshot, taken after
/// the account's lock): older pending links replaced and their requests deleted, the new
/// request, the link's minted columns, the Message-ID, the sealed message.
const MINT_POSTGRES: &str = "WITH replaced AS ( \
         UPDATE reset_link SET replaced_at = $2 WHERE account_id = $1 AND id <> $3 AND replaced_at IS NULL \
         AND selector IN (SELECT selector FROM reset_password_request WHERE user_id = $1) RETURNING id), \
     gone AS (DELETE FROM reset_password_request WHERE user_id = $1 AND (expires_at > $4 OR selector = $5) RETURNING id), \
     added AS (INSERT INTO reset_password_request (user_id, selector, hashed_token, requested_at, expires_at) \
               VALUES ($1, $6, $7, $4, $8) RETURNING id), \
     minted AS (UPDATE reset_link SET selector = $6, expires_at = $9, minted_at = $2, token_sha256 = $10 \
                WHERE id = $3 RETURNING id), \
     message AS (UPDATE mail_outbox SET message_id = $11 WHERE id = $12 RETURNING id) \
     INSERT INTO mail_secret (outbox_id, sealed) VALUES ($12, $13) \
     ON CONFLICT (outbox_id) DO UPDATE SET sealed = excluded.sealed";

/// What every window shows of the senders.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub(crate) struct SenderBeat {
    pub heartbeat_at: DateTime<Utc>,
    pub problem: Option<String>,
    pub problem_since: Option<DateTime<Utc>>,
}

/// A claimed message's outcome, unless its claim was taken back meanwhile.
const UPDATE_OUTCOME: &str = "UPDATE mail_outbox SET state = $3, last_reply = $4, next_attempt_at = $5, \
     sent_at = $6, attempts = attempts - $7, \
     claimed_by = CASE WHEN $3 = 'waiting' THEN NULL ELSE claimed_by END \
     WHERE id = $1 AND state = 'sending' AND claimed_by = $2";

/// Records, in transaction `$tx`, the outcome of message `$id` claimed by `$sender`; the kept
/// message is erased once it has left (or never will). A sender whose claim was taken back
/// meanwhile (taken for dead) records nothing.
macro_rules! record_outcome {
    ($tx:expr, $postgres:expr, $sender:expr, $id:expr, $outcome:expr, $now:expr) => {{
        let outcome: &MailOutcome = $outcome;
        let (state, reply, next, done) = outcome.columns($now);
        let sent_at = (state == "sent").then_some($now);
        // A deferred attempt gives back the attempt its claim counted.
        let uncounted = i32::from(matches!(outcome, MailOutcome::Deferred { .. }));
        // PostgreSQL erases the kept message in the same statement; SQLite, after.
        let sql = if $postgres {
            format!(
                "WITH settled AS ({UPDATE_OUTCOME} RETURNING id) \
                 DELETE FROM mail_secret WHERE $8 AND outbox_id IN (SELECT id FROM settled)"
            )
        } else {
            UPDATE_OUTCOME.to_string()
        };
        let query = sqlx::query(&sql)
            .bind($id)
            .bind($sender)
            .bind(state)
            .bind(reply)
            .bind(next)
            .bind(sent_at)
            .bind(uncounted);
        if $postgres {
            query.bind(done).execute(&mut *$tx).await?;
        } else {
            let settled = query.execute(&mut *$tx).await?.rows_affected();
            if settled == 1 && done {
                sqlx::query("DELETE FROM mail_secret WHERE outbox_id = $1")
                    .bind($id)
                    .execute(&mut *$tx)
                    .await?;
            }
        }
    }};
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
    /// off from the database) go back to the queue, to be sent again identically, and so do
    /// those `sender` itself left claimed (a pass that failed midway: between passes it has none
    /// in flight); rows of senders silent since `forget_before` are removed.
    pub(crate) async fn requeue_orphans(
        &self,
        sender: i64,
        alive_after: DateTime<Utc>,
        forget_before: DateTime<Utc>,
        now: DateTime<Utc>,
    ) -> Result<u64> {
        Ok(on_pool!(self, pool => {
            let mut tx = pool.begin_with(self.begin_write()).await?;
            let requeued = sqlx::query(
                "UPDATE mail_outbox SET state = 'waiting', claimed_by = NULL, last_reply = $2, next_attempt_at = $3 \
                 WHERE state = 'sending' AND (claimed_by IS NULL OR claimed_by = $4 OR claimed_by NOT IN \
                     (SELECT id FROM mail_sender WHERE heartbeat_at > $1))",
            )
            .bind(alive_after)
            .bind(INTERRUPTED)
            .bind(now)
            .bind(sender)
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

    /// Claims the next due message for `sender`, in a transaction of its own that first records
    /// the outcome of the `previous` message the same worker sent (one transaction a message):
    /// the message is 'sending', its link minted if it has none that still works (the account's
    /// older pending requests deleted, as the portal expects of a new one), its bytes kept
    /// sealed. A message whose link a newer request replaced is dropped instead. `None` when
    /// nothing is due.
    pub(crate) async fn claim_next(
        &self,
        sender: i64,
        previous: Option<(i32, &MailOutcome)>,
        now: DateTime<Utc>,
        minter: &(dyn Minter + Sync),
    ) -> Result<Option<Claim>> {
        let postgres = self.backend() == Backend::Postgres;
        on_pool!(self, pool => {
            let mut tx = pool.begin_with(self.begin_write()).await?;
            if let Some((id, outcome)) = previous {
                record_outcome!(tx, postgres, sender, id, outcome, now);
            }
            let claimed: Option<ClaimRow> = if postgres {
                sqlx::query_as(CLAIM_POSTGRES)
                    .bind(now)
                    .bind(sender)
                    .fetch_optional(&mut *tx)
                    .await?
            } else {
                let id: Option<i32> = sqlx::query_scalar(CLAIM)
                    .bind(now)
                    .bind(sender)
                    .fetch_optional(&mut *tx)
                    .await?;
                match id {
                    Some(id) => Some(sqlx::query_as(CLAIMED).bind(id).fetch_one(&mut *tx).await?),
                    None => None,
                }
            };
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
            let (Some(link_id), Some(account_id), Some(email)) =
                (claimed.reset_link_id, claimed.account_id, claimed.email.clone())
            else {
                settle!(MailOutcome::Failed { reason: "Message sans lien\u{a0}: rien à envoyer.".into() });
            };
            let outcome = if claimed.superseded.unwrap_or(false) || claimed.replaced_at.is_some() {
                Some(MailOutcome::Dropped { reason: REPLACED_BEFORE_SENDING.into() })
            } else if claimed.disabled.unwrap_or(false) {
                Some(MailOutcome::Failed {
                    reason: "Le compte de cette adresse est désactivé\u{a0}: le lien n’est pas parti.".into(),
                })
            } else if !claimed.recipient.eq_ignore_ascii_case(&email) {
                Some(MailOutcome::Failed {
                    reason: format!(
                        "Le message était adressé à «\u{a0}{}\u{a0}», qui n’est pas l’adresse du compte \
                         («\u{a0}{email}\u{a0}»)\u{a0}: le lien n’est pas parti.",
                        claimed.recipient
                    ),
                })
            } else {
                None
            };
            if let Some(outcome) = outcome {
                settle!(outcome);
            }
            // A link minted earlier goes again as it was, while it works and its message opens.
            let kept = match (&claimed.expires_at, &claimed.sealed) {
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
                account_id,
                recipient: claimed.recipient.clone(),
            };
            let minted = match minter.mint(&job, now) {
                Ok(minted) => minted,
                Err(reason) => settle!(MailOutcome::Failed { reason }),
            };
            if postgres {
                sqlx::query(MINT_POSTGRES)
                    .bind(account_id)
                    .bind(now)
                    .bind(link_id)
                    .bind(minted.requested_local)
                    .bind(&claimed.selector)
                    .bind(&minted.selector)
                    .bind(&minted.hashed_token)
                    .bind(minted.expires_local)
                    .bind(minted.expires_at)
                    .bind(&minted.token_sha256)
                    .bind(&minted.message_id)
                    .bind(claimed.id)
                    .bind(&minted.sealed)
                    .execute(&mut *tx)
                    .await?;
            } else {
                sqlx::query(
                    "UPDATE reset_link SET replaced_at = $2 WHERE account_id = $1 AND id <> $3 AND replaced_at IS NULL \
                     AND selector IN (SELECT selector FROM reset_password_request WHERE user_id = $1)",
                )
                .bind(account_id)
                .bind(now)
                .bind(link_id)
                .execute(&mut *tx)
                .await?;
                sqlx::query(
                    "DELETE FROM reset_password_request WHERE user_id = $1 AND (expires_at > $2 OR selector = $3)",
                )
                .bind(account_id)
                .bind(minted.requested_local)
                .bind(&claimed.selector)
                .execute(&mut *tx)
                .await?;
                sqlx::query(
                    "INSERT INTO reset_password_request (user_id, selector, hashed_token, requested_at, expires_at) \
                     VALUES ($1, $2, $3, $4, $5)",
                )
                .bind(account_id)
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
            }
            tx.commit().await?;
            Ok(Some(Claim::Send {
                outbox_id: claimed.id,
                recipient: claimed.recipient,
                attempts: claimed.attempts,
                bytes: minted.bytes,
            }))
        })
    }

    /// Records what became of a message `sender` claimed, in a transaction of its own (the last
    /// message of a pass: the others' outcomes ride in the next claim). On PostgreSQL the
    /// commit does not wait for the disk: a lost outcome costs one repeat.
    pub(crate) async fn settle_mail(
        &self,
        sender: i64,
        outbox_id: i32,
        outcome: &MailOutcome,
        now: DateTime<Utc>,
    ) -> Result<()> {
        let postgres = self.backend() == Backend::Postgres;
        let begin = if postgres {
            "BEGIN; SET LOCAL synchronous_commit TO OFF"
        } else {
            self.begin_write()
        };
        on_pool!(self, pool => {
            let mut tx = pool.begin_with(begin).await?;
            record_outcome!(tx, postgres, sender, outbox_id, outcome, now);
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

    /// Whether a message is due now.
    pub(crate) async fn mail_due(&self, now: DateTime<Utc>) -> Result<bool> {
        Ok(on_pool!(self, pool => {
            sqlx::query_scalar(
                "SELECT EXISTS (SELECT 1 FROM mail_outbox WHERE state = 'waiting' AND next_attempt_at <= $1)",
            )
            .bind(now)
            .fetch_one(pool)
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
