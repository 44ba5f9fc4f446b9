//! The one place core errors cross into the UI: a stable kind and the French message.

use guichet_core::ErrorKind;
use serde::Serialize;

/// What a failed command returns to the window.
#[derive(Debug, Clone, Serialize, specta::Type)]
pub struct CommandError {
    pub kind: ErrorKind,
    pub message: String,
}

impl From<guichet_core::Error> for CommandError {
    fn from(error: guichet_core::Error) -> Self {
        // The precise cause goes to the log; the agent gets what to do.
        tracing::warn!(kind = ?error.kind(), "{error}");
        CommandError {
            kind: error.kind(),
            message: error.message(),
        }
    }
}

pub type CommandResult<T> = Result<T, CommandError>;
