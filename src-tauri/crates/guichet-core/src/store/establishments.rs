//! Establishments, their attached addresses, and the plain (exact and prefix) search.

use chrono::{DateTime, NaiveDate, NaiveDateTime, Utc};
use chrono_tz::Tz;

use super::{Pool, Store, delivery_columns, on_pool};
use crate::error::{Error, Result};
use crate::model::establishment::{
    AnnuaireFacts, AttachedAddress, Establishment, EstablishmentIdentity, EstablishmentKind,
    EstablishmentSummary, InitStatus, Sector,
};
use crate::model::uai::Uai;
use crate::text::slug;

/// An address attached to an establishment by an import.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewAttachment {
    pub uai: Uai,
    pub account_id: i32,
    pub attached_at: DateTime<Utc>,
}

#[derive(sqlx::FromRow)]
struct EstablishmentRow {
    name: String,
    kind: String,
    sector: String,
    postcode: String,
    town: String,
    department: String,
    academie: String,
    principal_account_id: Option<i32>,
    closed_on: Option<NaiveDate>,
    closing_announced: i32,
    official_mail: Option<String>,
    successor_uai: Option<String>,
    version: i32,
}

/// An establishment as a result lists it: select [`SUMMARY_COLUMNS`].
#[derive(sqlx::FromRow)]
pub(super) struct SummaryRow {
    uai: String,
    name: String,
    kind: String,
    postcode: String,
    town: String,
    closed_on: Option<NaiveDate>,
}

pub(super) const SUMMARY_COLUMNS: &str = "uai, name, kind, postcode, town, closed_on";

#[derive(sqlx::FromRow)]
struct AddressRow {
    account_id: i32,
    email: String,
    initialised: bool,
    password_changed_at: Option<DateTime<Utc>>,
    attached_at: DateTime<Utc>,
    attached_by: Option<String>,
    latest_expiry: Option<NaiveDateTime>,
    /// The address's newest message (not one rightly never sent), and what became of it.
    #[sqlx(flatten)]
    last_message: crate::mail::delivery::DeliveryFacts,
}

/// Rebuilds domain values from rows; a row the constraints should have refused is a database error.
pub(super) fn uai(text: String) -> Result<Uai> {
    Uai::parse(&text).map_err(|reason| Error::InvalidUai {
        input: text,
        reason,
    })
}

fn kind(code: &str) -> EstablishmentKind {
    EstablishmentKind::from_code(code).unwrap_or(EstablishmentKind::Autre)
}

impl SummaryRow {
    pub(super) fn into_summary(self) -> Result<EstablishmentSummary> {
        Ok(EstablishmentSummary {
            uai: uai(self.uai)?,
            kind: kind(&self.kind),
            name: self.name,
            postcode: self.postcode,
            town: self.town,
            closed_on: self.closed_on,
        })
    }
}

impl AddressRow {
    fn status(&self, tz: Tz, now: DateTime<Utc>) -> InitStatus {
        InitStatus::of(
            self.initialised,
            self.password_changed_at,
            self.latest_expiry,
            tz,
            now,
        )
    }
}

impl Store {
    pub async fn count_establishments(&self) -> Result<i64> {
        Ok(on_pool!(self, pool => {
            sqlx::query_scalar("SELECT count(*) FROM establishment").fetch_one(pool).await?
        }))
    }

    /// An establishment's page, its addresses' states read as of `now` in the portal's time zone.
    pub async fn establishment(
        &self,
        uai: &Uai,
        tz: Tz,
        now: DateTime<Utc>,
    ) -> Result<Establishment> {
        let row: Option<EstablishmentRow> = on_pool!(self, pool => {
            sqlx::query_as(
                "SELECT name, kind, sector, postcode, town, department, academie,
                        principal_account_id, closed_on, closing_announced, official_mail,
                        successor_uai, version
                 FROM establishment WHERE uai = $1",
            )
            .bind(uai.as_str())
            .fetch_optional(pool)
            .await?
        });
        let row = row.ok_or_else(|| Error::EstablishmentNotFound(uai.clone()))?;
        let addresses: Vec<AddressRow> = on_pool!(self, pool => {
            sqlx::query_as(concat!(
                "SELECT a.id AS account_id, a.email, i.initialised,
                        a.password_changed_at, ea.attached_at, ag.display_name AS attached_by,
                        (SELECT max(r.expires_at) FROM reset_password_request r WHERE r.user_id = a.id)
                            AS latest_expiry, ",
                delivery_columns!(),
                " FROM establishment_account ea
                 JOIN account a ON a.id = ea.account_id
                 JOIN account_initialised i ON i.id = a.id
                 LEFT JOIN agent ag ON ag.id = ea.attached_by
                 LEFT JOIN mail_outbox o ON o.id = (SELECT max(m.id) FROM mail_outbox m
                     JOIN reset_link l ON l.id = m.reset_link_id
                     WHERE l.account_id = a.id AND m.state <> 'dropped')
                 WHERE ea.uai = $1
                 ORDER BY lower(a.email)",
            ))
            .bind(uai.as_str())
            .fetch_all(pool)
            .await?
        });
        let principal = row.principal_account_id;
        let identity = EstablishmentIdentity {
            uai: uai.clone(),
            name: row.name,
            kind: kind(&row.kind),
            sector: Sector::from_code(&row.sector).unwrap_or(Sector::Public),
            postcode: row.postcode,
            town: row.town,
            department: row.department,
            academie: row.academie,
        };
        let successor = match row.closed_on {
            Some(_) => self.successor(&identity, row.successor_uai).await?,
            None => None,
        };
        let annuaire = AnnuaireFacts {
            closed_on: row.closed_on,
            closing_announced: row.closing_announced != 0,
            official_mail: row.official_mail,
            successor,
        };
        let addresses: Vec<AttachedAddress> = addresses
            .into_iter()
            .map(|a| AttachedAddress {
                undelivered: a.last_message.undelivered(),
                status: a.status(tz, now),
                principal: Some(a.account_id) == principal,
                account_id: a.account_id,
                email: a.email,
                attached_at: a.attached_at,
                attached_by: a.attached_by,
            })
            .collect();
        Ok(Establishment {
            identity,
            principal_email: addresses
                .iter()
                .find(|a| a.principal)
                .map(|a| a.email.clone()),
            addresses,
            annuaire,
            version: row.version,
        })
    }

    /// Establishments whose UAI is `query` or whose name or town starts with it, compared as
    /// folded text (no case, accents or punctuation) so that both backends agree.
    pub async fn search_establishments_plain(
        &self,
        query: &str,
        limit: i64,
    ) -> Result<Vec<EstablishmentSummary>> {
        let uai = query.trim().to_uppercase();
        let prefix = search_key(query);
        if prefix.is_empty() {
            return Ok(Vec::new());
        }
        // The key holds only letters, digits and spaces: no LIKE wildcard to escape.
        let rows: Vec<SummaryRow> = match &self.pool {
            Pool::Postgres(pool) => {
                sqlx::query_as(
                    "SELECT uai, name, kind, postcode, town, closed_on FROM establishment
                     WHERE uai = $1 OR search_name LIKE $2 OR search_town LIKE $2
                     ORDER BY uai <> $1, search_name, uai LIMIT $3",
                )
                .bind(&uai)
                .bind(format!("{prefix}%"))
                .bind(limit)
                .fetch_all(pool)
                .await?
            }
            Pool::Sqlite(pool) => {
                sqlx::query_as(
                    "SELECT uai, name, kind, postcode, town, closed_on FROM establishment
                     WHERE uai = $1 OR (search_name >= $2 AND search_name < $3)
                         OR (search_town >= $2 AND search_town < $3)
                     ORDER BY uai <> $1, search_name, uai LIMIT $4",
                )
                .bind(&uai)
                .bind(&prefix)
                .bind(prefix_upper_bound(&prefix))
                .bind(limit)
                .fetch_all(pool)
                .await?
            }
        };
        rows.into_iter().map(SummaryRow::into_summary).collect()
    }

    /// Addresses starting with `prefix` (ignoring case), each with the UAIs it is attached to.
    pub async fn search_addresses_plain(
        &self,
        prefix: &str,
        limit: i64,
    ) -> Result<Vec<(String, Vec<Uai>)>> {
        let prefix = prefix.trim().to_lowercase();
        if prefix.is_empty() {
            return Ok(Vec::new());
        }
        // Each backend reaches its index on lower(email) its own way: PostgreSQL through LIKE on
        // a text_pattern_ops index, SQLite through a range on the expression index.
        let rows: Vec<(i32, String)> =
            match &self.pool {
                Pool::Postgres(pool) => {
                    sqlx::query_as(
                        "SELECT id, email FROM account WHERE lower(email) LIKE $1 ESCAPE '\\'
                     ORDER BY lower(email) LIMIT $2",
                    )
                    .bind(format!("{}%", escape_like(&prefix)))
                    .bind(limit)
                    .fetch_all(pool)
                    .await?
                }
                Pool::Sqlite(pool) => sqlx::query_as(
                    "SELECT id, email FROM account WHERE lower(email) >= $1 AND lower(email) < $2
                     ORDER BY lower(email) LIMIT $3",
                )
                .bind(&prefix)
                .bind(prefix_upper_bound(&prefix))
                .bind(limit)
                .fetch_all(pool)
                .await?,
            };
        // The attachments of every address found, in one query rather than one per address.
        let ids: Vec<i32> = rows.iter().map(|(id, _)| *id).collect();
        let mut attached = self.addresses_with_uais(&ids).await?;
        Ok(rows
            .into_iter()
            .map(|(id, email)| {
                let uais = attached
                    .remove(&id)
                    .map(|(_, uais)| uais)
                    .unwrap_or_default();
                (email, uais)
            })
            .collect())
    }
}

/// The folded form names and towns are stored and compared in: "Lycée Louis-le-Grand" →
/// "lycee louis le grand".
pub(crate) fn search_key(text: &str) -> String {
    slug(text, ' ')
}

/// Escapes LIKE's wildcards so that a caller's `_` or `%` is taken literally.
pub(crate) fn escape_like(text: &str) -> String {
    text.replace('\\', "\\\\")
        .replace('%', "\\%")
        .replace('_', "\\_")
}

/// The smallest string above every string starting with `prefix`, in byte order.
fn prefix_upper_bound(prefix: &str) -> String {
    let mut chars: Vec<char> = prefix.chars().collect();
    while let Some(last) = chars.pop() {
        if let Some(next) = char::from_u32(last as u32 + 1) {
            chars.push(next);
            return chars.into_iter().collect();
        }
    }
    char::MAX.to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn like_wildcards_are_literal() {
        assert_eq!(escape_like("ce_0750654d%"), "ce\\_0750654d\\%");
    }

    #[test]
    fn upper_bound_is_just_above_the_prefix() {
        assert_eq!(prefix_upper_bound("ce.075"), "ce.076");
        assert!("ce.0750654d@ac-paris.fr" < prefix_upper_bound("ce.075").as_str());
        assert!("ce.076" >= prefix_upper_bound("ce.075").as_str());
    }
}
