//! `audit`: the journal, filtered, for supervisors: entries as JSON, or the same CSV export as
//! the window's (which is itself journaled).

use chrono::{DateTime, Utc};
use clap::Args;
use clap::builder::{PossibleValuesParser, TypedValueParser};
use guichet_core::Settings;
use guichet_core::audit::{AuditAction, AuditFilter};
use serde_json::json;

use crate::output::{self, Acting, CliError, Failure, Output};

#[derive(Debug, Args)]
pub struct Audit {
    /// Seulement les actions de cet agent (identifiant).
    #[arg(long, value_name = "LOGIN")]
    agent_filter: Option<String>,
    /// Seulement cet établissement (code UAI).
    #[arg(long)]
    uai: Option<String>,
    /// Seulement cette adresse électronique.
    #[arg(long, value_name = "EMAIL")]
    email: Option<String>,
    /// Seulement cette action.
    #[arg(long, value_name = "CODE", value_parser = action_parser())]
    action: Option<AuditAction>,
    /// Depuis cet instant, inclus (RFC 3339, par exemple 2026-03-02T08:00:00+01:00).
    #[arg(long, value_name = "RFC3339", value_parser = parse_time)]
    from: Option<DateTime<Utc>>,
    /// Jusqu’à cet instant, exclu (RFC 3339).
    #[arg(long, value_name = "RFC3339", value_parser = parse_time)]
    to: Option<DateTime<Utc>>,
    /// Nombre maximal d’entrées, les plus récentes d’abord.
    #[arg(long, value_name = "N")]
    limit: Option<u32>,
    /// Le journal en CSV pour Excel (UTF-8 avec BOM, « ; ») sur la sortie standard.
    #[arg(long)]
    csv: bool,
    #[command(flatten)]
    acting: Acting,
}

fn action_parser() -> impl TypedValueParser<Value = AuditAction> {
    PossibleValuesParser::new(AuditAction::ALL.map(AuditAction::code))
        .try_map(|code| AuditAction::from_code(&code).ok_or("action inconnue"))
}

fn parse_time(value: &str) -> Result<DateTime<Utc>, String> {
    DateTime::parse_from_rfc3339(value)
        .map(|time| time.with_timezone(&Utc))
        .map_err(|_| {
            "date attendue au format RFC 3339, par exemple 2026-03-02T08:00:00+01:00".into()
        })
}

pub async fn run(settings: Settings, args: Audit, json: bool) -> Result<Output, Failure> {
    if json == args.csv {
        return Err(CliError::FormatRequired.into());
    }
    let (guichet, session) = output::signed_in(settings, &args.acting.agent).await?;
    let filter = AuditFilter {
        agent: args.agent_filter,
        uai: args.uai,
        email: args.email,
        action: args.action,
        from: args.from,
        to: args.to,
        limit: args.limit,
    };
    if args.csv {
        // Printed as is: the export ends its own lines (CRLF).
        let csv = guichet.export_audit_csv(&session, &filter).await?;
        return Ok(Output {
            text: csv,
            json: serde_json::Value::Null,
        });
    }
    let entries = guichet.audit_entries(&session, &filter).await?;
    Ok(Output {
        text: format!("{} entrées.", entries.len()),
        json: json!({ "entries": entries }),
    })
}
