//! What the agent types for the second daily call, read once: the address and the UAI parsed
//! with the reason they fail, and what the agent reads once a change is saved.

use serde::Serialize;

use crate::error::{Error, Result};
use crate::model::email::EmailAddress;
use crate::model::uai::Uai;

/// What the agent reads once a change is saved: it names the address and the establishments.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, specta::Type)]
pub struct Confirmation {
    pub email: String,
    pub uais: Vec<Uai>,
    pub message: String,
}

pub fn parse_email(input: &str) -> Result<EmailAddress> {
    EmailAddress::parse(input).map_err(|reason| Error::InvalidEmail {
        input: input.trim().to_string(),
        reason,
    })
}

/// An address as it will be saved, and what the agent should check before saving it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, specta::Type)]
pub struct CheckedEmail {
    pub email: String,
    /// Characters that pass for Latin letters ([`EmailAddress::lookalike_warning`]).
    pub warning: Option<String>,
}

/// [`parse_email`], with the warning the confirmation shows.
pub fn check_email(input: &str) -> Result<CheckedEmail> {
    let address = parse_email(input)?;
    Ok(CheckedEmail {
        warning: address.lookalike_warning(),
        email: address.into(),
    })
}

pub fn parse_uai(input: &str) -> Result<Uai> {
    Uai::parse(input).map_err(|reason| Error::InvalidUai {
        input: input.trim().to_string(),
        reason,
    })
}
