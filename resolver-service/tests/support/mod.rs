//! Helpers shared by the test binaries of the service.

pub mod did_web;
pub mod login;
pub mod service;
