//! The typed client the Kiln server uses to talk to an agent.

use std::time::Duration;

use futures_util::StreamExt;
use kiln_domain::Secret;
use reqwest::header::HeaderMap;
use reqwest::StatusCode;

use crate::error::{chain, mismatch_message, ClientError, ErrorBody};
use crate::frame::{decode_frame, Frame, HEARTBEAT_EVERY};
use crate::request::{AgentRequest, Streaming, Unary};
use crate::{tls, AGENT_VERSION_HEADER, KEY_HEADER, PROTOCOL_HEADER, PROTOCOL_VERSION};

/// How long the client waits.
#[derive(Clone, Copy, Debug)]
pub struct ClientTimeouts {
    /// Establishing the TCP (and TLS) connection.
    pub connect: Duration,
    /// A whole unary request.
    pub unary: Duration,
    /// Silence on a build stream before the agent is considered gone
    /// (the agent sends heartbeats every [`HEARTBEAT_EVERY`]).
    pub stream_idle: Duration,
}

impl Default for ClientTimeouts {
    fn default() -> Self {
        Self {
            connect: Duration::from_secs(10),
            unary: Duration::from_secs(30),
            stream_idle: HEARTBEAT_EVERY * 3,
        }
    }
}

/// A client for one agent. Cheap to clone.
#[derive(Clone)]
pub struct AgentClient {
    address: String,
    url: reqwest::Url,
    key: Secret,
    http: reqwest::Client,
    timeouts: ClientTimeouts,
}

impl std::fmt::Debug for AgentClient {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("AgentClient")
            .field("address", &self.address)
            .field("key", &self.key)
            .finish_non_exhaustive()
    }
}

impl AgentClient {
    /// A client for the agent at `address` (`http://host:port` or
    /// `https://host:port`). `https://` needs the fingerprint of the
    /// agent's certificate, which is then the only certificate accepted.
    pub fn new(address: &str, key: Secret, fingerprint: Option<&str>) -> Result<Self, ClientError> {
        Self::with_timeouts(address, key, fingerprint, ClientTimeouts::default())
    }

    /// [`AgentClient::new`] with other timeouts.
    pub fn with_timeouts(
        address: &str,
        key: Secret,
        fingerprint: Option<&str>,
        timeouts: ClientTimeouts,
    ) -> Result<Self, ClientError> {
        let address = address.trim().trim_end_matches('/').to_string();
        let invalid = |reason: String| ClientError::InvalidAddress {
            address: address.clone(),
            reason,
        };
        let base = reqwest::Url::parse(&address).map_err(|e| invalid(e.to_string()))?;
        let fingerprint = fingerprint.map(str::trim).filter(|f| !f.is_empty());
        // No root certificates: plain HTTP needs none, and TLS pins one
        // certificate (loading the system's roots would only cost time).
        // No redirects: an agent never sends one, and following it could
        // lead the key and the job to another host.
        let mut builder = reqwest::Client::builder()
            .tls_built_in_root_certs(false)
            .redirect(reqwest::redirect::Policy::none())
            .no_proxy()
            .connect_timeout(timeouts.connect)
            .read_timeout(timeouts.stream_idle);
        match (base.scheme(), fingerprint) {
            ("http", None) => {}
            ("http", Some(_)) => {
                return Err(invalid(
                    "a certificate fingerprint is set, so the address must start with https://"
                        .into(),
                ))
            }
            ("https", Some(pin)) => {
                let pin = tls::parse_fingerprint(pin).map_err(ClientError::Tls)?;
                let config = tls::pinned_client_config(pin).map_err(ClientError::Tls)?;
                builder = builder.use_preconfigured_tls(config);
            }
            ("https", None) => {
                return Err(ClientError::Tls(format!(
                    "{address} uses https://, so Kiln needs the agent certificate's SHA-256 fingerprint to pin (kiln-agent prints it at start-up)"
                )))
            }
            (other, _) => return Err(invalid(format!("scheme '{other}' is not http or https"))),
        }
        let http = builder.build().map_err(|e| ClientError::Tls(chain(&e)))?;
        let url = base
            .join(crate::REQUEST_PATH)
            .map_err(|e| invalid(e.to_string()))?;
        Ok(Self {
            address,
            url,
            key,
            http,
            timeouts,
        })
    }

    /// The agent's address as configured.
    pub fn address(&self) -> &str {
        &self.address
    }

    /// Sends a unary request and returns its typed answer.
    pub async fn request<T: Unary>(&self, request: T) -> Result<T::Response, ClientError> {
        let response = self
            .send(request.into())
            .await?
            .error_for_agent(self)
            .await?;
        let body = tokio::time::timeout(self.timeouts.unary, response.bytes())
            .await
            .map_err(|_| self.broken("no complete answer within the request timeout"))?
            .map_err(|e| self.broken(&chain(&e)))?;
        serde_json::from_slice(&body).map_err(|e| ClientError::Decode {
            address: self.address.clone(),
            reason: e.to_string(),
        })
    }

    /// Sends a streaming request: `on_event` gets each event as it arrives,
    /// and the final answer is returned. Dropping the returned future
    /// closes the connection (the agent then stops the build).
    pub async fn stream<T: Streaming>(
        &self,
        request: T,
        mut on_event: impl FnMut(T::Event) + Send,
    ) -> Result<T::Response, ClientError> {
        let response = self
            .send(request.into())
            .await?
            .error_for_agent(self)
            .await?;
        let mut body = response.bytes_stream();
        let mut buffer: Vec<u8> = Vec::new();
        while let Some(chunk) = body.next().await {
            let chunk = chunk.map_err(|e| self.broken(&chain(&e)))?;
            buffer.extend_from_slice(&chunk);
            while let Some(end) = buffer.iter().position(|b| *b == b'\n') {
                let line: Vec<u8> = buffer.drain(..=end).collect();
                if line.iter().all(u8::is_ascii_whitespace) {
                    continue;
                }
                let frame: Frame<T::Event, T::Response> =
                    decode_frame(&line).map_err(|e| ClientError::Decode {
                        address: self.address.clone(),
                        reason: e.to_string(),
                    })?;
                match frame {
                    Frame::Event(event) => on_event(event),
                    Frame::Heartbeat {} => {}
                    Frame::Done(answer) => return Ok(answer),
                    Frame::Error(error) => return Err(self.agent_error(200, error)),
                }
            }
        }
        Err(self.broken("the stream ended before the final answer"))
    }

    async fn send(&self, request: AgentRequest) -> Result<Checked, ClientError> {
        let response = self
            .http
            .post(self.url.clone())
            .header(KEY_HEADER, self.key.expose())
            .header(PROTOCOL_HEADER, PROTOCOL_VERSION.to_string())
            .json(&request)
            .send()
            .await
            .map_err(|e| ClientError::Unreachable {
                address: self.address.clone(),
                reason: tls::pin_failure(&e).unwrap_or_else(|| chain(&e)),
            })?;
        Ok(Checked(response))
    }

    fn broken(&self, reason: &str) -> ClientError {
        ClientError::Broken {
            address: self.address.clone(),
            reason: reason.to_string(),
        }
    }

    fn agent_error(&self, status: u16, body: ErrorBody) -> ClientError {
        ClientError::Agent {
            address: self.address.clone(),
            status,
            kind: Some(body.kind),
            message: body.message,
        }
    }
}

/// A response whose status and protocol version are still to be checked.
struct Checked(reqwest::Response);

impl Checked {
    /// Passes a 2xx answer from an agent speaking our protocol; turns
    /// everything else into the matching [`ClientError`].
    async fn error_for_agent(self, client: &AgentClient) -> Result<reqwest::Response, ClientError> {
        let response = self.0;
        let status = response.status();
        if status == StatusCode::UNAUTHORIZED {
            return Err(ClientError::Unauthorized {
                address: client.address.clone(),
            });
        }
        match agent_protocol(response.headers()) {
            Some(theirs) if theirs == PROTOCOL_VERSION => {}
            Some(theirs) => {
                let version = header_text(response.headers(), AGENT_VERSION_HEADER);
                return Err(ClientError::ProtocolMismatch {
                    address: client.address.clone(),
                    message: mismatch_message(PROTOCOL_VERSION, theirs, &version),
                });
            }
            None => {
                return Err(ClientError::Decode {
                    address: client.address.clone(),
                    reason: format!(
                        "HTTP {status} without an {PROTOCOL_HEADER} header: this address does not look like a kiln-agent"
                    ),
                })
            }
        }
        if status.is_success() {
            return Ok(response);
        }
        let text = response.text().await.unwrap_or_default();
        Err(match serde_json::from_str::<ErrorBody>(&text) {
            Ok(body) => client.agent_error(status.as_u16(), body),
            Err(_) => ClientError::Agent {
                address: client.address.clone(),
                status: status.as_u16(),
                kind: None,
                message: text.chars().take(500).collect(),
            },
        })
    }
}

fn agent_protocol(headers: &HeaderMap) -> Option<u32> {
    headers
        .get(PROTOCOL_HEADER)?
        .to_str()
        .ok()?
        .trim()
        .parse()
        .ok()
}

fn header_text(headers: &HeaderMap, name: &str) -> String {
    headers
        .get(name)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_string()
}
