//! Claiming the next due message, in one transaction that records the previous outcome, mints
//! the message's link when it has none that still works, and keeps its bytes sealed.

use chrono::{DateTime, Utc};

// `record_outcome!` names `UPDATE_OUTCOME` and `MailOutcome` where it is used.
use super::settle::{UPDATE_OUTCOME, record_outcome};
use super::{Attempt, Claim, MailOutcome, Minter, ToMint};
use crate::error::Result;
use crate::store::{Backend, Store, on_pool};

/// A claimed message and what its link and account say, read in the claim's transaction.
#[derive(sqlx::FromRow)]
struct ClaimRow {
    id: i32,
    reset_link_id: Option<i32>,
    recipient: String,
    attempts: i32,
    message_id: Option<String>,
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
    /// The campaign of the message, if it has one, and what its pacing and checks need.
    campaign_id: Option<i32>,
    campaign_state: Option<String>,
    rate_per_minute: Option<i32>,
    next_send_at: Option<DateTime<Utc>>,
    slots_taken: Option<i32>,
    /// The address set its password (a campaign's message is then useless).
    initialised: Option<bool>,
    /// Another link of the account was minted since the campaign's plan.
    fresh_link: Option<bool>,
}

/// Due messages: waiting, their time come, and, for a campaign's, the campaign cancelled (the
/// message is dropped) or running with its next slot come.
macro_rules! due {
    () => {
        "state = 'waiting' AND next_attempt_at <= $1 AND (campaign_id IS NULL OR campaign_id IN \
         (SELECT id FROM campaign WHERE state = 'annulee' OR (state = 'en-cours' AND next_send_at <= $1)))"
    };
}
pub(super) use due;

/// The campaign's columns of a claimed message, over `o` (the message), `l` (its link) and `c`.
macro_rules! campaign_columns {
    () => {
        "c.state AS campaign_state, c.rate_per_minute, c.next_send_at, c.slots_taken, \
         (SELECT i.initialised FROM account_initialised i WHERE i.id = l.account_id) AS initialised, \
         EXISTS (SELECT 1 FROM reset_link n WHERE n.account_id = l.account_id AND n.id <> l.id \
             AND n.minted_at > c.fresh_after) AS fresh_link"
    };
}

/// The next due message, moved to 'sending' by `$2` (SQLite: one writer at a time).
const CLAIM: &str = concat!(
    "UPDATE mail_outbox SET state = 'sending', claimed_by = $2, attempts = attempts + 1 \
     WHERE id = (SELECT id FROM mail_outbox WHERE ",
    due!(),
    " ORDER BY next_attempt_at, id LIMIT 1) RETURNING id"
);
/// What the claim needs to know of message `$1`: its link, its account, what is kept of it.
const CLAIMED: &str = concat!(
    "SELECT o.id, o.reset_link_id, o.recipient, o.attempts, o.message_id, l.account_id, a.email, a.disabled, \
     l.selector, l.expires_at, l.replaced_at, \
     EXISTS (SELECT 1 FROM reset_link n WHERE n.account_id = l.account_id \
         AND (n.requested_at, n.id) > (l.requested_at, l.id)) AS superseded, \
     s.sealed, o.campaign_id, ",
    campaign_columns!(),
    " FROM mail_outbox o LEFT JOIN reset_link l ON l.id = o.reset_link_id \
     LEFT JOIN account a ON a.id = l.account_id LEFT JOIN mail_secret s ON s.outbox_id = o.id \
     LEFT JOIN campaign c ON c.id = o.campaign_id \
     WHERE o.id = $1"
);
/// PostgreSQL: both in one round trip, the row locked so that another sender skips it, and the
/// account locked until the transaction ends, so that two senders minting for one account take
/// turns and one link stays valid (the mint, a statement of its own, reads after the lock).
const CLAIM_POSTGRES: &str = concat!(
    "WITH o AS ( \
         UPDATE mail_outbox SET state = 'sending', claimed_by = $2, attempts = attempts + 1 \
         WHERE id = (SELECT id FROM mail_outbox WHERE ",
    due!(),
    " ORDER BY next_attempt_at, id LIMIT 1 FOR UPDATE SKIP LOCKED) \
         RETURNING id, reset_link_id, recipient, attempts, message_id, campaign_id) \
     SELECT o.id, o.reset_link_id, o.recipient, o.attempts, o.message_id, l.account_id, a.email, a.disabled, \
     l.selector, l.expires_at, l.replaced_at, \
     EXISTS (SELECT 1 FROM reset_link n WHERE n.account_id = l.account_id \
         AND (n.requested_at, n.id) > (l.requested_at, l.id)) AS superseded, \
     s.sealed, o.campaign_id, ",
    campaign_columns!(),
    ", pg_advisory_xact_lock(1735, l.account_id)::text = '' AS locked \
     FROM o LEFT JOIN reset_link l ON l.id = o.reset_link_id \
     LEFT JOIN account a ON a.id = l.account_id LEFT JOIN mail_secret s ON s.outbox_id = o.id \
     LEFT JOIN campaign c ON c.id = o.campaign_id"
);
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
pub(crate) const CAMPAIGN_CANCELLED: &str = "Campagne annulée\u{a0}: non envoyé.";
pub(crate) const INITIALISED_SINCE_PLAN: &str =
    "Adresse initialisée depuis le plan de la campagne\u{a0}: non envoyé.";
pub(crate) const LINK_SINCE_PLAN: &str =
    "Un autre lien est parti depuis le plan de la campagne\u{a0}: non envoyé.";

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
        previous: Option<(i32, &Attempt)>,
        now: DateTime<Utc>,
        minter: &(dyn Minter + Sync),
    ) -> Result<Option<Claim>> {
        let postgres = self.backend() == Backend::Postgres;
        on_pool!(self, pool => {
            let mut tx = pool.begin_with(self.begin_write()).await?;
            if let Some((id, attempt)) = previous {
                record_outcome!(tx, postgres, sender, id, attempt, now);
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
            let in_campaign = claimed.campaign_id.is_some();
            let outcome = if claimed.campaign_state.as_deref() == Some("annulee") {
                Some(MailOutcome::Dropped { reason: CAMPAIGN_CANCELLED.into() })
            } else if claimed.superseded.unwrap_or(false) || claimed.replaced_at.is_some() {
                Some(MailOutcome::Dropped { reason: REPLACED_BEFORE_SENDING.into() })
            } else if in_campaign && claimed.initialised.unwrap_or(false) {
                Some(MailOutcome::Dropped { reason: INITIALISED_SINCE_PLAN.into() })
            } else if in_campaign && claimed.fresh_link.unwrap_or(false) {
                Some(MailOutcome::Dropped { reason: LINK_SINCE_PLAN.into() })
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
            // A cancelled campaign's first message found drops all its others at once, those
            // whose time has not come yet included.
            if let (Some(campaign), Some(MailOutcome::Dropped { reason })) = (claimed.campaign_id, &outcome)
                && reason == CAMPAIGN_CANCELLED
            {
                sqlx::query(
                    "UPDATE mail_outbox SET state = 'dropped', last_reply = $2 WHERE campaign_id = $1 AND state = 'waiting'",
                )
                .bind(campaign)
                .bind(CAMPAIGN_CANCELLED)
                .execute(&mut *tx)
                .await?;
                sqlx::query(
                    "DELETE FROM mail_secret WHERE outbox_id IN \
                     (SELECT id FROM mail_outbox WHERE campaign_id = $1 AND state = 'dropped')",
                )
                .bind(campaign)
                .execute(&mut *tx)
                .await?;
            }
            if let Some(outcome) = outcome {
                settle!(outcome);
            }
            // A campaign's message takes the campaign's slot; another worker that took it first
            // leaves this one to wait for the next.
            if let (Some(campaign), Some(rate), Some(slot), Some(taken)) = (
                claimed.campaign_id,
                claimed.rate_per_minute,
                claimed.next_send_at,
                claimed.slots_taken,
            ) {
                let next = crate::campaign::next_slot(slot, now, u32::try_from(rate).unwrap_or(1));
                let took = sqlx::query(
                    "UPDATE campaign SET next_send_at = $2, slots_taken = slots_taken + 1 \
                     WHERE id = $1 AND slots_taken = $3 AND state = 'en-cours'",
                )
                .bind(campaign)
                .bind(next)
                .bind(taken)
                .execute(&mut *tx)
                .await?
                .rows_affected();
                if took == 0 {
                    sqlx::query(
                        "UPDATE mail_outbox SET state = 'waiting', claimed_by = NULL, attempts = attempts - 1 WHERE id = $1",
                    )
                    .bind(claimed.id)
                    .execute(&mut *tx)
                    .await?;
                    tx.commit().await?;
                    return Ok(None);
                }
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
                    message_id: claimed.message_id,
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
                message_id: Some(minted.message_id),
                bytes: minted.bytes,
            }))
        })
    }
}
