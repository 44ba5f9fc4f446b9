//! Handing a composed message over: to the SMTP relay (`transport`, with its TLS adapter and
//! the protocol exchange), or to a folder of `.eml` files for a demonstration (`files`);
//! `destination` is which of the two this PC's settings name.

pub mod destination;
mod exchange;
mod files;
mod send_error;
pub(crate) mod tls;
pub mod transport;
