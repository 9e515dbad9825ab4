//! Helpers for tests with kiln-agent: the agent binary (built on demand,
//! next to `kiln`, where `GET /agent/kiln-agent` finds it) and an agent
//! started on 127.0.0.1 with the test engine.

#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use kiln_testkit::agent::KilnAgent;
use kiln_testkit::DockerEngine;

pub const AGENT_KEY: &str = "server-test-agent-key-7163";

/// `kiln-agent` next to the `kiln` under test: `KILN_AGENT_BIN` when set
/// (`scripts/test.sh` points it at the binary nextest's workspace build
/// made, so no test waits on the cargo lock), else built (or found up to
/// date) once per test process with the same cargo.
pub fn agent_bin() -> PathBuf {
    static BUILT: OnceLock<PathBuf> = OnceLock::new();
    BUILT
        .get_or_init(|| {
            if let Some(bin) = std::env::var_os("KILN_AGENT_BIN") {
                let bin = PathBuf::from(bin);
                assert!(bin.is_file(), "KILN_AGENT_BIN={} is no file", bin.display());
                return bin;
            }
            let kiln = Path::new(env!("CARGO_BIN_EXE_kiln"));
            let dir = kiln.parent().expect("kiln has a directory");
            let mut cargo = std::process::Command::new(env!("CARGO"));
            cargo.args(["build", "--quiet", "-p", "kiln-agent"]);
            if dir.file_name().is_some_and(|name| name == "release") {
                cargo.arg("--release");
            }
            let status = cargo
                .current_dir(env!("CARGO_MANIFEST_DIR"))
                .status()
                .expect("cargo runs");
            assert!(status.success(), "cargo build -p kiln-agent failed");
            let bin = dir.join("kiln-agent");
            assert!(bin.is_file(), "no kiln-agent at {}", bin.display());
            bin
        })
        .clone()
}

/// An agent config for the test engine: no bridge network, so every
/// `docker build` gets `--network none`.
pub fn write_agent_config(dir: &Path, extra: &str) -> PathBuf {
    let path = dir.join("agent.toml");
    std::fs::write(
        &path,
        format!("[docker]\nextra_args = [\"--network\", \"none\"]\n{extra}"),
    )
    .expect("agent config");
    path
}

/// A kiln-agent on 127.0.0.1:0 with [`AGENT_KEY`], building on `engine`.
pub fn start_agent(engine: &DockerEngine, config_dir: &Path, extra: &[&str]) -> KilnAgent {
    let config = write_agent_config(config_dir, "");
    let config = config.display().to_string();
    let mut args = vec!["--key", AGENT_KEY, "--config", config.as_str()];
    args.extend_from_slice(extra);
    KilnAgent::start(&agent_bin(), &args, &[("DOCKER_HOST", engine.host())])
        .expect("kiln-agent starts")
}
