//! Several agents at once on the shared database, each doing helpdesk calls as fast as it can:
//! first alone (the baseline), then while the outbox sends a campaign's worth of e-mails to the
//! SMTP server, as on the morning a campaign opens.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use guichet_core::agents::Session;
use guichet_core::{Error, Guichet};
use serde_json::{Value, json};

use crate::Report;
use crate::calls::{self, CallTimings};
use crate::rng::Rng;
use crate::stats::{self, Summary};

#[derive(Debug, Clone)]
pub struct ConcurrentOptions {
    pub seconds: f64,
    pub campaign: usize,
    pub seed: u64,
}

/// What the agents did together in one phase.
struct Phase {
    calls: CallTimings,
    seconds: f64,
}

impl Phase {
    fn figures(&self) -> Result<(Value, Summary, f64), Error> {
        let all = self.calls.all();
        let summary = stats::summary(&all)?;
        let per_s = all.count() as f64 / self.seconds.max(f64::EPSILON);
        Ok((
            json!({
                "seconds": self.seconds,
                "operations": all.count(),
                "operations_per_s": per_s,
                "all": summary,
                "open_page": self.calls.open_page.summary(),
                "attach": self.calls.attach.summary(),
                "send_link": self.calls.send_link.summary(),
                "detach": self.calls.detach.summary(),
            }),
            summary,
            per_s,
        ))
    }
}

/// `agents` work for `options.seconds` alone, then again while `campaign` e-mails (queued by
/// `sender` through the core, as a campaign would be) drain to the SMTP server through the one
/// sender (the Guichet's settings name the server).
pub async fn measure(
    guichet: &Guichet,
    agents: &[Session],
    sender: &Session,
    uais: &[String],
    options: &ConcurrentOptions,
) -> Result<Report, Error> {
    let duration = Duration::from_secs_f64(options.seconds.max(0.1));
    let alone_stop = Stop::after(duration).alone();
    let alone = work(guichet, agents, uais, options.seed, "ensemble", alone_stop).await?;

    let started = Instant::now();
    let queued = queue_campaign(guichet, sender, options.campaign).await?;
    let queue_s = started.elapsed().as_secs_f64();

    let mail_sender = guichet.sender().await?;
    let stop = Stop::after(duration);
    let drain = {
        let stop = stop.clone();
        tokio::spawn(async move {
            let started = Instant::now();
            let report = mail_sender.deliver_due().await;
            mail_sender.stop().await;
            // The agents go on at least for the same time as alone, and until the outbox is empty.
            stop.drained.store(true, Ordering::Relaxed);
            report.map(|report| {
                let failed = report.failed + report.retried + report.deferred;
                (report.sent, failed, started.elapsed().as_secs_f64())
            })
        })
    };
    let during = work(guichet, agents, uais, options.seed ^ 1, "campagne", stop).await?;
    let (drained, drain_failed, drain_s) = drain
        .await
        .map_err(|error| Error::Internal(format!("drain task: {error}")))??;

    let (alone_json, alone_summary, alone_rate) = alone.figures()?;
    let (during_json, during_summary, during_rate) = during.figures()?;
    let drain_rate = drained as f64 / drain_s.max(f64::EPSILON);
    let text = format!(
        "{} agents à la fois, chacun enchaînant fiche, rattachement, lien, détachement.\n\
         Seuls : {alone_rate:.0} opérations/s, p95 {:.2} ms (p99 {:.2}).\n\
         Pendant la campagne : {during_rate:.0} opérations/s, p95 {:.2} ms (p99 {:.2}) ; \
         {queued} courriels mis en file en {queue_s:.1} s, {drained} envoyés en {drain_s:.1} s \
         ({drain_rate:.0}/s, {drain_failed} échecs).",
        agents.len(),
        alone_summary.p95_ms,
        alone_summary.p99_ms,
        during_summary.p95_ms,
        during_summary.p99_ms,
    );
    Ok(Report {
        text,
        json: json!({
            "agents": agents.len(),
            "alone": alone_json,
            "during_campaign": during_json,
            "campaign": {
                "queued": queued,
                "queue_s": queue_s,
                "sent": drained,
                "failed": drain_failed,
                "drain_s": drain_s,
                "messages_per_s": drain_rate,
            },
        }),
    })
}

/// When agents stop: past a deadline, and once the outbox is drained (always true alone).
#[derive(Clone)]
struct Stop {
    deadline: Instant,
    drained: Arc<AtomicBool>,
}

impl Stop {
    fn after(duration: Duration) -> Stop {
        Stop {
            deadline: Instant::now() + duration,
            drained: Arc::new(AtomicBool::new(false)),
        }
    }

    /// No outbox to wait for.
    fn alone(self) -> Stop {
        self.drained.store(true, Ordering::Relaxed);
        self
    }

    fn now(&self) -> bool {
        Instant::now() >= self.deadline && self.drained.load(Ordering::Relaxed)
    }
}

/// Every agent does calls on establishments drawn at random until `stop` says so.
async fn work(
    guichet: &Guichet,
    agents: &[Session],
    uais: &[String],
    seed: u64,
    tag: &str,
    stop: Stop,
) -> Result<Phase, Error> {
    let uais: Arc<[String]> = uais.into();
    let started = Instant::now();
    let mut tasks = Vec::new();
    for (index, session) in agents.iter().enumerate() {
        let (guichet, session, uais, stop) =
            (guichet.clone(), session.clone(), uais.clone(), stop.clone());
        let tag = format!("{tag}{index}x{}", chrono::Utc::now().timestamp_millis());
        tasks.push(tokio::spawn(async move {
            let mut rng = Rng::new(seed.wrapping_add(index as u64));
            let mut timings = CallTimings::default();
            let mut n = 0;
            while !stop.now() {
                let uai = &uais[rng.below(uais.len())];
                let email = calls::new_address(&tag, n);
                calls::one_call(&guichet, &session, uai, &email, &mut timings).await?;
                n += 1;
            }
            Ok::<_, Error>(timings)
        }));
    }
    let mut calls = CallTimings::default();
    for task in tasks {
        let timings = task
            .await
            .map_err(|error| Error::Internal(format!("agent task: {error}")))??;
        calls.extend(&timings);
    }
    Ok(Phase {
        calls,
        seconds: started.elapsed().as_secs_f64(),
    })
}

/// Asks for links to `count` addresses, then times the one sender alone draining them: the mail
/// throughput through the sender (minting, sealing, sending, settling each message).
pub async fn sender_rate(
    guichet: &Guichet,
    sender: &Session,
    count: usize,
) -> Result<Report, Error> {
    let queued = queue_campaign(guichet, sender, count).await?;
    let mail_sender = guichet.sender().await?;
    let started = Instant::now();
    let report = mail_sender.deliver_due().await;
    let seconds = started.elapsed().as_secs_f64();
    mail_sender.stop().await;
    let report = report?;
    let per_s = report.sent as f64 / seconds.max(f64::EPSILON);
    Ok(Report {
        text: format!(
            "Service d’envoi seul\u{a0}: {} liens créés et envoyés en {seconds:.2}\u{a0}s, {per_s:.0} messages/s \
             ({queued} demandés, {} échecs).",
            report.sent,
            report.failed + report.retried + report.deferred
        ),
        json: json!({
            "queued": queued,
            "sent": report.sent,
            "failed": report.failed + report.retried + report.deferred,
            "seconds": seconds,
            "messages_per_s": per_s,
        }),
    })
}

/// Asks for a link to `count` existing addresses through the core, one after the other; the
/// e-mails wait in the outbox (nothing delivers them yet). Returns how many were queued.
async fn queue_campaign(guichet: &Guichet, sender: &Session, count: usize) -> Result<usize, Error> {
    let emails = guichet.bench_first_emails(count).await?;
    for email in &emails {
        guichet.send_link(sender, email, None).await?;
    }
    Ok(emails.len())
}
