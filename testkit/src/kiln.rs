//! Runs the real `kiln` binary as a black box: `kiln serve` on 127.0.0.1:0
//! with a fresh data dir, and `kiln` CLI commands against it.

use anyhow::{bail, Context};
use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Output, Stdio};
use std::sync::mpsc;
use std::time::Duration;

/// A running `kiln serve`, killed on Drop.
pub struct KilnServer {
    child: Child,
    url: String,
    bin: PathBuf,
    data_dir: tempfile::TempDir,
    /// Holds `server.log`: the server's stderr, appended across restarts.
    log_dir: tempfile::TempDir,
    /// The admin the server was started with (None: no user yet).
    admin: Option<Admin>,
    /// What `kiln serve` printed to stdout (the setup link, the address).
    stdout: std::sync::Arc<std::sync::Mutex<Vec<String>>>,
}

/// The admin a test server starts with, made on the host as a new user
/// would (`kiln user create --admin`, `kiln api-key create`).
#[derive(Clone, Debug)]
pub struct Admin {
    pub username: String,
    pub password: String,
    /// An API key of the admin's (`Authorization: Bearer …`).
    pub api_key: String,
}

/// The name and password of the admin every test server starts with.
pub const ADMIN_USER: &str = "admin";
pub const ADMIN_PASSWORD: &str = "admin-password-for-tests";

impl KilnServer {
    /// Starts `bin serve` with `KILN_BIND=127.0.0.1:0`, a temp `KILN_DATA_DIR`
    /// and the extra environment `env`, and waits for its "listening" line.
    /// Before it starts, an admin ([`ADMIN_USER`]) and an API key of theirs
    /// are made on the host with the `kiln` commands (see [`Self::admin`]).
    pub fn start(bin: &Path, env: &[(&str, &str)]) -> anyhow::Result<Self> {
        let data_dir = tempfile::tempdir().context("creating a data dir")?;
        let admin = make_admin(bin, data_dir.path(), env)?;
        Self::start_in(bin, data_dir, Some(admin), env)
    }

    /// [`Self::start`] without any user: Kiln waits for its first admin
    /// through the setup link it prints ([`Self::setup_link`]).
    pub fn start_without_users(bin: &Path, env: &[(&str, &str)]) -> anyhow::Result<Self> {
        let data_dir = tempfile::tempdir().context("creating a data dir")?;
        Self::start_in(bin, data_dir, None, env)
    }

    fn start_in(
        bin: &Path,
        data_dir: tempfile::TempDir,
        admin: Option<Admin>,
        env: &[(&str, &str)],
    ) -> anyhow::Result<Self> {
        let log_dir = tempfile::tempdir().context("creating a log dir")?;
        let stdout = std::sync::Arc::new(std::sync::Mutex::new(Vec::new()));
        let (child, url) = spawn(
            bin,
            data_dir.path(),
            &log_dir.path().join(LOG),
            env,
            stdout.clone(),
        )?;
        Ok(Self {
            child,
            url,
            bin: bin.to_path_buf(),
            data_dir,
            log_dir,
            admin,
            stdout,
        })
    }

    /// The admin the server started with; panics for a server started
    /// without users.
    pub fn admin(&self) -> &Admin {
        self.admin
            .as_ref()
            .expect("this server was started without users")
    }

    /// The admin's API key.
    pub fn api_key(&self) -> &str {
        &self.admin().api_key
    }

    /// `Authorization: Bearer <the admin's key>` (empty for a server
    /// without users).
    pub fn auth_headers(&self) -> reqwest::header::HeaderMap {
        let mut headers = reqwest::header::HeaderMap::new();
        if let Some(admin) = &self.admin {
            if let Ok(value) = format!("Bearer {}", admin.api_key).parse() {
                headers.insert(reqwest::header::AUTHORIZATION, value);
            }
        }
        headers
    }

    /// An HTTP client acting as the admin (their API key on every request).
    pub fn http(&self) -> reqwest::Client {
        reqwest::Client::builder()
            .no_proxy()
            .default_headers(self.auth_headers())
            .build()
            .unwrap_or_default()
    }

    /// [`Self::http`], blocking.
    pub fn http_blocking(&self) -> reqwest::blocking::Client {
        reqwest::blocking::Client::builder()
            .no_proxy()
            .default_headers(self.auth_headers())
            .build()
            .unwrap_or_default()
    }

    /// The setup link `kiln serve` printed (a server without users).
    pub fn setup_link(&self) -> Option<String> {
        let lines = self.stdout.lock().ok()?;
        lines.iter().find_map(|line| {
            line.split_whitespace()
                .find(|word| word.contains("/setup?token="))
                .map(str::to_string)
        })
    }

    /// Signs `username` in with `password` (`POST /api/v1/login`): the
    /// session cookie's value and the session's CSRF token.
    pub fn login(&self, username: &str, password: &str) -> anyhow::Result<(String, String)> {
        login(&self.url, username, password)
    }

    /// A session of the admin: the `kiln_session` cookie's value and its
    /// CSRF token (for browser scripts and requests made as a browser).
    pub fn admin_session(&self) -> anyhow::Result<(String, String)> {
        let admin = self.admin();
        self.login(&admin.username, &admin.password)
    }

    /// Kills the server abruptly (SIGKILL, as a crash would) and starts it
    /// again on the same data dir; the new address replaces the old.
    pub fn crash_and_restart(&mut self, env: &[(&str, &str)]) -> anyhow::Result<()> {
        let _ = self.child.kill();
        let _ = self.child.wait();
        let log = self.log_dir.path().join(LOG);
        let (child, url) = spawn(
            &self.bin,
            self.data_dir.path(),
            &log,
            env,
            self.stdout.clone(),
        )?;
        self.child = child;
        self.url = url;
        Ok(())
    }

    /// `http://127.0.0.1:PORT`
    pub fn url(&self) -> &str {
        &self.url
    }

    pub fn data_dir(&self) -> &Path {
        self.data_dir.path()
    }

    /// Everything the server wrote to stderr (its log) so far.
    pub fn log(&self) -> String {
        std::fs::read_to_string(self.log_dir.path().join(LOG)).unwrap_or_default()
    }

    /// Runs `kiln ARGS...` with `KILN_URL` pointing at this server and
    /// the admin's API key in `KILN_API_KEY` (none for a server without
    /// users).
    pub fn cli(&self, args: &[&str], stdin: Option<&str>) -> anyhow::Result<Output> {
        let key = self.admin.as_ref().map(|a| a.api_key.clone());
        self.cli_with_key(args, stdin, key.as_deref())
    }

    /// [`Self::cli`] with the API key `key` (None: no key).
    pub fn cli_with_key(
        &self,
        args: &[&str],
        stdin: Option<&str>,
        key: Option<&str>,
    ) -> anyhow::Result<Output> {
        let mut cmd = Command::new(&self.bin);
        cmd.args(args)
            .env("KILN_URL", &self.url)
            .env("XDG_CONFIG_HOME", self.data_dir.path().join("cli-config"))
            .env_remove("KILN_API_KEY");
        if let Some(key) = key {
            cmd.env("KILN_API_KEY", key);
        }
        cmd.stdin(if stdin.is_some() {
            Stdio::piped()
        } else {
            Stdio::null()
        });
        cmd.stdout(Stdio::piped()).stderr(Stdio::piped());
        let mut child = cmd.spawn().context("starting kiln CLI")?;
        if let (Some(text), Some(mut pipe)) = (stdin, child.stdin.take()) {
            std::io::Write::write_all(&mut pipe, text.as_bytes()).context("writing stdin")?;
        }
        child.wait_with_output().context("waiting for kiln CLI")
    }
}

impl Drop for KilnServer {
    /// Kills the server; when a test is failing, prints the server's log.
    fn drop(&mut self) {
        if std::thread::panicking() {
            eprintln!("--- kiln server log ---\n{}", self.log());
        }
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

const LOG: &str = "server.log";

/// Makes the admin with `kiln user create --admin` and their key with
/// `kiln api-key create`, on the data dir the server will use.
fn make_admin(bin: &Path, data_dir: &Path, env: &[(&str, &str)]) -> anyhow::Result<Admin> {
    let host_command = |args: &[&str], stdin: Option<&str>| -> anyhow::Result<String> {
        let mut cmd = Command::new(bin);
        cmd.args(args)
            .env("KILN_DATA_DIR", data_dir)
            .env_remove("KILN_DATABASE_URL")
            .env_remove("KILN_CONFIG")
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped());
        for (k, v) in env {
            cmd.env(k, v);
        }
        let mut child = cmd.spawn().context("starting kiln")?;
        if let Some(mut pipe) = child.stdin.take() {
            std::io::Write::write_all(&mut pipe, stdin.unwrap_or_default().as_bytes())
                .context("writing stdin")?;
        }
        let out = child.wait_with_output().context("waiting for kiln")?;
        if !out.status.success() {
            bail!(
                "kiln {args:?} failed: {}",
                String::from_utf8_lossy(&out.stderr)
            );
        }
        Ok(String::from_utf8_lossy(&out.stdout).trim().to_string())
    };
    host_command(
        &["user", "create", "--admin", ADMIN_USER],
        Some(&format!("{ADMIN_PASSWORD}\n")),
    )?;
    let api_key = host_command(
        &["api-key", "create", "--user", ADMIN_USER, "--name", "tests"],
        None,
    )?;
    Ok(Admin {
        username: ADMIN_USER.to_string(),
        password: ADMIN_PASSWORD.to_string(),
        api_key,
    })
}

/// `POST /api/v1/login` over a plain TCP connection (no async runtime
/// needed): the `kiln_session` cookie's value and the CSRF token.
pub fn login(url: &str, username: &str, password: &str) -> anyhow::Result<(String, String)> {
    use std::io::{Read, Write};
    let host = url.trim_start_matches("http://").trim_end_matches('/');
    let body = serde_json::json!({ "username": username, "password": password }).to_string();
    let mut stream =
        std::net::TcpStream::connect(host).with_context(|| format!("connecting {host}"))?;
    write!(
        stream,
        "POST /api/v1/login HTTP/1.1\r\nHost: {host}\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
        body.len()
    )?;
    let mut answer = String::new();
    stream.read_to_string(&mut answer)?;
    let (head, rest) = answer.split_once("\r\n\r\n").unwrap_or((&answer, ""));
    if !head.starts_with("HTTP/1.1 200") {
        bail!("login as {username} failed: {head}\n{rest}");
    }
    let token = head
        .lines()
        .filter_map(|line| line.split_once(':'))
        .filter(|(name, _)| name.eq_ignore_ascii_case("set-cookie"))
        .find_map(|(_, value)| value.trim().strip_prefix("kiln_session="))
        .and_then(|v| v.split(';').next())
        .context("no session cookie in the login answer")?
        .to_string();
    let start = rest.find('{').context("no JSON in the login answer")?;
    let end = rest.rfind('}').context("no JSON in the login answer")?;
    let me: serde_json::Value = serde_json::from_str(&rest[start..=end])?;
    let csrf = me["csrf_token"]
        .as_str()
        .context("no csrf_token in the login answer")?
        .to_string();
    Ok((token, csrf))
}

fn spawn(
    bin: &Path,
    data_dir: &Path,
    log: &Path,
    env: &[(&str, &str)],
    printed: std::sync::Arc<std::sync::Mutex<Vec<String>>>,
) -> anyhow::Result<(Child, String)> {
    let stderr = std::fs::OpenOptions::new()
        .create(true)
        .append(true)
        .open(log)
        .with_context(|| format!("opening {}", log.display()))?;
    let mut cmd = Command::new(bin);
    cmd.arg("serve")
        .env("KILN_BIND", "127.0.0.1:0")
        .env("KILN_DATA_DIR", data_dir)
        .env("KILN_ALLOW_LOOPBACK_TARGETS", "true")
        .env_remove("KILN_DATABASE_URL")
        .env_remove("KILN_CONFIG")
        .stdout(Stdio::piped())
        .stderr(Stdio::from(stderr));
    for (k, v) in env {
        cmd.env(k, v);
    }
    let mut child = cmd
        .spawn()
        .with_context(|| format!("starting {}", bin.display()))?;
    let stdout = child.stdout.take().context("no stdout")?;
    let (tx, rx) = mpsc::channel();
    std::thread::spawn(move || {
        for line in BufReader::new(stdout).lines().map_while(Result::ok) {
            if let Some(url) = line.strip_prefix("kiln listening on ") {
                let _ = tx.send(url.trim().to_string());
            }
            if let Ok(mut lines) = printed.lock() {
                lines.push(line);
            }
        }
    });
    match rx.recv_timeout(Duration::from_secs(60)) {
        Ok(url) => Ok((child, url)),
        Err(_) => {
            let _ = child.kill();
            let status = child.wait().ok();
            bail!("kiln serve did not report its address within 60s (exit: {status:?})");
        }
    }
}

/// The `kiln` binary: `KILN_BIN`, else `kiln` in the profile dir of the
/// running executable's dir or its parent (`target/debug/deps/x` or
/// `target/debug/x` → `target/debug/kiln`).
pub fn kiln_bin() -> anyhow::Result<PathBuf> {
    if let Some(bin) = std::env::var_os("KILN_BIN") {
        return Ok(PathBuf::from(bin));
    }
    let exe = std::env::current_exe().context("locating the test executable")?;
    let dirs = exe.ancestors().skip(1).take(2);
    let candidates: Vec<PathBuf> = dirs.map(|dir| dir.join("kiln")).collect();
    candidates
        .iter()
        .find(|c| c.is_file())
        .cloned()
        .with_context(|| {
            format!("no kiln binary at {candidates:?} (build it first, or set KILN_BIN)")
        })
}
