//! `attach`, `detach` and `principal`: an agent changes which addresses an establishment has.
//! The CLI applies the change to whatever the establishment holds now (no expected version).

use clap::Args;
use guichet_core::Settings;
use guichet_core::associations::Confirmation;
use serde_json::json;

use crate::output::{self, Acting, Failure, Output};

#[derive(Debug, Args)]
pub struct Attach {
    /// Adresse électronique (ajoutée à la base si elle est nouvelle).
    email: String,
    /// Codes UAI des établissements.
    #[arg(required = true, value_name = "UAI")]
    uais: Vec<String>,
    /// En fait aussi l’adresse principale de ces établissements.
    #[arg(long)]
    principal: bool,
    /// Note pour le journal (« appel du secrétariat, M. X »).
    #[arg(long, value_name = "TEXTE")]
    note: Option<String>,
    #[command(flatten)]
    acting: Acting,
}

#[derive(Debug, Args)]
pub struct Detach {
    /// Adresse électronique à détacher.
    email: String,
    /// Code UAI de l’établissement.
    uai: String,
    /// Nouvelle adresse principale, quand l’adresse détachée l’était (parmi les adresses
    /// rattachées).
    #[arg(long, value_name = "EMAIL")]
    new_principal: Option<String>,
    /// Note pour le journal.
    #[arg(long, value_name = "TEXTE")]
    note: Option<String>,
    #[command(flatten)]
    acting: Acting,
}

#[derive(Debug, Args)]
pub struct Principal {
    /// Code UAI de l’établissement.
    uai: String,
    /// Adresse déjà rattachée qui devient l’adresse principale.
    email: String,
    /// Note pour le journal.
    #[arg(long, value_name = "TEXTE")]
    note: Option<String>,
    #[command(flatten)]
    acting: Acting,
}

pub async fn attach(settings: Settings, args: Attach) -> Result<Output, Failure> {
    let (guichet, session) = output::signed_in(settings, &args.acting.agent).await?;
    let done = guichet
        .attach(
            &session,
            &args.email,
            &args.uais,
            args.principal,
            None,
            args.note.as_deref(),
        )
        .await?;
    let mut output = confirmed(done);
    // Said after the change too: a script has no confirmation step to show it in.
    if let Some(warning) = guichet_core::associations::check_email(&args.email)?.warning {
        output.text = format!("{}\n{warning}", output.text);
        output.json["warning"] = json!(warning);
    }
    Ok(output)
}

pub async fn detach(settings: Settings, args: Detach) -> Result<Output, Failure> {
    let (guichet, session) = output::signed_in(settings, &args.acting.agent).await?;
    let done = guichet
        .detach(
            &session,
            &args.email,
            &args.uai,
            args.new_principal.as_deref(),
            None,
            args.note.as_deref(),
        )
        .await?;
    Ok(confirmed(done))
}

pub async fn principal(settings: Settings, args: Principal) -> Result<Output, Failure> {
    let (guichet, session) = output::signed_in(settings, &args.acting.agent).await?;
    let done = guichet
        .set_principal(&session, &args.uai, &args.email, None, args.note.as_deref())
        .await?;
    Ok(confirmed(done))
}

fn confirmed(done: Confirmation) -> Output {
    Output {
        json: json!({ "email": done.email, "uais": done.uais, "message": done.message }),
        text: done.message,
    }
}
