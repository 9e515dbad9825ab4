//! The docker CLI: finding one that builds with BuildKit, the `docker build`
//! command line, and the per-run `DOCKER_CONFIG`.

use std::ffi::OsString;
use std::path::{Path, PathBuf};
use std::process::Stdio;
use std::sync::OnceLock;
use std::time::Duration;

use base64::Engine as _;

use crate::process::{base_env, is_executable, set_env, which};

/// A docker client binary and what it can do.
#[derive(Clone, Debug)]
pub(crate) struct DockerCli {
    pub path: PathBuf,
    /// `Docker version 20.10.24+dfsg1, …` → `20.10.24+dfsg1`.
    pub version: String,
    pub has_buildx: bool,
}

impl DockerCli {
    /// Clients before 23.0 build with BuildKit when `DOCKER_BUILDKIT=1`;
    /// later ones only through the buildx plugin.
    fn supports_buildkit(&self) -> bool {
        self.major().is_some_and(|major| major < 23) || self.has_buildx
    }

    fn major(&self) -> Option<u32> {
        self.version.split('.').next()?.parse().ok()
    }
}

/// Picks the CLI: the configured one (it must exist and build with
/// BuildKit), else `/usr/bin/docker` or the first `docker` on `PATH` that
/// does. With `use_buildx` the client must have the buildx plugin.
pub(crate) async fn find_cli(
    configured: Option<&Path>,
    use_buildx: bool,
) -> Result<DockerCli, String> {
    let cli = match configured {
        Some(path) => {
            if !is_executable(path) {
                return Err(format!(
                    "the docker CLI {} does not exist or is not executable (builder setting docker_cli)",
                    path.display()
                ));
            }
            let cli = probe(path.to_path_buf()).await.ok_or_else(|| {
                format!(
                    "{} --version did not print a Docker version",
                    path.display()
                )
            })?;
            if !cli.supports_buildkit() {
                return Err(format!(
                    "the docker CLI {} (version {}) cannot build with BuildKit: it needs the buildx plugin, or use a client older than 23.0 such as Debian's /usr/bin/docker",
                    cli.path.display(),
                    cli.version
                ));
            }
            cli
        }
        None => discovered().await?,
    };
    if use_buildx && !cli.has_buildx {
        return Err(format!(
            "use_buildx is on but `{} buildx` is not available: install the docker buildx plugin or turn use_buildx off",
            cli.path.display()
        ));
    }
    Ok(cli)
}

/// What `docker build` needs besides the CLI.
pub(crate) struct BuildSpec<'a> {
    pub use_buildx: bool,
    pub build_args: &'a [(String, String)],
    pub secret_args: &'a [(String, String)],
    pub labels: &'a [(String, String)],
    /// Build-level then builder-level extra arguments, already split.
    pub extra_args: &'a [String],
    pub iidfile: &'a Path,
    /// Relative to the context directory (the child's working directory).
    pub dockerfile: &'a Path,
}

/// The arguments and secret environment of one `docker build`.
pub(crate) struct BuildCommand {
    pub args: Vec<String>,
    /// `KILN_SECRET_n` → value, read by `--secret id=KEY,env=KILN_SECRET_n`.
    pub secret_env: Vec<(String, String)>,
}

/// `build --progress=plain --build-arg … --secret … <extra> --label … --iidfile … -f <dockerfile> .`
/// (`buildx build --load …` with buildx). Secret values are only in
/// `secret_env`, never in the arguments.
pub(crate) fn build_command(spec: &BuildSpec<'_>) -> BuildCommand {
    let mut args: Vec<String> = if spec.use_buildx {
        vec!["buildx".into(), "build".into(), "--load".into()]
    } else {
        vec!["build".into()]
    };
    args.push("--progress=plain".into());
    for (key, value) in spec.build_args {
        args.push("--build-arg".into());
        args.push(format!("{key}={value}"));
    }
    let mut secret_env = Vec::new();
    for (index, (key, value)) in spec.secret_args.iter().enumerate() {
        let env = format!("KILN_SECRET_{index}");
        args.push("--secret".into());
        args.push(format!("id={key},env={env}"));
        secret_env.push((env, value.clone()));
    }
    args.extend(spec.extra_args.iter().cloned());
    for (key, value) in spec.labels {
        args.push("--label".into());
        args.push(format!("{key}={value}"));
    }
    args.push("--iidfile".into());
    args.push(spec.iidfile.display().to_string());
    args.push("-f".into());
    args.push(spec.dockerfile.display().to_string());
    args.push(".".into());
    BuildCommand { args, secret_env }
}

/// The environment of docker CLI children (and pre-build commands): the
/// engine's basic variables, `DOCKER_HOST` when given, and the per-run
/// `DOCKER_CONFIG`.
pub(crate) fn docker_env(host: Option<&str>, docker_config: &Path) -> Vec<(OsString, OsString)> {
    let mut env = base_env();
    let host = host
        .map(str::to_string)
        .or_else(|| std::env::var("DOCKER_HOST").ok().filter(|h| !h.is_empty()));
    if let Some(host) = host {
        set_env(&mut env, "DOCKER_HOST", host);
    }
    set_env(&mut env, "DOCKER_CONFIG", docker_config);
    set_env(&mut env, "DOCKER_BUILDKIT", "1");
    set_env(&mut env, "DOCKER_CLI_HINTS", "false");
    env
}

/// Writes the per-run `DOCKER_CONFIG` directory (mode 0700) with a
/// `config.json` (mode 0600) holding `auths` for the build's registry
/// accounts, so `FROM` can pull private images. It lives outside the build
/// context and is removed with the run directory.
pub(crate) fn write_docker_config(
    dir: &Path,
    auths: &[(String, String, String)],
) -> std::io::Result<()> {
    use std::io::Write;
    use std::os::unix::fs::{DirBuilderExt, OpenOptionsExt};
    std::fs::DirBuilder::new().mode(0o700).create(dir)?;
    let mut entries = serde_json::Map::new();
    for (domain, username, token) in auths {
        if entries.contains_key(domain) {
            continue;
        }
        let auth = base64::engine::general_purpose::STANDARD.encode(format!("{username}:{token}"));
        entries.insert(domain.clone(), serde_json::json!({ "auth": auth }));
    }
    let config = serde_json::json!({ "auths": entries });
    let mut file = std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .mode(0o600)
        .open(dir.join("config.json"))?;
    file.write_all(config.to_string().as_bytes())
}

/// The command line as shown in logs: shell-quoted words.
pub(crate) fn display_command(program: &Path, args: &[String]) -> String {
    let program = program.display().to_string();
    std::iter::once(program.as_str())
        .chain(args.iter().map(String::as_str))
        .map(quote)
        .collect::<Vec<_>>()
        .join(" ")
}

/// A word as a shell would need it: as is when it only has safe
/// characters, else in single quotes.
fn quote(word: &str) -> String {
    let safe = |c: char| c.is_ascii_alphanumeric() || "_-./:=,@%+".contains(c);
    if !word.is_empty() && word.chars().all(safe) {
        word.to_string()
    } else {
        format!("'{}'", word.replace('\'', "'\\''"))
    }
}

/// Splits each extra argument like a shell would (`"--network host"` is two
/// words, as in Komodo, which joins them into a shell command).
pub(crate) fn split_args(field: &str, args: &[String]) -> Result<Vec<String>, String> {
    let mut out = Vec::new();
    for arg in args {
        let words = shlex::split(arg).ok_or_else(|| {
            format!("{field}: cannot split '{arg}' into words (unbalanced quotes?)")
        })?;
        out.extend(words);
    }
    Ok(out)
}

/// How long `docker --version` and `docker buildx version` may take.
const PROBE_TIMEOUT: Duration = Duration::from_secs(10);

/// The CLI found without configuration, looked up once per process (only
/// a success is remembered: a CLI installed later is found then).
async fn discovered() -> Result<DockerCli, String> {
    static FOUND: OnceLock<DockerCli> = OnceLock::new();
    if let Some(found) = FOUND.get() {
        return Ok(found.clone());
    }
    let found = discover().await?;
    Ok(FOUND.get_or_init(|| found).clone())
}

async fn discover() -> Result<DockerCli, String> {
    let mut candidates = vec![PathBuf::from("/usr/bin/docker")];
    candidates.extend(which("docker"));
    let mut seen = Vec::new();
    let mut refused = Vec::new();
    for candidate in candidates {
        if !is_executable(&candidate) {
            continue;
        }
        let real = candidate
            .canonicalize()
            .unwrap_or_else(|_| candidate.clone());
        if seen.contains(&real) {
            continue;
        }
        seen.push(real);
        match probe(candidate.clone()).await {
            Some(cli) if cli.supports_buildkit() => return Ok(cli),
            Some(cli) => refused.push(format!(
                "{} (version {}, no buildx)",
                cli.path.display(),
                cli.version
            )),
            None => refused.push(format!("{} (no version)", candidate.display())),
        }
    }
    if refused.is_empty() {
        Err("no docker CLI found (looked at /usr/bin/docker and PATH): install one that can build with BuildKit or set the builder's docker_cli".to_string())
    } else {
        Err(format!(
            "no docker CLI here can build with BuildKit: {}; install the buildx plugin or set the builder's docker_cli",
            refused.join(", ")
        ))
    }
}

async fn probe(path: PathBuf) -> Option<DockerCli> {
    let version_output = quiet_output(&path, &["--version"]).await?;
    let text = String::from_utf8_lossy(&version_output);
    let version = text
        .trim()
        .strip_prefix("Docker version ")?
        .split(',')
        .next()?
        .trim()
        .to_string();
    let has_buildx = quiet_output(&path, &["buildx", "version"]).await.is_some();
    Some(DockerCli {
        path,
        version,
        has_buildx,
    })
}

/// Stdout of a short command that must succeed.
async fn quiet_output(program: &Path, args: &[&str]) -> Option<Vec<u8>> {
    let mut command = tokio::process::Command::new(program);
    command
        .args(args)
        .env_clear()
        .envs(base_env())
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .kill_on_drop(true);
    let output = tokio::time::timeout(PROBE_TIMEOUT, command.output())
        .await
        .ok()?
        .ok()?;
    output.status.success().then_some(output.stdout)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn secrets_stay_out_of_the_arguments() {
        let secret = vec![("TOKEN".to_string(), "hunter2".to_string())];
        let command = build_command(&BuildSpec {
            use_buildx: false,
            build_args: &[("VERSION".into(), "1.2.3".into())],
            secret_args: &secret,
            labels: &[("team".into(), "a b".into())],
            extra_args: &["--network".into(), "none".into()],
            iidfile: Path::new("/run/iid"),
            dockerfile: Path::new("docker/Dockerfile"),
        });
        assert!(!command.args.iter().any(|a| a.contains("hunter2")));
        assert_eq!(
            command.secret_env,
            [("KILN_SECRET_0".to_string(), "hunter2".to_string())]
        );
        assert_eq!(
            display_command(Path::new("docker"), &command.args),
            "docker build --progress=plain --build-arg VERSION=1.2.3 --secret id=TOKEN,env=KILN_SECRET_0 \
             --network none --label 'team=a b' --iidfile /run/iid -f docker/Dockerfile ."
        );
    }

    #[test]
    fn extra_args_are_split_like_a_shell() {
        let args = vec!["--network host".to_string(), "--add-host 'a b'".to_string()];
        assert_eq!(
            split_args("extra_args", &args).expect("split"),
            ["--network", "host", "--add-host", "a b"]
        );
        assert!(split_args("extra_args", &["'open".to_string()]).is_err());
    }
}
