//! Where the `kiln` command line finds its API key: `KILN_API_KEY`, else
//! the key `kiln login` kept for the same server URL in
//! `$XDG_CONFIG_HOME/kiln/cli.toml` (default `~/.config/kiln/cli.toml`,
//! mode 0600).

use anyhow::Context;
use serde::{Deserialize, Serialize};
use std::path::PathBuf;

/// What `kiln login` keeps.
#[derive(Debug, Default, Serialize, Deserialize)]
pub struct Stored {
    /// The server's URL the key belongs to.
    pub url: String,
    pub api_key: String,
}

/// The file `kiln login` writes (None without a home directory).
pub fn path() -> Option<PathBuf> {
    let base = std::env::var_os("XDG_CONFIG_HOME")
        .filter(|v| !v.is_empty())
        .map(PathBuf::from)
        .or_else(|| std::env::var_os("HOME").map(|home| PathBuf::from(home).join(".config")))?;
    Some(base.join("kiln").join("cli.toml"))
}

/// The key for `url`: `KILN_API_KEY`, else the stored one when it was made
/// for the same URL.
pub fn key_for(url: &str) -> Option<String> {
    if let Some(key) = std::env::var("KILN_API_KEY").ok().filter(|k| !k.is_empty()) {
        return Some(key);
    }
    let text = std::fs::read_to_string(path()?).ok()?;
    let stored: Stored = toml::from_str(&text).ok()?;
    (stored.url.trim_end_matches('/') == url.trim_end_matches('/')).then_some(stored.api_key)
}

/// Keeps `key` for `url`, readable by its owner only (0600).
pub fn store(url: &str, key: &str) -> anyhow::Result<PathBuf> {
    let path = path().context("no home directory to keep the key in (set XDG_CONFIG_HOME)")?;
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir).with_context(|| format!("creating {}", dir.display()))?;
    }
    let text = toml::to_string(&Stored {
        url: url.trim_end_matches('/').to_string(),
        api_key: key.to_string(),
    })?;
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create(true).truncate(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    let mut file = options
        .open(&path)
        .with_context(|| format!("writing {}", path.display()))?;
    #[cfg(unix)]
    std::fs::set_permissions(&path, std::os::unix::fs::PermissionsExt::from_mode(0o600))?;
    std::io::Write::write_all(&mut file, text.as_bytes())?;
    Ok(path)
}
