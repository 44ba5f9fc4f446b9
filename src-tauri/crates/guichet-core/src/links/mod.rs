//! Reset links the portal accepts: tokens made and checked as its Symfony bundle does.

pub mod service;
pub mod token;
