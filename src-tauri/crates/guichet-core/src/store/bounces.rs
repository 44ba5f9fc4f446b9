//! Delivery reports on their messages: each report found by its envelope id, its return path or
//! the Message-ID it returns, recorded once (`mail_report`) with the message's newest verdict;
//! and the bounce mailbox's last reading (`bounce_mailbox`).

use chrono::{DateTime, Utc};

use super::{Backend, Store, on_pool};
use crate::error::Result;
use crate::mail::bounce::Verdict;
use crate::mail::bounce_reading::{BounceMailboxStatus, LeftReport, MatchedBy};

/// A report to find the message of, as the reading hands it over.
#[derive(Debug, Clone)]
pub(crate) struct ReportToMatch {
    /// The report's own Message-ID, or the SHA-256 of its bytes.
    pub report_key: String,
    pub envelope_id: Option<String>,
    /// `(outbox id, address)` for each VERP address the report was delivered to.
    pub return_paths: Vec<(i32, String)>,
    pub message_id: Option<String>,
    pub verdict: Verdict,
    pub status: Option<String>,
    pub diagnostic: Option<String>,
    pub remote_mta: Option<String>,
    pub reported_at: DateTime<Utc>,
}

/// A report recorded: its message, its address, how it was found, and whether it was new.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Recorded {
    pub outbox_id: i32,
    pub email: String,
    pub matched_by: MatchedBy,
    pub new: bool,
}

/// The Message-ID as the outbox keeps it, in angle brackets.
fn bracketed(id: &str) -> String {
    format!(
        "<{}>",
        id.trim().trim_start_matches('<').trim_end_matches('>')
    )
}

fn verdict_code(verdict: Verdict) -> &'static str {
    match verdict {
        Verdict::Bounced => "bounced",
        Verdict::Deferred => "deferred",
    }
}

const BY_MESSAGE_ID: &str = "SELECT id, recipient FROM mail_outbox WHERE message_id = $1";
/// A VERP return path names its message's id; the message must have carried that very address.
const BY_RETURN_PATH: &str =
    "SELECT id, recipient FROM mail_outbox WHERE id = $1 AND lower(return_path) = lower($2)";

/// The message's newest verdict: a bounce is final, a later delay notice does not undo it.
const UPDATE_VERDICT: &str = "UPDATE mail_outbox SET report_verdict = $2, report_status = $3, \
     report_text = $4, report_at = $5 WHERE id = $1 AND (report_verdict IS NULL \
     OR (report_verdict = 'deferred' AND $2 = 'bounced') OR (report_verdict = $2 AND report_at <= $5))";

impl Store {
    /// Finds each report's message and records the report on it, all in one transaction:
    /// `None` for a report that matches no message of this database.
    pub(crate) async fn record_reports(
        &self,
        reports: &[ReportToMatch],
        now: DateTime<Utc>,
    ) -> Result<Vec<Option<Recorded>>> {
        let postgres = self.backend() == Backend::Postgres;
        let begin = if postgres {
            "BEGIN"
        } else {
            self.begin_write()
        };
        on_pool!(self, pool => {
            let mut tx = pool.begin_with(begin).await?;
            let mut recorded = Vec::with_capacity(reports.len());
            for report in reports {
                // The ways the report names its message, in the order they are trusted: its
                // envelope id, a VERP return path (with the id it carries), the returned Message-ID.
                let ways = report
                    .envelope_id
                    .iter()
                    .map(|id| (MatchedBy::Envid, None, bracketed(id)))
                    .chain(report.return_paths.iter().map(|(id, address)| {
                        (MatchedBy::ReturnPath, Some(*id), address.clone())
                    }))
                    .chain(report.message_id.iter().map(|id| (MatchedBy::MessageId, None, bracketed(id))));
                let mut found = None;
                for (matched_by, id, key) in ways {
                    let row: Option<(i32, String)> = match id {
                        None => sqlx::query_as(BY_MESSAGE_ID).bind(key),
                        Some(id) => sqlx::query_as(BY_RETURN_PATH).bind(id).bind(key),
                    }
                    .fetch_optional(&mut *tx)
                    .await?;
                    if let Some((outbox_id, email)) = row {
                        found = Some((outbox_id, email, matched_by));
                        break;
                    }
                }
                let Some((outbox_id, email, matched_by)) = found else {
                    recorded.push(None);
                    continue;
                };
                let verdict = verdict_code(report.verdict);
                let new = sqlx::query(
                    "INSERT INTO mail_report (outbox_id, report_key, verdict, status, diagnostic, remote_mta, \
                     matched_by, reported_at, read_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) \
                     ON CONFLICT (report_key, outbox_id) DO NOTHING",
                )
                .bind(outbox_id)
                .bind(&report.report_key)
                .bind(verdict)
                .bind(&report.status)
                .bind(&report.diagnostic)
                .bind(&report.remote_mta)
                .bind(matched_by.code())
                .bind(report.reported_at)
                .bind(now)
                .execute(&mut *tx)
                .await?
                .rows_affected()
                    == 1;
                if new {
                    sqlx::query(UPDATE_VERDICT)
                        .bind(outbox_id)
                        .bind(verdict)
                        .bind(&report.status)
                        .bind(&report.diagnostic)
                        .bind(report.reported_at)
                        .execute(&mut *tx)
                        .await?;
                }
                recorded.push(Some(Recorded { outbox_id, email, matched_by, new }));
            }
            tx.commit().await?;
            Ok(recorded)
        })
    }

    /// Records the mailbox's last reading, or why it could not be read (`problem`, kept with
    /// the time it began while it lasts).
    pub(crate) async fn set_bounce_mailbox(
        &self,
        reading: Option<(u32, u32, u32, &[LeftReport])>,
        problem: Option<&str>,
        now: DateTime<Utc>,
    ) -> Result<()> {
        let sample = reading
            .map(|(_, _, _, left)| serde_json::to_string(left))
            .transpose()
            .map_err(|error| crate::error::Error::Internal(error.to_string()))?;
        on_pool!(self, pool => {
            let mut tx = pool.begin_with(self.begin_write()).await?;
            sqlx::query("INSERT INTO bounce_mailbox (id) VALUES (1) ON CONFLICT (id) DO NOTHING")
                .execute(&mut *tx)
                .await?;
            if let Some((matched, ignored, unmatched, _)) = reading {
                sqlx::query(
                    "UPDATE bounce_mailbox SET read_at = $1, matched = matched + $2, ignored = ignored + $3, \
                     unmatched = $4, left_sample = $5, problem = NULL, problem_since = NULL WHERE id = 1",
                )
                .bind(now)
                .bind(i64::from(matched))
                .bind(i64::from(ignored))
                .bind(i64::from(unmatched))
                .bind(sample)
                .execute(&mut *tx)
                .await?;
            } else {
                sqlx::query(
                    "UPDATE bounce_mailbox SET problem = $1, \
                     problem_since = CASE WHEN problem IS NULL THEN $2 ELSE problem_since END WHERE id = 1",
                )
                .bind(problem)
                .bind(now)
                .execute(&mut *tx)
                .await?;
            }
            tx.commit().await?;
        });
        Ok(())
    }

    /// The mailbox as the last reading left it (`configured` is the caller's to set).
    pub(crate) async fn bounce_mailbox(&self) -> Result<BounceMailboxStatus> {
        type Row = (
            Option<DateTime<Utc>>,
            i64,
            i64,
            i64,
            Option<String>,
            Option<String>,
            Option<DateTime<Utc>>,
        );
        let row: Option<Row> = on_pool!(self, pool => {
            sqlx::query_as(
                "SELECT read_at, CAST(matched AS BIGINT), CAST(ignored AS BIGINT), CAST(unmatched AS BIGINT), \
                 left_sample, problem, problem_since FROM bounce_mailbox WHERE id = 1",
            )
            .fetch_optional(pool)
            .await?
        });
        let Some((read_at, matched, ignored, unmatched, sample, problem, problem_since)) = row
        else {
            return Ok(BounceMailboxStatus::default());
        };
        let count = |n: i64| u32::try_from(n).unwrap_or(u32::MAX);
        Ok(BounceMailboxStatus {
            configured: false,
            read_at,
            matched: count(matched),
            ignored: count(ignored),
            unmatched: count(unmatched),
            left: sample
                .and_then(|sample| serde_json::from_str(&sample).ok())
                .unwrap_or_default(),
            problem,
            problem_since,
        })
    }
}
