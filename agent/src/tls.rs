//! The agent's TLS certificate: a self-signed one kept in the data dir
//! (created on first start), or PEM files given on the command line.

use std::path::Path;
use std::sync::Arc;

use anyhow::{bail, Context};
use rustls::pki_types::pem::PemObject;
use rustls::pki_types::{CertificateDer, PrivateKeyDer};

/// A server configuration and the SHA-256 fingerprint of its certificate.
pub struct Tls {
    pub config: Arc<rustls::ServerConfig>,
    pub fingerprint: String,
}

/// Loads `cert` and `key` (PEM).
pub fn from_files(cert: &Path, key: &Path) -> anyhow::Result<Tls> {
    let certs: Vec<CertificateDer<'static>> = CertificateDer::pem_file_iter(cert)
        .with_context(|| format!("reading {}", cert.display()))?
        .collect::<Result<_, _>>()
        .with_context(|| format!("reading certificates from {}", cert.display()))?;
    let Some(first) = certs.first() else {
        bail!("{} holds no certificate", cert.display());
    };
    let fingerprint = kiln_protocol::tls::fingerprint(first.as_ref());
    let key = PrivateKeyDer::from_pem_file(key)
        .with_context(|| format!("reading the private key {}", key.display()))?;
    let config = rustls::ServerConfig::builder_with_provider(kiln_protocol::tls::provider())
        .with_safe_default_protocol_versions()
        .context("TLS protocol versions")?
        .with_no_client_auth()
        .with_single_cert(certs, key)
        .context("the certificate and key do not form a usable pair")?;
    Ok(Tls {
        config: Arc::new(config),
        fingerprint,
    })
}

/// The self-signed certificate in `dir` (`cert.pem`, `key.pem`), created
/// when missing. The key file is readable by this user only.
pub fn self_signed(dir: &Path) -> anyhow::Result<Tls> {
    let cert = dir.join("cert.pem");
    let key = dir.join("key.pem");
    if !cert.exists() || !key.exists() {
        create(dir, &cert, &key)?;
    }
    from_files(&cert, &key)
}

fn create(dir: &Path, cert: &Path, key: &Path) -> anyhow::Result<()> {
    use std::io::Write;
    use std::os::unix::fs::OpenOptionsExt;
    std::fs::create_dir_all(dir).with_context(|| format!("creating {}", dir.display()))?;
    let generated = rcgen::generate_simple_self_signed(vec!["kiln-agent".to_string()])
        .context("generating a self-signed certificate")?;
    let mut key_file = std::fs::OpenOptions::new()
        .create(true)
        .truncate(true)
        .write(true)
        .mode(0o600)
        .open(key)
        .with_context(|| format!("creating {}", key.display()))?;
    key_file
        .write_all(generated.key_pair.serialize_pem().as_bytes())
        .with_context(|| format!("writing {}", key.display()))?;
    std::fs::write(cert, generated.cert.pem())
        .with_context(|| format!("writing {}", cert.display()))?;
    Ok(())
}
