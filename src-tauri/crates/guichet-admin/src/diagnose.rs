//! `diagnose EMAIL`: why an address a caller gives is not recognised, and what to do. Read-only:
//! as for `search`, an agent signs in only when given (always, on a shared database).

use guichet_core::Settings;
use guichet_core::diagnosis::Diagnosis;
use serde_json::json;

use crate::output::{self, Failure, Output, Reading};

pub async fn run(settings: Settings, email: &str, reading: Reading) -> Result<Output, Failure> {
    let (guichet, session) = output::reader(settings, reading.agent.as_deref()).await?;
    // The core builds the address book itself on a first diagnosis.
    let diagnosis = guichet.diagnose(&session, email).await?;
    Ok(Output {
        text: describe(&diagnosis),
        json: json!(diagnosis),
    })
}

fn describe(diagnosis: &Diagnosis) -> String {
    // The verdict's stable code, as `--json` names it; the action says it in French.
    let verdict = json!(diagnosis.verdict);
    let verdict = verdict["kind"].as_str().unwrap_or("?");
    let mut text = format!(
        "Adresse\u{a0}: {}\nVerdict\u{a0}: {verdict}\nÀ faire\u{a0}: {}",
        diagnosis.input, diagnosis.action
    );
    if let Some(undelivered) = &diagnosis.undelivered {
        text.push_str(&format!("\nDernier message\u{a0}: {}", undelivered.summary));
    }
    for step in &diagnosis.steps {
        text.push_str(&format!("\nAction possible\u{a0}: {}", step.label));
    }
    if diagnosis.findings.is_empty() {
        text.push_str("\nConstats\u{a0}: aucun.");
    } else {
        text.push_str("\nConstats\u{a0}:");
        for finding in &diagnosis.findings {
            text.push_str(&format!("\n  - {}", finding.message));
        }
    }
    text
}
