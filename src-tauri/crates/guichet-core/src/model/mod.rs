//! The domain's vocabulary: UAI, académies, establishments and their addresses, the agents'
//! roles and the password policy, the database's engine and mode.

pub mod academie;
pub mod database;
pub mod email;
pub mod establishment;
pub mod password_policy;
pub mod role;
pub mod uai;
