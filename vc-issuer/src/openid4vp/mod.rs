//! OpenID for Verifiable Presentations 1.0 with DCQL: the avatar login protocol, both sides —
//! the verifier's Authorization Request (by value, or signed and by reference) and its check
//! of the `direct_post` response into a [`LoginResult`], the wallet's check of a request, its
//! DCQL evaluation and its response — with the verifier's transactions behind
//! [`SingleUseStore`](crate::single_use::SingleUseStore).
//!
//! Two Client Identifier Prefixes are spoken (§5.9.3): `redirect_uri:` (unsigned requests,
//! the Client Identifier is the Response URI) and `decentralized_identifier:` (Request Objects
//! signed by a key of the verifier's DID, `typ: oauth-authz-req+jwt`). Requests of a
//! `redirect_uri:` client go by value only: by reference they would need an unsigned Request
//! Object (`alg: none`), which avid never accepts.
//!
//! The core does no I/O: the wallet fetches a `request_uri` itself and passes the body, the
//! verifier's service receives the `direct_post` body and passes it in.
//!
//! ```
//! # use std::sync::Arc;
//! # use did_core::jose::Algorithm;
//! # use did_core::key::{KeyType, SecretKey};
//! # use did_core::method::{DID_KEY, key::{did_key, did_key_verification_method}};
//! # use did_core::resolution::dispatch::MethodDispatcher;
//! # use serde_json::{Map, json};
//! # use vc_issuer::issuer_keys::DidIssuerKeys;
//! # use vc_issuer::sd_jwt::DisclosureFrame;
//! # use vc_issuer::sd_jwt_vc::{HolderCredential, SdJwtVcIssuer, UnsecuredPayload};
//! use vc_issuer::openid4vp::{
//!     AuthorizationRequest, AvatarLogin, ClientId, Holding, LoginVerifier, RequestUrl,
//!     check_request, respond, select,
//! };
//! use vc_issuer::single_use::InMemorySingleUseStore;
//! # let runtime = tokio::runtime::Builder::new_current_thread().build()?;
//! # runtime.block_on(async {
//! # let now = 1_700_000_000;
//! # let issuer = SecretKey::generate(KeyType::Ed25519);
//! # let signer = issuer.signer(Algorithm::Ed25519)?;
//! # let holder = SecretKey::generate(KeyType::Ed25519);
//! # let mut claims = Map::new();
//! # claims.insert("avatars".into(), json!([{"platform": "resonite", "id": "did:example:a", "handle": "ali"}]));
//! # let payload = UnsecuredPayload::new("urn:avid:avatar-link:1", holder.public_key(), now).with_claims(claims);
//! # let frame = DisclosureFrame::new().nest("avatars", DisclosureFrame::new().disclose_all());
//! # let issued = SdJwtVcIssuer::new(&signer, did_key_verification_method(&issuer.public_key()))?.issue(payload, &frame)?;
//! # let resolver = Arc::new(MethodDispatcher::new().with_method("key", Arc::new(DID_KEY)));
//! # let keys = DidIssuerKeys::new(resolver.clone());
//! // The world asks for an avatar of one platform and remembers the transaction.
//! let store = InMemorySingleUseStore::default();
//! let verifier = LoginVerifier::new(&store, &keys);
//! let login = AvatarLogin::new("resonite");
//! let response_uri = "https://world.example/login/responses";
//! let request = AuthorizationRequest::builder(
//!     ClientId::redirect_uri(response_uri)?, response_uri, login.dcql_query()).build()?;
//! verifier.begin(&request, &login, now).await?;
//! let qr_code = request.to_url()?;
//!
//! // The wallet checks the request, picks what to disclose, and answers.
//! let request = check_request(&RequestUrl::parse(&qr_code)?, None, resolver.as_ref()).await?;
//! let credential = HolderCredential::parse(&issued)?;
//! let kb_signer = holder.signer(request.client_metadata().kb_jwt_algorithm(&holder.public_key())?)?;
//! let held = [Holding { credential: &credential, signer: &kb_signer }];
//! let selection = select(&request, &held)?;
//! let form = respond(&request, &held, &selection, now + 5)?.to_form();
//!
//! // The world checks the response.
//! let result = verifier.check_response(&form, now + 6).await?;
//! assert!(result.granted(), "{:?}", result.report.errors);
//! assert_eq!(result.avatar.map(|a| a.handle), Some("ali".to_owned()));
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! # })?;
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

mod client_id;
pub mod dcql;
mod error;
mod request;
mod request_object;
mod response;
mod transaction;
mod verifier;
mod wallet;

pub use client_id::{ClientId, DECENTRALIZED_IDENTIFIER_PREFIX, REDIRECT_URI_PREFIX};
pub use error::Openid4vpError;
pub use request::{
    AuthorizationRequest, ClientMetadata, MAX_REQUEST_URL_LEN, OPENID4VP_SCHEME, RESPONSE_MODE,
    RESPONSE_TYPE, RequestBuilder, RequestUrl, random_token,
};
pub use request_object::{
    MAX_REQUEST_OBJECT_LEN, REQUEST_OBJECT_MEDIA_TYPE, REQUEST_OBJECT_TYP, SELF_ISSUED_AUDIENCE,
    SignedRequest,
};
pub use response::{AuthorizationResponse, MAX_PRESENTATIONS, MAX_RESPONSE_LEN};
pub use transaction::Transaction;
pub use verifier::{
    AVATAR_LINK_QUERY_ID, Avatar, AvatarLogin, Factor, LoginResult, LoginVerifier, checks,
};
pub use wallet::{Holding, check_request, respond, select};
