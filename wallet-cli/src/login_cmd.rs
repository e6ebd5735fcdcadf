//! `avid login <REQUEST>`: the wallet's side of an OpenID4VP login over HTTP. It reads the
//! request (an `openid4vp://` URL, an https URL with `request_uri`, or a file holding one),
//! fetches a Request Object by reference, has the library check it against the verifier's DID
//! and evaluate its DCQL query, shows who asks for which claims, and with consent posts the
//! response (`direct_post`) and answers the passkey step of the world (protocol: "Login over
//! HTTP"). Every rule is the library's; this file does the I/O.

use std::io::{BufRead as _, IsTerminal as _, Write as _};
use std::path::Path;

use did_core::time::unix_now;
use serde_json::{Value, json};
use url::Url;
use vc_issuer::mfa::RequestChallengeResponse;
use vc_issuer::openid4vp::dcql::Selection;
use vc_issuer::openid4vp::{
    AuthorizationRequest, ClientId, Holding, REQUEST_OBJECT_MEDIA_TYPE, RequestUrl, check_request,
    respond, select,
};
use vc_issuer::sd_jwt_vc::HolderCredential;
use vc_issuer::trust::{TrustEngine, TrustListEvidence, TrustModel};
use vc_issuer::wallet::HeldCopy;

use crate::input;
use crate::network;
use crate::output::Failure;
use crate::trust_cmd::trust_table;
use crate::wallet_cmd::args::LoginArgs;
use crate::wallet_cmd::{Context, failure};

/// The longest answer read from a world.
const MAX_ANSWER_BYTES: usize = 1 << 20;

/// Runs `avid login`.
pub fn run(args: &LoginArgs, ctx: &Context<'_>) -> Result<(), Failure> {
    let url = request_text(&args.request)?;
    let parsed = RequestUrl::parse(&url)
        .map_err(|err| Failure::usage(format!("the login request is refused: {err}")))?;
    let runtime = network::runtime()?;
    let resolver = network::resolver(args.allow_http)?;
    let fetched = match &parsed {
        RequestUrl::Reference { request_uri, .. } => Some(runtime.block_on(fetch_text(
            request_uri,
            REQUEST_OBJECT_MEDIA_TYPE,
            args.allow_http,
        ))?),
        _ => None,
    };
    let request = runtime
        .block_on(check_request(
            &parsed,
            fetched.as_deref(),
            resolver.as_ref(),
        ))
        .map_err(|err| Failure::rejected("invalid_request", err.to_string()))?;
    let client_id = request.client_id().to_string();
    // The holder's measure of the world before consenting: a verifier that names itself by a
    // DID is evaluated as an issuer would be (its resolution, its method), with no history.
    let world_trust = match request.client_id() {
        ClientId::DecentralizedIdentifier(did) => {
            let engine = TrustEngine::in_memory(TrustModel::default());
            let now = i64::try_from(unix_now()).unwrap_or(i64::MAX);
            runtime
                .block_on(engine.evaluate_issuer(
                    resolver.as_ref(),
                    did,
                    now,
                    TrustListEvidence::NotConfigured,
                ))
                .ok()
        }
        ClientId::RedirectUri(_) => None,
    };
    if let (Some(trust), false) = (&world_trust, ctx.out.json()) {
        tell!(
            "the world's own trust, as this wallet measures it:\n{}",
            trust_table(trust).trim_end()
        );
    }

    let mut wallet = ctx.unlock()?;
    let copies = wallet.copies_for(&client_id).map_err(failure)?;
    let signers = copies
        .iter()
        .map(|copy| {
            let algorithm = request
                .client_metadata()
                .kb_jwt_algorithm(&copy.public_key())
                .map_err(|err| Failure::rejected("no_common_algorithm", err.to_string()))?;
            copy.signer(Some(algorithm)).map_err(failure)
        })
        .collect::<Result<Vec<_>, _>>()?;
    let held: Vec<Holding<'_>> = copies
        .iter()
        .zip(&signers)
        .map(|(copy, signer)| Holding {
            credential: &copy.credential,
            signer,
        })
        .collect();
    let selection = select(&request, &held).map_err(|err| {
        Failure::rejected(
            "no_matching_credential",
            format!("the wallet cannot answer this request: {err}"),
        )
    })?;
    let consent = consent_text(&request, &copies, &selection)?;
    ask_consent(&consent, args.yes)?;

    let response = respond(&request, &held, &selection, unix_now())
        .map_err(|err| Failure::rejected("presentation_refused", err.to_string()))?;
    // Remembered before sending: once posted, the world may have seen the copy even if the
    // answer never arrives.
    for selected in &selection.credentials {
        let copy = &copies[selected.candidate];
        wallet
            .record_use(&copy.credential_id, copy.copy, &client_id)
            .map_err(failure)?;
    }
    wallet.save().map_err(failure)?;
    let form = response.to_form();
    if let Some(path) = &args.save_response {
        // It holds the disclosed claims: owner-only, like every file the wallet writes.
        did_core::key::store::write_atomically(
            path,
            form.as_bytes(),
            did_core::key::store::Replace::Existing,
        )
        .map_err(|err| Failure::rejected("io", format!("{}: {err}", path.display())))?;
    }

    let answer = runtime.block_on(post(
        request.response_uri(),
        "application/x-www-form-urlencoded",
        form,
        args.allow_http,
    ))?;
    let answer = match answer.get("redirect_uri").and_then(Value::as_str) {
        Some(passkey_uri) => {
            let options_text =
                runtime.block_on(fetch_text(passkey_uri, "application/json", args.allow_http))?;
            let options: RequestChallengeResponse =
                serde_json::from_str(&options_text).map_err(|err| {
                    Failure::rejected(
                        "passkey_failed",
                        format!("the world's passkey challenge is not WebAuthn options: {err}"),
                    )
                })?;
            let assertion = wallet
                .answer_passkey(options, args.origin.as_deref())
                .map_err(failure)?;
            wallet.save().map_err(failure)?;
            let body = serde_json::to_string(&assertion)
                .map_err(|err| Failure::rejected("internalError", err.to_string()))?;
            runtime.block_on(post(passkey_uri, "application/json", body, args.allow_http))?
        }
        None => answer,
    };
    if ctx.out.json() {
        ctx.out.print_json(
            &json!({"client_id": client_id, "answer": answer, "world_trust": world_trust}),
        );
    } else {
        say!("{client_id} answered:");
        ctx.out.print_json(&answer);
    }
    Ok(())
}

/// The request URL: REQUEST itself when it is a URL, else the text of the file it names.
fn request_text(request: &str) -> Result<String, Failure> {
    let lower = request.to_ascii_lowercase();
    if ["openid4vp:", "https:", "http:"]
        .iter()
        .any(|scheme| lower.starts_with(scheme))
    {
        return Ok(request.to_owned());
    }
    let text = input::read_text(Path::new(request))?;
    Ok(text.to_string())
}

/// What the person consents to: who asks, which claims the query selected, and everything the
/// world will see of each credential once those disclosures are sent (a disclosure of an array
/// element reveals the whole element, so the paths alone would say too little).
fn consent_text(
    request: &AuthorizationRequest,
    copies: &[HeldCopy],
    selection: &Selection,
) -> Result<String, Failure> {
    let mut text = format!("{} asks to see:\n", request.client_id());
    for selected in &selection.credentials {
        let copy = copies
            .get(selected.candidate)
            .ok_or_else(|| Failure::rejected("internalError", "the selection names no copy"))?;
        let seen = copy
            .credential
            .present(&selected.paths)
            .and_then(|presented| HolderCredential::parse(&presented))
            .and_then(|presented| presented.claims())
            .map_err(|err| Failure::rejected("internalError", err.to_string()))?;
        let requested: Vec<String> = selected.paths.iter().map(ToString::to_string).collect();
        text.push_str(&format!(
            "  from {} ({}): {}\n  the world will see:\n",
            copy.credential_id,
            copy.credential.vct().unwrap_or("-"),
            requested.join(", ")
        ));
        let pretty = serde_json::to_string_pretty(&Value::Object(seen))
            .map_err(|err| Failure::rejected("internalError", err.to_string()))?;
        for line in pretty.lines() {
            text.push_str(&format!("    {line}\n"));
        }
    }
    text.push_str("and a proof that this wallet holds the credential's key.");
    Ok(text)
}

/// Shows `consent` and asks for a yes; `--yes` consents for scripts. Without a terminal to ask
/// and without `--yes`, nothing is sent (exit 2).
fn ask_consent(consent: &str, yes: bool) -> Result<(), Failure> {
    tell!("{consent}");
    if yes {
        return Ok(());
    }
    if !std::io::stdin().is_terminal() {
        return Err(Failure::usage(
            "no terminal to ask for consent and no --yes: nothing was sent. Run it in a terminal, or pass --yes to consent to the claims above",
        ));
    }
    let mut stderr = std::io::stderr();
    let _ = write!(stderr, "Send these claims? [y/N] ");
    let _ = stderr.flush();
    let mut line = String::new();
    std::io::stdin()
        .lock()
        .read_line(&mut line)
        .map_err(|err| Failure::usage(format!("cannot read the answer: {err}")))?;
    if matches!(line.trim(), "y" | "Y" | "yes") {
        Ok(())
    } else {
        Err(Failure::rejected(
            "declined",
            "you declined: nothing was sent",
        ))
    }
}

/// A GET through did-core's guarded fetcher (HTTPS to public addresses unless `allow_http`).
async fn fetch_text(url: &str, accept: &str, allow_http: bool) -> Result<String, Failure> {
    let parsed = Url::parse(url)
        .map_err(|_| Failure::rejected("invalid_request", format!("{url} is not a URL")))?;
    let fetcher = network::fetcher(allow_http)?;
    let body = fetcher
        .get(&parsed, accept)
        .await
        .and_then(|body| body.into_success())
        .map_err(|err| Failure::rejected("fetch_failed", format!("cannot fetch {url}: {err}")))?;
    String::from_utf8(body.body)
        .map_err(|_| Failure::rejected("fetch_failed", format!("{url} answered with non-UTF-8")))
}

/// A POST of `body` to `url` (HTTPS only unless `allow_http`), the answer as JSON. A 4xx/5xx
/// answer is a rejection carrying the world's `error_description`.
async fn post(
    url: &str,
    content_type: &str,
    body: String,
    allow_http: bool,
) -> Result<Value, Failure> {
    let parsed = Url::parse(url)
        .map_err(|_| Failure::rejected("invalid_request", format!("{url} is not a URL")))?;
    if parsed.scheme() != "https" && !(allow_http && parsed.scheme() == "http") {
        return Err(Failure::rejected(
            "invalid_request",
            format!("{url} is not https; plain http only with --allow-http (local testing)"),
        ));
    }
    let client = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .timeout(std::time::Duration::from_secs(30))
        .build()
        .map_err(|err| Failure::rejected("internalError", err.to_string()))?;
    let response = client
        .post(parsed)
        .header(reqwest::header::CONTENT_TYPE, content_type)
        .header(reqwest::header::ACCEPT, "application/json")
        .body(body)
        .send()
        .await
        .map_err(|err| Failure::rejected("post_failed", format!("cannot reach {url}: {err}")))?;
    let status = response.status();
    let bytes = response
        .bytes()
        .await
        .map_err(|err| Failure::rejected("post_failed", format!("{url}: {err}")))?;
    if bytes.len() > MAX_ANSWER_BYTES {
        return Err(Failure::rejected(
            "post_failed",
            format!("{url} answered with over {MAX_ANSWER_BYTES} bytes"),
        ));
    }
    let answer: Value = serde_json::from_slice(&bytes).unwrap_or(Value::Null);
    if !status.is_success() {
        let reason = answer
            .get("error_description")
            .or_else(|| answer.get("error"))
            .and_then(Value::as_str)
            .map(did_core::excerpt::excerpt)
            .unwrap_or_else(|| "no reason given".into());
        return Err(Failure::rejected(
            "refused",
            format!("the world refused ({status}): {reason}"),
        )
        .with_details(json!({"answer": answer})));
    }
    Ok(answer)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn takes_urls_as_given_and_reads_anything_else_as_a_file() {
        let url = "openid4vp://?client_id=x&request_uri=https%3A%2F%2Fw.example%2Fr";
        assert_eq!(request_text(url).expect("url"), url);
        let https = "HTTPS://w.example/login?client_id=x&request_uri=https%3A%2F%2Fw.example%2Fr";
        assert_eq!(request_text(https).expect("url"), https);
        let dir = tempfile::tempdir().expect("dir");
        let file = dir.path().join("request.txt");
        std::fs::write(&file, format!("{url}\n")).expect("write");
        assert_eq!(
            request_text(file.to_str().expect("utf-8")).expect("file"),
            url
        );
        let missing = dir.path().join("missing");
        assert!(request_text(missing.to_str().expect("utf-8")).is_err());
    }
}
