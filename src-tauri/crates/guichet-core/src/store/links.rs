//! Reset links in the database: the portal's `reset_password_request` rows, the helpdesk's ledger
//! (`reset_link`) and the mail outbox, written together in one transaction.

use chrono::{DateTime, NaiveDateTime, Utc};
use serde_json::json;

use super::audit::append_audit;
use super::{Backend, Store, on_pool};
use crate::audit::{AuditAction, NewAuditEvent};
use crate::error::{Error, Result};

/// The account a link goes to.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub(crate) struct LinkAccount {
    pub id: i32,
    pub email: String,
    pub disabled: bool,
}

/// One row of an address's ledger, with what the portal and the outbox say about it.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub(crate) struct LedgerRow {
    pub id: i32,
    pub account_id: i32,
    pub email: String,
    pub selector: String,
    pub requested_at: DateTime<Utc>,
    pub expires_at: DateTime<Utc>,
    pub agent: Option<String>,
    pub replaced_at: Option<DateTime<Utc>>,
    /// The portal still holds the request.
    pub pending: bool,
    pub password_changed_at: Option<DateTime<Utc>>,
    pub outbox_state: Option<String>,
    pub outbox_reply: Option<String>,
    pub sent_at: Option<DateTime<Utc>>,
    pub attempts: Option<i32>,
}

/// A message the sender has claimed: compose it from the ledger and deliver it.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub(crate) struct ClaimedMail {
    pub id: i32,
    pub recipient: String,
    pub selector: Option<String>,
    pub expires_at: Option<DateTime<Utc>>,
    pub attempts: i32,
}

const LEDGER: &str = "SELECT l.id, l.account_id, a.email, l.selector, l.requested_at, l.expires_at, \
     g.display_name AS agent, l.replaced_at, \
     EXISTS (SELECT 1 FROM reset_password_request r \
         WHERE r.user_id = l.account_id AND r.selector = l.selector) AS pending, \
     a.password_changed_at, o.state AS outbox_state, o.last_reply AS outbox_reply, o.sent_at, o.attempts \
     FROM reset_link l JOIN account a ON a.id = l.account_id \
     LEFT JOIN agent g ON g.id = l.agent_id \
     LEFT JOIN mail_outbox o ON o.reset_link_id = l.id";

impl Store {
    /// Writes a new link in one transaction: the portal's request, the ledger row, the older
    /// pending requests of the same account deleted (and marked replaced), the message in the
    /// outbox and the journal entry. The account row is locked first, so that two agents sending
    /// at the same moment leave exactly one valid link.
    pub(crate) async fn issue_link(
        &self,
        email: &str,
        issue: impl FnOnce(
            &LinkAccount,
        )
            -> Result<(String, String, NaiveDateTime, NaiveDateTime, DateTime<Utc>)>,
        agent_id: i32,
        now: DateTime<Utc>,
        note: Option<&str>,
    ) -> Result<(LinkAccount, i32, DateTime<Utc>)> {
        on_pool!(self, pool => {
            let mut tx = pool.begin_with(self.begin_write()).await?;
            // A write first: it takes the row lock (PostgreSQL) or the database's write lock
            // (SQLite) before anything is read, so concurrent senders queue here.
            let account: Option<LinkAccount> = sqlx::query_as(
                "UPDATE account SET updated_at = $2 WHERE lower(email) = lower($1) RETURNING id, email, disabled",
            )
            .bind(email)
            .bind(now)
            .fetch_optional(&mut *tx)
            .await?;
            let account = account.ok_or_else(|| Error::AddressNotFound(email.to_string()))?;
            if account.disabled {
                return Err(Error::AccountDisabled(account.email));
            }
            let (selector, hashed_token, requested_local, expires_local, expires_at) = issue(&account)?;
            // Older links still valid on the portal become "replaced".
            sqlx::query(
                "UPDATE reset_link SET replaced_at = $2 WHERE account_id = $1 AND replaced_at IS NULL \
                 AND selector IN (SELECT selector FROM reset_password_request WHERE user_id = $1)",
            )
            .bind(account.id)
            .bind(now)
            .execute(&mut *tx)
            .await?;
            sqlx::query("DELETE FROM reset_password_request WHERE user_id = $1 AND expires_at > $2")
                .bind(account.id)
                .bind(requested_local)
                .execute(&mut *tx)
                .await?;
            sqlx::query(
                "INSERT INTO reset_password_request (user_id, selector, hashed_token, requested_at, expires_at) \
                 VALUES ($1, $2, $3, $4, $5)",
            )
            .bind(account.id)
            .bind(&selector)
            .bind(&hashed_token)
            .bind(requested_local)
            .bind(expires_local)
            .execute(&mut *tx)
            .await?;
            let link_id: i32 = sqlx::query_scalar(
                "INSERT INTO reset_link (account_id, selector, requested_at, expires_at, agent_id) \
                 VALUES ($1, $2, $3, $4, $5) RETURNING id",
            )
            .bind(account.id)
            .bind(&selector)
            .bind(now)
            .bind(expires_at)
            .bind(agent_id)
            .fetch_one(&mut *tx)
            .await?;
            sqlx::query(
                "INSERT INTO mail_outbox (created_at, recipient, reset_link_id, next_attempt_at) VALUES ($1, $2, $3, $1)",
            )
            .bind(now)
            .bind(&account.email)
            .bind(link_id)
            .execute(&mut *tx)
            .await?;
            append_audit!(tx, Some(agent_id), now, NewAuditEvent::new(AuditAction::LinkSent)
                .email(account.email.as_str())
                .after(json!({ "lien": format!("{}…", &selector[..6]), "expire": crate::text::paris_time(expires_at) }))
                .note(note));
            tx.commit().await?;
            Ok((account, link_id, expires_at))
        })
    }

    /// Every link sent to an address, newest first.
    pub(crate) async fn ledger(&self, account_id: i32) -> Result<Vec<LedgerRow>> {
        Ok(on_pool!(self, pool => {
            sqlx::query_as(&format!("{LEDGER} WHERE l.account_id = $1 ORDER BY l.requested_at DESC, l.id DESC"))
                .bind(account_id)
                .fetch_all(pool)
                .await?
        }))
    }

    /// Every link sent to the addresses attached to an establishment, each account's newest first.
    pub(crate) async fn ledger_of_establishment(&self, uai: &str) -> Result<Vec<LedgerRow>> {
        Ok(on_pool!(self, pool => {
            sqlx::query_as(&format!(
                "{LEDGER} WHERE l.account_id IN (SELECT account_id FROM establishment_account WHERE uai = $1) \
                 ORDER BY l.account_id, l.requested_at DESC, l.id DESC"
            ))
            .bind(uai)
            .fetch_all(pool)
            .await?
        }))
    }

    /// The ledger row of a selector, if the app issued it.
    pub(crate) async fn ledger_by_selector(&self, selector: &str) -> Result<Option<LedgerRow>> {
        Ok(on_pool!(self, pool => {
            sqlx::query_as(&format!("{LEDGER} WHERE l.selector = $1"))
                .bind(selector)
                .fetch_optional(pool)
                .await?
        }))
    }

    /// The portal's row of a selector: user, hash and naive expiry.
    pub(crate) async fn reset_request(
        &self,
        selector: &str,
    ) -> Result<Option<(i32, String, NaiveDateTime)>> {
        Ok(on_pool!(self, pool => {
            sqlx::query_as("SELECT user_id, hashed_token, expires_at FROM reset_password_request WHERE selector = $1")
                .bind(selector)
                .fetch_optional(pool)
                .await?
        }))
    }

    /// The account id of an address, without regard to case.
    pub(crate) async fn account_by_email(&self, email: &str) -> Result<Option<(i32, String)>> {
        Ok(on_pool!(self, pool => {
            sqlx::query_as("SELECT id, email FROM account WHERE lower(email) = lower($1)")
                .bind(email)
                .fetch_optional(pool)
                .await?
        }))
    }

    /// Claims up to `limit` due messages for sending: they move to 'sending' in their own
    /// committed transaction before anything is sent, so that no other sender takes them.
    pub(crate) async fn claim_mail(
        &self,
        now: DateTime<Utc>,
        limit: i64,
    ) -> Result<Vec<ClaimedMail>> {
        let skip_locked = if self.backend() == Backend::Postgres {
            " FOR UPDATE SKIP LOCKED"
        } else {
            ""
        };
        Ok(on_pool!(self, pool => {
            sqlx::query_as(&format!(
                "UPDATE mail_outbox SET state = 'sending', attempts = attempts + 1, next_attempt_at = $1 \
                 WHERE id IN (SELECT id FROM mail_outbox WHERE state = 'waiting' AND next_attempt_at <= $1 \
                              ORDER BY next_attempt_at, id LIMIT $2{skip_locked}) \
                 RETURNING id, recipient, \
                     (SELECT l.selector FROM reset_link l WHERE l.id = mail_outbox.reset_link_id) AS selector, \
                     (SELECT l.expires_at FROM reset_link l WHERE l.id = mail_outbox.reset_link_id) AS expires_at, \
                     attempts"
            ))
            .bind(now)
            .bind(limit)
            .fetch_all(pool)
            .await?
        }))
    }

    /// Records what became of a batch of claimed messages, in one transaction: one commit for
    /// the batch rather than one per message (on PostgreSQL, each commit waits for the disk).
    pub(crate) async fn finish_mail(
        &self,
        outcomes: Vec<(i32, MailOutcome)>,
        now: DateTime<Utc>,
    ) -> Result<()> {
        on_pool!(self, pool => {
            let mut tx = pool.begin_with(self.begin_write()).await?;
            for (id, outcome) in outcomes {
                let (state, reply, next, sent_at) = match outcome {
                    MailOutcome::Sent { reply } => ("sent", Some(reply), now, Some(now)),
                    MailOutcome::Retry { reason, at } => ("waiting", Some(reason), at, None),
                    MailOutcome::Failed { reason } => ("failed", Some(reason), now, None),
                };
                sqlx::query(
                    "UPDATE mail_outbox SET state = $2, last_reply = $3, next_attempt_at = $4, sent_at = $5 \
                     WHERE id = $1 AND state = 'sending'",
                )
                .bind(id)
                .bind(state)
                .bind(reply)
                .bind(next)
                .bind(sent_at)
                .execute(&mut *tx)
                .await?;
            }
            tx.commit().await?;
        });
        Ok(())
    }

    /// Messages left 'sending' (claimed before `claimed_before`, long past any send timeout) by a
    /// sender that stopped mid-delivery, the app killed: the server may have accepted them, so
    /// they are never sent again but shown as failed, for the agent to check and resend.
    pub(crate) async fn abandon_interrupted_mail(
        &self,
        claimed_before: DateTime<Utc>,
    ) -> Result<u64> {
        Ok(on_pool!(self, pool => {
            sqlx::query(
                "UPDATE mail_outbox SET state = 'failed', last_reply = $2 \
                 WHERE state = 'sending' AND next_attempt_at < $1",
            )
            .bind(claimed_before)
            .bind(INTERRUPTED)
            .execute(pool)
            .await?
            .rows_affected()
        }))
    }

    /// How many messages wait, are being sent, were sent or failed.
    pub async fn outbox_counts(&self) -> Result<Vec<(String, i64)>> {
        Ok(on_pool!(self, pool => {
            sqlx::query_as("SELECT state, count(*) FROM mail_outbox GROUP BY state ORDER BY state")
                .fetch_all(pool)
                .await?
        }))
    }
}

pub(crate) const INTERRUPTED: &str = "Envoi interrompu (le Guichet s’est arrêté pendant l’envoi)\u{a0}: le message \
     a pu partir\u{a0}; il n’est pas renvoyé automatiquement.";

/// What became of one delivery attempt.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum MailOutcome {
    Sent { reply: String },
    Retry { reason: String, at: DateTime<Utc> },
    Failed { reason: String },
}

impl Store {
    /// An address's initialisation state, as the establishment page computes it.
    pub(crate) async fn account_status(
        &self,
        account_id: i32,
        tz: chrono_tz::Tz,
        now: DateTime<Utc>,
    ) -> Result<crate::model::establishment::InitStatus> {
        let (initialised, changed_at, latest): (
            bool,
            Option<DateTime<Utc>>,
            Option<NaiveDateTime>,
        ) = on_pool!(self, pool => {
            sqlx::query_as(
                "SELECT i.initialised, a.password_changed_at, \
                 (SELECT max(r.expires_at) FROM reset_password_request r WHERE r.user_id = a.id) \
                 FROM account a JOIN account_initialised i ON i.id = a.id WHERE a.id = $1",
            )
            .bind(account_id)
            .fetch_one(pool)
            .await?
        });
        Ok(crate::model::establishment::InitStatus::of(
            initialised,
            changed_at,
            latest,
            tz,
            now,
        ))
    }

    pub(crate) async fn account_email(&self, account_id: i32) -> Result<Option<String>> {
        Ok(on_pool!(self, pool => {
            sqlx::query_scalar("SELECT email FROM account WHERE id = $1").bind(account_id).fetch_optional(pool).await?
        }))
    }
}
