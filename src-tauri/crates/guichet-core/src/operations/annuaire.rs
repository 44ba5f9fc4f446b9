//! The Annuaire de l'éducation, for supervisors: the dry run of a file (what it would add,
//! change, close and reopen; nothing written), and its import in one transaction.

use std::io::Read;

use chrono::Utc;
use serde::Serialize;

use super::Guichet;
use crate::agents::{Permission, Session};
use crate::annuaire::{AnnuaireDiff, AnnuaireReader, Column, DiffBuilder, to_csv};
use crate::error::{Error, Result};
use crate::store::ImportCounts;

/// What an applied import wrote: nothing (`id` is `None`) when the file changes nothing.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct AnnuaireImported {
    pub id: Option<i64>,
    pub counts: ImportCounts,
}

impl Guichet {
    /// The difference between an Annuaire file, read row by row, and the database.
    pub async fn annuaire_dry_run<R: Read + Send>(
        &self,
        session: &Session,
        input: R,
    ) -> Result<AnnuaireDiff> {
        self.require(session, Permission::ImportAnnuaire).await?;
        self.annuaire_diff(input).await
    }

    /// The dry run written as CSV in the agent's exports folder, every difference and every
    /// row left aside; returns the file's path.
    pub async fn export_annuaire_dry_run<R: Read + Send>(
        &self,
        session: &Session,
        input: R,
    ) -> Result<std::path::PathBuf> {
        let diff = self.annuaire_dry_run(session, input).await?;
        self.write_export("annuaire-simulation-guichet", to_csv(&diff))
            .await
    }

    /// Applies an Annuaire file: its difference written in one transaction, journaled as one
    /// import with its counts and each change. Rows left aside refuse it unless
    /// `skip_rejected`, once the agent has seen them.
    pub async fn import_annuaire<R: Read + Send>(
        &self,
        session: &Session,
        input: R,
        file_name: &str,
        skip_rejected: bool,
    ) -> Result<(AnnuaireDiff, AnnuaireImported)> {
        let session = self.require(session, Permission::ImportAnnuaire).await?;
        let diff = self.annuaire_diff(input).await?;
        if let Some(first) = diff.rejected.first()
            && !skip_rejected
        {
            return Err(Error::AnnuaireRejected {
                count: diff.rejected.len(),
                line: first.line,
                column: first.column.clone(),
                reason: first.reason.clone(),
            });
        }
        let counts = ImportCounts::of(&diff);
        let id = if diff.is_empty() {
            None
        } else {
            let id = self
                .store()
                .apply_annuaire(&diff, file_name, Some(session.agent().id), Utc::now())
                .await?;
            Some(id)
        };
        Ok((diff, AnnuaireImported { id, counts }))
    }

    async fn annuaire_diff<R: Read + Send>(&self, input: R) -> Result<AnnuaireDiff> {
        let mut reader = AnnuaireReader::new(input)?;
        let known = self.store().annuaire_known().await?;
        let today = Utc::now()
            .with_timezone(&chrono_tz::Europe::Paris)
            .date_naive();
        let mut builder = DiffBuilder::new(known, reader.has_mail(), today);
        let uai_column = reader.column_name(Column::Uai);
        while let Some(row) = reader.next_row()? {
            match row {
                Ok(row) => builder.add(row, &uai_column),
                Err(rejection) => builder.reject(rejection),
            }
        }
        let diff = builder.finish();
        if diff.rows == 0 {
            return Err(Error::AnnuaireEmpty);
        }
        Ok(diff)
    }
}
