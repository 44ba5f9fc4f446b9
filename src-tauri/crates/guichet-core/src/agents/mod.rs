//! The helpdesk's agents, their roles, and what each role may do. Every operation takes the
//! signed-in agent's [`Session`] and checks its role, whatever the window shows.

mod agent;
pub mod password;
mod session;
pub(crate) mod sign_in;
#[cfg(test)]
mod tests;

pub use crate::model::role::{Grant, Permission, Permissions, Role};
pub use agent::{Agent, check_login};
pub use session::Session;
pub use sign_in::{FAILURES_BEFORE_LOCK, lock_duration, locked_until};
