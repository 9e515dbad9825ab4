//! What keeps a browser from being turned against Kiln, over every route:
//!
//! - **Host.** A request whose `Host` is not one Kiln answers to gets 421:
//!   the host of `KILN_PUBLIC_URL`, the bound address, `localhost` and
//!   `127.0.0.1` / `[::1]` on the bound port, and `KILN_ALLOWED_HOSTS`.
//!   A page on another name that resolves to this machine (DNS rebinding)
//!   reaches nothing.
//! - **Forwarded headers.** `X-Forwarded-For`, `-Host` and `-Proto` count
//!   only from an address in `KILN_TRUSTED_PROXIES`; the request's client
//!   address and public origin (what pages show in webhook URLs) are put in
//!   the request as [`ClientAddress`] and [`PublicOrigin`].
//! - **Response headers.** `X-Content-Type-Options: nosniff`,
//!   `Referrer-Policy: same-origin`, `X-Frame-Options: DENY`; pages carry
//!   the UI's own policy (the shell sets it, with its script nonce) and the
//!   API's, server functions' and webhooks' answers `default-src 'none';
//!   frame-ancestors 'none'`.

use axum::extract::{ConnectInfo, Request, State};
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use axum::Json;
use std::net::{IpAddr, SocketAddr};
use std::sync::Arc;

/// The hosts Kiln answers to and the proxies it trusts.
#[derive(Clone, Debug, Default)]
pub struct Guard {
    /// Lowercase `host[:port]` values a `Host` header may have.
    hosts: Vec<String>,
    /// Addresses whose `X-Forwarded-*` headers count.
    trusted_proxies: Vec<IpAddr>,
    /// `scheme://host[:port]` from `KILN_PUBLIC_URL`, if set.
    public_url: Option<String>,
}

/// The client's address: the peer, or the first untrusted address of a
/// trusted proxy's `X-Forwarded-For`.
#[derive(Clone, Copy, Debug)]
pub struct ClientAddress(pub IpAddr);

pub use kiln_core::PublicOrigin;

impl Guard {
    /// From the bound address, `KILN_PUBLIC_URL`, `KILN_ALLOWED_HOSTS`
    /// (comma-separated `host[:port]`) and `KILN_TRUSTED_PROXIES`
    /// (comma-separated addresses).
    pub fn new(
        bound: SocketAddr,
        public_url: Option<&str>,
        allowed_hosts: &[String],
        trusted_proxies: &[IpAddr],
    ) -> Self {
        let port = bound.port();
        let mut hosts = vec![
            format!("localhost:{port}"),
            format!("127.0.0.1:{port}"),
            format!("[::1]:{port}"),
        ];
        if !bound.ip().is_unspecified() {
            hosts.push(bound.to_string());
        }
        let public_url = public_url.map(|url| url.trim_end_matches('/').to_string());
        if let Some(url) = &public_url {
            if let Some((_, rest)) = url.split_once("://") {
                hosts.push(rest.split('/').next().unwrap_or(rest).to_string());
            }
        }
        hosts.extend(allowed_hosts.iter().map(|h| h.trim().to_string()));
        let hosts = hosts
            .into_iter()
            .filter(|h| !h.is_empty())
            .map(|h| h.to_ascii_lowercase())
            .collect();
        Self {
            hosts,
            trusted_proxies: trusted_proxies.to_vec(),
            public_url,
        }
    }

    fn host_allowed(&self, host: &str) -> bool {
        let host = host.to_ascii_lowercase();
        self.hosts.contains(&host)
    }
}

fn header_text<'a>(headers: &'a HeaderMap, name: &str) -> Option<&'a str> {
    headers
        .get(name)
        .and_then(|v| v.to_str().ok())
        .map(str::trim)
}

fn refuse(status: StatusCode, message: &str) -> Response {
    (status, Json(serde_json::json!({ "error": message }))).into_response()
}

/// The layer (see the module docs).
pub async fn guard(
    State(guard): State<Arc<Guard>>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    mut request: Request,
    next: Next,
) -> Response {
    let headers = request.headers();
    let host = header_text(headers, "host").unwrap_or_default().to_string();
    if !guard.host_allowed(&host) {
        return refuse(
            StatusCode::MISDIRECTED_REQUEST,
            "this Kiln does not answer to that host name; use its own address (KILN_PUBLIC_URL), or add the name to KILN_ALLOWED_HOSTS",
        );
    }
    let trusted = guard.trusted_proxies.contains(&peer.ip());
    let client = if trusted {
        header_text(headers, "x-forwarded-for")
            .and_then(|list| list.rsplit(',').map(str::trim).find_map(|a| a.parse().ok()))
            .unwrap_or(peer.ip())
    } else {
        peer.ip()
    };
    let origin = match &guard.public_url {
        Some(url) => url.clone(),
        None => {
            let forwarded = |name| trusted.then(|| header_text(headers, name)).flatten();
            let scheme = forwarded("x-forwarded-proto").unwrap_or("http");
            let host = forwarded("x-forwarded-host").unwrap_or(&host);
            format!("{scheme}://{host}")
        }
    };
    let path = request.uri().path().to_string();
    let answers_data =
        path.starts_with("/api/v1/") || path.starts_with("/rpc/") || path.starts_with("/listener/");
    request.extensions_mut().insert(ClientAddress(client));
    request.extensions_mut().insert(PublicOrigin(origin));
    let mut response = next.run(request).await;
    let headers = response.headers_mut();
    headers.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    headers.insert(
        header::REFERRER_POLICY,
        HeaderValue::from_static("same-origin"),
    );
    headers.insert(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
    if answers_data && !headers.contains_key(header::CONTENT_SECURITY_POLICY) {
        headers.insert(
            header::CONTENT_SECURITY_POLICY,
            HeaderValue::from_static("default-src 'none'; frame-ancestors 'none'"),
        );
    }
    response
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hosts_are_the_bound_port_the_public_url_and_the_allowed_list() {
        let guard = Guard::new(
            "0.0.0.0:3000".parse().unwrap(),
            Some("https://Kiln.Example.com/"),
            &["build-box:3000".to_string()],
            &[],
        );
        for ok in [
            "localhost:3000",
            "127.0.0.1:3000",
            "kiln.example.com",
            "BUILD-BOX:3000",
        ] {
            assert!(guard.host_allowed(ok), "{ok}");
        }
        for refused in [
            "attacker.example:3000",
            "127.0.0.1:3001",
            "",
            "0.0.0.0:3000",
            "kiln.example.com:3000",
        ] {
            assert!(!guard.host_allowed(refused), "{refused}");
        }
    }
}
