//! What a failed delivery means: the server unreachable, a temporary failure, a refusal for
//! good, the login refused; read from where the SMTP exchange failed and the server's reply.

use std::error::Error as _;

use lettre::transport::smtp::Error as SmtpError;

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SendError {
    /// The server cannot be reached at all (no connection, no greeting, TLS refused): nothing
    /// about this message; every message waits until it can be reached again.
    #[error("server unreachable: {reason}")]
    Unreachable { reason: String },
    /// Worth trying again later: connection lost, timeout, 4xx reply. A failure after the data
    /// was sent may still mean the server kept the message.
    #[error("temporary failure: {reason}")]
    Temporary { reason: String },
    /// The server refused this message for good (5xx); `reply` is its code and text.
    #[error("refused by the server: {reply}")]
    Permanent { reply: String },
    /// The server refused the user name or the password: nothing goes until the settings change.
    #[error("authentication refused: {reply}")]
    Authentication { reply: String },
    /// An envelope address that cannot be used.
    #[error("invalid envelope address {address:?}")]
    InvalidAddress { address: String },
}

impl SendError {
    pub fn is_temporary(&self) -> bool {
        matches!(
            self,
            SendError::Temporary { .. } | SendError::Unreachable { .. }
        )
    }

    /// The server's own reply, when it gave one about this message (`550 5.1.1 …`, `451 …`).
    pub fn reply(&self) -> Option<&str> {
        match self {
            SendError::Permanent { reply } => Some(reply),
            SendError::Temporary { reason } => Some(reason),
            _ => None,
        }
    }

    /// A failure of the server or of the settings, not of one message: the sender stops and
    /// says why, and the messages wait.
    pub fn is_about_the_server(&self) -> bool {
        matches!(
            self,
            SendError::Unreachable { .. } | SendError::Authentication { .. }
        )
    }

    pub fn message(&self) -> String {
        match self {
            SendError::Unreachable { .. } => "Le serveur de courriel est injoignable (pas de \
                 connexion, pas de réponse ou chiffrement refusé)\u{a0}: les messages attendent dans la \
                 boîte d’envoi qu’il réponde."
                .into(),
            SendError::Temporary { .. } => {
                "Le serveur de courriel est injoignable ou demande de réessayer plus tard\u{a0}: le \
                 courriel reste dans la boîte d’envoi."
                    .into()
            }
            SendError::Permanent { reply } => format!(
                "Le serveur de courriel a refusé ce courriel («\u{a0}{reply}\u{a0}»)\u{a0}: vérifiez l’adresse \
                 du destinataire."
            ),
            SendError::Authentication { .. } => {
                "Le serveur de courriel a refusé l’utilisateur ou le mot de passe\u{a0}: corrigez \
                 l’adresse (GUICHET_SMTP_URL) ou le mot de passe enregistré dans le trousseau."
                    .into()
            }
            SendError::InvalidAddress { address } => {
                format!("«\u{a0}{address}\u{a0}» n’est pas une adresse électronique utilisable pour l’envoi.")
            }
        }
    }
}

/// Where an exchange failed: it decides how the failure is read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Stage {
    Connect,
    Auth,
    Mail,
    Rcpt,
    Data,
}

/// What a failure at `stage` means: before any message, about the server or the settings;
/// during one, refused for good (5xx) or worth trying again.
pub fn classify(stage: Stage, error: &SmtpError) -> SendError {
    let reply = error.status().map(|code| match error.source() {
        Some(text) => format!("{code} {text}"),
        None => code.to_string(),
    });
    let detail = || reply.clone().unwrap_or_else(|| error.to_string());
    match stage {
        // A refusal before any message is about the server or the settings, not this message.
        Stage::Connect => SendError::Unreachable { reason: detail() },
        Stage::Auth if error.is_transient() || (reply.is_none() && !error.is_client()) => {
            SendError::Unreachable { reason: detail() }
        }
        Stage::Auth => SendError::Authentication { reply: detail() },
        // 530: the server wants AUTH and no user is configured.
        _ if reply
            .as_deref()
            .is_some_and(|reply| reply.starts_with("530")) =>
        {
            SendError::Authentication { reply: detail() }
        }
        _ if error.is_permanent() => SendError::Permanent { reply: detail() },
        _ => SendError::Temporary { reason: detail() },
    }
}
