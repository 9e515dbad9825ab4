//! Command-line flags (each also readable from a `KILN_AGENT_*` variable).

use std::net::SocketAddr;
use std::path::PathBuf;

/// Runs Kiln builds on this host for a Kiln server.
#[derive(Debug, clap::Parser)]
#[command(name = "kiln-agent", version)]
pub struct Args {
    /// Address to listen on (port 0 picks a free port; the chosen address
    /// is printed as "kiln-agent listening on URL").
    #[arg(long, env = "KILN_AGENT_BIND", default_value = "0.0.0.0:8120")]
    pub bind: SocketAddr,

    /// The key every request must carry (the builder's passkey in Kiln).
    /// Prefer the environment variable: flags show up in `ps`.
    #[arg(long, env = "KILN_AGENT_KEY", hide_env_values = true)]
    pub key: Option<String>,

    /// Accept requests without a key. Only for hosts nobody else can reach.
    #[arg(long)]
    pub insecure: bool,

    /// Serve plain HTTP on an address other than loopback. Without it the
    /// agent refuses to start that way: the key and every job (secrets
    /// included) would cross the network in clear. Prefer --tls.
    #[arg(long, env = "KILN_AGENT_INSECURE_HTTP")]
    pub insecure_http: bool,

    /// TOML config: Docker settings, builds root, and variables and
    /// accounts that stay on this host.
    #[arg(long, env = "KILN_AGENT_CONFIG")]
    pub config: Option<PathBuf>,

    /// Where the agent keeps run directories, clone caches and its TLS
    /// certificate (overrides the config file's `data_dir`).
    #[arg(long, env = "KILN_AGENT_DATA_DIR")]
    pub data_dir: Option<PathBuf>,

    /// Serve HTTPS with a self-signed certificate kept in the data dir
    /// (created on first start); its SHA-256 fingerprint is printed for
    /// the builder's `cert_fingerprint`.
    #[arg(long)]
    pub tls: bool,

    /// Serve HTTPS with this PEM certificate (with --tls-key) instead.
    #[arg(long, requires = "tls_key")]
    pub tls_cert: Option<PathBuf>,

    /// The PEM private key of --tls-cert.
    #[arg(long, requires = "tls_cert")]
    pub tls_key: Option<PathBuf>,

    /// Tests only: speak this protocol version instead of the real one, to
    /// check how a Kiln server reports a mismatched agent.
    #[arg(long, hide = true, env = "KILN_AGENT_TEST_PROTOCOL_VERSION")]
    pub test_protocol_version: Option<u32>,
}
