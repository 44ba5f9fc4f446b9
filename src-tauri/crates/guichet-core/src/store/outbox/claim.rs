//! Claiming the next due message, in one transaction that records the previous outcome, mints
//! the message's link when it has none that still works, and keeps its bytes sealed.

use chrono::{DateTime, Utc};

// `record_outcome!` names `UPDATE_OUTCOME` and `MailOutcome` where it is used.
use super::settle::{UPDATE_OUTCOME, record_outcome};
use super::{Claim, MailOutcome, Minter, ToMint};
use crate::error::Result;
use crate::store::{Backend, Store, on_pool};

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

pub(crate) const REPLACED_BEFORE_SENDING: &str =
    "Remplacé par un lien plus récent avant de partir\u{a0}: non envoyé.";

impl Store {
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
}
