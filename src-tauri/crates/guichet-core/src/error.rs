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
    #[error("SMTP settings: {0}")]
    SmtpSettings(#[from] crate::mail::smtp_url::SmtpConfigError),
    #[error("the stored SMTP password is for {configured:?}, not for {typed}: not sent there")]
    SmtpPasswordElsewhere {
        typed: String,
        configured: Option<String>,
    },
    #[error("e-mail not built: {0}")]
    MailMessage(#[from] crate::mail::message::MessageError),
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

    /// What the agent reads: what happened and what to do next, in French.
    pub fn message(&self) -> String {
        match self {
            Error::InvalidDatabaseUrl(reason) => format!(
                "L’adresse de la base de données est invalide ({reason}). Indiquez une adresse \
                 «\u{a0}sqlite://chemin\u{a0}» ou «\u{a0}postgres://hôte/base\u{a0}» dans GUICHET_DATABASE_URL."
            ),
            Error::SqliteFileMissing(path) => format!(
                "La base SQLite «\u{a0}{}\u{a0}» est introuvable. Vérifiez le chemin, ou créez-la avec \
                 «\u{a0}guichet-admin migrate\u{a0}».",
                path.display()
            ),
            // A Guichet already open reconnects by itself once the server answers again.
            Error::DatabaseUnreachable(_) => "La base de données ne répond pas. Vérifiez que le \
                 serveur PostgreSQL est démarré et joignable, puis réessayez\u{a0}: le Guichet \
                 reprend dès qu’elle répond."
                .into(),
            Error::DatabaseAuthentication(_) => "La base de données a refusé l’identifiant ou le \
                 mot de passe. Vérifiez les paramètres de connexion."
                .into(),
            Error::DatabaseMissing(_) => "La base de données indiquée n’existe pas sur le serveur \
                 PostgreSQL. Vérifiez son nom ou demandez sa création."
                .into(),
            Error::SchemaTooNew { found, known } => format!(
                "La base de données a été mise à jour par une version plus récente du Guichet \
                 (schéma {found}, cette version connaît le schéma {known}). Installez la dernière \
                 version du Guichet\u{a0}; rien n’a été modifié."
            ),
            Error::SchemaTooOld { found, known } => format!(
                "La base de données n’est pas encore à jour pour cette version du Guichet \
                 (schéma {found}, cette version attend le schéma {known}). Le propriétaire de la \
                 base doit lancer «\u{a0}guichet-admin migrate\u{a0}»\u{a0}; rien n’a été modifié."
            ),
            Error::DatabaseTls(_) => "La connexion chiffrée (TLS) à la base de données n’a pas pu \
                 s’établir\u{a0}: le serveur ne la propose pas, ou le certificat d’autorité indiqué \
                 (sslrootcert) est illisible. Vérifiez l’adresse de la base et la configuration TLS \
                 du serveur."
                .into(),
            Error::DatabaseCertificate(_) => "Le certificat du serveur PostgreSQL n’est pas celui \
                 attendu (autorité indiquée par sslrootcert, ou nom du serveur)\u{a0}: la connexion est \
                 refusée. Vérifiez l’adresse de la base, ou demandez le bon certificat d’autorité à \
                 l’équipe technique."
                .into(),
            Error::RefusedByDatabase(_) => "La base de données a refusé cette opération\u{a0}: votre \
                 rôle ne la permet pas (ou plus). Rien n’a été modifié\u{a0}; demandez à un superviseur."
                .into(),
            Error::Migration(_) => "La mise à jour du schéma de la base a échoué\u{a0}; rien n’a été \
                 modifié. Contactez l’équipe technique."
                .into(),
            Error::Database(_) => "La base de données a renvoyé une erreur\u{a0}; l’opération n’a pas \
                 été enregistrée. Réessayez, puis contactez l’équipe technique si cela persiste."
                .into(),
            Error::InvalidUai { input, reason } => {
                format!(
                    "«\u{a0}{input}\u{a0}» n’est pas un code UAI valide\u{a0}: {}.",
                    reason.message()
                )
            }
            Error::EstablishmentNotFound(uai) => {
                format!("Aucun établissement ne porte le code UAI {uai}.")
            }
            Error::DatabaseNotEmpty => "La base contient déjà des établissements\u{a0}: les données \
                 de démonstration ne se chargent que dans une base vide."
                .into(),
            Error::InvalidDemoSize(reason) => {
                format!("Taille de démonstration invalide\u{a0}: {reason}.")
            }
            Error::InvalidSetting { name, reason } => {
                format!("Le réglage {name} est invalide\u{a0}: {reason}.")
            }
            Error::InvalidPopulation(error) => error.message(),
            Error::EmptyPopulation => "Aucun établissement ne correspond à ces filtres dans les \
                 états choisis\u{a0}: aucune campagne n’est préparée. Élargissez les filtres ou \
                 choisissez d’autres états."
                .into(),
            Error::CampaignRate(error) => error.message(),
            Error::CampaignNotFound(id) => format!("Aucune campagne ne porte le n°\u{a0}{id}."),
            Error::CampaignState { id, state, action } => format!(
                "Impossible de {} la campagne n°\u{a0}{id}\u{a0}: elle est {}.",
                action.verb(),
                state.said()
            ),
            Error::CampaignEmpty(id) => format!(
                "La campagne n°\u{a0}{id} n’a aucun lien à envoyer\u{a0}: tous ses établissements \
                 sont écartés. Rien n’est envoyé."
            ),
            Error::NoDataDirectory => "Impossible de trouver le dossier de données de \
                 l’utilisateur\u{a0}; indiquez une base avec GUICHET_DATABASE_URL."
                .into(),
            Error::InvalidCredentials => "Identifiant ou mot de passe incorrect.".into(),
            Error::LoginLocked(until) => format!(
                "Trop d’essais infructueux\u{a0}: cet identifiant est bloqué jusqu’à {}. Réessayez ensuite, \
                 ou demandez à un superviseur de vérifier le compte.",
                crate::text::paris_time(*until)
            ),
            Error::AgentDisabled => {
                "Ce compte d’agent est désactivé. Adressez-vous à un superviseur.".into()
            }
            Error::NotSignedIn => "Votre session est terminée\u{a0}: reconnectez-vous.".into(),
            Error::SessionLocked { idle_seconds } => format!(
                "L’écran s’est verrouillé après {} d’inactivité\u{a0}: saisissez votre mot de passe \
                 pour reprendre.",
                crate::text::lifetime_in_words(*idle_seconds)
            ),
            Error::Forbidden { role, permission } => format!(
                "{} Demandez à un agent ou à un superviseur.",
                permission.refusal(*role)
            ),
            Error::WeakPassword(unmet) => format!(
                "Le mot de passe doit comporter {}.",
                unmet
                    .iter()
                    .map(|rule| rule.message())
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
            Error::InvalidLogin(login) => format!(
                "«\u{a0}{login}\u{a0}» n’est pas un identifiant valide\u{a0}: de 2 à 64 caractères parmi les lettres \
                 minuscules sans accent, les chiffres, «\u{a0}.\u{a0}», «\u{a0}_\u{a0}» et «\u{a0}-\u{a0}»."
            ),
            Error::EmptyAgentName => "Indiquez le nom de l’agent.".into(),
            Error::LoginTaken(login) => format!("L’identifiant «\u{a0}{login}\u{a0}» est déjà pris."),
            Error::AgentsAlreadyExist => {
                "Un superviseur existe déjà\u{a0}: connectez-vous avec son compte.".into()
            }
            Error::AgentNotFound(login) => format!("Aucun agent n’a l’identifiant «\u{a0}{login}\u{a0}»."),
            Error::OwnAccount => "Vous ne pouvez pas changer le rôle ni l’état de votre propre \
                 compte\u{a0}: demandez-le à un autre superviseur."
                .into(),
            Error::NotAnAgent(login) => format!(
                "Le compte PostgreSQL «\u{a0}{login}\u{a0}» n’est pas un agent de ce Guichet. Demandez \
                 au propriétaire de la base de l’ajouter avec «\u{a0}guichet-admin agent add\u{a0}»."
            ),
            Error::MissingGroupRole(login) => format!(
                "Le compte «\u{a0}{login}\u{a0}» n’appartient à aucun rôle du Guichet \
                 (guichet_lecture, guichet_agent, guichet_superviseur)\u{a0}: la base ne lui \
                 permet rien. Un superviseur doit lui redonner un rôle («\u{a0}Agents\u{a0}»)."
            ),
            Error::NotOwner(login) => format!(
                "Le compte «\u{a0}{login}\u{a0}» n’est pas le propriétaire de la base\u{a0}: \
                 indiquez avec --agent l’identifiant d’un superviseur."
            ),
            Error::StandaloneDatabase => "Cette base est en mode autonome\u{a0}: les agents s’y \
                 connectent avec leur compte du Guichet, pas avec un compte PostgreSQL. Vérifiez \
                 l’adresse de la base (GUICHET_DATABASE_URL)."
                .into(),
            Error::SharedModeNeedsPostgres => "Le mode partagé n’existe que sur PostgreSQL\u{a0}; \
                 une base SQLite reste en mode autonome."
                .into(),
            Error::StandaloneAgentsExist => "Cette base a déjà des agents en mode autonome\u{a0}: \
                 elle ne peut plus passer en mode partagé. Créez une base neuve avec \
                 «\u{a0}guichet-admin migrate --shared\u{a0}»."
                .into(),
            Error::SharedDatabaseElsewhere(database) => format!(
                "La base «\u{a0}{database}\u{a0}» de ce serveur PostgreSQL est déjà la base partagée \
                 du Guichet\u{a0}: un serveur n’en accueille qu’une, car les comptes des agents \
                 valent pour tout le serveur."
            ),
            Error::SenderAccount(login) => format!(
                "«\u{a0}{login}\u{a0}» est le compte du service d’envoi\u{a0}: il ne se connecte pas au \
                 Guichet. Connectez-vous avec votre propre compte d’agent."
            ),
            Error::SenderRoleNeedsSharedMode => "Le rôle «\u{a0}envoi\u{a0}» n’existe qu’en base \
                 partagée\u{a0}: dans une base autonome, le Guichet envoie lui-même les liens."
                .into(),
            Error::NotASender(login) => format!(
                "Le compte «\u{a0}{login}\u{a0}» n’est pas celui du service d’envoi\u{a0}: le service \
                 se connecte avec un compte créé par «\u{a0}guichet-admin agent add … --role envoi\u{a0}»."
            ),
            Error::SentByTheService => "Dans une base partagée, les liens partent par le service \
                 d’envoi, à côté de la base\u{a0}: ses secrets (clé de signature du portail, mot de \
                 passe du serveur de courriel) sont dans son trousseau, et ce poste n’envoie rien \
                 lui-même."
                .into(),
            Error::FirstSupervisorByOwner => "En mode partagé, le premier superviseur est créé par \
                 le propriétaire de la base avec «\u{a0}guichet-admin agent add … --role \
                 superviseur\u{a0}»."
                .into(),
            Error::InvalidEmail { input, reason } => {
                format!(
                    "«\u{a0}{input}\u{a0}» n’est pas une adresse électronique valide\u{a0}: {}.",
                    reason.message()
                )
            }
            Error::AddressInOtherCase { typed, existing } => format!(
                "L’adresse «\u{a0}{typed}\u{a0}» existe déjà sous la forme «\u{a0}{existing}\u{a0}» (seules les majuscules \
                 diffèrent)\u{a0}: utilisez «\u{a0}{existing}\u{a0}», le portail ne distingue pas les deux."
            ),
            Error::AddressExists(email) => format!("L’adresse «\u{a0}{email}\u{a0}» est déjà dans la base."),
            Error::AddressNotFound(email) => {
                format!("L’adresse «\u{a0}{email}\u{a0}» n’est pas dans la base\u{a0}: ajoutez-la d’abord.")
            }
            Error::AlreadyAttached { email, uai } => {
                format!("L’adresse «\u{a0}{email}\u{a0}» est déjà rattachée à l’établissement {uai}.")
            }
            Error::NotAttached { email, uai } => {
                format!("L’adresse «\u{a0}{email}\u{a0}» n’est pas rattachée à l’établissement {uai}.")
            }
            Error::PrincipalNeedsReplacement { email, uai } => format!(
                "«\u{a0}{email}\u{a0}» est l’adresse principale de l’établissement {uai}\u{a0}: choisissez d’abord \
                 une autre adresse principale parmi ses adresses rattachées, puis détachez-la."
            ),
            Error::Conflict { uai, .. } => format!(
                "Un autre agent vient de modifier l’établissement {uai}. La page a été rechargée avec \
                 ses changements\u{a0}; votre saisie est conservée\u{a0}: vérifiez-la puis validez à nouveau."
            ),
            Error::NoEstablishment => "Indiquez au moins un établissement (code UAI).".into(),
            Error::Internal(_) => {
                "Une erreur interne est survenue\u{a0}; rien n’a été modifié. Contactez \
                 l’équipe technique."
                    .into()
            }
            Error::Io { path, .. } => format!(
                "Impossible de lire ou d’écrire «\u{a0}{}\u{a0}». Vérifiez les droits sur ce dossier.",
                path.display()
            ),
            Error::Secret(error) => error.message(),
            Error::MissingSigningKey => {
                "La clé de signature du portail n’est pas enregistrée auprès du service \
                 d’envoi\u{a0}: aucun lien ne peut partir. Enregistrez-la là où le service tourne, \
                 avec «\u{a0}guichet-admin secret set portal-signing-key\u{a0}» (dans une base autonome, \
                 un superviseur peut aussi l’enregistrer dans les réglages)."
                    .into()
            }
            Error::SmtpUnreachable(reason) => {
                format!("Le serveur de courriel ne répond pas comme prévu\u{a0}: {reason}")
            }
            Error::AccountDisabled(email) => format!(
                "Le compte «\u{a0}{email}\u{a0}» est désactivé sur le portail\u{a0}: un lien ne lui servirait à rien."
            ),
            Error::SmtpSettings(error) => error.message(),
            Error::SmtpPasswordElsewhere { typed, configured } => format!(
                "Le mot de passe du trousseau ne sert qu’avec le serveur réglé ({})\u{a0}: il n’est \
                 envoyé à aucun autre. Pour tester {typed}, enregistrez d’abord ce serveur dans les \
                 réglages et son mot de passe dans le trousseau.",
                configured.as_deref().unwrap_or("aucun pour l’instant")
            ),
            Error::MailMessage(error) => error.message(),
        }
    }
}
