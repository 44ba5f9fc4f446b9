//! How the database's errors reach the agent: which part is wrong (the address, the password,
//! the certificate, the server going down) rather than one generic failure.

use crate::error::Error;

impl From<sqlx::Error> for Error {
    /// Classifies connection failures so that the agent is told which part is wrong.
    fn from(error: sqlx::Error) -> Self {
        match &error {
            // A refused certificate comes out of the TLS handshake as an I/O error.
            sqlx::Error::Io(io)
                if io
                    .get_ref()
                    .is_some_and(|inner| inner.downcast_ref::<rustls::Error>().is_some()) =>
            {
                Error::DatabaseCertificate(error)
            }
            sqlx::Error::Tls(_) => Error::DatabaseTls(error),
            sqlx::Error::Io(_) | sqlx::Error::PoolTimedOut => Error::DatabaseUnreachable(error),
            sqlx::Error::Database(db) => match db.code().as_deref() {
                // invalid_authorization_specification, invalid_password
                Some("28000") | Some("28P01") => Error::DatabaseAuthentication(error),
                // invalid_catalog_name
                Some("3D000") => Error::DatabaseMissing(error),
                // insufficient_privilege: the database's grants refused what the role may not do.
                Some("42501") => Error::RefusedByDatabase(error),
                // The server going down or coming up (admin_shutdown, crash_shutdown,
                // cannot_connect_now) and connection exceptions: unreachable for now, and what
                // was in flight may or may not have been committed.
                Some("57P01" | "57P02" | "57P03") => Error::DatabaseUnreachable(error),
                Some(code) if code.starts_with("08") => Error::DatabaseUnreachable(error),
                _ => Error::Database(error),
            },
            _ => Error::Database(error),
        }
    }
}
