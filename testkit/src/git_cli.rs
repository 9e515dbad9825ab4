//! The git CLI used to build test repositories, isolated from the machine's git setup.

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use anyhow::{bail, Context};

use crate::process::{is_executable, which, PROXY_VARS};

/// The git CLI with an environment independent of the machine's git configuration.
#[derive(Clone)]
pub(crate) struct GitCli {
    pub(crate) program: PathBuf,
    home: PathBuf,
    global_config: PathBuf,
}

impl GitCli {
    /// Uses `git` from `PATH` (else `/usr/bin/git`), with `HOME` and an empty global
    /// config under `dir`.
    pub(crate) fn new(dir: &Path) -> anyhow::Result<Self> {
        let program = which("git")
            .or_else(|| Some(PathBuf::from("/usr/bin/git")).filter(|p| is_executable(p)))
            .context("`git` is not on PATH: install the Debian package git")?;
        let home = dir.join("home");
        std::fs::create_dir_all(&home).with_context(|| format!("creating {}", home.display()))?;
        let global_config = home.join(".gitconfig");
        std::fs::write(&global_config, "")
            .with_context(|| format!("writing {}", global_config.display()))?;
        Ok(Self {
            program,
            home,
            global_config,
        })
    }

    pub(crate) fn apply_env(&self, command: &mut Command) {
        for var in GIT_LOCATION_VARS.iter().chain(PROXY_VARS) {
            command.env_remove(var);
        }
        command
            .env("HOME", &self.home)
            .env("GIT_CONFIG_NOSYSTEM", "1")
            .env("GIT_CONFIG_GLOBAL", &self.global_config)
            .env("GIT_TERMINAL_PROMPT", "0")
            .env("GIT_AUTHOR_NAME", IDENTITY_NAME)
            .env("GIT_AUTHOR_EMAIL", IDENTITY_EMAIL)
            .env("GIT_COMMITTER_NAME", IDENTITY_NAME)
            .env("GIT_COMMITTER_EMAIL", IDENTITY_EMAIL)
            .env("LC_ALL", "C");
    }

    fn command(&self, dir: &Path, args: &[&str]) -> tokio::process::Command {
        let mut command = Command::new(&self.program);
        command
            .arg("-C")
            .arg(dir)
            .args(args)
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped());
        self.apply_env(&mut command);
        tokio::process::Command::from(command)
    }

    /// Runs git in `dir`; returns trimmed stdout or fails with stderr.
    pub(crate) async fn run(&self, dir: &Path, args: &[&str]) -> anyhow::Result<String> {
        let output = self
            .command(dir, args)
            .output()
            .await
            .with_context(|| format!("running git {}", args.join(" ")))?;
        if !output.status.success() {
            bail!(
                "git {} in {} failed ({}): {}",
                args.join(" "),
                dir.display(),
                output.status,
                String::from_utf8_lossy(&output.stderr).trim()
            );
        }
        Ok(String::from_utf8_lossy(&output.stdout).trim().to_owned())
    }

    /// Runs git in `dir` and reports whether it succeeded.
    pub(crate) async fn succeeds(&self, dir: &Path, args: &[&str]) -> anyhow::Result<bool> {
        // Output is discarded, not piped: a closed pipe could kill git with SIGPIPE.
        let status = self
            .command(dir, args)
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .status()
            .await
            .with_context(|| format!("running git {}", args.join(" ")))?;
        Ok(status.success())
    }
}

/// Author and committer of every commit.
const IDENTITY_NAME: &str = "Kiln Test";
const IDENTITY_EMAIL: &str = "kiln-test@example.invalid";
/// Variables that would point git at another repository than the one asked for.
const GIT_LOCATION_VARS: &[&str] = &[
    "GIT_DIR",
    "GIT_WORK_TREE",
    "GIT_INDEX_FILE",
    "GIT_OBJECT_DIRECTORY",
    "GIT_ALTERNATE_OBJECT_DIRECTORIES",
    "GIT_NAMESPACE",
    "GIT_CEILING_DIRECTORIES",
    "GIT_COMMON_DIR",
];
