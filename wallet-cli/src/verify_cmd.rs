//! `avid verify`: one credential or presentation in, the verification report out. The policy
//! comes from the flags, never from the input; every rule is `vc_issuer::verify`'s.

use did_core::did::Did;
use serde_json::Value;
use vc_issuer::report::VerificationReport;
use vc_issuer::sd_jwt::ClaimPath;
use vc_issuer::verify::{VerificationPolicy, Verifier};

use crate::cli::VerifyArgs;
use crate::input;
use crate::network;
use crate::output::{Failure, Output};
use crate::trust_cmd::trust_table;

/// Runs `avid verify`: exit 0 when verified, 1 when rejected, 2 for a policy that cannot be
/// applied (key binding required without a nonce and an audience, say).
pub fn run(args: &VerifyArgs, out: &Output) -> Result<(), Failure> {
    let policy = policy(args)?;
    let text = input::read_presentation(&args.input)?;
    let verifier = Verifier::for_dids(
        network::resolver(args.allow_http)?,
        network::fetcher(args.allow_http)?,
    );
    let runtime = network::runtime()?;
    let report = runtime
        .block_on(verifier.verify(&text, &policy))
        .map_err(|err| Failure::usage(err.to_string()))?;

    if out.json() {
        out.print_json(&serde_json::to_value(&report).unwrap_or(Value::Null));
    } else {
        print_report(&report);
    }
    if report.verified {
        Ok(())
    } else {
        Err(Failure::rejected(
            report
                .errors
                .first()
                .map(|error| error.code.as_str())
                .unwrap_or("rejected"),
            "the credential was rejected",
        )
        .silent())
    }
}

fn policy(args: &VerifyArgs) -> Result<VerificationPolicy, Failure> {
    let mut policy = VerificationPolicy {
        require_key_binding: args.require_key_binding,
        expected_audience: args.aud.clone(),
        expected_nonce: args.nonce.clone(),
        now: args.at,
        expected_vct: args.vct.clone(),
        ..VerificationPolicy::default()
    };
    if !args.trusted_issuer.is_empty() {
        let issuers = args
            .trusted_issuer
            .iter()
            .map(|did| {
                Did::parse(did)
                    .map_err(|err| Failure::usage(format!("--trusted-issuer {did}: {err}")))
            })
            .collect::<Result<Vec<_>, _>>()?;
        policy = policy.trusting(issuers);
    }
    policy.required_claims = args
        .require_claim
        .iter()
        .map(|path| ClaimPath::parse(path).map_err(|err| Failure::usage(err.to_string())))
        .collect::<Result<_, _>>()?;
    policy
        .validate()
        .map_err(|err| Failure::usage(err.to_string()))?;
    Ok(policy)
}

fn print_report(report: &VerificationReport) {
    if report.verified {
        say!("verified");
        if let Some(claims) = &report.claims {
            for (name, value) in claims {
                say!("  {name}: {value}");
            }
        }
    } else {
        say!("rejected");
        for error in &report.errors {
            say!("  {}: {}", error.code.as_str(), error.message);
        }
    }
    for warning in &report.warnings {
        say!("warning: {}", warning.message);
    }
    if let Some(trust) = &report.trust {
        say!("{}", trust_table(trust).trim_end());
    }
}
