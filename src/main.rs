//! The `parley` binary: parses the command line, runs it, and prints an
//! error once, with its causes, when it fails.

use std::process::ExitCode;

use clap::Parser;

fn main() -> ExitCode {
    let filter =
        tracing_subscriber::EnvFilter::try_from_env("PARLEY_LOG").unwrap_or_else(|_| "warn,parley=info".into());
    tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .with_target(false)
        .with_ansi(std::io::IsTerminal::is_terminal(&std::io::stderr()))
        .init();
    let cli = parley::cli::Cli::parse();
    match parley::cli::run(cli) {
        Ok(code) => ExitCode::from(code.clamp(0, 255) as u8),
        Err(err) => {
            // A closed pipe (`parley list | head`) is not an error.
            if err.downcast_ref::<std::io::Error>().is_some_and(|e| e.kind() == std::io::ErrorKind::BrokenPipe) {
                return ExitCode::SUCCESS;
            }
            eprintln!("error: {err}");
            for cause in err.chain().skip(1) {
                eprintln!("  caused by: {cause}");
            }
            ExitCode::from(2)
        }
    }
}
