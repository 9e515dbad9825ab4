//! `kiln`: serves the web UI and JSON API (`kiln serve`) and talks to a running
//! server from the command line (`kiln sync ...`). Everything lives in the
//! `kiln_server` library.

use clap::Parser;

#[tokio::main]
async fn main() -> std::process::ExitCode {
    let args = kiln_server::cli::Cli::parse();
    match kiln_server::cli::run(args).await {
        Ok(code) => code,
        Err(err) => {
            eprintln!("kiln: {err:#}");
            std::process::ExitCode::FAILURE
        }
    }
}
