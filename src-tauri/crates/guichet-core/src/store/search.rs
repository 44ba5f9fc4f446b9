//! What the search index is built from, what it is kept current with (the change log), and the
//! rows a page of results shows.

use std::collections::HashMap;

use futures_util::TryStreamExt;

use super::establishments::{SUMMARY_COLUMNS, SummaryRow};
use super::{Pool, Store, on_pool};
use crate::error::Result;
use crate::model::establishment::{EstablishmentKind, EstablishmentSummary};
use crate::model::uai::Uai;
use crate::search::index::{IndexedAddress, IndexedEstablishment};
use crate::search::{AddressHit, AddressRows, SearchHit};

/// One row of `change_log`.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct ChangeRow {
    pub id: i64,
    pub entity: String,
    pub key: String,
}

#[derive(sqlx::FromRow)]
struct IndexRow {
    uai: String,
    name: String,
    town: String,
    postcode: String,
    academie: String,
    department: String,
    kind: String,
}

impl IndexRow {
    fn indexed(self) -> Option<IndexedEstablishment> {
        Some(IndexedEstablishment {
            uai: Uai::parse(&self.uai).ok()?,
            kind: EstablishmentKind::from_code(&self.kind).unwrap_or(EstablishmentKind::Autre),
            name: self.name,
            town: self.town,
            postcode: self.postcode,
            academie: self.academie,
            department: self.department,
        })
    }
}

const INDEX_COLUMNS: &str =
    "SELECT uai, name, town, postcode, academie, department, kind FROM establishment";

impl Store {
    /// The plain search: UAI exactly, name or town by prefix, addresses by prefix.
    pub async fn plain_search(&self, query: &str, limit: usize) -> Result<Vec<SearchHit>> {
        let query = query.trim();
        if query.is_empty() || limit == 0 {
            return Ok(Vec::new());
        }
        let limit = i64::try_from(limit).unwrap_or(i64::MAX);
        let establishments = self.search_establishments_plain(query, limit).await?;
        let addresses = self.search_addresses_plain(query, limit).await?;
        let establishments = establishments.into_iter().map(SearchHit::Establishment);
        let addresses = addresses
            .into_iter()
            .map(|(email, uais)| SearchHit::Address(AddressHit { email, uais }));
        // Whoever reads out an address wants the address first.
        let hits: Vec<SearchHit> = if query.contains('@') {
            addresses.chain(establishments).collect()
        } else {
            establishments.chain(addresses).collect()
        };
        Ok(hits.into_iter().take(limit as usize).collect())
    }

    /// Every establishment and address, to build the index from. The addresses are read as a
    /// stream into one buffer: a million rows, not a million strings.
    pub async fn index_rows(&self) -> Result<(Vec<IndexedEstablishment>, AddressRows)> {
        let mut addresses = AddressRows::default();
        let establishments: Vec<IndexRow> = on_pool!(self, pool => {
            let establishments = sqlx::query_as(INDEX_COLUMNS).fetch_all(pool).await?;
            let mut rows = sqlx::query_as::<_, (i32, String)>("SELECT id, email FROM account").fetch(pool);
            while let Some((account_id, email)) = rows.try_next().await? {
                addresses.push(account_id, &email);
            }
            establishments
        });
        Ok((
            establishments
                .into_iter()
                .filter_map(IndexRow::indexed)
                .collect(),
            addresses,
        ))
    }

    /// One establishment as the index needs it, `None` when it is gone.
    pub async fn index_establishment(&self, uai: &str) -> Result<Option<IndexedEstablishment>> {
        let row: Option<IndexRow> = on_pool!(self, pool => {
            sqlx::query_as(&format!("{INDEX_COLUMNS} WHERE uai = $1")).bind(uai).fetch_optional(pool).await?
        });
        Ok(row.and_then(IndexRow::indexed))
    }

    /// One address as the index needs it, `None` when it is gone.
    pub async fn index_address(&self, account_id: i32) -> Result<Option<IndexedAddress>> {
        let email: Option<String> = on_pool!(self, pool => {
            sqlx::query_scalar("SELECT email FROM account WHERE id = $1").bind(account_id).fetch_optional(pool).await?
        });
        Ok(email.map(|email| IndexedAddress { account_id, email }))
    }

    /// The newest change's id, where a freshly built index starts following the log.
    pub async fn last_change(&self) -> Result<i64> {
        let last: Option<i64> = on_pool!(self, pool => {
            sqlx::query_scalar("SELECT max(id) FROM change_log").fetch_one(pool).await?
        });
        Ok(last.unwrap_or(0))
    }

    /// The oldest change still in the log: a cursor before it has missed changes.
    pub async fn first_change(&self) -> Result<Option<i64>> {
        Ok(on_pool!(self, pool => {
            sqlx::query_scalar("SELECT min(id) FROM change_log").fetch_one(pool).await?
        }))
    }

    /// Changes after `cursor`, oldest first.
    pub async fn changes_after(&self, cursor: i64, limit: i64) -> Result<Vec<ChangeRow>> {
        Ok(on_pool!(self, pool => {
            sqlx::query_as("SELECT id, entity, key FROM change_log WHERE id > $1 ORDER BY id LIMIT $2")
                .bind(cursor)
                .bind(limit)
                .fetch_all(pool)
                .await?
        }))
    }

    /// Forgets changes older than `before`; every client reads them within a second. On
    /// PostgreSQL through the owner's function, since readers may delete nothing (it keeps the
    /// last minute whatever `before` says).
    pub async fn prune_changes(&self, before: chrono::DateTime<chrono::Utc>) -> Result<()> {
        match &self.pool {
            Pool::Sqlite(pool) => {
                sqlx::query("DELETE FROM change_log WHERE at < $1")
                    .bind(before)
                    .execute(pool)
                    .await?;
            }
            Pool::Postgres(pool) => {
                sqlx::query("SELECT guichet_prune_changes($1)")
                    .bind(before)
                    .execute(pool)
                    .await?;
            }
        }
        Ok(())
    }

    /// The summaries of these establishments, by UAI.
    pub async fn summaries(&self, uais: &[&Uai]) -> Result<HashMap<Uai, EstablishmentSummary>> {
        if uais.is_empty() {
            return Ok(HashMap::new());
        }
        let rows: Vec<SummaryRow> = on_pool!(self, pool => {
            let mut query = sqlx::QueryBuilder::new(format!("SELECT {SUMMARY_COLUMNS} FROM establishment WHERE uai IN ("));
            let mut list = query.separated(", ");
            for uai in uais {
                list.push_bind(uai.as_str());
            }
            query.push(")");
            query.build_query_as().fetch_all(pool).await?
        });
        Ok(rows
            .into_iter()
            .filter_map(|row| row.into_summary().ok())
            .map(|summary| (summary.uai.clone(), summary))
            .collect())
    }

    /// These addresses with the UAIs each is attached to, by account id.
    pub async fn addresses_with_uais(
        &self,
        account_ids: &[i32],
    ) -> Result<HashMap<i32, (String, Vec<Uai>)>> {
        if account_ids.is_empty() {
            return Ok(HashMap::new());
        }
        let rows: Vec<(i32, String, Option<String>)> = on_pool!(self, pool => {
            let mut query = sqlx::QueryBuilder::new(
                "SELECT a.id, a.email, ea.uai FROM account a \
                 LEFT JOIN establishment_account ea ON ea.account_id = a.id WHERE a.id IN (",
            );
            let mut list = query.separated(", ");
            for id in account_ids {
                list.push_bind(*id);
            }
            query.push(") ORDER BY a.id, ea.uai");
            query.build_query_as().fetch_all(pool).await?
        });
        let mut by_id: HashMap<i32, (String, Vec<Uai>)> = HashMap::new();
        for (id, email, uai) in rows {
            let entry = by_id.entry(id).or_insert_with(|| (email, Vec::new()));
            entry.1.extend(uai.and_then(|uai| Uai::parse(&uai).ok()));
        }
        Ok(by_id)
    }
}
