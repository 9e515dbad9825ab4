//! `kiln-agent`: runs Kiln builds on this host for a Kiln server.
//!
//! It serves kiln-protocol on one endpoint (plain HTTP, or HTTPS with a
//! self-signed certificate whose fingerprint the server pins), checks the
//! key and protocol version of every request, and runs builds with
//! `kiln-engine`, streaming every log line back as it is printed. Its own
//! config file may hold variables, secrets and accounts that never leave
//! this host: they are merged into each job here.

mod build;
mod cli;
mod config;
mod docker;
mod dockerfile;
mod gate;
mod jobs;
mod routes;
mod runs;
mod serve;
mod tls;

use clap::Parser;

#[tokio::main]
async fn main() -> std::process::ExitCode {
    let args = cli::Args::parse();
    init_tracing();
    match serve::run(args).await {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(err) => {
            eprintln!("kiln-agent: {err:#}");
            std::process::ExitCode::FAILURE
        }
    }
}

fn init_tracing() {
    let filter = tracing_subscriber::EnvFilter::try_from_env("KILN_AGENT_LOG")
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info"));
    let _ = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .try_init();
}
