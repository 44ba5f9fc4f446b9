//! The diagnosis as agents run it: against the live address book, with the establishment a
//! `ce.<UAI>` address names and the attachments of every candidate read from the store.

use super::{AttachedTo, Attachment, Diagnosis, EstablishmentRef, functional_uai};
use crate::agents::{Permission, Session};
use crate::error::Result;
use crate::guichet::Guichet;
use crate::model::uai::Uai;

impl Guichet {
    /// Why an address the caller gives is not recognised, and what to do about it.
    pub async fn diagnose(&self, session: &Session, input: &str) -> Result<Diagnosis> {
        self.require(session, Permission::Read).await?;
        self.diagnose_unchecked(input).await
    }

    /// The diagnosis itself, for callers that hold the database already (the CLI).
    pub async fn diagnose_unchecked(&self, input: &str) -> Result<Diagnosis> {
        let named = match functional_uai(input) {
            Some(uai) => self.store().establishment_ref(&uai).await?,
            None => None,
        };
        let lookup = |uai: &Uai| named.as_ref().filter(|e| &e.uai == uai).cloned();
        let draft = match self.live().diagnose(input, lookup) {
            Some(draft) => draft,
            None => {
                self.build_search_index().await?;
                self.live()
                    .diagnose(input, lookup)
                    .ok_or_else(|| crate::Error::Internal("address book missing".into()))?
            }
        };
        let attachments = self.store().attachments_of(&draft.account_ids()).await?;
        Ok(draft.finish(attachments))
    }
}

impl crate::store::Store {
    async fn establishment_ref(&self, uai: &Uai) -> Result<Option<EstablishmentRef>> {
        let row: Option<(String, String)> = crate::store::on_pool!(self, pool => {
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

    async fn attachments_of(&self, account_ids: &[i32]) -> Result<Vec<Attachment>> {
        if account_ids.is_empty() {
            return Ok(Vec::new());
        }
        let rows: Vec<(i32, String, String, bool)> = crate::store::on_pool!(self, pool => {
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
}
