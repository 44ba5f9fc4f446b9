//! Mail the helpdesk sends: messages built (`message`, no I/O) and delivered over SMTP or into the
//! outbox folder (`transport`).

pub mod message;
pub mod outbox;
pub mod transport;
