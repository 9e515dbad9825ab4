//! `kiln`: serves the web UI and JSON API (`kiln serve`) and talks to a running
//! server from the command line (`kiln sync ...`).

mod agent_download;
mod alerts;
mod api;
mod aws;
mod body_limit;
mod cli;
mod client;
mod config;
mod health;
mod runs;
mod serve;
mod site;
mod webhooks;

use clap::Parser;

#[tokio::main]
async fn main() -> std::process::ExitCode {
    let args = cli::Cli::parse();
    match cli::run(args).await {
        Ok(code) => code,
        Err(err) => {
            eprintln!("kiln: {err:#}");
            std::process::ExitCode::FAILURE
        }
    }
}
