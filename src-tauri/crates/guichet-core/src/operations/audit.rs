//! The journal for supervisors: read, filtered, exported for French Excel.

use chrono::Utc;

use super::Guichet;
use crate::audit::*;

impl Guichet {
    /// The journal, filtered (supervisors only).
    pub async fn audit_entries(
        &self,
        session: &crate::agents::Session,
        filter: &AuditFilter,
    ) -> crate::error::Result<Vec<AuditEntry>> {
        self.require(session, crate::agents::Permission::ReadJournal)
            .await?;
        self.store().audit_entries(filter).await
    }

    /// The journal as CSV for French Excel (supervisors only); the export itself is journaled.
    pub async fn export_audit_csv(
        &self,
        session: &crate::agents::Session,
        filter: &AuditFilter,
    ) -> crate::error::Result<String> {
        let session = self
            .require(session, crate::agents::Permission::ReadJournal)
            .await?;
        let entries = self.store().audit_entries(filter).await?;
        let event = NewAuditEvent::new(AuditAction::JournalExported)
            .after(serde_json::json!({ "lignes": entries.len() }));
        self.store()
            .append_audit(Some(session.agent().id), Utc::now(), &event)
            .await?;
        Ok(to_csv(&entries))
    }

    /// Writes the CSV export in the agent's downloads folder; returns the file's path.
    pub async fn export_audit_file(
        &self,
        session: &crate::agents::Session,
        filter: &AuditFilter,
    ) -> crate::error::Result<std::path::PathBuf> {
        let csv = self.export_audit_csv(session, filter).await?;
        self.write_export("journal-guichet", csv).await
    }

    /// Writes an export in the agent's downloads folder as `PREFIX-date-time.csv`, Paris time;
    /// returns the file's path.
    pub(super) async fn write_export(
        &self,
        prefix: &str,
        csv: String,
    ) -> crate::error::Result<std::path::PathBuf> {
        let dir = self.settings().export_dir();
        let name = Utc::now()
            .with_timezone(&chrono_tz::Europe::Paris)
            .format("-%Y%m%d-%H%M%S.csv");
        let path = dir.join(format!("{prefix}{name}"));
        let io = |source| crate::error::Error::Io {
            path: path.clone(),
            source,
        };
        tokio::fs::create_dir_all(&dir).await.map_err(io)?;
        tokio::fs::write(&path, csv).await.map_err(io)?;
        Ok(path)
    }
}
