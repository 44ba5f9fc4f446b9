//! The one error type of the core: a stable kind for code and tests, a French message for the agent.
//!
//! `Display` (English, precise) is for logs and the CLI's `--verbose`; `message()` (French, what to
//! do next) is what an agent reads. Neither ever contains a password, a token or a secret.

use std::path::PathBuf;

use serde::Serialize;

use chrono::{DateTime, Utc};

use crate::model::email::EmailError;
use crate::model::password_policy::PasswordRule;
use crate::model::role::{Permission, Role};
use crate::model::uai::{Uai, UaiError};
use crate::secrets::SecretError;

mod messages;

pub type Result<T, E = Error> = std::result::Result<T, E>;

/// Every error of the core. [`ErrorKind`] (derived: one kind per variant, `snake_case`) is its
/// stable code; `refused_by_database` is never given, since [`Error::kind`] reports the
/// database's refusal as `forbidden`.
#[derive(Debug, thiserror::Error, strum::EnumDiscriminants)]
#[strum_discriminants(name(ErrorKind), vis(pub))]
#[strum_discriminants(derive(Serialize, specta::Type, Hash))]
#[strum_discriminants(serde(rename_all = "snake_case"))]
pub enum Error {
    #[error("invalid database URL: {0}")]
    InvalidDatabaseUrl(String),
    #[error("SQLite database file not found: {}", .0.display())]
    SqliteFileMissing(PathBuf),
    #[error("database unreachable: {0}")]
    DatabaseUnreachable(#[source] sqlx::Error),
    #[error("database authentication failed: {0}")]
    DatabaseAuthentication(#[source] sqlx::Error),
    #[error("database does not exist: {0}")]
    DatabaseMissing(#[source] sqlx::Error),
    #[error("database schema version {found} is newer than the newest this app knows ({known})")]
    SchemaTooNew { found: i64, known: i64 },
    #[error(
        "database schema version {found} is older than this app's ({known}); only the owner migrates a shared database"
    )]
    SchemaTooOld { found: i64, known: i64 },
    #[error("TLS with the database failed: {0}")]
    DatabaseTls(#[source] sqlx::Error),
    #[error("the database server's certificate was refused: {0}")]
    DatabaseCertificate(#[source] sqlx::Error),
    #[error("the database refused the operation: {0}")]
    RefusedByDatabase(#[source] sqlx::Error),
    #[error("migration failed: {0}")]
    Migration(#[from] sqlx::migrate::MigrateError),
    #[error("database error: {0}")]
    Database(#[source] sqlx::Error),
    #[error("invalid UAI {input:?}: {reason}")]
    InvalidUai { input: String, reason: UaiError },
    #[error("no establishment with UAI {0}")]
    EstablishmentNotFound(Uai),
    #[error("the database already holds establishments")]
    DatabaseNotEmpty,
    #[error("invalid demo size: {0}")]
    InvalidDemoSize(String),
    #[error("invalid setting {name}: {reason}")]
    InvalidSetting { name: &'static str, reason: String },
    #[error("population: {0}")]
    InvalidPopulation(#[from] crate::initialisation::PopulationError),
    #[error("the filters and states select no establishment")]
    EmptyPopulation,
    #[error("the Annuaire file is empty")]
    AnnuaireEmpty,
    #[error("line 1: the Annuaire file is separated by {found:?}, not ';'")]
    AnnuaireSeparator { found: char },
    #[error("line 1: not the Annuaire de l'éducation, columns missing: {}", missing.join(", "))]
    AnnuaireHeaders { missing: Vec<String> },
    #[error("line {line}, column {column}: not UTF-8")]
    AnnuaireEncoding { line: u64, column: String },
    #[error("line {line}: not CSV: {reason}")]
    AnnuaireCsv { line: u64, reason: String },
    #[error("{count} rows rejected, the first line {line}, column {column}: {reason}")]
    AnnuaireRejected {
        count: usize,
        line: u64,
        column: String,
        reason: String,
    },
    #[error("campaign rate: {0}")]
    CampaignRate(#[from] crate::campaign::RateError),
    #[error("no campaign {0}")]
    CampaignNotFound(i32),
    #[error("campaign {id} is {state:?}: cannot {action:?}")]
    CampaignState {
        id: i32,
        state: crate::campaign::CampaignState,
        action: crate::campaign::CampaignAction,
    },
    #[error("campaign {0} has no link to send")]
    CampaignEmpty(i32),
    #[error("no user data directory on this system")]
    NoDataDirectory,
    #[error("invalid login or password")]
    InvalidCredentials,
    #[error("login locked until {0}")]
    LoginLocked(DateTime<Utc>),
    #[error("agent account disabled")]
    AgentDisabled,
    #[error("no agent signed in")]
    NotSignedIn,
    #[error(
        "session idle for more than {idle_seconds} s: locked until the password is typed again"
    )]
    SessionLocked { idle_seconds: u32 },
    #[error("role {role:?} lacks permission {permission:?}")]
    Forbidden { role: Role, permission: Permission },
    #[error("password breaks the policy: {0:?}")]
    WeakPassword(Vec<PasswordRule>),
    #[error("invalid login {0:?}")]
    InvalidLogin(String),
    #[error("empty agent name")]
    EmptyAgentName,
    #[error("login {0:?} already taken")]
    LoginTaken(String),
    #[error("the database already has agents")]
    AgentsAlreadyExist,
    #[error("no agent with login {0:?}")]
    AgentNotFound(String),
    #[error("an agent may not change its own role or state")]
    OwnAccount,
    #[error("PostgreSQL role {0:?} is not an agent of this database")]
    NotAnAgent(String),
    #[error("agent {0:?} is a member of none of the Guichet group roles")]
    MissingGroupRole(String),
    #[error("role {0:?} does not own the database")]
    NotOwner(String),
    #[error("the database is standalone: its agents sign in with the app's own accounts")]
    StandaloneDatabase,
    #[error("shared mode needs PostgreSQL")]
    SharedModeNeedsPostgres,
    #[error("the database has standalone agents; it cannot become shared")]
    StandaloneAgentsExist,
    #[error("database {0:?} is already the shared Guichet database of this PostgreSQL cluster")]
    SharedDatabaseElsewhere(String),
    #[error("in shared mode the first supervisor is added by the owner")]
    FirstSupervisorByOwner,
    #[error("role {0:?} is the sender service's: it does not sign in to the window")]
    SenderAccount(String),
    #[error("the envoi role exists in shared mode only")]
    SenderRoleNeedsSharedMode,
    #[error("role {0:?} is neither a member of guichet_envoi nor the owner: it may not send")]
    NotASender(String),
    #[error("a shared database's links are sent by its sender service, not by an agent's PC")]
    SentByTheService,
    #[error("invalid e-mail address {input:?}: {reason}")]
    InvalidEmail { input: String, reason: EmailError },
    #[error("address {typed:?} exists as {existing:?}")]
    AddressInOtherCase { typed: String, existing: String },
    #[error("address {0:?} already exists")]
    AddressExists(String),
    #[error("no account for address {0:?}")]
    AddressNotFound(String),
    #[error("{email} already attached to {uai}")]
    AlreadyAttached { email: String, uai: Uai },
    #[error("{email} is not attached to {uai}")]
    NotAttached { email: String, uai: Uai },
    #[error("{email} is the principal address of {uai}; name another before detaching it")]
    PrincipalNeedsReplacement { email: String, uai: Uai },
    #[error("{uai} changed since version {expected}")]
    Conflict { uai: Uai, expected: i32 },
    #[error("no establishment given")]
    NoEstablishment,
    #[error("internal error: {0}")]
    Internal(String),
    #[error("I/O error on {}: {source}", path.display())]
    Io {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error("keyring: {0}")]
    Secret(#[from] SecretError),
    #[error("no portal signing key in the keyring")]
    MissingSigningKey,
    #[error("SMTP server test failed: {0}")]
    SmtpUnreachable(String),
    #[error("account {0:?} is disabled")]
    AccountDisabled(String),
    #[error("every establishment of {email:?} is closed: {uais:?}")]
    EstablishmentClosed { email: String, uais: Vec<String> },
    #[error("SMTP settings: {0}")]
    SmtpSettings(#[from] crate::mail::smtp_url::SmtpConfigError),
    #[error("the stored SMTP password is for {configured:?}, not for {typed}: not sent there")]
    SmtpPasswordElsewhere {
        typed: String,
        configured: Option<String>,
    },
    #[error("e-mail not built: {0}")]
    MailMessage(#[from] crate::mail::message::MessageError),
    #[error("no bounce mailbox is set")]
    BounceMailboxNotSet,
    #[error("no bounce mailbox password in the keyring")]
    BounceMailboxPassword,
    #[error("bounce mailbox {host}: {reason}")]
    BounceMailbox { host: String, reason: String },
    #[error("bounce mailbox {host}: login refused for {user}")]
    BounceLogin { host: String, user: String },
}

impl From<crate::mail::sending::SettingError> for Error {
    fn from(error: crate::mail::sending::SettingError) -> Self {
        use crate::mail::sending::SettingError;
        match error {
            SettingError::Invalid { name, reason } => Error::InvalidSetting { name, reason },
            SettingError::Smtp(error) => Error::SmtpSettings(error),
        }
    }
}

impl Error {
    /// The stable code of the error, shared with the UI's bindings and the CLI's JSON output.
    pub fn kind(&self) -> ErrorKind {
        match self {
            // The database's own refusal is the same refusal as the core's.
            Error::RefusedByDatabase(_) => ErrorKind::Forbidden,
            other => ErrorKind::from(other),
        }
    }
}
