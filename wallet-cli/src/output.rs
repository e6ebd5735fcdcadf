//! How `avid` speaks: human text or `--json`, results on stdout, failures on stderr (or as JSON
//! on stdout with `--json`), and the exit code that goes with each failure.

use std::process::ExitCode;

use serde_json::{Value, json};

/// A command that did not succeed: a stable code, a message that says what to do, and whether
/// it was a rejection (exit 1) or a usage error (exit 2).
#[derive(Debug)]
pub struct Failure {
    /// Stable machine-readable code (e.g. `notFound`, `invalidDid`).
    pub code: String,
    /// What went wrong and what to do about it.
    pub message: String,
    /// Extra JSON to print with `--json` (e.g. the whole resolution result).
    pub details: Option<Box<Value>>,
    /// Exit with 2 instead of 1.
    pub usage: bool,
    /// Already reported on stdout (a rejection report): print nothing more, just exit.
    pub silent: bool,
}

impl Failure {
    /// A rejection or failure (exit 1).
    pub fn rejected(code: impl Into<String>, message: impl Into<String>) -> Failure {
        Failure {
            code: code.into(),
            message: message.into(),
            details: None,
            usage: false,
            silent: false,
        }
    }

    /// A usage error (exit 2): the command line or an input file is not what it must be.
    pub fn usage(message: impl Into<String>) -> Failure {
        Failure {
            code: "usage".into(),
            message: message.into(),
            details: None,
            usage: true,
            silent: false,
        }
    }

    /// Marks the failure as already printed (the report said it all).
    pub fn silent(mut self) -> Failure {
        self.silent = true;
        self
    }

    /// Attaches the JSON to print with `--json`.
    pub fn with_details(mut self, details: Value) -> Failure {
        self.details = Some(Box::new(details));
        self
    }
}

/// Where and how results are printed.
pub struct Output {
    json: bool,
}

impl Output {
    /// Human text, or JSON when `json` is set.
    pub fn new(json: bool) -> Output {
        Output { json }
    }

    /// Whether `--json` was given.
    pub fn json(&self) -> bool {
        self.json
    }

    /// Prints a JSON value, pretty, on stdout.
    pub fn print_json(&self, value: &Value) {
        say!(
            "{}",
            serde_json::to_string_pretty(value).unwrap_or_else(|_| value.to_string())
        );
    }

    /// Prints the failure (unless it was reported already) and gives its exit code.
    pub fn failure(&self, failure: &Failure) -> ExitCode {
        if !failure.silent {
            self.print_failure(failure);
        }
        if failure.usage {
            ExitCode::from(2)
        } else {
            ExitCode::from(1)
        }
    }

    fn print_failure(&self, failure: &Failure) {
        if self.json {
            let mut body = failure
                .details
                .as_deref()
                .cloned()
                .unwrap_or_else(|| json!({}));
            if let Value::Object(object) = &mut body {
                object.insert(
                    "error".into(),
                    json!({"code": failure.code, "message": failure.message}),
                );
            }
            self.print_json(&body);
        } else {
            tell!("error: {}: {}", failure.code, failure.message);
        }
    }
}
