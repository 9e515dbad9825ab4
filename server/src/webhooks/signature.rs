//! Checking that a webhook comes from whoever knows the secret, in constant
//! time: GitHub, Gitea and Forgejo sign the raw body with HMAC-SHA256;
//! GitLab sends the secret itself as a token.

use axum::http::HeaderMap;
use hmac::{Hmac, KeyInit, Mac};
use sha2::{Digest, Sha256};
use subtle::ConstantTimeEq;

/// Why a request's proof of the secret was refused.
#[derive(Debug, PartialEq, Eq, thiserror::Error)]
pub enum SignatureError {
    #[error("missing {0} header")]
    Missing(&'static str),
    #[error("malformed {0} header")]
    Malformed(&'static str),
    #[error("wrong signature or token")]
    Wrong,
}

/// GitHub's header (also sent by Gitea and Forgejo): `sha256=<hex>`.
pub const GITHUB_HEADER: &str = "x-hub-signature-256";
/// Gitea's and Forgejo's own headers: the bare hex HMAC.
const GITEA_HEADERS: [&str; 2] = ["x-gitea-signature", "x-forgejo-signature"];
/// GitLab's header: the secret itself.
pub const GITLAB_HEADER: &str = "x-gitlab-token";

/// Checks `X-Hub-Signature-256: sha256=<hex HMAC-SHA256(secret, body)>`,
/// else Gitea's or Forgejo's bare-hex signature header.
pub fn verify_github(headers: &HeaderMap, secret: &str, body: &[u8]) -> Result<(), SignatureError> {
    let (name, hex_text) = match header(headers, GITHUB_HEADER) {
        Some(value) => {
            let hex_text = value
                .strip_prefix("sha256=")
                .ok_or(SignatureError::Malformed("X-Hub-Signature-256"))?;
            ("X-Hub-Signature-256", hex_text)
        }
        None => GITEA_HEADERS
            .iter()
            .find_map(|name| header(headers, name).map(|value| (*name, value)))
            .ok_or(SignatureError::Missing("X-Hub-Signature-256"))?,
    };
    let expected = hex::decode(hex_text.trim()).map_err(|_| SignatureError::Malformed(name))?;
    let mut mac =
        Hmac::<Sha256>::new_from_slice(secret.as_bytes()).map_err(|_| SignatureError::Wrong)?;
    mac.update(body);
    mac.verify_slice(&expected)
        .map_err(|_| SignatureError::Wrong)
}

/// Checks `X-Gitlab-Token: <secret>`. Both sides are hashed first so the
/// comparison takes the same time whatever the token's length.
pub fn verify_gitlab(headers: &HeaderMap, secret: &str) -> Result<(), SignatureError> {
    let token = header(headers, GITLAB_HEADER).ok_or(SignatureError::Missing("X-Gitlab-Token"))?;
    let sent = Sha256::digest(token.as_bytes());
    let wanted = Sha256::digest(secret.as_bytes());
    if bool::from(sent.as_slice().ct_eq(wanted.as_slice())) {
        Ok(())
    } else {
        Err(SignatureError::Wrong)
    }
}

fn header<'a>(headers: &'a HeaderMap, name: &str) -> Option<&'a str> {
    headers.get(name).and_then(|value| value.to_str().ok())
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::http::HeaderValue;

    fn with(name: &'static str, value: &str) -> HeaderMap {
        let mut headers = HeaderMap::new();
        headers.insert(name, HeaderValue::from_str(value).unwrap());
        headers
    }

    /// The example from GitHub's documentation on validating deliveries.
    #[test]
    fn github_documented_example() {
        let headers = with(
            GITHUB_HEADER,
            "sha256=757107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e17",
        );
        assert_eq!(
            verify_github(&headers, "It's a Secret to Everybody", b"Hello, World!"),
            Ok(())
        );
        assert_eq!(
            verify_github(&headers, "another secret", b"Hello, World!"),
            Err(SignatureError::Wrong)
        );
        assert_eq!(
            verify_github(&headers, "It's a Secret to Everybody", b"Hello, World?"),
            Err(SignatureError::Wrong)
        );
    }

    #[test]
    fn gitea_bare_hex_and_malformed_headers() {
        let headers = with(
            "x-gitea-signature",
            "757107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e17",
        );
        assert_eq!(
            verify_github(&headers, "It's a Secret to Everybody", b"Hello, World!"),
            Ok(())
        );
        assert_eq!(
            verify_github(&with(GITHUB_HEADER, "sha1=abcd"), "s", b""),
            Err(SignatureError::Malformed("X-Hub-Signature-256"))
        );
        assert_eq!(
            verify_github(&with(GITHUB_HEADER, "sha256=zz"), "s", b""),
            Err(SignatureError::Malformed("X-Hub-Signature-256"))
        );
        assert_eq!(
            verify_github(&HeaderMap::new(), "s", b""),
            Err(SignatureError::Missing("X-Hub-Signature-256"))
        );
    }

    #[test]
    fn gitlab_token() {
        assert_eq!(
            verify_gitlab(&with(GITLAB_HEADER, "t0k3n"), "t0k3n"),
            Ok(())
        );
        assert_eq!(
            verify_gitlab(&with(GITLAB_HEADER, "t0k3"), "t0k3n"),
            Err(SignatureError::Wrong)
        );
        assert_eq!(
            verify_gitlab(&HeaderMap::new(), "t0k3n"),
            Err(SignatureError::Missing("X-Gitlab-Token"))
        );
    }
}
