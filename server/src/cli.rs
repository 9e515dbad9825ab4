//! Command-line interface.

use crate::{client, config::Config, serve};
use anyhow::Context;
use clap::{Parser, Subcommand};
use std::path::PathBuf;
use std::process::ExitCode;

#[derive(Debug, Parser)]
#[command(
    name = "kiln",
    version,
    about = "Kiln builds Docker images and pushes them to registries"
)]
pub struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Start the server (web UI and JSON API). Reads KILN_BIND, KILN_DATABASE_URL,
    /// KILN_DATA_DIR, KILN_SITE_DIR and the optional KILN_CONFIG file.
    Serve,
    /// Builds, against the server at KILN_URL.
    Build {
        #[command(subcommand)]
        command: BuildCommand,
    },
    /// Resource sync with Komodo-compatible TOML, against the server at KILN_URL.
    Sync {
        #[command(subcommand)]
        command: SyncCommand,
    },
    /// Users, on the server host (reads the same settings as `kiln serve`).
    User {
        #[command(subcommand)]
        command: UserCommand,
    },
    /// API keys, on the server host (reads the same settings as `kiln serve`).
    ApiKey {
        #[command(subcommand)]
        command: ApiKeyCommand,
    },
    /// Sign in to the server at KILN_URL and keep an API key for the other
    /// commands in ~/.config/kiln/cli.toml (mode 0600). The password is
    /// read from standard input.
    Login {
        username: String,
        #[arg(long, env = "KILN_URL", default_value = client::DEFAULT_URL)]
        url: String,
    },
}

#[derive(Debug, Subcommand)]
enum UserCommand {
    /// Create a user; the password is the first line of standard input.
    Create {
        name: String,
        /// The user may do anything (manage users, permissions, every resource).
        #[arg(long)]
        admin: bool,
    },
}

#[derive(Debug, Subcommand)]
enum ApiKeyCommand {
    /// Make an API key for a user and print only the key.
    Create {
        #[arg(long)]
        user: String,
        /// A label to recognise the key by in the list.
        #[arg(long, default_value = "created on the server host")]
        name: String,
    },
}

#[derive(Debug, Subcommand)]
enum BuildCommand {
    /// Start a run of a build. With --follow, print its live log and exit
    /// non-zero unless the run succeeds.
    Run {
        name: String,
        #[arg(long)]
        follow: bool,
        #[arg(long, env = "KILN_URL", default_value = client::DEFAULT_URL)]
        url: String,
    },
}

#[derive(Debug, Subcommand)]
enum SyncCommand {
    /// Apply a TOML file ("-" reads standard input): all of it or nothing.
    Apply {
        file: PathBuf,
        /// Show what would change without changing anything.
        #[arg(long)]
        dry_run: bool,
        /// Also delete resources that the file does not mention.
        #[arg(long)]
        delete: bool,
        /// Let the file set a build's version lower than the stored one.
        #[arg(long)]
        force_version: bool,
        #[arg(long, env = "KILN_URL", default_value = client::DEFAULT_URL)]
        url: String,
    },
    /// Print every resource as TOML (secrets left out).
    Export {
        #[arg(long, env = "KILN_URL", default_value = client::DEFAULT_URL)]
        url: String,
    },
}

pub async fn run(cli: Cli) -> anyhow::Result<ExitCode> {
    match cli.command {
        Command::Serve => {
            let config = Config::load().context("loading configuration")?;
            serve::run(config).await?;
            Ok(ExitCode::SUCCESS)
        }
        Command::Build {
            command: BuildCommand::Run { name, follow, url },
        } => client::Client::new(&url).run_build(&name, follow).await,
        Command::Sync {
            command:
                SyncCommand::Apply {
                    file,
                    dry_run,
                    delete,
                    force_version,
                    url,
                },
        } => {
            let text = read_input(&file)?;
            client::Client::new(&url)
                .sync_apply(text, dry_run, delete, force_version)
                .await
        }
        Command::User {
            command: UserCommand::Create { name, admin },
        } => {
            crate::host_admin::create_user(&name, admin).await?;
            Ok(ExitCode::SUCCESS)
        }
        Command::ApiKey {
            command: ApiKeyCommand::Create { user, name },
        } => {
            crate::host_admin::create_api_key(&user, &name).await?;
            Ok(ExitCode::SUCCESS)
        }
        Command::Login { username, url } => {
            let mut password = String::new();
            std::io::stdin()
                .read_line(&mut password)
                .context("reading the password from standard input")?;
            let password = password.trim_end_matches(['\r', '\n']);
            client::login(&url, &username, password).await?;
            Ok(ExitCode::SUCCESS)
        }
        Command::Sync {
            command: SyncCommand::Export { url },
        } => {
            let toml = client::Client::new(&url).sync_export().await?;
            print!("{toml}");
            Ok(ExitCode::SUCCESS)
        }
    }
}

fn read_input(file: &PathBuf) -> anyhow::Result<String> {
    if file.as_os_str() == "-" {
        let mut text = String::new();
        std::io::Read::read_to_string(&mut std::io::stdin(), &mut text)
            .context("reading standard input")?;
        return Ok(text);
    }
    std::fs::read_to_string(file).with_context(|| format!("reading {}", file.display()))
}
