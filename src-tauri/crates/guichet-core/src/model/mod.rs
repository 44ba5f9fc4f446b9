//! The domain's vocabulary: UAI, académies, establishments and their addresses.

pub mod academie;
pub mod email;
pub mod establishment;
pub mod uai;
