//! Reset links in the database, as agents see them: the request an agent makes (the ledger row,
//! its message in the outbox and the journal entry, in one transaction), the ledger of every
//! link with what the portal and the outbox say of it, and the portal's own requests. The
//! sender's side (minting, claiming, settling) is in `outbox.rs`.

use chrono::{DateTime, NaiveDateTime, Utc};
use serde_json::json;

use super::audit::append_audit;
use super::{Store, delivery_columns, on_pool};
use crate::audit::{AuditAction, NewAuditEvent};
use crate::error::{Error, Result};
use crate::links::ledger::LedgerRow;

/// The account a link goes to.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub(crate) struct LinkAccount {
    pub id: i32,
    pub email: String,
    pub disabled: bool,
}

/// A link just asked for, and when the address's newest link was minted (sent): the one the
/// new link will make unusable.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct RequestedLink {
    pub account: LinkAccount,
    pub link_id: i32,
    pub previous: Option<DateTime<Utc>>,
}

const LEDGER: &str = concat!(
    "SELECT l.id, l.account_id, a.email, l.selector, l.requested_at, l.expires_at, l.minted_at, \
     l.token_sha256, g.display_name AS agent, g.login AS agent_login, l.replaced_at, \
     EXISTS (SELECT 1 FROM reset_password_request r \
         WHERE r.user_id = l.account_id AND r.selector = l.selector) AS pending, \
     a.password_changed_at, o.attempts, ",
    delivery_columns!(),
    " FROM reset_link l JOIN account a ON a.id = l.account_id \
     LEFT JOIN agent g ON g.id = l.agent_id \
     LEFT JOIN mail_outbox o ON o.reset_link_id = l.id"
);

impl Store {
    /// An agent asks for a new link: the ledger row and its message in the outbox, with the
    /// journal entry, in one transaction. The sender mints the link when the message leaves
    /// (and only then do older links stop working). The account row is written first, so that
    /// requests for one address queue behind each other, and the newest minted link read in the
    /// same transaction is the one this link replaces.
    pub(crate) async fn request_link(
        &self,
        email: &str,
        agent_id: i32,
        now: DateTime<Utc>,
        note: Option<&str>,
    ) -> Result<RequestedLink> {
        on_pool!(self, pool => {
            let mut tx = pool.begin_with(self.begin_write()).await?;
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
            // An address whose every establishment has closed would open a portal account of
            // no one: refused, the agent is sent to the successor.
            let today = now.with_timezone(&chrono_tz::Europe::Paris).date_naive();
            let attached: Vec<(String, bool)> = sqlx::query_as(
                "SELECT e.uai, COALESCE(e.closed_on <= $2, FALSE) FROM establishment_account ea \
                 JOIN establishment e ON e.uai = ea.uai WHERE ea.account_id = $1 ORDER BY e.uai",
            )
            .bind(account.id)
            .bind(today)
            .fetch_all(&mut *tx)
            .await?;
            if !attached.is_empty() && attached.iter().all(|(_, closed)| *closed) {
                let uais = attached.into_iter().map(|(uai, _)| uai).collect();
                return Err(Error::EstablishmentClosed { email: account.email, uais });
            }
            let previous: Option<DateTime<Utc>> =
                sqlx::query_scalar("SELECT max(minted_at) FROM reset_link WHERE account_id = $1")
                    .bind(account.id)
                    .fetch_one(&mut *tx)
                    .await?;
            let link_id: i32 = sqlx::query_scalar(
                "INSERT INTO reset_link (account_id, requested_at, agent_id) VALUES ($1, $2, $3) RETURNING id",
            )
            .bind(account.id)
            .bind(now)
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
                .after(json!({ "lien": format!("n°\u{a0}{link_id}"), "état": "demandé" }))
                .note(note));
            tx.commit().await?;
            Ok(RequestedLink { account, link_id, previous })
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

    /// One link of the ledger.
    pub(crate) async fn ledger_row(&self, link_id: i32) -> Result<Option<LedgerRow>> {
        Ok(on_pool!(self, pool => {
            sqlx::query_as(&format!("{LEDGER} WHERE l.id = $1"))
                .bind(link_id)
                .fetch_optional(pool)
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

    /// How many messages wait, are being sent, were sent, failed or were dropped.
    pub async fn outbox_counts(&self) -> Result<Vec<(String, i64)>> {
        Ok(on_pool!(self, pool => {
            sqlx::query_as("SELECT state, count(*) FROM mail_outbox GROUP BY state ORDER BY state")
                .fetch_all(pool)
                .await?
        }))
    }
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

    /// What became of the newest message to `email` (not one rightly never sent).
    pub(crate) async fn last_message_of(
        &self,
        email: &str,
    ) -> Result<crate::mail::delivery::DeliveryFacts> {
        let facts = on_pool!(self, pool => {
            sqlx::query_as(concat!(
                "SELECT ",
                delivery_columns!(),
                " FROM mail_outbox o WHERE o.id = (SELECT max(m.id) FROM mail_outbox m \
                 JOIN reset_link l ON l.id = m.reset_link_id JOIN account a ON a.id = l.account_id \
                 WHERE lower(a.email) = lower($1) AND m.state <> 'dropped')",
            ))
            .bind(email)
            .fetch_optional(pool)
            .await?
        });
        Ok(facts.unwrap_or_default())
    }

    pub(crate) async fn account_email(&self, account_id: i32) -> Result<Option<String>> {
        Ok(on_pool!(self, pool => {
            sqlx::query_scalar("SELECT email FROM account WHERE id = $1").bind(account_id).fetch_optional(pool).await?
        }))
    }
}
