//! Errors on the wire and at the client.

use serde::{Deserialize, Serialize};

/// What the agent answers when it does not run a request (any non-2xx
/// status, or the last frame of a stream).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ErrorBody {
    pub kind: ErrorKind,
    pub message: String,
    /// The agent's protocol version (set on every error).
    pub protocol_version: u32,
}

/// Why the agent refused or failed a request.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ErrorKind {
    /// Missing or wrong key (HTTP 401).
    Unauthorized,
    /// The caller speaks another protocol version (HTTP 409).
    ProtocolMismatch,
    /// The request could not be read (HTTP 400).
    BadRequest,
    /// Something named by the request does not exist (HTTP 404).
    NotFound,
    /// A build with the same run key is already running (HTTP 409).
    Busy,
    /// The agent failed (HTTP 500).
    Internal,
}

/// The one explanation of a protocol mismatch, used by both sides.
pub fn mismatch_message(server_protocol: u32, agent_protocol: u32, agent_version: &str) -> String {
    let agent = if agent_version.is_empty() {
        "the kiln-agent".to_string()
    } else {
        format!("kiln-agent {agent_version}")
    };
    format!(
        "protocol mismatch: the Kiln server speaks kiln-agent protocol {server_protocol}, but {agent} speaks protocol {agent_protocol}; \
         install the kiln-agent that comes with this Kiln server (GET /agent/kiln-agent on the server) and restart it"
    )
}

/// Why a call to an agent failed.
#[derive(Debug, thiserror::Error)]
pub enum ClientError {
    #[error("invalid kiln-agent address '{address}': {reason}")]
    InvalidAddress { address: String, reason: String },
    #[error("TLS settings for kiln-agent: {0}")]
    Tls(String),
    #[error("cannot reach kiln-agent at {address}: {reason}")]
    Unreachable { address: String, reason: String },
    #[error(
        "kiln-agent at {address} refused the key (401 Unauthorized): check the builder's passkey"
    )]
    Unauthorized { address: String },
    #[error("kiln-agent at {address}: {message}")]
    ProtocolMismatch { address: String, message: String },
    #[error("kiln-agent at {address} answered {status}: {message}")]
    Agent {
        address: String,
        status: u16,
        kind: Option<ErrorKind>,
        message: String,
    },
    #[error("kiln-agent at {address} sent an answer Kiln cannot read: {reason}")]
    Decode { address: String, reason: String },
    #[error("the connection to kiln-agent at {address} broke: {reason}")]
    Broken { address: String, reason: String },
}

impl ClientError {
    /// True for a refused key or a protocol mismatch: retrying cannot help.
    pub fn is_permanent(&self) -> bool {
        matches!(
            self,
            Self::Unauthorized { .. }
                | Self::ProtocolMismatch { .. }
                | Self::InvalidAddress { .. }
                | Self::Tls(_)
        )
    }
}

/// An error and its sources, joined with ": " (reqwest's own message alone
/// hides the cause, e.g. "connection refused").
pub(crate) fn chain(error: &dyn std::error::Error) -> String {
    let mut text = error.to_string();
    let mut source = error.source();
    while let Some(cause) = source {
        let shown = cause.to_string();
        if !text.contains(&shown) {
            text.push_str(": ");
            text.push_str(&shown);
        }
        source = cause.source();
    }
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn mismatch_names_both_versions_and_the_fix() {
        let message = mismatch_message(1, 2, "0.3.0");
        assert!(message.contains("protocol 1"), "{message}");
        assert!(
            message.contains("kiln-agent 0.3.0 speaks protocol 2"),
            "{message}"
        );
        assert!(message.contains("/agent/kiln-agent"), "{message}");
    }
}
