//! The server's configuration: defaults, then an optional TOML file
//! (`KILN_CONFIG`), then `KILN_*` environment variables. Loaded once.

use anyhow::{bail, Context};
use kiln_domain::Secret;
use serde::Deserialize;
use std::net::SocketAddr;
use std::path::PathBuf;

#[derive(Debug, Clone)]
pub struct Config {
    /// Address to listen on (`KILN_BIND`, default 127.0.0.1:3000; port 0 picks one).
    pub bind: SocketAddr,
    /// Where Kiln keeps its files (`KILN_DATA_DIR`, default `./data`),
    /// always absolute: a relative setting is resolved once, at load, against
    /// the working directory Kiln was started in, so every path derived from
    /// it (run dirs, `--iidfile`, clone caches, the SQLite file) means the
    /// same thing to every process Kiln starts, whatever their working dir.
    pub data_dir: PathBuf,
    /// Database URL (`KILN_DATABASE_URL`, default SQLite in the data dir). May hold a password.
    pub database_url: Secret,
    /// The built site (`KILN_SITE_DIR`, absolute); found next to the binary when unset.
    pub site_dir: Option<PathBuf>,
    /// Root for relative `build_path`s of files-on-host builds
    /// (`KILN_BUILDS_ROOT`, default `<data dir>/host-builds`; absolute).
    pub builds_root: PathBuf,
    /// The webhook secret of builds without their own `webhook_secret`
    /// (`KILN_WEBHOOK_SECRET`, default none: such builds refuse webhooks).
    pub webhook_secret: Secret,
    /// The URL builders reach this server at (`KILN_PUBLIC_URL`; default
    /// `http://<bound address>`): `[[KILN_URL]]` in EC2 user data.
    pub public_url: Option<String>,
    /// EC2 builders: endpoint and test overrides, bounds (`KILN_AWS_*`).
    pub ec2: kiln_core::Ec2Settings,
    /// The largest request body, in bytes, the JSON API (`/api/v1`) and the
    /// UI's server functions (`/rpc`) read (`KILN_MAX_BODY_BYTES`, default
    /// [`DEFAULT_MAX_BODY_BYTES`]); bigger ones are refused with 413.
    /// Webhooks keep their own 5 MiB.
    pub max_body_bytes: usize,
    /// Host names Kiln answers to besides its bound address, `localhost`
    /// and `KILN_PUBLIC_URL`'s host (`KILN_ALLOWED_HOSTS`, comma-separated
    /// `host[:port]`); other `Host` headers get 421.
    pub allowed_hosts: Vec<String>,
    /// Proxies whose `X-Forwarded-For/-Host/-Proto` count
    /// (`KILN_TRUSTED_PROXIES`, comma-separated addresses; default none).
    pub trusted_proxies: Vec<std::net::IpAddr>,
    /// Session expiry: idle (`KILN_SESSION_IDLE_SECS`, default 12 hours)
    /// and absolute (`KILN_SESSION_MAX_SECS`, default 7 days), in seconds.
    pub auth: kiln_core::AuthSettings,
    /// Where Kiln may connect on a user's say-so (git, registries,
    /// alerters, agents): `KILN_ALLOW_LOOPBACK_TARGETS=true` allows this
    /// host's own addresses (tests, where every service is on 127.0.0.1),
    /// `KILN_ALLOW_PLAIN_HTTP_AGENTS=true` allows `http://` Server builders
    /// off loopback. Both default to false; link-local (cloud metadata)
    /// addresses are always refused.
    pub outbound: kiln_core::NetPolicy,
}

/// The default of `KILN_MAX_BODY_BYTES`: 32 MiB (33,554,432 bytes). Sized
/// for sync files: a generated 50,000-build Komodo TOML (each build with a
/// repo, branch, one `image_registry` entry and three build args) measures
/// 13,150,000 bytes (12.5 MiB), and 14,550,046 bytes as the UI's sync
/// server function sends it (inside JSON); with a description, tags, a
/// version and a dockerfile_path per build, 20,620,000 bytes (22,520,046
/// as JSON).
pub const DEFAULT_MAX_BODY_BYTES: usize = 32 * 1024 * 1024;

/// The optional config file; every key is optional.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct FileConfig {
    bind: Option<String>,
    data_dir: Option<PathBuf>,
    database_url: Option<String>,
    site_dir: Option<PathBuf>,
    builds_root: Option<PathBuf>,
    webhook_secret: Option<String>,
    public_url: Option<String>,
    max_body_bytes: Option<usize>,
    session_idle_secs: Option<u64>,
    session_max_secs: Option<u64>,
    allowed_hosts: Option<Vec<String>>,
    trusted_proxies: Option<Vec<String>>,
}

impl Config {
    pub fn load() -> anyhow::Result<Self> {
        let file = match std::env::var_os("KILN_CONFIG") {
            Some(path) => {
                let text = std::fs::read_to_string(&path).with_context(|| {
                    format!("reading KILN_CONFIG {}", PathBuf::from(&path).display())
                })?;
                toml::from_str(&text)
                    .with_context(|| format!("in {}", PathBuf::from(&path).display()))?
            }
            None => FileConfig::default(),
        };
        Self::from_sources(file, |key| {
            std::env::var(key).ok().filter(|v| !v.is_empty())
        })
    }

    fn from_sources(
        file: FileConfig,
        env: impl Fn(&str) -> Option<String>,
    ) -> anyhow::Result<Self> {
        let bind_text = env("KILN_BIND")
            .or(file.bind)
            .unwrap_or_else(|| "127.0.0.1:3000".to_string());
        let bind: SocketAddr = match bind_text.parse() {
            Ok(addr) => addr,
            Err(_) => bail!("KILN_BIND '{bind_text}' is not an address like 127.0.0.1:3000"),
        };
        let data_dir = absolute(
            "KILN_DATA_DIR",
            env("KILN_DATA_DIR")
                .map(PathBuf::from)
                .or(file.data_dir)
                .unwrap_or_else(|| PathBuf::from("data")),
        )?;
        let database_url = env("KILN_DATABASE_URL")
            .or(file.database_url)
            .unwrap_or_else(|| kiln_core::sqlite_url_in(&data_dir));
        let site_dir = env("KILN_SITE_DIR")
            .map(PathBuf::from)
            .or(file.site_dir)
            .map(|dir| absolute("KILN_SITE_DIR", dir))
            .transpose()?;
        let builds_root = absolute(
            "KILN_BUILDS_ROOT",
            env("KILN_BUILDS_ROOT")
                .map(PathBuf::from)
                .or(file.builds_root)
                .unwrap_or_else(|| data_dir.join("host-builds")),
        )?;
        let webhook_secret = env("KILN_WEBHOOK_SECRET")
            .or(file.webhook_secret)
            .unwrap_or_default();
        let max_body_bytes = match env("KILN_MAX_BODY_BYTES") {
            Some(text) => match text.trim().parse::<usize>() {
                Ok(bytes) if bytes > 0 => bytes,
                _ => bail!(
                    "KILN_MAX_BODY_BYTES '{text}' is not a number of bytes greater than 0, like 33554432 (32 MiB)"
                ),
            },
            None => match file.max_body_bytes {
                Some(0) => bail!("max_body_bytes must be greater than 0, like 33554432 (32 MiB)"),
                Some(bytes) => bytes,
                None => DEFAULT_MAX_BODY_BYTES,
            },
        };
        let list = |text: String| -> Vec<String> {
            text.split(',')
                .map(str::trim)
                .filter(|h| !h.is_empty())
                .map(str::to_string)
                .collect()
        };
        let allowed_hosts = env("KILN_ALLOWED_HOSTS")
            .map(list)
            .or(file.allowed_hosts)
            .unwrap_or_default();
        let mut trusted_proxies = Vec::new();
        for text in env("KILN_TRUSTED_PROXIES")
            .map(list)
            .or(file.trusted_proxies)
            .unwrap_or_default()
        {
            match text.parse() {
                Ok(address) => trusted_proxies.push(address),
                Err(_) => {
                    bail!("KILN_TRUSTED_PROXIES: '{text}' is not an IP address like 10.0.0.5")
                }
            }
        }
        let mut auth = kiln_core::AuthSettings::default();
        if let Some(secs) = seconds(&env, "KILN_SESSION_IDLE_SECS", file.session_idle_secs)? {
            auth.session_idle = std::time::Duration::from_secs(secs);
        }
        if let Some(secs) = seconds(&env, "KILN_SESSION_MAX_SECS", file.session_max_secs)? {
            auth.session_max = std::time::Duration::from_secs(secs);
        }
        Ok(Self {
            bind,
            data_dir,
            database_url: Secret::new(database_url),
            site_dir,
            builds_root,
            webhook_secret: Secret::new(webhook_secret),
            public_url: env("KILN_PUBLIC_URL").or(file.public_url),
            ec2: kiln_core::Ec2Settings::from_env(&env)?,
            max_body_bytes,
            allowed_hosts,
            trusted_proxies,
            auth,
            outbound: kiln_core::NetPolicy {
                allow_loopback: flag(&env, "KILN_ALLOW_LOOPBACK_TARGETS")?,
                allow_plain_http_agents: flag(&env, "KILN_ALLOW_PLAIN_HTTP_AGENTS")?,
            },
        })
    }
}

/// A number of seconds greater than 0 from `setting` (env) or the file's
/// value; None when neither gives one.
fn seconds(
    env: &impl Fn(&str) -> Option<String>,
    setting: &str,
    file: Option<u64>,
) -> anyhow::Result<Option<u64>> {
    match env(setting) {
        Some(text) => match text.trim().parse::<u64>() {
            Ok(secs) if secs > 0 => Ok(Some(secs)),
            _ => bail!("{setting} '{text}' is not a number of seconds greater than 0, like 43200"),
        },
        None => match file {
            Some(0) => bail!(
                "{} must be greater than 0",
                setting.to_lowercase().trim_start_matches("kiln_")
            ),
            other => Ok(other),
        },
    }
}

/// A `true`/`false` setting (also `1`/`0`, `yes`/`no`); unset is false.
fn flag(env: &impl Fn(&str) -> Option<String>, name: &str) -> anyhow::Result<bool> {
    match env(name).as_deref().map(str::trim) {
        None | Some("") => Ok(false),
        Some("true" | "1" | "yes") => Ok(true),
        Some("false" | "0" | "no") => Ok(false),
        Some(other) => bail!("{name} '{other}' is not true or false"),
    }
}

/// `path` made absolute against the current working directory (without
/// touching the file system: the path need not exist yet). Errors name the
/// setting when the working directory cannot be read.
fn absolute(setting: &str, path: PathBuf) -> anyhow::Result<PathBuf> {
    std::path::absolute(&path).with_context(|| {
        format!(
            "{setting} '{}' is relative and the working directory cannot be read; set an absolute path",
            path.display()
        )
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashMap;

    fn load(file: FileConfig, env: &[(&str, &str)]) -> anyhow::Result<Config> {
        let env: HashMap<String, String> = env
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        Config::from_sources(file, |k| env.get(k).cloned())
    }

    #[test]
    fn defaults() {
        let c = load(FileConfig::default(), &[]).unwrap();
        assert_eq!(c.bind.to_string(), "127.0.0.1:3000");
        let cwd = std::env::current_dir().unwrap();
        assert_eq!(c.data_dir, cwd.join("data"));
        assert_eq!(
            c.database_url.expose(),
            format!("sqlite://{}/data/kiln.db?mode=rwc", cwd.display())
        );
        assert_eq!(c.builds_root, cwd.join("data/host-builds"));
        assert_eq!(c.site_dir, None);
    }

    #[test]
    fn every_relative_path_setting_becomes_absolute() {
        let cwd = std::env::current_dir().unwrap();
        let c = load(
            FileConfig {
                site_dir: Some("site".into()),
                ..Default::default()
            },
            &[
                ("KILN_DATA_DIR", "./d/../kiln-data"),
                ("KILN_BUILDS_ROOT", "hb"),
            ],
        )
        .unwrap();
        assert!(c.data_dir.is_absolute(), "{:?}", c.data_dir);
        assert!(c.data_dir.starts_with(&cwd), "{:?}", c.data_dir);
        assert_eq!(c.builds_root, cwd.join("hb"));
        assert_eq!(c.site_dir, Some(cwd.join("site")));
        assert!(c
            .database_url
            .expose()
            .starts_with(&format!("sqlite://{}", cwd.display())));
    }

    #[test]
    fn env_beats_file() {
        let file = FileConfig {
            bind: Some("127.0.0.1:4000".into()),
            data_dir: Some("/f".into()),
            ..Default::default()
        };
        let c = load(
            file,
            &[("KILN_BIND", "127.0.0.1:0"), ("KILN_DATA_DIR", "/e")],
        )
        .unwrap();
        assert_eq!(c.bind.port(), 0);
        assert_eq!(c.data_dir, PathBuf::from("/e"));
        assert_eq!(c.database_url.expose(), "sqlite:///e/kiln.db?mode=rwc");
    }

    #[test]
    fn max_body_bytes_default_file_env_and_errors() {
        let c = load(FileConfig::default(), &[]).unwrap();
        assert_eq!(c.max_body_bytes, 32 * 1024 * 1024);
        let file = || FileConfig {
            max_body_bytes: Some(1000),
            ..Default::default()
        };
        assert_eq!(load(file(), &[]).unwrap().max_body_bytes, 1000);
        let c = load(file(), &[("KILN_MAX_BODY_BYTES", "2000")]).unwrap();
        assert_eq!(c.max_body_bytes, 2000, "env beats file");
        for bad in ["32MiB", "-1", "0", "1e6"] {
            let err = load(file(), &[("KILN_MAX_BODY_BYTES", bad)]).unwrap_err();
            assert!(
                err.to_string()
                    .contains(&format!("KILN_MAX_BODY_BYTES '{bad}'")),
                "{err}"
            );
        }
        let zero = FileConfig {
            max_body_bytes: Some(0),
            ..Default::default()
        };
        let err = load(zero, &[]).unwrap_err();
        assert!(err.to_string().contains("max_body_bytes"), "{err}");
        let err = toml::from_str::<FileConfig>("max_body_bytes = \"big\"").unwrap_err();
        assert!(err.to_string().contains("max_body_bytes"), "{err}");
    }

    #[test]
    fn bad_bind_is_a_clear_error() {
        let err = load(FileConfig::default(), &[("KILN_BIND", "localhost")]).unwrap_err();
        assert!(err.to_string().contains("KILN_BIND 'localhost'"), "{err}");
    }

    #[test]
    fn webhook_secret_from_env_or_file_and_redacted_in_debug() {
        let c = load(FileConfig::default(), &[]).unwrap();
        assert!(c.webhook_secret.is_empty(), "no default secret");
        let file = FileConfig {
            webhook_secret: Some("from-file-81".into()),
            ..Default::default()
        };
        let c = load(file, &[]).unwrap();
        assert_eq!(c.webhook_secret.expose(), "from-file-81");
        let file = FileConfig {
            webhook_secret: Some("from-file-81".into()),
            ..Default::default()
        };
        let c = load(file, &[("KILN_WEBHOOK_SECRET", "from-env-92")]).unwrap();
        assert_eq!(c.webhook_secret.expose(), "from-env-92");
        assert!(!format!("{c:?}").contains("from-env-92"));
    }

    #[test]
    fn database_url_is_redacted_in_debug() {
        let c = load(
            FileConfig::default(),
            &[("KILN_DATABASE_URL", "postgres://u:hunter2@db/kiln")],
        )
        .unwrap();
        assert!(!format!("{c:?}").contains("hunter2"));
    }
}
