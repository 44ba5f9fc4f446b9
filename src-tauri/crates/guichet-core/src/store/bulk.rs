//! Loading many rows at once (demo data, imports), in one transaction and in multi-row inserts.

use chrono::{DateTime, NaiveDateTime, Utc};

use super::establishments::search_key;
use super::{Backend, NewAttachment, Pool, Store, on_pool};
use crate::error::Result;
use crate::model::establishment::EstablishmentIdentity;
use crate::model::uai::Uai;

/// An account to insert with its id, so that attachments and requests can refer to it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewAccount {
    pub id: i32,
    pub email: String,
    pub password: Option<String>,
    pub password_changed_at: Option<DateTime<Utc>>,
    pub created_at: DateTime<Utc>,
}

/// A `reset_password_request` row, times already in the portal's naive local form.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewResetRequest {
    pub user_id: i32,
    pub selector: String,
    pub hashed_token: String,
    pub requested_at: NaiveDateTime,
    pub expires_at: NaiveDateTime,
}

/// Everything a load inserts; the whole batch is one transaction.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Batch {
    pub establishments: Vec<EstablishmentIdentity>,
    pub accounts: Vec<NewAccount>,
    pub attachments: Vec<NewAttachment>,
    /// Principal addresses, each one of the establishment's attachments.
    pub principals: Vec<(Uai, i32)>,
    pub reset_requests: Vec<NewResetRequest>,
    /// The seed, when the batch is demo data: the database then knows it is a demonstration
    /// one, which never mails the outside world.
    pub demo_seed: Option<u64>,
}

/// Binds per statement, under SQLite's limit (32,766) and PostgreSQL's (65,535).
const MAX_BINDS: usize = 30_000;

/// Inserts `rows` in multi-row statements of at most `MAX_BINDS` binds.
macro_rules! insert_chunks {
    ($tx:expr, $head:literal, $rows:expr, $columns:literal, |$b:ident, $row:ident| $push:block) => {
        for chunk in $rows.chunks(MAX_BINDS / $columns) {
            let mut query = sqlx::QueryBuilder::new($head);
            query.push_values(chunk, |mut $b, $row| $push);
            query.build().execute(&mut *$tx).await?;
        }
    };
}

impl Store {
    /// Whether the demo generator filled this database.
    pub async fn is_demo(&self) -> Result<bool> {
        Ok(on_pool!(self, pool => {
            sqlx::query_scalar("SELECT count(*) > 0 FROM demo_database").fetch_one(pool).await?
        }))
    }

    /// Inserts a whole batch in one transaction: all of it, or nothing.
    pub async fn insert_batch(&self, batch: &Batch, now: DateTime<Utc>) -> Result<()> {
        let principal_of: std::collections::HashMap<&Uai, i32> = batch
            .principals
            .iter()
            .map(|(uai, id)| (uai, *id))
            .collect();
        on_pool!(self, pool => {
            let mut tx = pool.begin_with(self.begin_write()).await?;
            insert_chunks!(tx,
                "INSERT INTO establishment (uai, name, kind, sector, postcode, town, search_name, search_town, \
                 department, academie, principal_account_id, created_at, updated_at) ",
                batch.establishments, 13, |b, e| {
                    b.push_bind(e.uai.as_str()).push_bind(&e.name).push_bind(e.kind.code())
                        .push_bind(e.sector.code()).push_bind(&e.postcode).push_bind(&e.town)
                        .push_bind(search_key(&e.name)).push_bind(search_key(&e.town))
                        .push_bind(&e.department).push_bind(&e.academie)
                        .push_bind(principal_of.get(&e.uai).copied()).push_bind(now).push_bind(now);
                });
            insert_chunks!(tx,
                "INSERT INTO account (id, email, password, password_changed_at, created_at, updated_at) ",
                batch.accounts, 6, |b, a| {
                    b.push_bind(a.id).push_bind(&a.email).push_bind(&a.password)
                        .push_bind(a.password_changed_at).push_bind(a.created_at)
                        .push_bind(a.password_changed_at.unwrap_or(a.created_at));
                });
            insert_chunks!(tx,
                "INSERT INTO establishment_account (uai, account_id, attached_at) ",
                batch.attachments, 3, |b, a| {
                    b.push_bind(a.uai.as_str()).push_bind(a.account_id).push_bind(a.attached_at);
                });
            insert_chunks!(tx,
                "INSERT INTO reset_password_request (user_id, selector, hashed_token, requested_at, expires_at) ",
                batch.reset_requests, 5, |b, r| {
                    b.push_bind(r.user_id).push_bind(&r.selector).push_bind(&r.hashed_token)
                        .push_bind(r.requested_at).push_bind(r.expires_at);
                });
            if let Some(seed) = batch.demo_seed {
                sqlx::query("INSERT INTO demo_database (seed, filled_at) VALUES ($1, $2)")
                    // The seed's bits, as the signed integer both backends store.
                    .bind(seed as i64)
                    .bind(now)
                    .execute(&mut *tx)
                    .await?;
            }
            if self.backend() == Backend::Postgres {
                // Ids were given explicitly: move the identity past them for the next insert.
                sqlx::query(
                    "SELECT setval(pg_get_serial_sequence('account', 'id'), coalesce(max(id), 0) + 1, false) \
                     FROM account",
                )
                .execute(&mut *tx)
                .await?;
            }
            tx.commit().await?;
        });
        // A million rows loaded at once leave PostgreSQL's planner without statistics until
        // autovacuum gets to them: it then seq-scans establishment_account (150 ms) where an
        // index lookup takes 1 ms. SQLite's planner favours indexes without statistics.
        if let Pool::Postgres(pool) = &self.pool {
            sqlx::query("ANALYZE").execute(pool).await?;
        }
        Ok(())
    }
}
