//! TLS with a pinned certificate: the agent serves a self-signed
//! certificate, and the client accepts exactly the certificate whose
//! SHA-256 fingerprint it was given, whatever name or authority it shows.

use std::sync::Arc;

use rustls::client::danger::{HandshakeSignatureValid, ServerCertVerified, ServerCertVerifier};
use rustls::crypto::{verify_tls12_signature, verify_tls13_signature, CryptoProvider};
use rustls::pki_types::{CertificateDer, ServerName, UnixTime};
use rustls::{CertificateError, DigitallySignedStruct, SignatureScheme};
use sha2::{Digest, Sha256};

/// The SHA-256 fingerprint of a DER certificate, as `AB:CD:…` (32 pairs).
pub fn fingerprint(der: &[u8]) -> String {
    let digest = Sha256::digest(der);
    digest
        .iter()
        .map(|b| format!("{b:02X}"))
        .collect::<Vec<_>>()
        .join(":")
}

/// Reads a fingerprint written as 64 hex digits, with or without colons or
/// a `sha256:` prefix, in either case.
pub fn parse_fingerprint(text: &str) -> Result<[u8; 32], String> {
    let trimmed = text.trim();
    let body = trimmed
        .strip_prefix("sha256:")
        .or_else(|| trimmed.strip_prefix("SHA256:"))
        .unwrap_or(trimmed);
    let digits: String = body.chars().filter(|c| *c != ':').collect();
    let bytes = hex::decode(&digits).map_err(|_| {
        format!("certificate fingerprint '{trimmed}' is not hex (expected 32 bytes like AB:CD:…)")
    })?;
    bytes.try_into().map_err(|_| {
        format!("certificate fingerprint '{trimmed}' is not 32 bytes long (a SHA-256 digest)")
    })
}

/// The crypto provider used on both sides.
pub fn provider() -> Arc<CryptoProvider> {
    Arc::new(rustls::crypto::ring::default_provider())
}

/// A client configuration that trusts only the certificate with this
/// SHA-256 fingerprint (signatures are still checked against it).
pub fn pinned_client_config(pin: [u8; 32]) -> Result<rustls::ClientConfig, String> {
    let provider = provider();
    let verifier = PinnedCertificate {
        pin,
        provider: provider.clone(),
    };
    let config = rustls::ClientConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .map_err(|e| format!("TLS versions: {e}"))?
        .dangerous()
        .with_custom_certificate_verifier(Arc::new(verifier))
        .with_no_client_auth();
    Ok(config)
}

/// The pinning failure inside a connection error, in plain words: "the
/// agent's certificate has fingerprint X, not the pinned Y".
pub fn pin_failure(error: &(dyn std::error::Error + 'static)) -> Option<String> {
    let mut current = Some(error);
    while let Some(e) = current {
        if let Some(rustls::Error::InvalidCertificate(CertificateError::Other(other))) =
            e.downcast_ref::<rustls::Error>()
        {
            if let Some(mismatch) = other.0.downcast_ref::<FingerprintMismatch>() {
                return Some(mismatch.to_string());
            }
        }
        // `io::Error::source` skips the error it wraps: descend into it.
        current = match e.downcast_ref::<std::io::Error>() {
            Some(io) => io
                .get_ref()
                .map(|inner| inner as &(dyn std::error::Error + 'static)),
            None => e.source(),
        };
    }
    None
}

#[derive(Debug)]
struct PinnedCertificate {
    pin: [u8; 32],
    provider: Arc<CryptoProvider>,
}

/// The error a certificate with another fingerprint causes.
#[derive(Debug, thiserror::Error)]
#[error("the agent's certificate has fingerprint {found}, not the pinned {expected}")]
struct FingerprintMismatch {
    found: String,
    expected: String,
}

impl ServerCertVerifier for PinnedCertificate {
    fn verify_server_cert(
        &self,
        end_entity: &CertificateDer<'_>,
        _intermediates: &[CertificateDer<'_>],
        _server_name: &ServerName<'_>,
        _ocsp_response: &[u8],
        _now: UnixTime,
    ) -> Result<ServerCertVerified, rustls::Error> {
        let digest = Sha256::digest(end_entity.as_ref());
        if digest.as_slice() == self.pin.as_slice() {
            return Ok(ServerCertVerified::assertion());
        }
        let mismatch = FingerprintMismatch {
            found: fingerprint(end_entity.as_ref()),
            expected: self
                .pin
                .iter()
                .map(|b| format!("{b:02X}"))
                .collect::<Vec<_>>()
                .join(":"),
        };
        Err(rustls::Error::InvalidCertificate(CertificateError::Other(
            rustls::OtherError(Arc::new(mismatch)),
        )))
    }

    fn verify_tls12_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        verify_tls12_signature(
            message,
            cert,
            dss,
            &self.provider.signature_verification_algorithms,
        )
    }

    fn verify_tls13_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        verify_tls13_signature(
            message,
            cert,
            dss,
            &self.provider.signature_verification_algorithms,
        )
    }

    fn supported_verify_schemes(&self) -> Vec<SignatureScheme> {
        self.provider
            .signature_verification_algorithms
            .supported_schemes()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fingerprints_parse_in_every_written_form() {
        let shown = fingerprint(b"certificate bytes");
        assert_eq!(shown.len(), 32 * 3 - 1);
        let pin = parse_fingerprint(&shown).expect("colon form");
        let plain = shown.replace(':', "").to_lowercase();
        assert_eq!(parse_fingerprint(&plain).expect("plain form"), pin);
        assert_eq!(
            parse_fingerprint(&format!("sha256:{plain}")).expect("prefixed form"),
            pin
        );
        assert!(parse_fingerprint("AB:CD").unwrap_err().contains("32 bytes"));
        assert!(parse_fingerprint("zz").unwrap_err().contains("not hex"));
    }
}
