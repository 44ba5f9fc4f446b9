//! Mail the helpdesk sends: messages built here, without any network I/O.

pub mod message;
