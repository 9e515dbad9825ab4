//! The protocol between the Kiln server and `kiln-agent`.
//!
//! One HTTP endpoint, [`REQUEST_PATH`], takes every request as JSON: an
//! [`AgentRequest`] (a tagged enum with one variant per request struct).
//! Each request struct implements [`Request`], which ties it to its
//! response type. Unary requests ([`Unary`]) are answered with one JSON
//! body; streaming requests ([`Streaming`], the build) are answered with
//! newline-delimited JSON [`Frame`]s: events as they happen, heartbeats
//! while nothing happens, then the response.
//!
//! Every call carries:
//! - [`KEY_HEADER`]: the agent key, compared in constant time
//!   ([`keys_match`]); a wrong or missing key is answered 401 and nothing runs;
//! - [`PROTOCOL_HEADER`]: [`PROTOCOL_VERSION`]. The agent refuses other
//!   versions with [`ErrorKind::ProtocolMismatch`], and the client checks the
//!   version the agent answers with, so either side reports a mismatch in
//!   plain words ([`mismatch_message`]).
//!
//! TLS is optional: the agent may serve a self-signed certificate, and the
//! client pins its SHA-256 fingerprint ([`tls::fingerprint`]) instead of
//! trusting any authority.
//!
//! ```no_run
//! # async fn example() -> Result<(), kiln_protocol::ClientError> {
//! use kiln_protocol::{AgentClient, Health};
//! let client = AgentClient::new(
//!     "https://builder-1:8120",
//!     kiln_domain::Secret::new("the-agent-key"),
//!     Some("AB:CD:…"),
//! )?;
//! let health = client.request(Health {}).await?;
//! println!("kiln-agent {} on Docker {:?}", health.agent_version, health.docker_version);
//! # Ok(())
//! # }
//! ```

mod auth;
mod client;
mod error;
mod frame;
mod request;
pub mod tls;

pub use auth::{generate_key, keys_match};
pub use client::{AgentClient, ClientTimeouts};
pub use error::{mismatch_message, ClientError, ErrorBody, ErrorKind};
pub use frame::{decode_frame, encode_frame, Frame, HEARTBEAT_EVERY};
pub use request::{
    AgentRequest, Build, BuildEvent, Cancel, CancelReply, DockerfileText, Health, HealthReport,
    ReadDockerfile, Request, Streaming, Unary,
};

/// The protocol version both sides must speak. Raise it on any change to
/// the request or response types that an older peer could misread.
pub const PROTOCOL_VERSION: u32 = 1;

/// The one endpoint every request is POSTed to.
pub const REQUEST_PATH: &str = "/kiln-agent/v1/request";

/// Request header holding the agent key.
pub const KEY_HEADER: &str = "x-kiln-agent-key";

/// Request and response header holding the sender's [`PROTOCOL_VERSION`].
pub const PROTOCOL_HEADER: &str = "x-kiln-protocol";

/// Response header holding the agent's own version.
pub const AGENT_VERSION_HEADER: &str = "x-kiln-agent-version";

/// Content type of streamed answers (one JSON [`Frame`] per line).
pub const NDJSON: &str = "application/x-ndjson";
