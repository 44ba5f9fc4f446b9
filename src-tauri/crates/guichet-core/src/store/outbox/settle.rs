//! Recording what became of a claimed message: its state, its reply, its kept bytes erased once
//! it has left, unless its claim was taken back meanwhile.

use chrono::{DateTime, Utc};

use super::{Attempt, MailOutcome};
use crate::error::Result;
use crate::store::{Backend, Store, on_pool};

/// A claimed message's outcome, unless its claim was taken back meanwhile.
/// The relay's answer (`$8`…`$13`) is kept whatever the outcome: it is what the ledger shows.
pub(super) const UPDATE_OUTCOME: &str = "UPDATE mail_outbox SET state = $3, last_reply = $4, next_attempt_at = $5, \
     sent_at = $6, attempts = attempts - $7, \
     claimed_by = CASE WHEN $3 = 'waiting' THEN NULL ELSE claimed_by END, \
     return_path = COALESCE($8, return_path), relay_code = $9, relay_enhanced = $10, \
     relay_text = $11, relay_queue_id = $12, relay_at = $13 \
     WHERE id = $1 AND state = 'sending' AND claimed_by = $2";

/// Records, in transaction `$tx`, the attempt at message `$id` claimed by `$sender`; the kept
/// message is erased once it has left (or never will). A sender whose claim was taken back
/// meanwhile (taken for dead) records nothing.
macro_rules! record_outcome {
    ($tx:expr, $postgres:expr, $sender:expr, $id:expr, $attempt:expr, $now:expr) => {{
        let attempt: &Attempt = $attempt;
        let outcome: &MailOutcome = &attempt.outcome;
        let relay = attempt
            .reply
            .as_deref()
            .and_then(crate::mail::bounce::read_reply);
        let relay_at = relay.as_ref().map(|_| $now);
        let (state, reply, next, done) = outcome.columns($now);
        let sent_at = (state == "sent").then_some($now);
        // A deferred attempt gives back the attempt its claim counted.
        let uncounted = i32::from(matches!(outcome, MailOutcome::Deferred { .. }));
        // PostgreSQL erases the kept message in the same statement; SQLite, after.
        let sql = if $postgres {
            format!(
                "WITH settled AS ({UPDATE_OUTCOME} RETURNING id) \
                 DELETE FROM mail_secret WHERE $14 AND outbox_id IN (SELECT id FROM settled)"
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
            .bind(uncounted)
            .bind(attempt.return_path.as_deref())
            .bind(relay.as_ref().map(|relay| i32::from(relay.code)))
            .bind(relay.as_ref().and_then(|relay| relay.enhanced.clone()))
            .bind(relay.as_ref().map(|relay| relay.text.clone()))
            .bind(relay.as_ref().and_then(|relay| relay.queue_id.clone()))
            .bind(relay_at);
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
        attempt: &Attempt,
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
            record_outcome!(tx, postgres, sender, outbox_id, attempt, now);
            tx.commit().await?;
        });
        Ok(())
    }
}
