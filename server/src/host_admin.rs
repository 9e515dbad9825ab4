//! Admin commands run on the server host, against its data dir and
//! database directly (no server needed): `kiln user create` and `kiln
//! api-key create`. They act as Kiln itself: whoever can run them can read
//! the data dir anyway.

use crate::config::Config;
use anyhow::Context;
use kiln_api::{NewApiKey, NewUser};
use kiln_core::{Actor, Kiln, RetryPolicy, RunSettings, Settings};

/// Opens Kiln's store as `kiln serve` would (same settings), without
/// starting anything.
async fn open() -> anyhow::Result<Kiln> {
    let config = Config::load().context("loading configuration")?;
    let runs = RunSettings {
        log_dir: config.data_dir.join("runs"),
        work_dir: config.data_dir.join("work"),
        cache_dir: config.data_dir.join("cache"),
        host_builds_dir: config.builds_root.clone(),
        docker_host: None,
        outbound: config.outbound,
    };
    Kiln::open(Settings {
        data_dir: config.data_dir.clone(),
        database_url: config.database_url.clone(),
        runs,
        ec2: config.ec2.clone(),
        kiln_url: config.public_url.clone().unwrap_or_default(),
        alert_retries: RetryPolicy::default(),
        auth: config.auth.clone(),
    })
    .await
}

/// `kiln user create [--admin] NAME`: the password is the first line of
/// standard input (so it never shows in a process list or shell history).
pub async fn create_user(name: &str, admin: bool) -> anyhow::Result<()> {
    let mut password = String::new();
    std::io::stdin()
        .read_line(&mut password)
        .context("reading the password from standard input")?;
    let password = password.trim_end_matches(['\r', '\n']).to_string();
    let kiln = open().await?;
    let user = kiln
        .create_user(
            &Actor::System,
            NewUser {
                username: name.to_string(),
                password,
                admin,
            },
        )
        .await?;
    eprintln!(
        "created {} '{}'",
        if user.admin { "admin" } else { "user" },
        user.username
    );
    Ok(())
}

/// `kiln api-key create --user NAME [--name LABEL]`: prints only the key.
pub async fn create_api_key(user: &str, name: &str) -> anyhow::Result<()> {
    let kiln = open().await?;
    let created = kiln
        .create_api_key(
            &Actor::System,
            NewApiKey {
                username: Some(user.to_string()),
                name: name.to_string(),
                expires_at_ms: None,
                level_cap: None,
            },
        )
        .await?;
    println!("{}", created.key);
    Ok(())
}
