//! Vectors from the specs that avid speaks, each file naming its source, and the tests under
//! `tests/` that run them against the libraries. Nothing depends on this crate.

#![forbid(unsafe_code)]
