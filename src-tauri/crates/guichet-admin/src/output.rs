//! What the commands share: their output for people and scripts, the errors of the command line
//! itself, and how an agent signs in and how passwords and secrets are read.

use std::env::VarError;
use std::fmt;
use std::io::{BufRead, IsTerminal};

use clap::Args;
use guichet_core::agents::{Role, Session};
use guichet_core::model::database::{Mode, OpenMode};
use guichet_core::secrets::Secret;
use guichet_core::{Error, ErrorKind, Gate, Guichet, Settings};
use serde::Serialize;
use serde_json::Value;

/// The variable that gives the signing-in agent's password to scripts.
pub const AGENT_PASSWORD_VARIABLE: &str = "GUICHET_AGENT_PASSWORD";

/// What a command prints, for people and for scripts.
#[derive(Debug)]
pub struct Output {
    pub text: String,
    pub json: Value,
}

impl Output {
    /// Prints the JSON or the text. A text that ends its own lines (the CSV export) is printed
    /// byte for byte, with no line end added.
    pub fn print(&self, json: bool) {
        if json {
            println!("{}", self.json);
        } else if self.text.ends_with('\n') {
            print!("{}", self.text);
        } else {
            println!("{}", self.text);
        }
    }
}

/// Why a command failed: an error of the core, or one of the command line that the core never
/// sees (no password to read, an option missing). Both print the same way.
#[derive(Debug)]
pub enum Failure {
    Core(Error),
    Cli(CliError),
}

/// The stable code printed in `{"error": {"kind": …}}`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(untagged)]
pub enum Kind {
    Core(ErrorKind),
    Cli(CliErrorKind),
}

impl Failure {
    pub fn kind(&self) -> Kind {
        match self {
            Failure::Core(error) => Kind::Core(error.kind()),
            Failure::Cli(error) => Kind::Cli(error.kind()),
        }
    }

    /// What the person reads, in French.
    pub fn message(&self) -> String {
        match self {
            Failure::Core(error) => error.message(),
            Failure::Cli(error) => error.message(),
        }
    }
}

impl fmt::Display for Failure {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Failure::Core(error) => error.fmt(f),
            Failure::Cli(error) => error.fmt(f),
        }
    }
}

impl From<Error> for Failure {
    fn from(error: Error) -> Self {
        Failure::Core(error)
    }
}

impl From<CliError> for Failure {
    fn from(error: CliError) -> Self {
        Failure::Cli(error)
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum CliErrorKind {
    PasswordRequired,
    InputUnreadable,
    AgentRequired,
    SharedNeedsAgent,
    FirstAgentMustBeSupervisor,
    FormatRequired,
    NotDelivered,
}

/// The command line's own errors. Like the core's, none holds a password or a secret.
#[derive(Debug)]
pub enum CliError {
    /// No `GUICHET_AGENT_PASSWORD`, and no terminal to ask on.
    PasswordRequired {
        login: String,
        cause: std::io::Error,
    },
    /// Standard input (or the password variable) could not be read as UTF-8 text.
    InputUnreadable(std::io::Error),
    /// `agent add` on a database that has agents, or another `agent` command, without
    /// `--agent`, in standalone mode.
    AgentRequired,
    /// A command other than `migrate`, `demo`, `secret` and `agent`, without `--agent`, on a
    /// shared database: its agents act only as themselves.
    SharedNeedsAgent,
    /// `agent add` on a database without agents, with a role other than supervisor.
    FirstAgentMustBeSupervisor { role: Role },
    /// `audit` without exactly one of `--json` and `--csv`.
    FormatRequired,
    /// `send-link --deliver` on a shared database: the sender service did not settle the
    /// message in time, with what it says when it says something.
    NotDelivered {
        seconds: u64,
        problem: Option<String>,
    },
}

impl CliError {
    pub fn kind(&self) -> CliErrorKind {
        match self {
            CliError::PasswordRequired { .. } => CliErrorKind::PasswordRequired,
            CliError::InputUnreadable(_) => CliErrorKind::InputUnreadable,
            CliError::AgentRequired => CliErrorKind::AgentRequired,
            CliError::SharedNeedsAgent => CliErrorKind::SharedNeedsAgent,
            CliError::FirstAgentMustBeSupervisor { .. } => CliErrorKind::FirstAgentMustBeSupervisor,
            CliError::FormatRequired => CliErrorKind::FormatRequired,
            CliError::NotDelivered { .. } => CliErrorKind::NotDelivered,
        }
    }

    pub fn message(&self) -> String {
        match self {
            CliError::PasswordRequired { login, .. } => format!(
                "Aucun mot de passe pour l’agent «\u{a0}{login}\u{a0}»\u{a0}: définissez \
                 {AGENT_PASSWORD_VARIABLE}, ou lancez la commande dans un terminal pour le saisir."
            ),
            CliError::InputUnreadable(_) => {
                "Impossible de lire la valeur\u{a0}: donnez-la en UTF-8 sur \
                 la première ligne de l’entrée standard."
                    .into()
            }
            CliError::AgentRequired => "La base a déjà des agents\u{a0}: indiquez avec --agent \
                 l’identifiant du superviseur qui agit."
                .into(),
            CliError::SharedNeedsAgent => "La base est en mode partagé\u{a0}: indiquez avec \
                 --agent votre identifiant, et la commande se connecte avec votre compte."
                .into(),
            CliError::FirstAgentMustBeSupervisor { role } => format!(
                "La base n’a encore aucun agent\u{a0}: le premier doit être superviseur \
                 (--role superviseur), pas «\u{a0}{}\u{a0}». Ajoutez les autres agents ensuite.",
                role.label()
            ),
            CliError::FormatRequired => {
                "Choisissez un format pour le journal\u{a0}: --json ou --csv (l’un des deux)."
                    .into()
            }
            CliError::NotDelivered { seconds, problem } => format!(
                "Le lien est demandé, mais son message n’est pas parti en {seconds}\u{a0}s\u{a0}; il \
                 partira dès que le service d’envoi le pourra.{}",
                problem
                    .as_ref()
                    .map(|problem| format!(" {problem}"))
                    .unwrap_or_default()
            ),
        }
    }
}

impl fmt::Display for CliError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            CliError::PasswordRequired { login, cause } => write!(
                f,
                "no password for agent {login:?}: {AGENT_PASSWORD_VARIABLE} unset and no \
                 terminal to ask on ({cause})"
            ),
            CliError::InputUnreadable(cause) => write!(f, "cannot read the value: {cause}"),
            CliError::AgentRequired => {
                f.write_str("--agent missing, and the database already has agents")
            }
            CliError::SharedNeedsAgent => f.write_str("--agent missing on a shared database"),
            CliError::FirstAgentMustBeSupervisor { role } => write!(
                f,
                "the first agent must be a supervisor, not {}",
                role.code()
            ),
            CliError::FormatRequired => f.write_str("audit needs exactly one of --json and --csv"),
            CliError::NotDelivered { seconds, .. } => {
                write!(
                    f,
                    "the sender did not settle the message within {seconds} s"
                )
            }
        }
    }
}

/// The agent on whose behalf a changing command acts.
#[derive(Debug, Args)]
pub struct Acting {
    /// Identifiant de l’agent qui agit ; son mot de passe est lu dans GUICHET_AGENT_PASSWORD,
    /// sinon demandé au terminal.
    #[arg(long, value_name = "LOGIN")]
    pub agent: String,
}

/// The agent a reading command may act as: optional on a standalone database (whoever runs the
/// command holds its URL already), required on a shared one.
#[derive(Debug, Args)]
pub struct Reading {
    /// Identifiant de l’agent qui consulte (obligatoire en mode partagé) ; son mot de passe est
    /// lu dans GUICHET_AGENT_PASSWORD, sinon demandé au terminal.
    #[arg(long, value_name = "LOGIN")]
    pub agent: Option<String>,
}

/// Opens the configured database, which must exist, as the URL's own user.
pub async fn open(settings: Settings) -> Result<Guichet, Error> {
    Guichet::open(settings, OpenMode::MustExist).await
}

/// Opens the database and signs the agent in (in shared mode, with its own PostgreSQL role).
/// The password is read first, so that a prompt comes at once rather than after the connection.
pub async fn signed_in(settings: Settings, login: &str) -> Result<(Guichet, Session), Failure> {
    let password = agent_password(login).await?;
    let gate = Gate::open(settings, OpenMode::MustExist).await?;
    Ok(gate.sign_in(login, password.expose()).await?)
}

/// Opens the database for a reading command: as `agent` when given, else as the URL's own
/// user, which only a standalone database allows (a reading session, without an agent).
pub async fn reader(
    settings: Settings,
    agent: Option<&str>,
) -> Result<(Guichet, Session), Failure> {
    if let Some(login) = agent {
        return signed_in(settings, login).await;
    }
    match Gate::open(settings, OpenMode::MustExist).await? {
        Gate::Standalone(guichet) => {
            let session = guichet.reader_session()?;
            Ok((guichet, session))
        }
        Gate::Shared(_) => Err(CliError::SharedNeedsAgent.into()),
    }
}

/// The session an `agent` command acts in: the supervisor `agent` when given; else, on a shared
/// database, its owner (the URL's own user).
pub async fn manager(
    settings: Settings,
    agent: Option<&str>,
) -> Result<(Guichet, Session), Failure> {
    if let Some(login) = agent {
        return signed_in(settings, login).await;
    }
    let guichet = open(settings).await?;
    if guichet.mode() == Mode::Standalone {
        return Err(CliError::AgentRequired.into());
    }
    let session = guichet.owner_session().await?;
    Ok((guichet, session))
}

/// The agent's password: `GUICHET_AGENT_PASSWORD` when set (even empty), else asked on the
/// terminal without echo.
pub async fn agent_password(login: &str) -> Result<Secret, Failure> {
    match std::env::var(AGENT_PASSWORD_VARIABLE) {
        Ok(password) => Ok(Secret::new(password)),
        Err(VarError::NotUnicode(_)) => Err(CliError::InputUnreadable(std::io::Error::new(
            std::io::ErrorKind::InvalidData,
            format!("{AGENT_PASSWORD_VARIABLE} is not UTF-8"),
        ))
        .into()),
        Err(VarError::NotPresent) => {
            let prompt = format!("Mot de passe de l’agent «\u{a0}{login}\u{a0}»\u{a0}: ");
            let read = blocking(move || rpassword::prompt_password(prompt)).await?;
            read.map(Secret::new).map_err(|cause| {
                CliError::PasswordRequired {
                    login: login.to_string(),
                    cause,
                }
                .into()
            })
        }
    }
}

/// The first line of standard input without its line end. On a terminal, it is asked with
/// `prompt` and not echoed, since it is a password or a secret.
pub async fn read_secret_line(prompt: String) -> Result<Secret, Failure> {
    let read = blocking(move || {
        if std::io::stdin().is_terminal() {
            return rpassword::prompt_password(prompt);
        }
        let mut line = String::new();
        std::io::stdin().lock().read_line(&mut line)?;
        if line.ends_with('\n') {
            line.pop();
            if line.ends_with('\r') {
                line.pop();
            }
        }
        Ok(line)
    })
    .await?;
    read.map(Secret::new)
        .map_err(|cause| CliError::InputUnreadable(cause).into())
}

/// Runs blocking reads (the terminal, standard input) off the async runtime.
async fn blocking<T: Send + 'static>(
    work: impl FnOnce() -> T + Send + 'static,
) -> Result<T, Error> {
    tokio::task::spawn_blocking(work)
        .await
        .map_err(|error| Error::Internal(format!("input task: {error}")))
}
