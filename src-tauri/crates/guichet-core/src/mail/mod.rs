//! Mail the helpdesk sends: the guide's message (`message`, no I/O), the sending settings
//! (`sending`), the SMTP server's URL (`smtp_url`), delivery over SMTP or into `.eml` files (`transport`), and the one sender that
//! mints links and drains the outbox (`sender`, with `sealed` for what it keeps until a message
//! has left).

mod destination;
mod exchange;
mod files;
pub mod message;
pub mod sealed;
mod send_error;
pub mod sender;
pub mod sending;
pub mod smtp_url;
mod status;
mod tls;
pub mod transport;
