//! A real Docker registry (Debian's `docker-registry`, distribution 2.8) on 127.0.0.1.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

use anyhow::{bail, Context};
use base64::Engine as _;
use bollard::auth::DockerCredentials;
use reqwest::{Method, RequestBuilder, StatusCode};
use tempfile::TempDir;

use crate::ports::{free_port, local_client};
use crate::process::{log_tail, require_tool, ServiceProcess};

/// A running `docker-registry serve` on a free port of 127.0.0.1, with its storage in a
/// temp dir. Dropping it kills the registry and removes the storage.
pub struct Registry {
    addr: String,
    auth: Option<(String, String)>,
    client: reqwest::Client,
    // Declared before `_dir`: the registry must stop before its storage is removed.
    process: ServiceProcess,
    _dir: TempDir,
}

impl Registry {
    /// Starts a registry; with `auth = Some((user, password))` it requires HTTP Basic
    /// auth (htpasswd file made with `htpasswd -Bbn`). Returns once `/v2/` answers 401
    /// (with auth) or 200 (without).
    pub async fn start(auth: Option<(&str, &str)>) -> anyhow::Result<Self> {
        let binary = require_tool("docker-registry", "docker-registry")?;
        let dir = tempfile::Builder::new()
            .prefix("kiln-registry-")
            .tempdir()
            .context("creating a temp dir for the registry")?;
        let storage = dir.path().join("storage");
        std::fs::create_dir(&storage).with_context(|| format!("creating {}", storage.display()))?;
        let htpasswd = match auth {
            Some((user, password)) => Some(write_htpasswd(dir.path(), user, password)?),
            None => None,
        };
        let expected = if auth.is_some() {
            StatusCode::UNAUTHORIZED
        } else {
            StatusCode::OK
        };
        let client = local_client()?;
        let log = dir.path().join("registry.log");
        let mut last_error = None;
        for _ in 0..BIND_ATTEMPTS {
            let port = free_port()?;
            let config = dir.path().join("config.yml");
            let yaml = config_yaml(port, &storage, htpasswd.as_deref())?;
            std::fs::write(&config, yaml)
                .with_context(|| format!("writing {}", config.display()))?;
            let mut command = Command::new(&binary);
            command.arg("serve").arg(&config).current_dir(dir.path());
            let mut process = ServiceProcess::spawn("docker-registry", command, &log, STOP_GRACE)?;
            let addr = format!("127.0.0.1:{port}");
            match wait_serving(&client, &mut process, &addr, expected).await {
                Ok(()) => {
                    return Ok(Self {
                        addr,
                        auth: auth.map(|(u, p)| (u.to_owned(), p.to_owned())),
                        client,
                        process,
                        _dir: dir,
                    })
                }
                Err(error) => {
                    drop(process);
                    if !log_tail(&log, 50).contains("address already in use") {
                        return Err(error);
                    }
                    last_error = Some(error);
                }
            }
        }
        Err(last_error.unwrap_or_else(|| anyhow::anyhow!("the registry never started")))
            .context("every port tried for the registry was taken")
    }

    /// `127.0.0.1:PORT`, usable as the registry domain of an image name
    /// (`127.0.0.1:PORT/team/app:1`); the engine pushes to it over plain HTTP.
    pub fn addr(&self) -> &str {
        &self.addr
    }

    /// `http://127.0.0.1:PORT`.
    pub fn url(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// The user and password the registry requires, if any.
    pub fn credentials(&self) -> Option<(&str, &str)> {
        self.auth.as_ref().map(|(u, p)| (u.as_str(), p.as_str()))
    }

    /// Credentials for bollard's `push_image`/`create_image` (`None` without auth).
    pub fn docker_credentials(&self) -> Option<DockerCredentials> {
        self.auth
            .as_ref()
            .map(|(user, password)| DockerCredentials {
                username: Some(user.clone()),
                password: Some(password.clone()),
                serveraddress: Some(self.addr.clone()),
                ..DockerCredentials::default()
            })
    }

    /// Writes `config.json` into `docker_config_dir` (use it as `DOCKER_CONFIG` or
    /// `docker --config`) with an `auths` entry for this registry, so the CLI can push
    /// without `docker login`. Without auth it writes an empty `auths`.
    pub fn write_docker_config(&self, docker_config_dir: &Path) -> anyhow::Result<()> {
        let mut auths = serde_json::Map::new();
        if let Some((user, password)) = &self.auth {
            let token =
                base64::engine::general_purpose::STANDARD.encode(format!("{user}:{password}"));
            auths.insert(self.addr.clone(), serde_json::json!({ "auth": token }));
        }
        let config = serde_json::json!({ "auths": auths });
        std::fs::create_dir_all(docker_config_dir)
            .with_context(|| format!("creating {}", docker_config_dir.display()))?;
        let path = docker_config_dir.join("config.json");
        std::fs::write(&path, serde_json::to_vec_pretty(&config)?)
            .with_context(|| format!("writing {}", path.display()))
    }

    /// The tags of repository `name` (e.g. `kiln/base`), sorted; empty when the
    /// repository does not exist (`NAME_UNKNOWN`).
    pub async fn tags(&self, name: &str) -> anyhow::Result<Vec<String>> {
        let url = format!("{}/v2/{name}/tags/list", self.url());
        let response = self
            .request(Method::GET, &url)
            .send()
            .await
            .with_context(|| format!("GET {url}"))?;
        let status = response.status();
        let body = response
            .text()
            .await
            .with_context(|| format!("reading GET {url}"))?;
        if status == StatusCode::NOT_FOUND && body.contains("NAME_UNKNOWN") {
            return Ok(Vec::new());
        }
        if !status.is_success() {
            bail!("GET {url}: {status}: {body}");
        }
        let value: serde_json::Value =
            serde_json::from_str(&body).with_context(|| format!("parsing GET {url}: {body}"))?;
        let mut tags: Vec<String> = value
            .get("tags")
            .and_then(serde_json::Value::as_array)
            .map(|tags| {
                tags.iter()
                    .filter_map(|t| t.as_str().map(str::to_owned))
                    .collect()
            })
            .unwrap_or_default();
        tags.sort();
        Ok(tags)
    }

    /// The digest (`sha256:…`) of the manifest `name:tag`, or `None` when it is missing.
    pub async fn manifest_digest(&self, name: &str, tag: &str) -> anyhow::Result<Option<String>> {
        let url = format!("{}/v2/{name}/manifests/{tag}", self.url());
        let response = self
            .request(Method::HEAD, &url)
            .header(reqwest::header::ACCEPT, MANIFEST_TYPES)
            .send()
            .await
            .with_context(|| format!("HEAD {url}"))?;
        let status = response.status();
        if status == StatusCode::NOT_FOUND {
            return Ok(None);
        }
        if !status.is_success() {
            bail!("HEAD {url}: {status}");
        }
        let digest = response
            .headers()
            .get("docker-content-digest")
            .with_context(|| format!("HEAD {url}: no Docker-Content-Digest header"))?
            .to_str()
            .context("the Docker-Content-Digest header is not text")?;
        Ok(Some(digest.to_owned()))
    }

    /// The process id of `docker-registry`.
    pub fn pid(&self) -> u32 {
        self.process.pid()
    }

    fn request(&self, method: Method, url: &str) -> RequestBuilder {
        let builder = self.client.request(method, url);
        match &self.auth {
            Some((user, password)) => builder.basic_auth(user, Some(password)),
            None => builder,
        }
    }
}

/// How many ports to try when another process takes the free port first.
const BIND_ATTEMPTS: usize = 5;
/// How long the registry may take to answer `/v2/`.
const START_TIMEOUT: Duration = Duration::from_secs(20);
/// How long the registry gets to exit after SIGTERM.
const STOP_GRACE: Duration = Duration::from_secs(5);
/// Manifest media types accepted by [`Registry::manifest_digest`].
const MANIFEST_TYPES: &str = "application/vnd.docker.distribution.manifest.v2+json, \
    application/vnd.docker.distribution.manifest.list.v2+json, \
    application/vnd.oci.image.manifest.v1+json, \
    application/vnd.oci.image.index.v1+json";

/// Waits until `/v2/` answers `expected`, failing early when the process exits.
async fn wait_serving(
    client: &reqwest::Client,
    process: &mut ServiceProcess,
    addr: &str,
    expected: StatusCode,
) -> anyhow::Result<()> {
    let url = format!("http://{addr}/v2/");
    let deadline = Instant::now() + START_TIMEOUT;
    loop {
        process.check_running()?;
        let outcome = client.get(&url).send().await.map(|r| r.status());
        if let Ok(status) = outcome {
            if status == expected {
                return Ok(());
            }
        }
        if Instant::now() >= deadline {
            bail!(
                "the registry did not answer {expected} on {url} within {START_TIMEOUT:?} \
                 (last outcome: {outcome:?}); last lines of {}:\n{}",
                process.log_path().display(),
                log_tail(process.log_path(), 30)
            );
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

/// Writes an htpasswd file with a bcrypt entry for `user` and returns its path.
fn write_htpasswd(dir: &Path, user: &str, password: &str) -> anyhow::Result<PathBuf> {
    let htpasswd = require_tool("htpasswd", "apache2-utils")?;
    let output = Command::new(htpasswd)
        .args(["-Bbn", user, password])
        .output()
        .context("running htpasswd")?;
    if !output.status.success() {
        bail!(
            "htpasswd failed: {}",
            String::from_utf8_lossy(&output.stderr)
        );
    }
    let line = String::from_utf8(output.stdout).context("htpasswd printed non-UTF-8")?;
    let path = dir.join("htpasswd");
    std::fs::write(&path, format!("{}\n", line.trim()))
        .with_context(|| format!("writing {}", path.display()))?;
    Ok(path)
}

/// The registry configuration (YAML; paths are written as JSON strings, valid YAML).
fn config_yaml(port: u16, storage: &Path, htpasswd: Option<&Path>) -> anyhow::Result<String> {
    let quote = |path: &Path| -> anyhow::Result<String> {
        let text = path
            .to_str()
            .with_context(|| format!("{} is not UTF-8", path.display()))?;
        Ok(serde_json::Value::String(text.to_owned()).to_string())
    };
    let mut yaml = format!(
        "version: 0.1\n\
         log:\n  level: info\n  formatter: text\n\
         storage:\n  filesystem:\n    rootdirectory: {}\n  delete:\n    enabled: true\n  \
         maintenance:\n    uploadpurging:\n      enabled: false\n\
         http:\n  addr: 127.0.0.1:{port}\n  secret: kiln-testkit-{port}\n\
         health:\n  storagedriver:\n    enabled: false\n",
        quote(storage)?
    );
    if let Some(path) = htpasswd {
        yaml.push_str(&format!(
            "auth:\n  htpasswd:\n    realm: kiln-test\n    path: {}\n",
            quote(path)?
        ));
    }
    Ok(yaml)
}
