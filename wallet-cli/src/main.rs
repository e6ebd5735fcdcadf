//! `avid`: the command-line face of avid. It parses arguments, calls the libraries and prints
//! what they return; every rule lives in `did-core` and `vc-issuer`.
//!
//! Exit codes: 0 success, 1 rejected or failed, 2 usage error.

mod cli;
mod did_cmd;
mod output;

use std::process::ExitCode;

use clap::Parser;

fn main() -> ExitCode {
    let cli = cli::Cli::parse();
    let out = output::Output::new(cli.json);
    let result = match cli.command {
        cli::Command::Did(did) => did_cmd::run(did, &out),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(failure) => out.failure(&failure),
    }
}
