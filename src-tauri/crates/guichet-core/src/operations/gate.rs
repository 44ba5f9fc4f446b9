//! What a front end opens at launch, and how an agent gets in. A standalone database is open at
//! once, for everyone, and its agents sign in against the app's own table; a shared one is
//! entered by each agent with its own PostgreSQL role, so nothing is read before an agent
//! signs in, and each agent's operations run on connections of its own.

use super::Guichet;
use crate::agents::Session;
use crate::config::Settings;
use crate::error::{Error, Result};
use crate::model::database::{Backend, Mode, OpenMode};
use crate::store;

#[derive(Debug, Clone)]
pub enum Gate {
    Standalone(Guichet),
    Shared(Settings),
}

impl Gate {
    /// Connects as the URL's own user to learn the database's mode. The address of a shared
    /// database names no user, so that connection is refused there: each agent brings its own.
    pub async fn open(settings: Settings, mode: OpenMode) -> Result<Gate> {
        let store = match super::connect(&settings, mode).await {
            Ok(store) => store,
            Err(Error::DatabaseAuthentication(_))
                if store::names_no_user(&settings.effective_database_url()) =>
            {
                return Ok(Gate::Shared(settings));
            }
            Err(error) => return Err(error),
        };
        match store.mode().await? {
            Mode::Shared => {
                store.close().await;
                Ok(Gate::Shared(settings))
            }
            Mode::Standalone => Ok(Gate::Standalone(
                Guichet::ready(store, settings, Mode::Standalone).await?,
            )),
        }
    }

    /// Signs an agent in. In shared mode the Guichet returned is the agent's own (connected
    /// as its role, closed by [`Guichet::sign_out`]); in standalone mode it is the one shared
    /// by every agent of this window.
    pub async fn sign_in(&self, login: &str, password: &str) -> Result<(Guichet, Session)> {
        match self {
            Gate::Standalone(guichet) => {
                let session = guichet.sign_in(login, password).await?;
                Ok((guichet.clone(), session))
            }
            Gate::Shared(settings) => {
                let (store, agent) = super::shared_mode::enter(settings, login, password).await?;
                let guichet = Guichet::new(store, settings.clone(), Mode::Shared);
                let session = guichet.new_session(agent);
                Ok((guichet, session))
            }
        }
    }

    /// Whether the window asks for the first supervisor (a standalone database without agents).
    pub async fn needs_first_supervisor(&self) -> Result<bool> {
        match self {
            Gate::Standalone(guichet) => guichet.needs_first_supervisor().await,
            Gate::Shared(_) => Ok(false),
        }
    }

    pub async fn create_first_supervisor(
        &self,
        login: &str,
        display_name: &str,
        password: &str,
    ) -> Result<(Guichet, Session)> {
        match self {
            Gate::Standalone(guichet) => {
                let session = guichet
                    .create_first_supervisor(login, display_name, password)
                    .await?;
                Ok((guichet.clone(), session))
            }
            Gate::Shared(_) => Err(Error::FirstSupervisorByOwner),
        }
    }

    /// For a demonstration database, where its mail goes, as the window's banner says it: it
    /// never reaches the outside world.
    pub async fn demo_mail(&self) -> Result<Option<String>> {
        let Gate::Standalone(guichet) = self else {
            return Ok(None);
        };
        if !guichet.store().is_demo().await? {
            return Ok(None);
        }
        let destination = guichet.mail_destination().await?;
        Ok(Some(format!(
            "Base de démonstration\u{a0}: ses courriels sont {}, aucun ne part vers l’extérieur.",
            destination.describe()
        )))
    }

    pub fn mode(&self) -> Mode {
        match self {
            Gate::Standalone(_) => Mode::Standalone,
            Gate::Shared(_) => Mode::Shared,
        }
    }

    pub fn settings(&self) -> &Settings {
        match self {
            Gate::Standalone(guichet) => guichet.settings(),
            Gate::Shared(settings) => settings,
        }
    }

    pub fn backend(&self) -> Backend {
        match self {
            Gate::Standalone(guichet) => guichet.store().backend(),
            Gate::Shared(_) => Backend::Postgres,
        }
    }
}
