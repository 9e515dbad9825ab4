//! Secrets at rest: secret columns are sealed with XChaCha20-Poly1305 under a
//! key kept outside the database (`<data dir>/secret.key`), so the database
//! file alone never holds a secret in clear.

use base64::engine::general_purpose::STANDARD as B64;
use base64::Engine;
use chacha20poly1305::aead::{Aead, AeadCore, KeyInit, OsRng};
use chacha20poly1305::{XChaCha20Poly1305, XNonce};
use std::path::Path;

const PREFIX: &str = "kiln-sealed:v1:";
const NONCE_LEN: usize = 24;

/// Seals and opens secret column values. Cheap to clone.
#[derive(Clone)]
pub struct SecretCipher {
    cipher: XChaCha20Poly1305,
}

impl std::fmt::Debug for SecretCipher {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("SecretCipher(<key>)")
    }
}

/// Why a key or a sealed value could not be used.
#[derive(Debug, thiserror::Error)]
pub enum CipherError {
    #[error("secret key file {path}: {reason}")]
    KeyFile { path: String, reason: String },
    #[error("a sealed value cannot be opened (wrong secret.key?)")]
    Open,
}

impl SecretCipher {
    pub fn from_key(key: &[u8; 32]) -> Self {
        Self {
            cipher: XChaCha20Poly1305::new(key.into()),
        }
    }

    /// Reads the 32-byte key at `path`, creating it (mode 0600) if missing.
    pub fn load_or_create(path: &Path) -> Result<Self, CipherError> {
        let fail = |reason: String| CipherError::KeyFile {
            path: path.display().to_string(),
            reason,
        };
        match std::fs::read(path) {
            Ok(bytes) => {
                let key: [u8; 32] = bytes
                    .as_slice()
                    .try_into()
                    .map_err(|_| fail(format!("holds {} bytes, expected 32", bytes.len())))?;
                Ok(Self::from_key(&key))
            }
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                let key = XChaCha20Poly1305::generate_key(&mut OsRng);
                write_private(path, key.as_slice()).map_err(|e| fail(e.to_string()))?;
                Ok(Self {
                    cipher: XChaCha20Poly1305::new(&key),
                })
            }
            Err(e) => Err(fail(e.to_string())),
        }
    }

    /// `kiln-sealed:v1:<base64(nonce ‖ ciphertext)>`; "" stays "".
    pub fn seal(&self, plain: &str) -> String {
        if plain.is_empty() {
            return String::new();
        }
        let nonce = XChaCha20Poly1305::generate_nonce(&mut OsRng);
        match self.cipher.encrypt(&nonce, plain.as_bytes()) {
            Ok(sealed) => {
                let mut bytes = nonce.to_vec();
                bytes.extend_from_slice(&sealed);
                format!("{PREFIX}{}", B64.encode(bytes))
            }
            Err(_) => String::new(),
        }
    }

    /// Opens a sealed value; a value without the prefix is returned as is.
    pub fn open(&self, stored: &str) -> Result<String, CipherError> {
        let Some(encoded) = stored.strip_prefix(PREFIX) else {
            return Ok(stored.to_string());
        };
        let bytes = B64.decode(encoded).map_err(|_| CipherError::Open)?;
        if bytes.len() < NONCE_LEN {
            return Err(CipherError::Open);
        }
        let (nonce, sealed) = bytes.split_at(NONCE_LEN);
        let plain = self
            .cipher
            .decrypt(XNonce::from_slice(nonce), sealed)
            .map_err(|_| CipherError::Open)?;
        String::from_utf8(plain).map_err(|_| CipherError::Open)
    }
}

fn write_private(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    use std::io::Write;
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir)?;
    }
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    let mut file = options.open(path)?;
    file.write_all(bytes)?;
    file.sync_all()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn seal_then_open_and_plain_passes_through() {
        let c = SecretCipher::from_key(&[7; 32]);
        let sealed = c.seal("hunter2");
        assert!(sealed.starts_with(PREFIX) && !sealed.contains("hunter2"));
        assert_ne!(sealed, c.seal("hunter2"), "fresh nonce each time");
        assert_eq!(c.open(&sealed).unwrap(), "hunter2");
        assert_eq!(c.open("legacy").unwrap(), "legacy");
        assert_eq!(c.seal(""), "");
        let other = SecretCipher::from_key(&[8; 32]);
        assert!(matches!(other.open(&sealed), Err(CipherError::Open)));
    }

    #[test]
    fn key_file_is_created_once_and_private() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("secret.key");
        let a = SecretCipher::load_or_create(&path).unwrap();
        let b = SecretCipher::load_or_create(&path).unwrap();
        assert_eq!(b.open(&a.seal("x")).unwrap(), "x");
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            assert_eq!(
                std::fs::metadata(&path).unwrap().permissions().mode() & 0o777,
                0o600
            );
        }
        std::fs::write(&path, b"short").unwrap();
        let err = SecretCipher::load_or_create(&path).unwrap_err().to_string();
        assert!(err.contains("holds 5 bytes"), "{err}");
    }
}
