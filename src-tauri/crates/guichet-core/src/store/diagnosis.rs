//! What the diagnosis reads besides its address book: the establishment a `ce.<UAI>` address
//! names, and where each candidate address is attached.

use super::{Store, on_pool};
use crate::diagnosis::{AttachedTo, Attachment, EstablishmentRef};
use crate::error::Result;
use crate::model::uai::Uai;

impl Store {
    pub(crate) async fn establishment_ref(&self, uai: &Uai) -> Result<Option<EstablishmentRef>> {
        let row: Option<(String, String)> = on_pool!(self, pool => {
            sqlx::query_as("SELECT name, academie FROM establishment WHERE uai = $1")
                .bind(uai.as_str())
                .fetch_optional(pool)
                .await?
        });
        Ok(row.map(|(name, academie)| EstablishmentRef {
            uai: uai.clone(),
            name,
            academie,
        }))
    }

    pub(crate) async fn attachments_of(&self, account_ids: &[i32]) -> Result<Vec<Attachment>> {
        if account_ids.is_empty() {
            return Ok(Vec::new());
        }
        let rows: Vec<(i32, String, String, bool)> = on_pool!(self, pool => {
            let mut query = sqlx::QueryBuilder::new(
                "SELECT ea.account_id, e.uai, e.name, e.principal_account_id IS NOT NULL \
                 AND e.principal_account_id = ea.account_id \
                 FROM establishment_account ea JOIN establishment e ON e.uai = ea.uai WHERE ea.account_id IN (",
            );
            let mut list = query.separated(", ");
            for id in account_ids {
                list.push_bind(*id);
            }
            query.push(") ORDER BY ea.account_id, e.uai");
            query.build_query_as().fetch_all(pool).await?
        });
        Ok(rows
            .into_iter()
            .filter_map(|(account_id, uai, name, principal)| {
                Some(Attachment {
                    account_id,
                    establishment: AttachedTo {
                        uai: Uai::parse(&uai).ok()?,
                        name,
                        principal,
                    },
                })
            })
            .collect())
    }

    /// The open establishments whose official address (the Annuaire's `Mail`) is `email`.
    pub(crate) async fn official_of(&self, email: &str) -> Result<Vec<EstablishmentRef>> {
        let rows: Vec<(String, String, String)> = on_pool!(self, pool => {
            sqlx::query_as(
                "SELECT uai, name, academie FROM establishment \
                 WHERE lower(official_mail) = lower($1) AND closed_on IS NULL ORDER BY uai",
            )
            .bind(email)
            .fetch_all(pool)
            .await?
        });
        Ok(rows
            .into_iter()
            .filter_map(|(uai, name, academie)| {
                Some(EstablishmentRef {
                    uai: Uai::parse(&uai).ok()?,
                    name,
                    academie,
                })
            })
            .collect())
    }
}
