//! Shared mode in the database: who the session's role is, and the owner's `SECURITY DEFINER`
//! functions through which agents are managed and readers journal what they must (see the
//! migration `20261130000001_shared_mode.sql`). PostgreSQL only.

use sqlx::PgPool;

use super::{Mode, Pool, Store};
use crate::agents::{Agent, Role};
use crate::error::{Error, Result};
use sqlx::postgres::PgDatabaseError;

/// The session's role as the database sees it (`guichet_whoami()`).
#[derive(Debug, Clone, sqlx::FromRow)]
pub(crate) struct Whoami {
    pub id: i32,
    pub login: String,
    pub display_name: String,
    pub role: String,
    pub disabled: bool,
    /// Still a member of its role's group role (a disabled agent is not).
    pub in_group: bool,
    /// The owner of the schema, which manages agents without being one.
    pub owner: bool,
}

impl Whoami {
    pub fn agent(&self) -> Agent {
        let (login, name) = (self.login.clone(), self.display_name.clone());
        Agent::from_row(self.id, login, name, &self.role, self.disabled)
    }
}

/// The errors the functions raise on purpose, with the codes the migration gives them.
fn function_error(error: sqlx::Error, login: &str) -> Error {
    let code = match &error {
        sqlx::Error::Database(db) => db.code().map(|code| code.into_owned()),
        _ => None,
    };
    match code.as_deref() {
        Some("GU001") => Error::NotAnAgent(login.into()),
        Some("GU002") => Error::AgentDisabled,
        Some("GU004") => Error::AgentNotFound(login.into()),
        Some("GU005") => Error::OwnAccount,
        // duplicate_object (a role of that name exists in the cluster), unique_violation
        Some("42710") | Some("23505") => Error::LoginTaken(login.into()),
        // check_violation: the agent table's rules on the login and the name
        Some("23514") => Error::InvalidLogin(login.into()),
        _ => error.into(),
    }
}

impl Store {
    fn shared_pool(&self) -> Result<&PgPool> {
        match &self.pool {
            Pool::Postgres(pool) => Ok(pool),
            Pool::Sqlite(_) => Err(Error::SharedModeNeedsPostgres),
        }
    }

    pub(crate) async fn whoami(&self) -> Result<Option<Whoami>> {
        Ok(sqlx::query_as("SELECT * FROM guichet_whoami()")
            .fetch_optional(self.shared_pool()?)
            .await?)
    }

    pub(crate) async fn journal_shared_sign_in(&self) -> Result<()> {
        let login = self.login().unwrap_or_default();
        sqlx::query("SELECT guichet_record_sign_in()")
            .execute(self.shared_pool()?)
            .await
            .map_err(|error| function_error(error, &login))?;
        Ok(())
    }

    /// Sets the session's own password from its SCRAM verifier, journaled by the database.
    pub(crate) async fn change_own_password(&self, verifier: &str) -> Result<()> {
        let login = self.login().unwrap_or_default();
        sqlx::query("SELECT guichet_change_own_password($1)")
            .bind(verifier)
            .execute(self.shared_pool()?)
            .await
            .map_err(|error| function_error(error, &login))?;
        Ok(())
    }

    /// Creates the agent's login role (SCRAM verifier, group role of `role`) and its row.
    pub(crate) async fn add_shared_agent(
        &self,
        login: &str,
        display_name: &str,
        role: Role,
        verifier: &str,
    ) -> Result<Agent> {
        let id: i32 = sqlx::query_scalar("SELECT guichet_add_agent($1, $2, $3, $4)")
            .bind(login)
            .bind(display_name)
            .bind(role.code())
            .bind(verifier)
            .fetch_one(self.shared_pool()?)
            .await
            .map_err(|error| function_error(error, login))?;
        Ok(Agent::new(
            id,
            login.into(),
            display_name.into(),
            role,
            false,
        ))
    }

    pub(crate) async fn set_shared_agent_role(&self, login: &str, role: Role) -> Result<()> {
        sqlx::query("SELECT guichet_set_agent_role($1, $2)")
            .bind(login)
            .bind(role.code())
            .execute(self.shared_pool()?)
            .await
            .map_err(|error| function_error(error, login))?;
        Ok(())
    }

    pub(crate) async fn set_shared_agent_disabled(
        &self,
        login: &str,
        disabled: bool,
    ) -> Result<()> {
        sqlx::query("SELECT guichet_set_agent_disabled($1, $2)")
            .bind(login)
            .bind(disabled)
            .execute(self.shared_pool()?)
            .await
            .map_err(|error| function_error(error, login))?;
        Ok(())
    }

    /// Records the shared mode (`guichet-admin migrate --shared`, as the owner, on a migrated
    /// database). Refused on a database whose standalone agents have passwords of the app's
    /// own, and when another database of the cluster is the shared one already.
    pub async fn enter_shared_mode(&self) -> Result<()> {
        let pool = self.shared_pool()?;
        if self.mode().await? == Mode::Shared {
            return Ok(());
        }
        let standalone_agents: i64 =
            sqlx::query_scalar("SELECT count(*) FROM agent WHERE password_hash IS NOT NULL")
                .fetch_one(pool)
                .await?;
        if standalone_agents > 0 {
            return Err(Error::StandaloneAgentsExist);
        }
        let elsewhere: Option<String> = sqlx::query_scalar(
            "SELECT d.datname::TEXT FROM pg_database d \
             WHERE d.datname = shobj_description('guichet_superviseur'::regrole, 'pg_authid') \
               AND d.datname <> current_database()",
        )
        .fetch_optional(pool)
        .await?;
        if let Some(database) = elsewhere {
            return Err(Error::SharedDatabaseElsewhere(database));
        }
        // One statement: the function's changes commit or fail together.
        sqlx::query("SELECT guichet_enter_shared_mode()")
            .execute(pool)
            .await?;
        Ok(())
    }
}

/// What a refused connection means at sign-in: PostgreSQL answers a wrong password and an
/// unknown role alike; it refuses a disabled role (NOLOGIN) only after its password was right.
pub(crate) fn sign_in_error(error: Error) -> Error {
    let Error::DatabaseAuthentication(sqlx::Error::Database(db)) = &error else {
        return error;
    };
    match db.code().as_deref() {
        // invalid_password
        Some("28P01") => Error::InvalidCredentials,
        // invalid_authorization_specification, raised where the server checks that the role
        // may log in (after authentication; pg_hba.conf refusals are raised elsewhere).
        Some("28000")
            if db
                .try_downcast_ref::<PgDatabaseError>()
                .and_then(PgDatabaseError::routine)
                == Some("InitializeSessionUserId") =>
        {
            Error::AgentDisabled
        }
        _ => error,
    }
}
