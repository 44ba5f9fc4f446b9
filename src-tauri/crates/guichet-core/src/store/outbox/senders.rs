//! The senders' registry (`mail_sender`): a sender registers, beats, says why the links do not
//! leave, and leaves; what dead senders had claimed goes back to the queue; and what the windows
//! and a pass read of the senders and the queue.

use chrono::{DateTime, Utc};

use super::claim::due;
use crate::error::Result;
use crate::store::{Store, on_pool};

/// What every window shows of the senders.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub(crate) struct SenderBeat {
    pub heartbeat_at: DateTime<Utc>,
    pub problem: Option<String>,
    pub problem_since: Option<DateTime<Utc>>,
}

const INTERRUPTED: &str = "Envoi interrompu (le service d’envoi s’est arrêté)\u{a0}: le message \
     repart à l’identique.";

impl Store {
    /// Registers a running sender; its id marks the messages it claims.
    pub(crate) async fn register_sender(
        &self,
        host: &str,
        pid: u32,
        login: &str,
        now: DateTime<Utc>,
    ) -> Result<i64> {
        Ok(on_pool!(self, pool => {
            sqlx::query_scalar(
                "INSERT INTO mail_sender (host, pid, login, started_at, heartbeat_at) \
                 VALUES ($1, $2, $3, $4, $4) RETURNING id",
            )
            .bind(host)
            .bind(i64::from(pid))
            .bind(login)
            .bind(now)
            .fetch_one(pool)
            .await?
        }))
    }

    /// Says the sender is alive; `false` if its row is gone (another sender took it for dead).
    pub(crate) async fn sender_heartbeat(&self, sender: i64, now: DateTime<Utc>) -> Result<bool> {
        let updated = on_pool!(self, pool => {
            sqlx::query("UPDATE mail_sender SET heartbeat_at = $2 WHERE id = $1")
                .bind(sender)
                .bind(now)
                .execute(pool)
                .await?
                .rows_affected()
        });
        Ok(updated == 1)
    }

    /// Records why the links do not leave (in French), or that they do again (`None`); the
    /// time it started is kept while the problem stays the same.
    pub(crate) async fn sender_problem(
        &self,
        sender: i64,
        problem: Option<&str>,
        now: DateTime<Utc>,
    ) -> Result<()> {
        on_pool!(self, pool => {
            sqlx::query(
                "UPDATE mail_sender SET problem = $2, \
                 problem_since = CASE WHEN $2 IS NULL THEN NULL \
                     WHEN problem = $2 THEN problem_since ELSE $3 END \
                 WHERE id = $1",
            )
            .bind(sender)
            .bind(problem)
            .bind(now)
            .execute(pool)
            .await?;
        });
        Ok(())
    }

    /// A sender stopping: its row goes, and what it had claimed goes back to the queue.
    pub(crate) async fn unregister_sender(&self, sender: i64) -> Result<()> {
        on_pool!(self, pool => {
            let mut tx = pool.begin_with(self.begin_write()).await?;
            sqlx::query(
                "UPDATE mail_outbox SET state = 'waiting', claimed_by = NULL WHERE state = 'sending' AND claimed_by = $1",
            )
            .bind(sender)
            .execute(&mut *tx)
            .await?;
            sqlx::query("DELETE FROM mail_sender WHERE id = $1")
                .bind(sender)
                .execute(&mut *tx)
                .await?;
            tx.commit().await?;
        });
        Ok(())
    }

    /// Messages claimed by a sender that stopped beating before `alive_after` (killed, or cut
    /// off from the database) go back to the queue, to be sent again identically, and so do
    /// those `sender` itself left claimed (a pass that failed midway: between passes it has none
    /// in flight); rows of senders silent since `forget_before` are removed.
    pub(crate) async fn requeue_orphans(
        &self,
        sender: i64,
        alive_after: DateTime<Utc>,
        forget_before: DateTime<Utc>,
        now: DateTime<Utc>,
    ) -> Result<u64> {
        Ok(on_pool!(self, pool => {
            let mut tx = pool.begin_with(self.begin_write()).await?;
            let requeued = sqlx::query(
                "UPDATE mail_outbox SET state = 'waiting', claimed_by = NULL, last_reply = $2, next_attempt_at = $3 \
                 WHERE state = 'sending' AND (claimed_by IS NULL OR claimed_by = $4 OR claimed_by NOT IN \
                     (SELECT id FROM mail_sender WHERE heartbeat_at > $1))",
            )
            .bind(alive_after)
            .bind(INTERRUPTED)
            .bind(now)
            .bind(sender)
            .execute(&mut *tx)
            .await?
            .rows_affected();
            sqlx::query("DELETE FROM mail_sender WHERE heartbeat_at < $1")
                .bind(forget_before)
                .execute(&mut *tx)
                .await?;
            tx.commit().await?;
            requeued
        }))
    }

    /// The senders that beat after `alive_after`, the freshest first.
    pub(crate) async fn live_senders(&self, alive_after: DateTime<Utc>) -> Result<Vec<SenderBeat>> {
        Ok(on_pool!(self, pool => {
            sqlx::query_as(
                "SELECT heartbeat_at, problem, problem_since FROM mail_sender \
                 WHERE heartbeat_at > $1 ORDER BY heartbeat_at DESC",
            )
            .bind(alive_after)
            .fetch_all(pool)
            .await?
        }))
    }

    /// Whether a message is due now (a campaign's only in its slots).
    pub(crate) async fn mail_due(&self, now: DateTime<Utc>) -> Result<bool> {
        Ok(on_pool!(self, pool => {
            sqlx::query_scalar(concat!("SELECT EXISTS (SELECT 1 FROM mail_outbox WHERE ", due!(), ")"))
                .bind(now)
                .fetch_one(pool)
                .await?
        }))
    }

    /// When the next message of a running campaign may leave: its campaign's slot come, and
    /// the message's own time.
    pub(crate) async fn next_campaign_slot(&self) -> Result<Option<DateTime<Utc>>> {
        let campaigns: Vec<(DateTime<Utc>, DateTime<Utc>)> = on_pool!(self, pool => {
            sqlx::query_as(
                "SELECT c.next_send_at, min(o.next_attempt_at) FROM campaign c \
                 JOIN mail_outbox o ON o.campaign_id = c.id AND o.state = 'waiting' \
                 WHERE c.state = 'en-cours' GROUP BY c.id, c.next_send_at",
            )
            .fetch_all(pool)
            .await?
        });
        Ok(campaigns.into_iter().map(|(slot, due)| slot.max(due)).min())
    }

    /// When the oldest message still waiting was asked for, and when a sender last beat.
    pub(crate) async fn queue_age(&self) -> Result<(Option<DateTime<Utc>>, Option<DateTime<Utc>>)> {
        Ok(on_pool!(self, pool => {
            sqlx::query_as(
                "SELECT (SELECT min(created_at) FROM mail_outbox WHERE state IN ('waiting', 'sending')), \
                        (SELECT max(heartbeat_at) FROM mail_sender)",
            )
            .fetch_one(pool)
            .await?
        }))
    }
}
