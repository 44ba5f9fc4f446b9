//! `agent add | role | disable | enable | list`: the helpdesk's agents. A supervisor acts with
//! `--agent`; on a shared database the owner (the URL's own user) acts without it, and on a
//! standalone database without agents `agent add` creates the first supervisor. A new agent's
//! password is read from standard input, never from an argument.

use clap::Subcommand;
use clap::builder::{PossibleValuesParser, TypedValueParser};
use guichet_core::Settings;
use guichet_core::agents::{Agent, Role};
use guichet_core::model::database::Mode;
use serde_json::json;

use crate::output::{self, CliError, Failure, Output};

#[derive(Debug, Subcommand)]
pub enum AgentCommand {
    /// Ajoute un agent ; son mot de passe est lu sur la première ligne de l’entrée standard.
    /// Dans une base autonome sans agent, crée le premier superviseur ; dans une base partagée,
    /// crée le compte PostgreSQL de l’agent.
    Add {
        /// Identifiant du nouvel agent (lettres minuscules, chiffres, « . », « _ », « - »).
        login: String,
        /// Nom de l’agent, tel qu’il apparaît dans le journal.
        #[arg(long)]
        name: String,
        /// Rôle du nouvel agent.
        #[arg(long, value_parser = role_parser())]
        role: Role,
        #[command(flatten)]
        manager: Manager,
    },
    /// Change le rôle d’un agent (effectif dès sa prochaine opération).
    Role {
        /// Identifiant de l’agent.
        login: String,
        /// Nouveau rôle.
        #[arg(value_parser = role_parser())]
        role: Role,
        #[command(flatten)]
        manager: Manager,
    },
    /// Désactive un agent : il ne peut plus se connecter, et sa session ouverte est refusée.
    Disable {
        /// Identifiant de l’agent.
        login: String,
        #[command(flatten)]
        manager: Manager,
    },
    /// Réactive un agent désactivé, avec son rôle.
    Enable {
        /// Identifiant de l’agent.
        login: String,
        #[command(flatten)]
        manager: Manager,
    },
    /// Liste les agents, leur rôle et leur état.
    List {
        #[command(flatten)]
        manager: Manager,
    },
}

/// Who manages the agents.
#[derive(Debug, clap::Args)]
pub struct Manager {
    /// Superviseur qui agit (sauf pour le premier superviseur d’une base autonome, et pour le
    /// propriétaire d’une base partagée) ; son mot de passe est lu dans GUICHET_AGENT_PASSWORD,
    /// sinon demandé au terminal.
    #[arg(long, value_name = "LOGIN")]
    agent: Option<String>,
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
            manager,
        } => add(settings, &login, &name, role, manager.agent.as_deref()).await,
        AgentCommand::Role {
            login,
            role,
            manager,
        } => {
            let (guichet, session) = output::manager(settings, manager.agent.as_deref()).await?;
            guichet.set_agent_role(&session, &login, role).await?;
            changed(&guichet, &session, &login, format!("rôle {}", role.label())).await
        }
        AgentCommand::Disable { login, manager } => {
            let (guichet, session) = output::manager(settings, manager.agent.as_deref()).await?;
            guichet.set_agent_disabled(&session, &login, true).await?;
            changed(&guichet, &session, &login, "désactivé".into()).await
        }
        AgentCommand::Enable { login, manager } => {
            let (guichet, session) = output::manager(settings, manager.agent.as_deref()).await?;
            guichet.set_agent_disabled(&session, &login, false).await?;
            changed(&guichet, &session, &login, "réactivé".into()).await
        }
        AgentCommand::List { manager } => {
            let (guichet, session) = output::manager(settings, manager.agent.as_deref()).await?;
            let agents = guichet.agents(&session).await?;
            let text = agents.iter().map(describe).collect::<Vec<_>>().join("\n");
            Ok(Output {
                text: if text.is_empty() {
                    "Aucun agent.".into()
                } else {
                    text
                },
                json: json!({ "agents": agents, "mode": guichet.mode() }),
            })
        }
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
    if supervisor.is_none() {
        let guichet = output::open(settings.clone()).await?;
        if guichet.needs_first_supervisor().await? {
            if role != Role::Superviseur {
                return Err(CliError::FirstAgentMustBeSupervisor { role }.into());
            }
            let session = guichet
                .create_first_supervisor(login, name, password.expose())
                .await?;
            return Ok(added(session.agent(), true, guichet.mode()));
        }
    }
    let (guichet, session) = output::manager(settings, supervisor).await?;
    let agent = guichet
        .add_agent(&session, login, name, role, password.expose())
        .await?;
    Ok(added(&agent, false, guichet.mode()))
}

fn added(agent: &Agent, first: bool, mode: Mode) -> Output {
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
    Output {
        text,
        json: json!({ "agent": agent, "first_supervisor": first, "mode": mode }),
    }
}

/// The agent as it is after a change, read back through the same session.
async fn changed(
    guichet: &guichet_core::Guichet,
    session: &guichet_core::agents::Session,
    login: &str,
    what: String,
) -> Result<Output, Failure> {
    let login = login.trim().to_lowercase();
    let agent = guichet
        .agents(session)
        .await?
        .into_iter()
        .find(|agent| agent.login == login)
        .ok_or_else(|| guichet_core::Error::AgentNotFound(login.clone()))?;
    Ok(Output {
        text: format!(
            "Agent «\u{a0}{}\u{a0}» ({})\u{a0}: {what}.",
            agent.login, agent.display_name
        ),
        json: json!({ "agent": agent }),
    })
}

fn describe(agent: &Agent) -> String {
    let state = if agent.disabled { ", désactivé" } else { "" };
    format!(
        "{}  {} — {}{state}",
        agent.login,
        agent.display_name,
        agent.role.label()
    )
}
