//! The queries of `guichet-admin bench` and nothing else: what a benchmark reads to draw its
//! queries and its calls, and the baselines it times the app against (a naive `LIKE`, `pg_trgm`,
//! one `INSERT` per row, the database's own floor). None of them is the app's way of doing
//! things; each is written here so that all of the SQL stays in the store.

use std::time::{Duration, Instant};

use super::{Pool, Store, on_pool};
use crate::error::{Error, Result};
use crate::store::NewAccount;
use crate::text::slug;

/// A scratch table for the commit floor, dropped at the end.
const FLOOR_TABLE: &str = "bench_commit_floor";
/// The trigram index the `pg_trgm` baseline creates when it is absent.
const TRIGRAM_INDEX: &str = "establishment_search_name_trgm";

type EstablishmentRow = (String, String, String, String, String);

impl Store {
    /// How many establishments and addresses the database holds.
    pub(crate) async fn bench_sizes(&self) -> Result<(i64, i64)> {
        let establishments = "SELECT count(*) FROM establishment";
        let accounts = "SELECT count(*) FROM account";
        Ok(on_pool!(self, pool => (
            sqlx::query_scalar(establishments).fetch_one(pool).await?,
            sqlx::query_scalar(accounts).fetch_one(pool).await?,
        )))
    }

    /// Every establishment's UAI, name, town and postcode, in UAI order.
    pub(crate) async fn bench_establishment_rows(
        &self,
    ) -> Result<Vec<(String, String, String, String)>> {
        let sql = "SELECT uai, name, town, postcode FROM establishment ORDER BY uai";
        Ok(on_pool!(self, pool => sqlx::query_as(sql).fetch_all(pool).await?))
    }

    /// The smallest and the largest account id, `None` without accounts.
    pub(crate) async fn bench_account_id_bounds(&self) -> Result<Option<(i32, i32)>> {
        let sql = "SELECT min(id), max(id) FROM account";
        let (min, max): (Option<i32>, Option<i32>) =
            on_pool!(self, pool => sqlx::query_as(sql).fetch_one(pool).await?);
        Ok(min.zip(max))
    }

    /// For each id, the address of the first account from there (ids may have gaps), one query
    /// each; an id past the last account gives nothing.
    pub(crate) async fn bench_emails_from(&self, ids: &[i32]) -> Result<Vec<String>> {
        let sql = "SELECT email FROM account WHERE id >= $1 ORDER BY id LIMIT 1";
        let mut emails = Vec::with_capacity(ids.len());
        for &id in ids {
            let email: Option<String> = on_pool!(self, pool => {
                sqlx::query_scalar(sql).bind(id).fetch_optional(pool).await?
            });
            emails.extend(email);
        }
        Ok(emails)
    }

    /// The first `limit` addresses in id order.
    pub(crate) async fn bench_first_emails(&self, limit: i64) -> Result<Vec<String>> {
        let sql = "SELECT email FROM account ORDER BY id LIMIT $1";
        Ok(on_pool!(self, pool => {
            sqlx::query_scalar(sql).bind(limit).fetch_all(pool).await?
        }))
    }

    /// The UAIs of the establishments with a principal address, in order.
    pub(crate) async fn bench_establishments_with_principal(&self) -> Result<Vec<String>> {
        let sql =
            "SELECT uai FROM establishment WHERE principal_account_id IS NOT NULL ORDER BY uai";
        Ok(on_pool!(self, pool => sqlx::query_scalar(sql).fetch_all(pool).await?))
    }

    /// The naive search: `lower(column) LIKE '%query%'` over names and towns, then addresses,
    /// each up to `limit` rows. Returns how many rows it found, at most `limit`.
    pub(crate) async fn bench_like_search(&self, query: &str, limit: usize) -> Result<usize> {
        let pattern = format!("%{}%", query.trim().to_lowercase());
        let bound = i64::try_from(limit).unwrap_or(i64::MAX);
        let establishments = "SELECT uai, name, kind, postcode, town FROM establishment \
                              WHERE lower(name) LIKE $1 OR lower(town) LIKE $1 LIMIT $2";
        let addresses = "SELECT id, email FROM account WHERE lower(email) LIKE $1 LIMIT $2";
        let (found, addresses): (Vec<EstablishmentRow>, Vec<(i32, String)>) = on_pool!(self, pool => (
            sqlx::query_as(establishments)
                .bind(&pattern)
                .bind(bound)
                .fetch_all(pool)
                .await?,
            sqlx::query_as(addresses)
                .bind(&pattern)
                .bind(bound)
                .fetch_all(pool)
                .await?,
        ));
        Ok((found.len() + addresses.len()).min(limit))
    }

    /// `pg_trgm`: `search_name % query` on the folded names, best similarity first, up to
    /// `limit` rows (PostgreSQL only). Returns how many rows it found.
    pub(crate) async fn bench_trigram_similarity(
        &self,
        query: &str,
        limit: usize,
    ) -> Result<usize> {
        let sql = "SELECT uai, name, similarity(search_name, $1) AS score \
                   FROM establishment WHERE search_name % $1 \
                   ORDER BY score DESC, uai LIMIT $2";
        trigram_search(postgres_only(&self.pool)?, sql, query, limit).await
    }

    /// `pg_trgm`: `query <% search_name` on the folded names, best word similarity first, up
    /// to `limit` rows (PostgreSQL only). Returns how many rows it found.
    pub(crate) async fn bench_trigram_word_similarity(
        &self,
        query: &str,
        limit: usize,
    ) -> Result<usize> {
        let sql = "SELECT uai, name, word_similarity($1, search_name) AS score \
                   FROM establishment WHERE $1 <% search_name \
                   ORDER BY score DESC, uai LIMIT $2";
        trigram_search(postgres_only(&self.pool)?, sql, query, limit).await
    }

    /// Enables `pg_trgm` and creates the trigram index on the folded names when it is absent
    /// (PostgreSQL only); returns how long the index took to build, `None` when it was there.
    pub(crate) async fn bench_trigram_index(&self) -> Result<Option<Duration>> {
        let pool = postgres_only(&self.pool)?;
        sqlx::query("CREATE EXTENSION IF NOT EXISTS pg_trgm")
            .execute(pool)
            .await?;
        let exists: bool = sqlx::query_scalar("SELECT to_regclass($1) IS NOT NULL")
            .bind(TRIGRAM_INDEX)
            .fetch_one(pool)
            .await?;
        if exists {
            return Ok(None);
        }
        let started = Instant::now();
        sqlx::query(&format!(
            "CREATE INDEX {TRIGRAM_INDEX} ON establishment USING gin (search_name gin_trgm_ops)"
        ))
        .execute(pool)
        .await?;
        let built = started.elapsed();
        sqlx::query("ANALYZE establishment").execute(pool).await?;
        Ok(Some(built))
    }

    /// The least the database takes, `samples` times each: `SELECT 1`, and a one-row insert in
    /// its own transaction into a scratch table dropped at the end. Returns each round trip's
    /// and each commit's duration.
    pub(crate) async fn bench_floor(
        &self,
        samples: usize,
    ) -> Result<(Vec<Duration>, Vec<Duration>)> {
        let create = format!(
            "CREATE TABLE IF NOT EXISTS {FLOOR_TABLE} (id INTEGER PRIMARY KEY, at TEXT NOT NULL)"
        );
        let insert = format!("INSERT INTO {FLOOR_TABLE} (id, at) VALUES ($1, $2)");
        let drop = format!("DROP TABLE {FLOOR_TABLE}");
        let mut round_trips = Vec::with_capacity(samples);
        let mut commits = Vec::with_capacity(samples);
        on_pool!(self, pool => {
            sqlx::query(&create).execute(pool).await?;
            for n in 0..samples {
                let started = Instant::now();
                let _: i32 = sqlx::query_scalar("SELECT 1").fetch_one(pool).await?;
                round_trips.push(started.elapsed());

                let started = Instant::now();
                let mut tx = pool.begin().await?;
                sqlx::query(&insert)
                    .bind(i32::try_from(n).unwrap_or(i32::MAX))
                    .bind(chrono::Utc::now().to_rfc3339())
                    .execute(&mut *tx)
                    .await?;
                tx.commit().await?;
                commits.push(started.elapsed());
            }
            sqlx::query(&drop).execute(pool).await?;
        });
        Ok((round_trips, commits))
    }

    /// The naive way to fill a database: one `INSERT` per address (its email prefixed with
    /// `naif.`), in one transaction, into the real table with its indexes and triggers, then
    /// rolled back. Returns how long the inserts took.
    pub(crate) async fn bench_row_by_row(&self, accounts: &[NewAccount]) -> Result<Duration> {
        let insert = "INSERT INTO account (email, password, password_changed_at, created_at, \
                      updated_at) VALUES ($1, $2, $3, $4, $4)";
        Ok(on_pool!(self, pool => {
            let mut tx = pool.begin().await?;
            let started = Instant::now();
            for account in accounts {
                sqlx::query(insert)
                    .bind(format!("naif.{}", account.email))
                    .bind(&account.password)
                    .bind(account.password_changed_at)
                    .bind(account.created_at)
                    .execute(&mut *tx)
                    .await?;
            }
            let took = started.elapsed();
            tx.rollback().await?;
            took
        }))
    }
}

/// The PostgreSQL pool, for the baselines only PostgreSQL has.
fn postgres_only(pool: &Pool) -> Result<&sqlx::PgPool> {
    match pool {
        Pool::Postgres(pool) => Ok(pool),
        Pool::Sqlite(_) => Err(Error::Internal(
            "pg_trgm is a PostgreSQL extension: no trigram baseline on SQLite".into(),
        )),
    }
}

/// Runs one `pg_trgm` baseline query with `query` folded as `search_name` is; returns how many
/// rows it found.
async fn trigram_search(
    pool: &sqlx::PgPool,
    sql: &str,
    query: &str,
    limit: usize,
) -> Result<usize> {
    let rows: Vec<(String, String, f32)> = sqlx::query_as(sql)
        .bind(slug(query, ' '))
        .bind(i64::try_from(limit).unwrap_or(i64::MAX))
        .fetch_all(pool)
        .await?;
    Ok(rows.len())
}
