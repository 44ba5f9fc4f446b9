//! Mail the helpdesk sends: the guide's message (`message`, no I/O), the sending settings
//! (`sending`), the SMTP server's URL (`smtp_url`), delivery over SMTP or into `.eml` files (`transport`), and the one sender that
//! mints links and drains the outbox (`sender`, with `sealed` for what it keeps until a message
//! has left).

pub mod message;
pub mod sealed;
pub mod sender;
pub mod sending;
pub mod smtp_url;
pub mod transport;
