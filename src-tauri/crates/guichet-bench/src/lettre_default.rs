//! lettre's default way of sending, the baseline the app's SMTP sender is measured against: one
//! connection lettre opens itself (Nagle's algorithm on, so that each message waits for the
//! server's delayed ACK), the messages one after another. The app never sends this way.

use guichet_core::delivery::transport::{Outgoing, SendError, Stage, classify};
use guichet_core::mail::smtp_url::{Security, SmtpConfig};
use guichet_core::secrets::Secret;
use lettre::Address;
use lettre::address::Envelope;
use lettre::transport::smtp::Error as SmtpError;
use lettre::transport::smtp::authentication::{Credentials, DEFAULT_MECHANISMS};
use lettre::transport::smtp::client::{AsyncSmtpConnection, TlsParameters};
use lettre::transport::smtp::extension::ClientId;

/// Sends `messages` lettre's default way, over one connection; returns how many were sent and
/// stops at the first failure.
pub async fn send_with_lettre_default(
    config: &SmtpConfig,
    password: Option<&Secret>,
    messages: &[Outgoing],
) -> Result<usize, SendError> {
    let hello = ClientId::default();
    let at = |stage| move |error: SmtpError| classify(stage, &error);
    let implicit = match config.security {
        Security::ImplicitTls => {
            Some(TlsParameters::new(config.host.clone()).map_err(at(Stage::Connect))?)
        }
        _ => None,
    };
    let mut connection = AsyncSmtpConnection::connect_tokio1(
        (config.host.as_str(), config.port),
        Some(config.timeout),
        &hello,
        implicit,
        None,
    )
    .await
    .map_err(at(Stage::Connect))?;
    if config.security == Security::StartTls {
        let parameters = TlsParameters::new(config.host.clone()).map_err(at(Stage::Connect))?;
        connection
            .starttls(parameters, &hello)
            .await
            .map_err(at(Stage::Connect))?;
    }
    if let (Some(user), Some(password)) = (&config.user, password) {
        let credentials = Credentials::new(user.clone(), password.expose().to_owned());
        connection
            .auth(DEFAULT_MECHANISMS, &credentials)
            .await
            .map_err(at(Stage::Auth))?;
    }
    for message in messages {
        let envelope = Envelope::new(
            Some(parse_address(&message.envelope_from)?),
            vec![parse_address(&message.recipient)?],
        )
        .map_err(|_| SendError::InvalidAddress {
            address: message.recipient.clone(),
        })?;
        connection
            .send(&envelope, &message.bytes)
            .await
            .map_err(at(Stage::Data))?;
    }
    let _ = connection.quit().await;
    Ok(messages.len())
}

fn parse_address(text: &str) -> Result<Address, SendError> {
    text.trim().parse().map_err(|_| SendError::InvalidAddress {
        address: text.to_owned(),
    })
}
