//! The domain's vocabulary: UAI, académies, establishments and their addresses, the database's
//! engine and mode.

pub mod academie;
pub mod database;
pub mod email;
pub mod establishment;
pub mod uai;
