//! Reading the bounce mailbox: each report parsed, matched to its message and recorded (in one
//! transaction a batch), then filed away; what is not understood stays in the mailbox, flagged,
//! counted and shown to the supervisors. The database is written before the mailbox is touched:
//! a reading interrupted between the two reads the same reports again and records nothing twice.

use chrono::{DateTime, Utc};
use sha2::{Digest, Sha256};

use super::{Sender, sending_settings};
use crate::error::{Error, Result};
use crate::keyring::read_secret;
use crate::mail::bounce::{ReportKind, Verdict, outbox_id_of, read_report};
use crate::mail::bounce_reading::{BounceReading, LeftReason, LeftReport, MatchedReport};
use crate::mail::sending::SendingSettings;
use crate::mailbox::{BATCH, Mailbox, MailboxConfig, MailboxError, Stored};
use crate::secrets::SecretName;
use crate::store::{ReportToMatch, Store};

impl Sender {
    /// Reads the bounce mailbox once. Why it could not be read is also recorded for the
    /// supervisors' settings screen.
    pub async fn read_bounces(&self) -> Result<BounceReading> {
        let settings = sending_settings(&self.store, &self.local).await?;
        let ca_file = self.local.bounce_ca_file.clone();
        let result = read_mailbox(&self.store, &settings, ca_file).await;
        let now = Utc::now();
        let recorded = match &result {
            Ok(reading) => {
                let counts = (
                    u32::try_from(reading.matched.len()).unwrap_or(u32::MAX),
                    reading.ignored,
                    reading.left_in_mailbox,
                    reading.left.as_slice(),
                );
                self.store.set_bounce_mailbox(Some(counts), None, now).await
            }
            Err(Error::BounceMailboxNotSet) => Ok(()),
            Err(error) => {
                tracing::warn!("sender {}: bounce mailbox: {error}", self.id);
                self.store
                    .set_bounce_mailbox(None, Some(&error.message()), now)
                    .await
            }
        };
        if let Err(error) = recorded {
            tracing::warn!(
                "sender {}: bounce mailbox state not recorded: {error}",
                self.id
            );
        }
        result
    }
}

async fn read_mailbox(
    store: &Store,
    settings: &SendingSettings,
    ca_file: Option<std::path::PathBuf>,
) -> Result<BounceReading> {
    let (Some(host), Some(user)) = (&settings.bounce_imap_host, &settings.bounce_imap_user) else {
        return Err(Error::BounceMailboxNotSet);
    };
    let password = read_secret(SecretName::BounceImapPassword)
        .await?
        .ok_or(Error::BounceMailboxPassword)?;
    let config = MailboxConfig {
        ca_file,
        ..MailboxConfig::new(
            host,
            user,
            &settings.bounce_imap_folder,
            &settings.bounce_imap_done_folder,
        )
    };
    let failed = |error: MailboxError| match error {
        MailboxError::Login(_) => Error::BounceLogin {
            host: host.clone(),
            user: user.clone(),
        },
        MailboxError::Unreachable(reason) => Error::BounceMailbox {
            host: host.clone(),
            reason,
        },
    };
    let bounce_address = settings.bounce_address()?;
    let mut mailbox = Mailbox::open(config, &password).await.map_err(failed)?;
    let reading = read_all(store, &mut mailbox, &bounce_address).await;
    mailbox.close().await;
    match reading {
        Ok(reading) => Ok(reading),
        Err(Reading::Mailbox(error)) => Err(failed(error)),
        Err(Reading::Store(error)) => Err(error),
    }
}

enum Reading {
    Mailbox(MailboxError),
    Store(Error),
}

impl From<MailboxError> for Reading {
    fn from(error: MailboxError) -> Self {
        Reading::Mailbox(error)
    }
}

impl From<Error> for Reading {
    fn from(error: Error) -> Self {
        Reading::Store(error)
    }
}

async fn read_all(
    store: &Store,
    mailbox: &mut Mailbox,
    bounce_address: &str,
) -> std::result::Result<BounceReading, Reading> {
    let mut reading = BounceReading::default();
    let unread = mailbox.unread().await?;
    for batch in unread.chunks(BATCH) {
        let now = Utc::now();
        let stored = mailbox.read(batch).await?;
        let mut filed = Vec::new();
        let mut left = Vec::new();
        let mut to_match = Vec::new();
        let mut matching = Vec::new();
        for Stored { uid, bytes } in stored {
            reading.read += 1;
            let Some(bytes) = bytes else {
                left.push(left_report(uid, &[], LeftReason::TooLarge, None));
                continue;
            };
            match candidate(&bytes, bounce_address, now) {
                Ok(Some(report)) => {
                    to_match.push(report);
                    matching.push((uid, bytes));
                }
                Ok(None) => {
                    reading.ignored += 1;
                    filed.push(uid);
                }
                Err(detail) => {
                    left.push(left_report(
                        uid,
                        &bytes,
                        LeftReason::Malformed,
                        Some(detail),
                    ));
                }
            }
        }
        let recorded = store.record_reports(&to_match, now).await?;
        for ((report, (uid, bytes)), recorded) in to_match.iter().zip(matching).zip(recorded) {
            match recorded {
                Some(recorded) => {
                    filed.push(uid);
                    reading.matched.push(MatchedReport {
                        outbox_id: recorded.outbox_id,
                        email: recorded.email,
                        verdict: report.verdict,
                        status: report.status.clone(),
                        diagnostic: report.diagnostic.clone(),
                        matched_by: recorded.matched_by,
                        already_known: !recorded.new,
                    });
                }
                None => left.push(left_report(uid, &bytes, LeftReason::UnknownMessage, None)),
            }
        }
        mailbox.file_away(&filed).await?;
        left.sort_by_key(|report| report.uid);
        let left_uids: Vec<u32> = left.iter().map(|report| report.uid).collect();
        mailbox.leave(&left_uids).await?;
        for report in &left {
            tracing::info!(
                "bounce mailbox: message {} left ({}){}",
                report.uid,
                report.reason.label(),
                report
                    .detail
                    .as_deref()
                    .map(|d| format!(": {d}"))
                    .unwrap_or_default()
            );
        }
        reading.left.extend(left);
    }
    reading.left_in_mailbox = u32::try_from(mailbox.left_count().await?).unwrap_or(u32::MAX);
    Ok(reading)
}

/// What a report says, ready to match; `None` for what is not a bounce (an auto-reply, a notice
/// that the message was delivered); `Err` for what cannot be read.
fn candidate(
    bytes: &[u8],
    bounce_address: &str,
    now: DateTime<Utc>,
) -> std::result::Result<Option<ReportToMatch>, String> {
    let report = read_report(bytes).map_err(|error| error.to_string())?;
    if report.kind == ReportKind::NotABounce {
        return Ok(None);
    }
    // The recipient that failed, else the one delayed; none: nothing to record.
    let Some(recipient) = report
        .recipients
        .iter()
        .find(|r| r.verdict == Some(Verdict::Bounced))
        .or_else(|| report.recipients.iter().find(|r| r.verdict.is_some()))
    else {
        return Ok(None);
    };
    let return_paths = report
        .delivered_to
        .iter()
        .filter_map(|address| Some((outbox_id_of(address, bounce_address)?, address.clone())))
        .collect();
    let report_key = report
        .report_id
        .clone()
        .unwrap_or_else(|| format!("sha256:{:x}", Sha256::digest(bytes)));
    Ok(Some(ReportToMatch {
        report_key,
        envelope_id: report.envelope_id.clone(),
        return_paths,
        message_id: report.original_message_id.clone(),
        verdict: recipient.verdict.unwrap_or(Verdict::Bounced),
        status: recipient.status.clone(),
        diagnostic: recipient.diagnostic.clone(),
        remote_mta: recipient.remote_mta.clone(),
        reported_at: report.date.unwrap_or(now),
    }))
}

/// A report left in the mailbox, with its subject and sender to find it there.
fn left_report(uid: u32, bytes: &[u8], reason: LeftReason, detail: Option<String>) -> LeftReport {
    let headers = mail_parser::MessageParser::default().parse_headers(bytes);
    let subject = headers
        .as_ref()
        .and_then(|message| message.subject())
        .map(str::to_owned);
    let from = headers
        .as_ref()
        .and_then(|message| message.from())
        .and_then(|from| from.first())
        .and_then(|address| address.address())
        .map(str::to_owned);
    LeftReport {
        uid,
        subject,
        from,
        reason,
        detail,
    }
}
