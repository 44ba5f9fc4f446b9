//! The sending settings' rows (`sending_setting`): one per value a supervisor changed.

use chrono::{DateTime, Utc};

use super::audit::append_audit;
use super::{Store, on_pool};
use crate::audit::NewAuditEvent;
use crate::error::Result;
use crate::mail::sending::{SendingName, SendingValues};

impl Store {
    /// The values stored, each `None` where the default applies.
    pub async fn sending_values(&self) -> Result<SendingValues> {
        let rows: Vec<(String, String)> = on_pool!(self, pool => {
            sqlx::query_as("SELECT name, value FROM sending_setting")
                .fetch_all(pool)
                .await?
        });
        let mut values = SendingValues::default();
        for (name, value) in rows {
            if let Ok(name) = SendingName::parse(&name) {
                values.set(name, Some(value));
            }
        }
        Ok(values)
    }

    /// Stores checked values (`None` removes a row: back to the default) with the journal
    /// entry, in one transaction.
    pub(crate) async fn set_sending_values(
        &self,
        values: &[(SendingName, Option<String>)],
        agent_id: Option<i32>,
        now: DateTime<Utc>,
        event: &NewAuditEvent,
    ) -> Result<()> {
        on_pool!(self, pool => {
            let mut tx = pool.begin_with(self.begin_write()).await?;
            for (name, value) in values {
                match value {
                    Some(value) => sqlx::query(
                        "INSERT INTO sending_setting (name, value) VALUES ($1, $2) \
                         ON CONFLICT (name) DO UPDATE SET value = excluded.value",
                    )
                    .bind(name.name())
                    .bind(value)
                    .execute(&mut *tx)
                    .await?,
                    None => sqlx::query("DELETE FROM sending_setting WHERE name = $1")
                        .bind(name.name())
                        .execute(&mut *tx)
                        .await?,
                };
            }
            append_audit!(tx, agent_id, now, *event);
            tx.commit().await?;
        });
        Ok(())
    }
}
