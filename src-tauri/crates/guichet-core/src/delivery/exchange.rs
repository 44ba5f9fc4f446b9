//! One message's SMTP exchange on an open connection: MAIL (asking for 8BITMIME or SMTPUTF8 when
//! the message needs them, and for delivery status notifications where the server offers DSN),
//! RCPT, DATA and exactly the message's bytes; and the server's reply.

use lettre::Address;
use lettre::transport::smtp::Error as SmtpError;
use lettre::transport::smtp::client::AsyncSmtpConnection;
use lettre::transport::smtp::commands::{Data, Mail, Rcpt};
use lettre::transport::smtp::extension::{
    Extension, MailBodyParameter, MailParameter, RcptParameter,
};
use lettre::transport::smtp::response::Response;

use super::send_error::Stage;

/// What the server's EHLO offers that lettre does not read: DSN (RFC 3461).
pub(super) fn offers_dsn(ehlo: &Response) -> bool {
    ehlo.message().skip(1).any(|line| {
        line.split_whitespace()
            .next()
            .is_some_and(|keyword| keyword.eq_ignore_ascii_case("DSN"))
    })
}

/// MAIL, RCPT, DATA and the message, reporting where a failure happened. Where the server
/// offers DSN (`dsn`), a failure or a delay is reported back with the returned headers only and
/// the message's `envelope_id`, which the bounce mailbox matches.
pub(super) async fn transfer(
    connection: &mut AsyncSmtpConnection,
    (from, to): (&Address, &Address),
    dsn: Option<&str>,
    bytes: &[u8],
) -> Result<Response, (Stage, SmtpError)> {
    let mut parameters = Vec::new();
    let mut recipient_parameters = Vec::new();
    if let Some(envelope_id) = dsn {
        let other = |keyword: &str, value: &str| (keyword.to_owned(), Some(value.to_owned()));
        let (keyword, value) = other("RET", "HDRS");
        parameters.push(MailParameter::Other { keyword, value });
        if !envelope_id.is_empty() {
            let (keyword, value) = other("ENVID", envelope_id);
            parameters.push(MailParameter::Other { keyword, value });
        }
        let (keyword, value) = other("NOTIFY", "FAILURE,DELAY");
        recipient_parameters.push(RcptParameter::Other { keyword, value });
    }
    let info = connection.server_info();
    if !bytes.is_ascii() && info.supports_feature(Extension::EightBitMime) {
        parameters.push(MailParameter::Body(MailBodyParameter::EightBitMime));
    }
    let ascii = |address: &Address| address.user().is_ascii() && address.domain().is_ascii();
    if !(ascii(from) && ascii(to)) && info.supports_feature(Extension::SmtpUtfEight) {
        parameters.push(MailParameter::SmtpUtfEight);
    }
    let at = |stage| move |error| (stage, error);
    connection
        .command(Mail::new(Some(from.clone()), parameters))
        .await
        .map_err(at(Stage::Mail))?;
    connection
        .command(Rcpt::new(to.clone(), recipient_parameters))
        .await
        .map_err(at(Stage::Rcpt))?;
    connection.command(Data).await.map_err(at(Stage::Data))?;
    // lettre ends the data with "\r\n.\r\n": given the message without its own last line break,
    // the server receives exactly the bytes.
    let body = bytes.strip_suffix(b"\r\n").unwrap_or(bytes);
    connection.message(body).await.map_err(at(Stage::Data))
}

pub(super) fn reply_text(response: &Response) -> String {
    let lines: Vec<&str> = response.message().collect();
    format!("{} {}", response.code(), lines.join(" "))
}
