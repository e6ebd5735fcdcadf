//! The `BitstringStatusListCredential` (Bitstring Status List v1.0 §2.2) secured as `vc+jwt`
//! (VC-JOSE-COSE §3.1: a compact JWS whose payload is the VCDM 2.0 credential) — issued here,
//! read here once the shared envelope ([`crate::status::envelope`]) has checked its type, key,
//! signature and time window, and the Validate Algorithm (§3.2) that reads an entry's status
//! from it. No I/O: the caller fetches the credential.

use did_core::excerpt::excerpt;
use did_core::jose::{self, AlgorithmPolicy, Signer};
use did_core::key::PublicKey;
use did_core::time::format_date_time;
use serde_json::{Map, Value, json};

use super::{BitstringStatusList, BitstringStatusListEntry, StatusPurpose, StatusSize};
use crate::status::envelope::{
    self, SignedStatusList, StatusListValidation, Validity, optional_str,
};
use crate::status::uri::check_uri;
use crate::status::{StatusError, StatusListError, StatusValue};
use crate::w3c::{self, CREDENTIALS_V2_CONTEXT, VC_JWT_TYP};

/// The media type a status list credential is requested as (VC-JOSE-COSE §6.1.1).
pub const VC_JWT_MEDIA_TYPE: &str = "application/vc+jwt";

/// The credential type of a status list credential (§2.2).
pub const CREDENTIAL_TYPE: &str = "BitstringStatusListCredential";

/// The type of its credential subject, the list (§2.2).
pub const SUBJECT_TYPE: &str = "BitstringStatusList";

/// What a `BitstringStatusListCredential` says (§2.2), its structure checked.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct BitstringStatusListCredential {
    /// The credential's `id`; when present, the URL it is published at.
    pub id: Option<String>,
    /// The issuer's identifier (`issuer`, or `issuer.id`).
    pub issuer: String,
    /// The start of validity (`validFrom`), in seconds since the Unix epoch.
    pub valid_from: Option<i64>,
    /// The end of validity (`validUntil`), in seconds since the Unix epoch.
    pub valid_until: Option<i64>,
    /// The `credentialSubject.id`, if any.
    pub subject_id: Option<String>,
    /// The purposes the list serves (`credentialSubject.statusPurpose`), at least one.
    pub status_purposes: Vec<StatusPurpose>,
    /// The list (`credentialSubject.encodedList`), still encoded.
    pub encoded_list: String,
    /// How long, in milliseconds, before a refresh SHOULD be attempted
    /// (`credentialSubject.ttl`).
    pub ttl_ms: Option<u64>,
}

/// The result of the Validate Algorithm (§3.2 steps 11–14) for one entry.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct BitstringStatus {
    /// The entry's purpose.
    pub purpose: StatusPurpose,
    /// The status value at the entry's index.
    pub status: u8,
    /// Whether the status is 0 (§3.2 step 13).
    pub valid: bool,
    /// The message for the status, from the entry's `statusMessage` (or `set` / `unset`).
    pub message: Option<String>,
}

impl BitstringStatus {
    /// What the entry says about the credential, as a [`StatusValue`]: an unset status is
    /// `VALID`; a set `revocation` status is `INVALID` and a set `suspension` status
    /// `SUSPENDED`; `refresh` does not invalidate (§2.1) and `message` carries information,
    /// not a verdict, so both are `VALID`. A set status of a purpose this verifier does not
    /// know says nothing it can rely on: [`StatusError::UnknownPurpose`].
    pub fn value(&self) -> Result<StatusValue, StatusError> {
        if self.valid {
            return Ok(StatusValue::Valid);
        }
        match &self.purpose {
            StatusPurpose::Revocation => Ok(StatusValue::Invalid),
            StatusPurpose::Suspension => Ok(StatusValue::Suspended),
            StatusPurpose::Refresh | StatusPurpose::Message => Ok(StatusValue::Valid),
            StatusPurpose::Other(purpose) => Err(StatusError::UnknownPurpose {
                purpose: excerpt(purpose),
                status: self.status,
            }),
        }
    }
}

impl BitstringStatusListCredential {
    /// A credential publishing `list` at `url` for `purpose`, issued by `issuer`; its subject
    /// is `<url>#list`.
    pub fn new(
        list: &BitstringStatusList,
        url: &str,
        issuer: &str,
        purpose: StatusPurpose,
    ) -> Result<BitstringStatusListCredential, StatusListError> {
        check_uri(url, "id")?;
        Ok(BitstringStatusListCredential {
            id: Some(url.to_owned()),
            issuer: issuer.to_owned(),
            valid_from: None,
            valid_until: None,
            subject_id: Some(format!("{url}#list")),
            status_purposes: vec![purpose],
            encoded_list: list.encode()?,
            ttl_ms: None,
        })
    }

    /// The VCDM 2.0 credential as JSON (§2.2, Example 3).
    pub fn to_json(&self) -> Result<Value, StatusError> {
        let mut credential = Map::new();
        credential.insert("@context".to_owned(), json!([CREDENTIALS_V2_CONTEXT]));
        if let Some(id) = &self.id {
            credential.insert("id".to_owned(), json!(id));
        }
        credential.insert(
            "type".to_owned(),
            json!(["VerifiableCredential", CREDENTIAL_TYPE]),
        );
        credential.insert("issuer".to_owned(), json!(self.issuer));
        for (member, time) in [
            ("validFrom", self.valid_from),
            ("validUntil", self.valid_until),
        ] {
            if let Some(time) = time {
                let text = format_date_time(time)
                    .ok_or_else(|| invalid(member, "is outside the years 0001–9999"))?;
                credential.insert(member.to_owned(), json!(text));
            }
        }
        let mut subject = Map::new();
        if let Some(id) = &self.subject_id {
            subject.insert("id".to_owned(), json!(id));
        }
        subject.insert("type".to_owned(), json!(SUBJECT_TYPE));
        let purposes: Vec<&str> = self
            .status_purposes
            .iter()
            .map(StatusPurpose::as_str)
            .collect();
        subject.insert(
            "statusPurpose".to_owned(),
            match purposes.as_slice() {
                [single] => json!(single),
                many => json!(many),
            },
        );
        subject.insert("encodedList".to_owned(), json!(self.encoded_list));
        if let Some(ttl) = self.ttl_ms {
            subject.insert("ttl".to_owned(), json!(ttl));
        }
        credential.insert("credentialSubject".to_owned(), Value::Object(subject));
        Ok(Value::Object(credential))
    }

    /// Secures the credential as `vc+jwt` (VC-JOSE-COSE §3.1.1): header `typ: vc+jwt` and
    /// `kid`, the credential as the payload.
    pub fn issue(&self, signer: &dyn Signer, kid: &str) -> Result<String, StatusError> {
        if kid.is_empty() {
            return Err(StatusError::MissingKid);
        }
        let payload =
            serde_json::to_vec(&self.to_json()?).map_err(|err| StatusError::InvalidClaim {
                claim: "credentialSubject",
                problem: format!("does not serialize: {err}"),
            })?;
        let mut header = Map::new();
        header.insert("typ".to_owned(), json!(VC_JWT_TYP));
        header.insert("kid".to_owned(), json!(kid));
        Ok(jose::sign_compact(&header, &payload, signer)?)
    }

    /// Reads a status list credential and checks its structure: a VCDM 2.0 `@context`, a
    /// `type` with `VerifiableCredential` and `BitstringStatusListCredential`, an `issuer`,
    /// well-formed `validFrom` / `validUntil`, and a `credentialSubject` of type
    /// `BitstringStatusList` with one or more `statusPurpose` values and an `encodedList`
    /// (§2.2).
    pub fn from_json(
        credential: Map<String, Value>,
    ) -> Result<BitstringStatusListCredential, StatusError> {
        // The VCDM 2.0 rules (`@context`, `type`, `issuer`, `credentialSubject`, `validFrom`,
        // `validUntil`, no `vc`/`vp`) are the one reader's in `w3c`.
        let credential = w3c::parse_credential(credential)?;
        // Bitstring Status List §2.2: the `type` MUST include `BitstringStatusListCredential`.
        if !credential.has_type(CREDENTIAL_TYPE) {
            return Err(invalid(
                "type",
                format!("must include \"VerifiableCredential\" and {CREDENTIAL_TYPE:?}"),
            ));
        }
        let issuer = credential.issuer().to_owned();
        let (valid_from, valid_until) = (credential.valid_from(), credential.valid_until());
        let credential = credential.into_claims();
        let id = optional_str(&credential, "id")?.map(str::to_owned);

        let subject = match credential.get("credentialSubject") {
            Some(Value::Object(subject)) => subject,
            Some(_) => return Err(invalid("credentialSubject", "must be one object, the list")),
            None => return Err(StatusError::MissingClaim("credentialSubject")),
        };
        // §2.2: `credentialSubject.type` MUST be `BitstringStatusList`.
        if subject.get("type").and_then(Value::as_str) != Some(SUBJECT_TYPE) {
            return Err(invalid(
                "credentialSubject.type",
                format!("must be {SUBJECT_TYPE:?}"),
            ));
        }
        // §2.2: `statusPurpose` MUST be one or more strings.
        let status_purposes: Vec<StatusPurpose> = match subject.get("statusPurpose") {
            Some(Value::String(purpose)) => vec![StatusPurpose::from(purpose.as_str())],
            Some(Value::Array(purposes)) if !purposes.is_empty() => purposes
                .iter()
                .map(|purpose| purpose.as_str().map(StatusPurpose::from))
                .collect::<Option<_>>()
                .ok_or_else(|| invalid("credentialSubject.statusPurpose", "must be strings"))?,
            Some(_) => {
                return Err(invalid(
                    "credentialSubject.statusPurpose",
                    "must be a string or a non-empty array of strings",
                ));
            }
            None => return Err(StatusError::MissingClaim("credentialSubject.statusPurpose")),
        };
        let encoded_list = match subject.get("encodedList") {
            Some(Value::String(list)) => list.clone(),
            Some(_) => return Err(invalid("credentialSubject.encodedList", "is not a string")),
            None => return Err(StatusError::MissingClaim("credentialSubject.encodedList")),
        };
        let ttl_ms = match subject.get("ttl") {
            None => None,
            Some(ttl) => Some(ttl.as_u64().ok_or_else(|| {
                invalid(
                    "credentialSubject.ttl",
                    "is not a non-negative integer of milliseconds",
                )
            })?),
        };
        Ok(BitstringStatusListCredential {
            id,
            issuer,
            valid_from,
            valid_until,
            subject_id: match subject.get("id") {
                None => None,
                Some(Value::String(id)) => Some(id.clone()),
                Some(_) => return Err(invalid("credentialSubject.id", "is not a string")),
            },
            status_purposes,
            encoded_list,
            ttl_ms,
        })
    }

    /// The Bitstring Expansion Algorithm (§3.4) for entries of `status_size` bits, with the
    /// length check of §3.2 step 9.
    pub fn decode_list(
        &self,
        status_size: StatusSize,
        validation: &StatusListValidation,
    ) -> Result<BitstringStatusList, StatusError> {
        Ok(BitstringStatusList::decode_with_limit(
            &self.encoded_list,
            status_size,
            validation.max_list_bytes,
        )?)
    }

    /// §3.2 steps 5 and 10–14 for `entry` over this credential's `list` (from
    /// [`decode_list`](Self::decode_list) with the entry's `statusSize`): the list must serve
    /// the entry's purpose, and the entry's index must be in the list.
    pub fn status(
        &self,
        list: &BitstringStatusList,
        entry: &BitstringStatusListEntry,
    ) -> Result<BitstringStatus, StatusError> {
        // §3.2 step 5: the entry's purpose MUST be one the list serves
        // (`STATUS_VERIFICATION_ERROR`).
        if !self.status_purposes.contains(&entry.status_purpose) {
            return Err(StatusError::PurposeMismatch {
                expected: excerpt(entry.status_purpose.as_str()),
                found: self
                    .status_purposes
                    .iter()
                    .map(|purpose| excerpt(purpose.as_str()))
                    .collect(),
            });
        }
        if list.status_size() != entry.status_size {
            return Err(StatusListError::invalid_reference(
                "statusSize",
                format!(
                    "the list was decoded for {} bit(s), the entry has {}",
                    list.status_size(),
                    entry.status_size
                ),
            )
            .into());
        }
        // §3.2 step 10: `RANGE_ERROR` outside the bitstring.
        let status = list.get(entry.status_list_index)?;
        Ok(BitstringStatus {
            purpose: entry.status_purpose.clone(),
            status,
            valid: status == 0,
            message: entry.message_for(status).map(str::to_owned),
        })
    }
}

impl BitstringStatusListCredential {
    /// Verifies a status list credential fetched from `url` under a `key` the caller already
    /// trusts, through the same envelope checks as every fetched list: `alg` within `policy`,
    /// `typ` `vc+jwt` (or `vc-ld+jwt`, or none), a `kid`, the signature, the structure of
    /// §2.2, the credential's `id` and its validity period at `validation`'s clock.
    ///
    /// A verifier of credentials does not pick the key itself: the status client finds it
    /// through the credential issuer's keys.
    pub fn verify(
        jws: &str,
        key: &PublicKey,
        url: &str,
        policy: &AlgorithmPolicy,
        validation: &StatusListValidation,
    ) -> Result<BitstringStatusListCredential, StatusError> {
        envelope::verify_signed_list_with_key(jws, key, url, policy, validation)
    }
}

impl SignedStatusList for BitstringStatusListCredential {
    /// `vc+jwt` of the VC-JOSE-COSE Recommendation, and `vc-ld+jwt`, its later editor's
    /// drafts' name for the same media type, which deployed issuers already send.
    const TYPES: &'static [&'static str] = &[VC_JWT_TYP, "vc-ld+jwt"];
    /// VC-JOSE-COSE §3.1.1 says `typ` SHOULD be `vc+jwt`, and the Bitstring Status List
    /// examples leave it out, so a missing `typ` is accepted; the payload checks of
    /// [`BitstringStatusListCredential::from_json`] then keep any other token from passing as
    /// a status list.
    const TYP_REQUIRED: bool = false;
    const MEDIA_TYPE: &'static str = VC_JWT_MEDIA_TYPE;

    /// §3.2 step 4 (every proof verified by then): the payload is a VCDM 2.0 credential, not
    /// the JWT encoding of VCDM 1.1 (VC-JOSE-COSE §3.1: `vc` and `vp` MUST NOT be present),
    /// with the structure of §2.2 — and, when it has an `id`, it is the list at `url`.
    fn from_payload(
        payload: Map<String, Value>,
        url: &str,
        _max_list_bytes: usize,
    ) -> Result<Self, StatusError> {
        let credential = BitstringStatusListCredential::from_json(payload)?;
        // §2.2 lets the credential's `id` match the entry's `statusListCredential`. When it is
        // there and names another list, the issuer signed it for other credentials: serving it
        // here would answer for the wrong entries (the check Token Status List makes on `sub`).
        if let Some(id) = &credential.id
            && id != url
        {
            return Err(StatusError::CredentialIdMismatch {
                expected: excerpt(url),
                found: excerpt(id),
            });
        }
        Ok(credential)
    }

    /// VCDM 2.0 §4.9: `validFrom` reached, `validUntil` not passed. A time before 1970 is
    /// read as 1970, which is then long started, or long over.
    fn validity(&self) -> Validity {
        let unix = |time: i64| u64::try_from(time).unwrap_or(0);
        Validity {
            starts: self.valid_from.map(unix),
            ends: self.valid_until.map(unix),
        }
    }

    /// `issuer` is REQUIRED in VCDM 2.0 (§4.7).
    fn issuer(&self) -> Option<&str> {
        Some(&self.issuer)
    }
}

fn invalid(claim: &'static str, problem: impl Into<String>) -> StatusError {
    StatusError::InvalidClaim {
        claim,
        problem: problem.into(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::ErrorCode;
    use crate::status::MIN_ENTRIES;
    use did_core::jose::{Algorithm, JoseError};
    use did_core::key::{KeyType, SecretKey};

    const URL: &str = "https://example.com/credentials/status/3";
    const NOW: u64 = 1_700_000_000;
    const NOW_I64: i64 = 1_700_000_000;

    fn entry(purpose: &str, index: u64) -> BitstringStatusListEntry {
        BitstringStatusListEntry::from_json(&json!({
            "type": "BitstringStatusListEntry",
            "statusPurpose": purpose,
            "statusListIndex": index.to_string(),
            "statusListCredential": URL
        }))
        .expect("valid entry")
    }

    fn revoked_list() -> BitstringStatusList {
        let mut list = BitstringStatusList::new(StatusSize::ONE, MIN_ENTRIES).expect("ok");
        list.set(94567, 1).expect("in range");
        list
    }

    fn credential() -> BitstringStatusListCredential {
        BitstringStatusListCredential::new(
            &revoked_list(),
            URL,
            "did:example:12345",
            StatusPurpose::Revocation,
        )
        .expect("ok")
    }

    fn verify(
        jws: &str,
        key: &SecretKey,
        now: u64,
    ) -> Result<BitstringStatusListCredential, StatusError> {
        BitstringStatusListCredential::verify(
            jws,
            &key.public_key(),
            URL,
            &AlgorithmPolicy::default(),
            &StatusListValidation::at(now),
        )
    }

    /// The report code of an entry's status, as the verifier maps it.
    fn code(status: &BitstringStatus) -> Option<ErrorCode> {
        match status.value() {
            Ok(value) => value.verdict().err().map(|error| error.code),
            Err(error) => Some(error.code()),
        }
    }

    fn sign_raw(key: &SecretKey, typ: &str, credential: &Value) -> String {
        let signer = key.signer(Algorithm::Ed25519).expect("fits");
        let Value::Object(header) = json!({"typ": typ, "kid": "k"}) else {
            panic!("object")
        };
        jose::sign_compact(
            &header,
            &serde_json::to_vec(credential).expect("json"),
            &signer,
        )
        .expect("signs")
    }

    #[test]
    fn reads_the_spec_example() {
        // Bitstring Status List v1.0 §2.2, Example 3.
        let example = json!({
            "@context": ["https://www.w3.org/ns/credentials/v2"],
            "id": "https://example.com/credentials/status/3",
            "type": ["VerifiableCredential", "BitstringStatusListCredential"],
            "issuer": "did:example:12345",
            "validFrom": "2021-04-05T14:27:40Z",
            "credentialSubject": {
                "id": "https://example.com/status/3#list",
                "type": "BitstringStatusList",
                "statusPurpose": "revocation",
                "encodedList": "uH4sIAAAAAAAAA-3BMQEAAADCoPVPbQwfoAAAAAAAAAAAAAAAAAAAAIC3AYbSVKsAQAAA"
            }
        });
        let Value::Object(map) = &example else {
            panic!("object")
        };
        let credential = BitstringStatusListCredential::from_json(map.clone()).expect("valid");
        assert_eq!(credential.valid_from, Some(1_617_632_860));
        assert_eq!(credential.to_json().expect("json"), example);
        let entry = entry("revocation", 94567);
        let list = credential
            .decode_list(entry.status_size, &StatusListValidation::at(NOW))
            .expect("decodes");
        let status = credential.status(&list, &entry).expect("in range");
        assert!(status.valid);
        assert_eq!(code(&status), None);
        assert_eq!(status.message.as_deref(), Some("unset"));
    }

    #[test]
    fn issues_verifies_and_reads_a_revoked_entry() {
        let key = SecretKey::generate(KeyType::Ed25519);
        let signer = key.signer(Algorithm::Ed25519).expect("fits");
        let jws = credential()
            .issue(&signer, "did:example:12345#key-1")
            .expect("issues");
        let verified = verify(&jws, &key, NOW).expect("verifies");
        assert_eq!(verified, credential());
        let validation = StatusListValidation::at(NOW);
        for (index, valid) in [(94567, false), (94566, true)] {
            let entry = entry("revocation", index);
            let list = verified
                .decode_list(entry.status_size, &validation)
                .expect("ok");
            let status = verified.status(&list, &entry).expect("in range");
            assert_eq!(status.valid, valid);
            assert_eq!(code(&status), (!valid).then_some(ErrorCode::Revoked));
        }
    }

    #[test]
    fn suspension_maps_to_suspended() {
        let status = BitstringStatus {
            purpose: StatusPurpose::Suspension,
            status: 1,
            valid: false,
            message: None,
        };
        assert_eq!(code(&status), Some(ErrorCode::Suspended));
        let refresh = BitstringStatus {
            purpose: StatusPurpose::Refresh,
            ..status.clone()
        };
        assert_eq!(code(&refresh), None);
        let unknown = BitstringStatus {
            purpose: StatusPurpose::Other("custom".into()),
            ..status
        };
        assert_eq!(code(&unknown), Some(ErrorCode::StatusUnavailable));
    }

    #[test]
    fn rejects_purpose_mismatch() {
        let credential = credential();
        let entry = entry("suspension", 94567);
        let list = credential
            .decode_list(entry.status_size, &StatusListValidation::at(NOW))
            .expect("ok");
        assert!(matches!(
            credential.status(&list, &entry),
            Err(StatusError::PurposeMismatch { .. })
        ));
    }

    #[test]
    fn rejects_index_outside_the_list() {
        let credential = credential();
        let entry = entry("revocation", MIN_ENTRIES as u64);
        let list = credential
            .decode_list(entry.status_size, &StatusListValidation::at(NOW))
            .expect("ok");
        assert!(matches!(
            credential.status(&list, &entry),
            Err(StatusError::List(StatusListError::IndexOutOfRange { .. }))
        ));
    }

    #[test]
    fn rejects_credential_signed_by_another_key() {
        let key = SecretKey::generate(KeyType::Ed25519);
        let other = SecretKey::generate(KeyType::Ed25519);
        let jws = credential()
            .issue(&other.signer(Algorithm::Ed25519).expect("fits"), "k")
            .expect("issues");
        assert_eq!(
            verify(&jws, &key, NOW),
            Err(StatusError::Jose(JoseError::BadSignature))
        );
    }

    #[test]
    fn rejects_wrong_typ() {
        let key = SecretKey::generate(KeyType::Ed25519);
        let json = credential().to_json().expect("json");
        for typ in ["statuslist+jwt", "JWT", "vc+sd-jwt", "dc+sd-jwt"] {
            assert!(matches!(
                verify(&sign_raw(&key, typ, &json), &key, NOW),
                Err(StatusError::WrongType {
                    expected: "vc+jwt",
                    ..
                })
            ));
        }
        for typ in ["application/vc+jwt", "vc-ld+jwt", "VC+JWT"] {
            assert!(
                verify(&sign_raw(&key, typ, &json), &key, NOW).is_ok(),
                "{typ}"
            );
        }
    }

    #[test]
    fn accepts_credential_without_typ() {
        // VC-JOSE-COSE §3.1.1: `typ` SHOULD be present, not MUST.
        let key = SecretKey::generate(KeyType::Ed25519);
        let signer = key.signer(Algorithm::Ed25519).expect("fits");
        let Value::Object(header) = json!({"kid": "k"}) else {
            panic!("object")
        };
        let payload = serde_json::to_vec(&credential().to_json().expect("json")).expect("json");
        let jws = jose::sign_compact(&header, &payload, &signer).expect("signs");
        assert!(verify(&jws, &key, NOW).is_ok());
    }

    #[test]
    fn rejects_vcdm_1_1_jwt_claims() {
        let key = SecretKey::generate(KeyType::Ed25519);
        for claim in ["vc", "vp"] {
            let mut json = credential().to_json().expect("json");
            json[claim] = json!({"type": ["VerifiableCredential"]});
            assert_eq!(
                verify(&sign_raw(&key, "vc+jwt", &json), &key, NOW),
                Err(StatusError::Credential(
                    w3c::CredentialError::ForbiddenClaim(claim)
                ))
            );
        }
    }

    #[test]
    fn rejects_substituted_status_list_credential() {
        let key = SecretKey::generate(KeyType::Ed25519);
        let mut json = credential().to_json().expect("json");
        json["id"] = json!("https://example.com/credentials/status/4");
        assert!(matches!(
            verify(&sign_raw(&key, "vc+jwt", &json), &key, NOW),
            Err(StatusError::CredentialIdMismatch { .. })
        ));
        // Without an `id` the credential makes no claim about its URL, and is accepted.
        if let Some(object) = json.as_object_mut() {
            object.remove("id");
        }
        assert!(verify(&sign_raw(&key, "vc+jwt", &json), &key, NOW).is_ok());
    }

    #[test]
    fn rejects_expired_and_not_yet_valid_credentials() {
        let key = SecretKey::generate(KeyType::Ed25519);
        let signer = key.signer(Algorithm::Ed25519).expect("fits");
        let mut expiring = credential();
        expiring.valid_until = Some(NOW_I64);
        let jws = expiring.issue(&signer, "k").expect("issues");
        assert!(matches!(
            verify(&jws, &key, NOW + 3600),
            Err(StatusError::Expired { .. })
        ));
        assert!(verify(&jws, &key, NOW - 3600).is_ok());
        let mut future = credential();
        future.valid_from = Some(NOW_I64 + 3600);
        let jws = future.issue(&signer, "k").expect("issues");
        assert!(matches!(
            verify(&jws, &key, NOW),
            Err(StatusError::NotYetValid { .. })
        ));
    }

    #[test]
    fn rejects_malformed_credentials() {
        let key = SecretKey::generate(KeyType::Ed25519);
        let good = credential().to_json().expect("json");
        let cases: [(&str, Value); 10] = [
            (
                "@context",
                json!(["https://www.w3.org/2018/credentials/v1"]),
            ),
            ("type", json!(["VerifiableCredential"])),
            ("type", json!(["BitstringStatusListCredential"])),
            ("issuer", json!(7)),
            ("issuer", Value::Null),
            ("validUntil", json!("tomorrow")),
            ("credentialSubject", json!([])),
            (
                "credentialSubject",
                json!({"type": "StatusList2021", "statusPurpose": "revocation", "encodedList": "u"}),
            ),
            (
                "credentialSubject",
                json!({"type": "BitstringStatusList", "statusPurpose": [], "encodedList": "u"}),
            ),
            (
                "credentialSubject",
                json!({"type": "BitstringStatusList", "statusPurpose": "revocation"}),
            ),
        ];
        for (member, value) in cases {
            let mut json = good.clone();
            if let Some(object) = json.as_object_mut() {
                if value.is_null() {
                    object.remove(member);
                } else {
                    object.insert(member.to_owned(), value.clone());
                }
            }
            assert!(
                matches!(
                    verify(&sign_raw(&key, "vc+jwt", &json), &key, NOW),
                    Err(StatusError::MissingClaim(_)
                        | StatusError::InvalidClaim { .. }
                        | StatusError::Credential(_))
                ),
                "{member}: {value}"
            );
        }
    }

    #[test]
    fn rejects_bitstring_below_minimum_in_credential() {
        let mut short = credential();
        short.encoded_list = multibase::encode(
            multibase::Base::Base64Url,
            crate::status::inflate::compress(crate::status::inflate::Container::Gzip, &[0; 1024])
                .expect("ok"),
        );
        let entry = entry("revocation", 0);
        assert!(matches!(
            short.decode_list(entry.status_size, &StatusListValidation::at(NOW)),
            Err(StatusError::List(StatusListError::BelowMinimum { .. }))
        ));
    }
}
