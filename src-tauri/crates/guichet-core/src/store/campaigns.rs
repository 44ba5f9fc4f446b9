//! Campaigns in the database: the plan frozen with its targets, the start that asks for every
//! link at once (each in the outbox with its campaign, so that the sender lets it leave in the
//! campaign's slots), the supervisors' other actions, and what became of each message.

use chrono::{DateTime, Duration, NaiveDateTime, Utc};
use serde_json::json;

use super::audit::append_audit;
use super::establishments::uai;
use super::initialisation::{FactsRow, facts, pattern_filter, population_filter};
use super::{Store, on_pool};
use crate::audit::{AuditAction, NewAuditEvent};
use crate::campaign::{
    CampaignAction, CampaignCounts, CampaignState, CampaignStatus, PlanFacts, PlannedTarget,
    SkipReason, TargetReport, check_rate,
};
use crate::error::{Error, Result};
use crate::initialisation::{InitState, Population};

/// The plan's facts over [`FACTS`](super::initialisation): `{facts}` the population's rows,
/// `{states}` the chosen states' patterns, `{recent}` the portal's clock an hour ago (a link
/// requested since is recent, as is one waiting to leave).
const PLAN: &str = "SELECT f.uai, f.principal_account_id, f.principal_email, f.closed,
        f.has_principal, f.initialised, f.has_link, f.link_valid,
        (f.principal_account_id IS NOT NULL AND (
            EXISTS (SELECT 1 FROM reset_password_request r
                    WHERE r.user_id = f.principal_account_id AND r.requested_at > {recent})
            OR EXISTS (SELECT 1 FROM reset_link l JOIN mail_outbox o ON o.reset_link_id = l.id
                       WHERE l.account_id = f.principal_account_id AND o.state IN ('waiting', 'sending'))))
            AS recent_link,
        COALESCE((SELECT o.state = 'failed' OR o.report_verdict = 'bounced'
                  FROM reset_link l JOIN mail_outbox o ON o.reset_link_id = l.id
                  WHERE l.account_id = f.principal_account_id AND o.state <> 'dropped'
                  ORDER BY o.id DESC LIMIT 1), FALSE)
            AS rejected
    FROM ({facts}) f WHERE {states} ORDER BY f.uai";

#[derive(sqlx::FromRow)]
struct PlanRow {
    uai: String,
    principal_account_id: Option<i32>,
    principal_email: Option<String>,
    closed: bool,
    #[sqlx(flatten)]
    facts: FactsRow,
    recent_link: bool,
    rejected: bool,
}

/// A campaign as stored.
#[derive(sqlx::FromRow)]
struct CampaignRow {
    state: String,
    created_at: DateTime<Utc>,
    rate_per_minute: Option<i32>,
    started_at: Option<DateTime<Utc>>,
}

impl CampaignRow {
    fn state(&self) -> Result<CampaignState> {
        CampaignState::from_code(&self.state)
            .ok_or_else(|| Error::Internal(format!("campaign state {:?}", self.state)))
    }
}

/// One target of a campaign, for its report.
#[derive(sqlx::FromRow)]
struct TargetRow {
    uai: String,
    name: String,
    email: Option<String>,
    skip_reason: Option<String>,
    outbox_state: Option<String>,
    sent_at: Option<DateTime<Utc>>,
    last_reply: Option<String>,
}

/// Campaign `$id` read in `$tx` with its row locked until the transaction ends (a no-op
/// update), so that two supervisors acting on it at once take turns; not found: refused.
macro_rules! locked_campaign {
    ($tx:expr, $id:expr) => {{
        let campaign: Option<CampaignRow> = sqlx::query_as(&format!(
            "UPDATE campaign SET state = state WHERE id = $1 RETURNING {CAMPAIGN_COLUMNS}"
        ))
        .bind($id)
        .fetch_optional(&mut *$tx)
        .await?;
        campaign.ok_or(Error::CampaignNotFound($id))?
    }};
}

impl Store {
    /// The establishments of `population` in `states`, each with its address or why it is
    /// skipped, the portal's clock being `now_at_portal`.
    pub(crate) async fn plan_targets(
        &self,
        population: &Population,
        states: &[InitState],
        now_at_portal: NaiveDateTime,
        recent_since_at_portal: NaiveDateTime,
    ) -> Result<Vec<PlannedTarget>> {
        let (filter, values) = population_filter(population);
        let states_sql = states
            .iter()
            .map(|state| format!("(TRUE{})", pattern_filter(state.pattern())))
            .collect::<Vec<_>>()
            .join(" OR ");
        let sql = PLAN
            .replace("{facts}", &facts(self.backend(), &filter))
            .replace("{states}", &format!("({states_sql})"))
            .replace("{recent}", &format!("${}", values.len() + 2));
        let rows: Vec<PlanRow> = on_pool!(self, pool => {
            let mut query = sqlx::query_as(&sql).bind(now_at_portal);
            for value in &values {
                query = query.bind(*value);
            }
            query.bind(recent_since_at_portal).fetch_all(pool).await?
        });
        rows.into_iter()
            .map(|row| {
                let skip = PlanFacts {
                    state: row.facts.state(),
                    closed: row.closed,
                    recent_link: row.recent_link,
                    rejected: row.rejected,
                }
                .skip_reason();
                Ok(PlannedTarget {
                    uai: uai(row.uai)?,
                    account_id: row.principal_account_id,
                    email: row.principal_email,
                    skip,
                })
            })
            .collect()
    }

    /// Freezes a plan at `now`: the campaign, its targets and the journal entry, in one
    /// transaction. A link minted for one of its addresses after `now` makes its message useless.
    pub(crate) async fn create_campaign(
        &self,
        targets: &[PlannedTarget],
        asked: &serde_json::Value,
        agent_id: Option<i32>,
        now: DateTime<Utc>,
    ) -> Result<i32> {
        let to_send = targets.iter().filter(|t| t.skip.is_none()).count();
        on_pool!(self, pool => {
            let mut tx = pool.begin_with(self.begin_write()).await?;
            let id: i32 = sqlx::query_scalar(
                "INSERT INTO campaign (created_at, population, states, fresh_after) VALUES ($1, $2, $3, $4) RETURNING id",
            )
            .bind(now)
            .bind(asked["population"].to_string())
            .bind(asked["states"].to_string())
            .bind(now)
            .fetch_one(&mut *tx)
            .await?;
            for target in targets {
                sqlx::query(
                    "INSERT INTO campaign_target (campaign_id, uai, account_id, email, skip_reason) VALUES ($1, $2, $3, $4, $5)",
                )
                .bind(id)
                .bind(target.uai.as_str())
                .bind(target.account_id)
                .bind(&target.email)
                .bind(target.skip.map(SkipReason::code))
                .execute(&mut *tx)
                .await?;
            }
            append_audit!(tx, agent_id, now, NewAuditEvent::new(AuditAction::CampaignPlanned)
                .after(json!({
                    "campagne": format!("n°\u{a0}{id}"),
                    "demande": asked,
                    "à envoyer": to_send,
                    "écartés": targets.len() - to_send,
                })));
            tx.commit().await?;
            Ok(id)
        })
    }

    /// Starts a planned campaign at `rate` a minute, under the relay's `max_rate`: every link
    /// asked for (one per address, its message in the outbox, due one interval after the
    /// other, and its journal entry), in one transaction. Two supervisors starting it at once:
    /// the second finds it started.
    pub(crate) async fn start_campaign(
        &self,
        id: i32,
        rate: u32,
        max_rate: u32,
        agent_id: Option<i32>,
        now: DateTime<Utc>,
    ) -> Result<u32> {
        on_pool!(self, pool => {
            let mut tx = pool.begin_with(self.begin_write()).await?;
            let campaign = locked_campaign!(tx, id);
            let state = campaign.state()?;
            if !state.allows(CampaignAction::Start) {
                return Err(Error::CampaignState { id, state, action: CampaignAction::Start });
            }
            let used: Option<i64> = sqlx::query_scalar(RATE_IN_USE)
            .bind(id)
            .fetch_one(&mut *tx)
            .await?;
            check_rate(rate, max_rate, u32::try_from(used.unwrap_or(0)).unwrap_or(u32::MAX))?;
            let targets: Vec<(String, i32, String)> = sqlx::query_as(
                "SELECT uai, account_id, email FROM campaign_target \
                 WHERE campaign_id = $1 AND skip_reason IS NULL ORDER BY uai",
            )
            .bind(id)
            .fetch_all(&mut *tx)
            .await?;
            if targets.is_empty() {
                return Err(Error::CampaignEmpty(id));
            }
            let interval = Duration::microseconds(60_000_000 / i64::from(rate));
            let note = format!("Campagne n°\u{a0}{id}");
            // One link per address: establishments sharing a principal address share its link.
            let mut links: std::collections::HashMap<i32, i32> = std::collections::HashMap::new();
            for (uai, account_id, email) in &targets {
                let link_id = match links.get(account_id) {
                    Some(link_id) => *link_id,
                    None => {
                        let link_id: i32 = sqlx::query_scalar(
                            "INSERT INTO reset_link (account_id, requested_at, agent_id) VALUES ($1, $2, $3) RETURNING id",
                        )
                        .bind(account_id)
                        .bind(now)
                        .bind(agent_id)
                        .fetch_one(&mut *tx)
                        .await?;
                        let due = now + interval * i32::try_from(links.len()).unwrap_or(i32::MAX);
                        sqlx::query(
                            "INSERT INTO mail_outbox (created_at, recipient, reset_link_id, next_attempt_at, campaign_id) \
                             VALUES ($1, $2, $3, $4, $5)",
                        )
                        .bind(now)
                        .bind(email)
                        .bind(link_id)
                        .bind(due)
                        .bind(id)
                        .execute(&mut *tx)
                        .await?;
                        append_audit!(tx, agent_id, now, NewAuditEvent::new(AuditAction::LinkSent)
                            .uai(uai.as_str())
                            .email(email.as_str())
                            .after(json!({ "lien": format!("n°\u{a0}{link_id}"), "état": "demandé" }))
                            .note(Some(note.as_str())));
                        links.insert(*account_id, link_id);
                        link_id
                    }
                };
                sqlx::query("UPDATE campaign_target SET reset_link_id = $3 WHERE campaign_id = $1 AND uai = $2")
                    .bind(id)
                    .bind(uai)
                    .bind(link_id)
                    .execute(&mut *tx)
                    .await?;
            }
            sqlx::query(
                "UPDATE campaign SET state = 'en-cours', rate_per_minute = $2, started_at = $3, next_send_at = $3 WHERE id = $1",
            )
            .bind(id)
            .bind(i32::try_from(rate).unwrap_or(i32::MAX))
            .bind(now)
            .execute(&mut *tx)
            .await?;
            append_audit!(tx, agent_id, now, NewAuditEvent::new(AuditAction::CampaignStarted)
                .after(json!({
                    "campagne": format!("n°\u{a0}{id}"),
                    "liens": links.len(),
                    "débit par minute": rate,
                })));
            tx.commit().await?;
            Ok(u32::try_from(links.len()).unwrap_or(u32::MAX))
        })
    }

    /// Pauses, resumes or cancels a campaign, with its journal entry. Resumed, its slots start
    /// again from now (and its rate is checked again against the relay's and the others').
    /// Cancelled, its messages still waiting are dropped by the sender, unsent.
    pub(crate) async fn campaign_action(
        &self,
        id: i32,
        action: CampaignAction,
        max_rate: u32,
        agent_id: Option<i32>,
        now: DateTime<Utc>,
    ) -> Result<()> {
        let counts = self.campaign_counts(id).await?;
        on_pool!(self, pool => {
            let mut tx = pool.begin_with(self.begin_write()).await?;
            let campaign = locked_campaign!(tx, id);
            let stored = campaign.state()?;
            // A started campaign with nothing left is finished: nothing to pause any more.
            let state = CampaignStatus::new(id, stored, counts, 0, None, campaign.created_at, None).state;
            if !state.allows(action) {
                return Err(Error::CampaignState { id, state, action });
            }
            if action == CampaignAction::Resume {
                let used: Option<i64> = sqlx::query_scalar(RATE_IN_USE)
                .bind(id)
                .fetch_one(&mut *tx)
                .await?;
                let rate = u32::try_from(campaign.rate_per_minute.unwrap_or(0)).unwrap_or(0);
                check_rate(rate, max_rate, u32::try_from(used.unwrap_or(0)).unwrap_or(u32::MAX))?;
            }
            let after = CampaignState::after(action);
            sqlx::query(
                "UPDATE campaign SET state = $2, next_send_at = CASE WHEN $3 THEN $4 ELSE next_send_at END WHERE id = $1",
            )
            .bind(id)
            .bind(after.code())
            .bind(action == CampaignAction::Resume)
            .bind(now)
            .execute(&mut *tx)
            .await?;
            let audit = match action {
                CampaignAction::Pause => AuditAction::CampaignPaused,
                CampaignAction::Resume => AuditAction::CampaignResumed,
                CampaignAction::Start | CampaignAction::Cancel => AuditAction::CampaignCancelled,
            };
            append_audit!(tx, agent_id, now, NewAuditEvent::new(audit)
                .before(json!({ "campagne": format!("n°\u{a0}{id}"), "état": state.code() }))
                .after(json!({ "campagne": format!("n°\u{a0}{id}"), "état": after.code(), "restants": counts.remaining() })));
            tx.commit().await?;
            Ok(())
        })
    }

    /// Where a campaign stands.
    pub(crate) async fn campaign_status(&self, id: i32) -> Result<CampaignStatus> {
        let campaign: Option<CampaignRow> = on_pool!(self, pool => {
            sqlx::query_as(&format!("SELECT {CAMPAIGN_COLUMNS} FROM campaign WHERE id = $1")).bind(id).fetch_optional(pool).await?
        });
        let campaign = campaign.ok_or(Error::CampaignNotFound(id))?;
        let counts = self.campaign_counts(id).await?;
        let skipped: i64 = on_pool!(self, pool => {
            sqlx::query_scalar("SELECT count(*) FROM campaign_target WHERE campaign_id = $1 AND skip_reason IS NOT NULL")
                .bind(id)
                .fetch_one(pool)
                .await?
        });
        Ok(CampaignStatus::new(
            id,
            campaign.state()?,
            counts,
            u32::try_from(skipped).unwrap_or(u32::MAX),
            campaign.rate_per_minute.and_then(|r| u32::try_from(r).ok()),
            campaign.created_at,
            campaign.started_at,
        ))
    }

    /// The newest campaigns' ids, newest first.
    pub(crate) async fn campaign_ids(&self, limit: u32) -> Result<Vec<i32>> {
        Ok(on_pool!(self, pool => {
            sqlx::query_scalar(&format!("SELECT id FROM campaign ORDER BY id DESC LIMIT {limit}"))
                .fetch_all(pool)
                .await?
        }))
    }

    /// A campaign's messages by state; before it starts, the links its plan sends.
    async fn campaign_counts(&self, id: i32) -> Result<CampaignCounts> {
        let (planned, by_state): (i64, Vec<(String, i64)>) = on_pool!(self, pool => {
            let planned = sqlx::query_scalar(
                "SELECT count(DISTINCT account_id) FROM campaign_target WHERE campaign_id = $1 AND skip_reason IS NULL",
            )
            .bind(id)
            .fetch_one(pool)
            .await?;
            let by_state = sqlx::query_as(
                "SELECT state, count(*) FROM mail_outbox WHERE campaign_id = $1 GROUP BY state",
            )
            .bind(id)
            .fetch_all(pool)
            .await?;
            (planned, by_state)
        });
        let count = |n: i64| u32::try_from(n).unwrap_or(u32::MAX);
        let mut counts = CampaignCounts {
            planned: count(planned),
            ..CampaignCounts::default()
        };
        for (state, n) in by_state {
            match state.as_str() {
                "sent" => counts.sent = count(n),
                "failed" => counts.failed = count(n),
                "dropped" => counts.dropped = count(n),
                _ => {}
            }
        }
        Ok(counts)
    }

    /// Every target of a campaign with what became of its message, by UAI.
    pub(crate) async fn campaign_targets(&self, id: i32) -> Result<Vec<TargetReport>> {
        let rows: Vec<TargetRow> = on_pool!(self, pool => {
            sqlx::query_as(
                "SELECT t.uai, e.name, t.email, t.skip_reason, o.state AS outbox_state, o.sent_at, o.last_reply \
                 FROM campaign_target t JOIN establishment e ON e.uai = t.uai \
                 LEFT JOIN mail_outbox o ON o.reset_link_id = t.reset_link_id \
                 WHERE t.campaign_id = $1 ORDER BY t.uai",
            )
            .bind(id)
            .fetch_all(pool)
            .await?
        });
        Ok(rows
            .into_iter()
            .map(|row| TargetReport {
                skip: row.skip_reason.as_deref().and_then(SkipReason::from_code),
                uai: row.uai,
                name: row.name,
                email: row.email,
                message: row.outbox_state,
                sent_at: row.sent_at,
                reply: row.last_reply,
            })
            .collect())
    }
}

/// What the other campaigns (`$1` aside) send a minute: those running with messages still to
/// leave (a finished campaign stays `en-cours` in its row, and takes nothing of the relay).
const RATE_IN_USE: &str = "SELECT sum(c.rate_per_minute) FROM campaign c WHERE c.state = 'en-cours' AND c.id <> $1 \
     AND EXISTS (SELECT 1 FROM mail_outbox o WHERE o.campaign_id = c.id AND o.state IN ('waiting', 'sending'))";

const CAMPAIGN_COLUMNS: &str = "state, created_at, rate_per_minute, started_at";
