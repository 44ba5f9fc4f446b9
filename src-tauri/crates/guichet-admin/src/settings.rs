//! `settings set NAME VALUE` and `settings show`: the database's sending settings (`portal_url`,
//! `portal_timezone`, `link_lifetime_seconds`, `mail_from`, `smtp_url`), which the one sender
//! reads. A supervisor sets them with `--agent`; on a shared database the owner may, without it.

use clap::Subcommand;
use guichet_core::Settings;
use guichet_core::mail::sending::{SendingForm, SendingName};
use guichet_core::model::database::Mode;
use serde_json::json;

use crate::output::{self, Failure, Output};

#[derive(Debug, Subcommand)]
pub enum SettingsCommand {
    /// Change un réglage d’envoi (une valeur vide rend sa valeur par défaut).
    Set {
        /// portal_url, portal_timezone, link_lifetime_seconds, mail_from, smtp_url ou
        /// smtp_max_rate.
        name: String,
        /// La nouvelle valeur (smtp_url sans mot de passe : il est dans le trousseau du service
        /// d’envoi).
        value: String,
        #[command(flatten)]
        manager: Actor,
    },
    /// Affiche les réglages d’envoi de la base (--json : un objet de leurs noms).
    Show {
        #[command(flatten)]
        manager: Actor,
    },
}

/// Who acts: a supervisor (or, for `show`, any agent); the owner of a shared database without
/// `--agent`.
#[derive(Debug, clap::Args)]
pub struct Actor {
    /// Agent qui agit (superviseur pour set) ; son mot de passe est lu dans
    /// GUICHET_AGENT_PASSWORD, sinon demandé au terminal.
    #[arg(long, value_name = "LOGIN")]
    agent: Option<String>,
}

pub async fn run(settings: Settings, command: SettingsCommand) -> Result<Output, Failure> {
    let form = match command {
        SettingsCommand::Set {
            name,
            value,
            manager,
        } => {
            let (guichet, session) = output::manager(settings, manager.agent.as_deref()).await?;
            guichet.set_sending_setting(&session, &name, &value).await?
        }
        SettingsCommand::Show { manager } => match manager.agent.as_deref() {
            Some(login) => {
                let (guichet, session) = output::signed_in(settings, login).await?;
                guichet.sending_view(&session).await?
            }
            None => {
                let guichet = output::open(settings).await?;
                match guichet.mode() {
                    Mode::Standalone => guichet.sending_view(&guichet.reader_session()?).await?,
                    Mode::Shared => {
                        let session = guichet.owner_session().await?;
                        guichet.sending_view(&session).await?
                    }
                }
            }
        },
    };
    Ok(Output {
        text: describe(&form),
        json: json!(form),
    })
}

fn describe(form: &SendingForm) -> String {
    let overridden = guichet_core::config::sending_from_environment();
    SendingName::ALL
        .into_iter()
        .map(|name| {
            let value = form
                .value(name)
                .unwrap_or_else(|| "(aucun\u{a0}: fichiers .eml)".into());
            let note = if overridden.iter().any(|o| o == name.name()) {
                " (remplacé sur ce poste par une variable d’environnement)"
            } else {
                ""
            };
            format!("{} = {value}{note}", name.name())
        })
        .collect::<Vec<_>>()
        .join("\n")
}
