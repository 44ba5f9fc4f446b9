//! Recording what became of a claimed message: its state, its reply, its kept bytes erased once
//! it has left, unless its claim was taken back meanwhile.

use chrono::{DateTime, Utc};

use super::MailOutcome;
use crate::error::Result;
use crate::store::{Backend, Store, on_pool};

/// A claimed message's outcome, unless its claim was taken back meanwhile.
pub(super) const UPDATE_OUTCOME: &str = "UPDATE mail_outbox SET state = $3, last_reply = $4, next_attempt_at = $5, \
     sent_at = $6, attempts = attempts - $7, \
     claimed_by = CASE WHEN $3 = 'waiting' THEN NULL ELSE claimed_by END \
     WHERE id = $1 AND state = 'sending' AND claimed_by = $2";

/// Records, in transaction `$tx`, the outcome of message `$id` claimed by `$sender`; the kept
/// message is erased once it has left (or never will). A sender whose claim was taken back
/// meanwhile (taken for dead) records nothing.
macro_rules! record_outcome {
    ($tx:expr, $postgres:expr, $sender:expr, $id:expr, $outcome:expr, $now:expr) => {{
        let outcome: &MailOutcome = $outcome;
        let (state, reply, next, done) = outcome.columns($now);
        let sent_at = (state == "sent").then_some($now);
        // A deferred attempt gives back the attempt its claim counted.
        let uncounted = i32::from(matches!(outcome, MailOutcome::Deferred { .. }));
        // PostgreSQL erases the kept message in the same statement; SQLite, after.
        let sql = if $postgres {
            format!(
                "WITH settled AS ({UPDATE_OUTCOME} RETURNING id) \
                 DELETE FROM mail_secret WHERE $8 AND outbox_id IN (SELECT id FROM settled)"
            )
        } else {
            UPDATE_OUTCOME.to_string()
        };
        let query = sqlx::query(&sql)
            .bind($id)
            .bind($sender)
            .bind(state)
            .bind(reply)
            .bind(next)
            .bind(sent_at)
            .bind(uncounted);
        if $postgres {
            query.bind(done).execute(&mut *$tx).await?;
        } else {
            let settled = query.execute(&mut *$tx).await?.rows_affected();
            if settled == 1 && done {
                sqlx::query("DELETE FROM mail_secret WHERE outbox_id = $1")
                    .bind($id)
                    .execute(&mut *$tx)
                    .await?;
            }
        }
    }};
}
pub(super) use record_outcome;

impl Store {
    /// Records what became of a message `sender` claimed, in a transaction of its own (the last
    /// message of a pass: the others' outcomes ride in the next claim). On PostgreSQL the
    /// commit does not wait for the disk: a lost outcome costs one repeat.
    pub(crate) async fn settle_mail(
        &self,
        sender: i64,
        outbox_id: i32,
        outcome: &MailOutcome,
        now: DateTime<Utc>,
    ) -> Result<()> {
        let postgres = self.backend() == Backend::Postgres;
        let begin = if postgres {
            "BEGIN; SET LOCAL synchronous_commit TO OFF"
        } else {
            self.begin_write()
        };
        on_pool!(self, pool => {
            let mut tx = pool.begin_with(begin).await?;
            record_outcome!(tx, postgres, sender, outbox_id, outcome, now);
            tx.commit().await?;
        });
        Ok(())
    }
}
