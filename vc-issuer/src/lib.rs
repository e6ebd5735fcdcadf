//! Credentials for avid: SD-JWT (RFC 9901) and SD-JWT VC issuance, presentation and
//! verification, with the verification report of stable error codes.

pub mod report;
pub mod sd_jwt;
pub mod status;
