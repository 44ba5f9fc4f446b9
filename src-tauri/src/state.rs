//! What every command reaches through `State`: the core, opened once in the background at launch.

use guichet_core::store::OpenMode;
use guichet_core::{Guichet, Settings};
use tokio::sync::OnceCell;

use crate::error::{CommandError, CommandResult};

#[derive(Debug)]
pub struct AppState {
    settings: CommandResult<Settings>,
    guichet: OnceCell<CommandResult<Guichet>>,
}

impl AppState {
    pub fn new(settings: CommandResult<Settings>) -> AppState {
        AppState {
            settings,
            guichet: OnceCell::new(),
        }
    }

    /// The opened core; the first caller opens it (migrations, demo data), the others wait.
    pub async fn guichet(&self) -> CommandResult<&Guichet> {
        let opened = self
            .guichet
            .get_or_init(|| async {
                let settings = self.settings.clone()?;
                Guichet::open(settings, OpenMode::MustExist)
                    .await
                    .map_err(CommandError::from)
            })
            .await;
        opened.as_ref().map_err(Clone::clone)
    }
}
