//! Helpers shared by the test binaries of the service.

pub mod login;
pub mod service;
