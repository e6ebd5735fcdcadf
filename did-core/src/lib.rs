//! Decentralized identifiers for avid: DID and DID URL syntax, keys, JOSE, DID documents, DID
//! methods and DID resolution.
//!
//! Everything here is a pure function over bytes and time except the HTTP fetch behind did:web,
//! which sits behind the [`fetch`] trait so that tests and caches can supply it.

pub mod did;
pub mod document;
pub mod fetch;
pub mod jose;
pub mod key;
pub mod method;
pub mod resolution;
