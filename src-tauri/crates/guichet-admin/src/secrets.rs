//! `secret set` and `secret delete`: the app's secrets in the OS keyring. The value comes from
//! standard input and is never printed; no database is needed.

use clap::Subcommand;
use clap::builder::{PossibleValuesParser, TypedValueParser};
use guichet_core::Error;
use guichet_core::keyring::Keyring;
use guichet_core::secrets::{KeyringBackend, SecretError, SecretName};
use serde_json::json;

use crate::output::{self, Failure, Output};

#[derive(Debug, Subcommand)]
pub enum SecretCommand {
    /// Enregistre un secret dans le trousseau du système ; sa valeur est lue sur la première
    /// ligne de l’entrée standard, et n’est jamais affichée.
    Set {
        #[arg(value_parser = name_parser())]
        name: SecretName,
    },
    /// Supprime un secret du trousseau du système.
    Delete {
        #[arg(value_parser = name_parser())]
        name: SecretName,
    },
}

fn name_parser() -> impl TypedValueParser<Value = SecretName> {
    PossibleValuesParser::new(SecretName::ALL.map(SecretName::entry_name))
        .try_map(|name| name.parse::<SecretName>().map_err(|()| "secret inconnu"))
}

pub async fn run(command: SecretCommand) -> Result<Output, Failure> {
    match command {
        SecretCommand::Set { name } => {
            let prompt = format!("Valeur de {}\u{a0}: ", name.entry_name());
            let value = output::read_secret_line(prompt).await?;
            // The keyring refuses an empty value itself.
            let backend = with_keyring(move |keyring| keyring.set(name, &value)).await?;
            Ok(done(
                name,
                backend,
                "Secret enregistré dans le trousseau",
                "stored",
            ))
        }
        SecretCommand::Delete { name } => {
            let backend = with_keyring(move |keyring| keyring.delete(name)).await?;
            Ok(done(
                name,
                backend,
                "Secret supprimé du trousseau",
                "deleted",
            ))
        }
    }
}

fn done(name: SecretName, backend: KeyringBackend, what: &str, flag: &str) -> Output {
    Output {
        text: format!("{what} ({}).", backend.name()),
        json: json!({ "secret": name.entry_name(), "backend": backend.name(), flag: true }),
    }
}

/// Opens the keyring and works on it off the async runtime: every keyring call blocks.
async fn with_keyring(
    work: impl FnOnce(&Keyring) -> Result<(), SecretError> + Send + 'static,
) -> Result<KeyringBackend, Error> {
    let outcome = tokio::task::spawn_blocking(move || {
        let keyring = Keyring::from_env()?;
        work(&keyring)?;
        Ok::<_, SecretError>(keyring.backend())
    })
    .await
    .map_err(|error| Error::Internal(format!("keyring task: {error}")))?;
    Ok(outcome?)
}
