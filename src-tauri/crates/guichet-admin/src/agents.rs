//! `agent add`: the first supervisor of a database without agents, then agents added by a
//! supervisor. The new agent's password is read from standard input, never from an argument.

use clap::Subcommand;
use clap::builder::{PossibleValuesParser, TypedValueParser};
use guichet_core::Settings;
use guichet_core::agents::Role;
use serde_json::json;

use crate::output::{self, CliError, Failure, Output};

#[derive(Debug, Subcommand)]
pub enum AgentCommand {
    /// Ajoute un agent ; son mot de passe est lu sur la première ligne de l’entrée standard.
    /// Dans une base sans agent, crée le premier superviseur.
    Add {
        /// Identifiant du nouvel agent (lettres minuscules, chiffres, « . », « _ », « - »).
        login: String,
        /// Nom de l’agent, tel qu’il apparaît dans le journal.
        #[arg(long)]
        name: String,
        /// Rôle du nouvel agent.
        #[arg(long, value_parser = role_parser())]
        role: Role,
        /// Superviseur qui ajoute l’agent (sauf pour le premier superviseur) ; son mot de passe
        /// est lu dans GUICHET_AGENT_PASSWORD, sinon demandé au terminal.
        #[arg(long, value_name = "LOGIN")]
        agent: Option<String>,
    },
}

fn role_parser() -> impl TypedValueParser<Value = Role> {
    PossibleValuesParser::new(Role::ALL.map(Role::code))
        .try_map(|code| Role::from_code(&code).ok_or("rôle inconnu"))
}

pub async fn run(settings: Settings, command: AgentCommand) -> Result<Output, Failure> {
    match command {
        AgentCommand::Add {
            login,
            name,
            role,
            agent,
        } => add(settings, &login, &name, role, agent.as_deref()).await,
    }
}

async fn add(
    settings: Settings,
    login: &str,
    name: &str,
    role: Role,
    supervisor: Option<&str>,
) -> Result<Output, Failure> {
    let password = output::read_secret_line("Mot de passe du nouvel agent\u{a0}: ".into()).await?;
    let guichet = output::open(settings).await?;
    let (agent, first) = if guichet.needs_first_supervisor().await? {
        if role != Role::Superviseur {
            return Err(CliError::FirstAgentMustBeSupervisor { role }.into());
        }
        let session = guichet
            .create_first_supervisor(login, name, password.expose())
            .await?;
        (session.agent().clone(), true)
    } else {
        let supervisor = supervisor.ok_or(CliError::AgentRequired)?;
        let session = output::sign_in(&guichet, supervisor).await?;
        let agent = guichet
            .add_agent(&session, login, name, role, password.expose())
            .await?;
        (agent, false)
    };
    let text = if first {
        format!(
            "Premier superviseur créé\u{a0}: «\u{a0}{}\u{a0}» ({}).",
            agent.login, agent.display_name
        )
    } else {
        format!(
            "Agent ajouté\u{a0}: «\u{a0}{}\u{a0}» ({}), rôle {}.",
            agent.login,
            agent.display_name,
            agent.role.label()
        )
    };
    Ok(Output {
        text,
        json: json!({ "agent": agent, "first_supervisor": first }),
    })
}
