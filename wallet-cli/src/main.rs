//! `avid`: the command-line face of avid. It parses arguments, calls the libraries and prints
//! what they return; every rule lives in `did-core` and `vc-issuer`.
//!
//! Exit codes: 0 success, 1 rejected or failed, 2 usage error.

#![forbid(unsafe_code)]

/// `println!` that does not panic when stdout is closed early (`avid … | head`): the reader
/// has gone, so there is nobody left to tell.
macro_rules! say {
    ($($arg:tt)*) => {{
        use std::io::Write as _;
        let _ = writeln!(std::io::stdout(), $($arg)*);
    }};
}

/// `eprintln!` that does not panic when stderr is closed.
macro_rules! tell {
    ($($arg:tt)*) => {{
        use std::io::Write as _;
        let _ = writeln!(std::io::stderr(), $($arg)*);
    }};
}

mod bench_cmd;
mod cli;
mod demo_cmd;
mod did_cmd;
mod input;
mod issuer_cmd;
mod issuer_store_cmd;
mod login_cmd;
mod network;
mod output;
mod passphrase;
mod sd_jwt_cmd;
mod trust_cmd;
mod verify_cmd;
mod wallet_cmd;

use std::process::ExitCode;

use clap::Parser;

fn main() -> ExitCode {
    let cli = cli::Cli::parse();
    let out = output::Output::new(cli.json);
    let wallet = wallet_cmd::Context {
        wallet: cli.wallet.as_deref(),
        passphrase_file: cli.passphrase_file.as_deref(),
        out: &out,
    };
    let result = match cli.command {
        cli::Command::Did(did) => did_cmd::run(did, &wallet),
        cli::Command::SdJwt(command) => sd_jwt_cmd::run(command, &out),
        cli::Command::Verify(args) => verify_cmd::run(&args, &out),
        cli::Command::Trust(cli::TrustCommand::Evaluate(args)) => trust_cmd::evaluate(&args, &out),
        cli::Command::Bench(args) => bench_cmd::run(&args, &out),
        cli::Command::Demo(args) => demo_cmd::run(&args, &out),
        cli::Command::Completions(args) => {
            completions(args.shell);
            Ok(())
        }
        cli::Command::Issuer(args) => issuer_cmd::run(args, cli.passphrase_file.as_deref(), &out),
        cli::Command::Init(_) => wallet_cmd::init(&wallet),
        cli::Command::Passphrase(wallet_cmd::args::PassphraseCommand::Change(args)) => {
            wallet_cmd::change_passphrase(&args, &wallet)
        }
        cli::Command::Avatar(command) => wallet_cmd::avatar(command, &wallet),
        cli::Command::Passkey(command) => wallet_cmd::passkey(command, &wallet),
        cli::Command::Credential(command) => wallet_cmd::credential(command, &wallet),
        cli::Command::Present(args) => wallet_cmd::present(&args, &wallet),
        cli::Command::Login(args) => login_cmd::run(&args, &wallet),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(failure) => out.failure(&failure),
    }
}

/// Prints the completion script of `shell`, generated from the parser's own definition. Like
/// `say!`, a reader that goes away early is not an error.
fn completions(shell: clap_complete::Shell) {
    use clap::CommandFactory as _;
    use std::io::Write as _;
    let mut script = Vec::new();
    clap_complete::generate(shell, &mut cli::Cli::command(), "avid", &mut script);
    let _ = std::io::stdout().write_all(&script);
}
