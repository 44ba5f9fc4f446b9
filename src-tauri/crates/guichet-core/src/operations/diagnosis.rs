//! The diagnosis as agents run it: against the live address book, with the establishment a
//! `ce.<UAI>` address names, the attachments of every candidate and the establishments whose
//! official address it is read from the store.

use super::Guichet;
use crate::agents::{Permission, Session};
use crate::diagnosis::{Diagnosis, functional_uai};
use crate::error::Result;
use crate::model::uai::Uai;

impl Guichet {
    /// Why an address the caller gives is not recognised, and what to do about it.
    pub async fn diagnose(&self, session: &Session, input: &str) -> Result<Diagnosis> {
        self.require(session, Permission::Read).await?;
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
                    .ok_or_else(|| crate::error::Error::Internal("address book missing".into()))?
            }
        };
        let attachments = self.store().attachments_of(&draft.account_ids()).await?;
        let mut diagnosis = draft.finish(attachments);
        if let Some(email) = diagnosis.normalised.clone() {
            let official = self.store().official_of(&email).await?;
            diagnosis = diagnosis.with_official(official);
        }
        if let Some(email) = &diagnosis.normalised {
            diagnosis.undelivered = self.store().last_message_of(email).await?.undelivered();
        }
        Ok(diagnosis)
    }
}
