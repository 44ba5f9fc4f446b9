//! Reset links the portal accepts: tokens made and checked as its Symfony bundle does, and the
//! ledger of what became of each.

pub mod ledger;
pub mod token;
