//! Free ports on 127.0.0.1 and waiting for HTTP services to answer.

use std::net::{Ipv4Addr, TcpListener};
use std::time::{Duration, Instant};

use anyhow::{bail, Context};

/// Returns a TCP port on 127.0.0.1 that was free when this function returned.
///
/// Another process may take it before it is used: callers that pass the port to a
/// child process should retry on "address already in use".
pub fn free_port() -> anyhow::Result<u16> {
    let listener =
        TcpListener::bind((Ipv4Addr::LOCALHOST, 0)).context("binding a free port on 127.0.0.1")?;
    let addr = listener
        .local_addr()
        .context("reading the address of the free port")?;
    Ok(addr.port())
}

/// Polls `url` (which must point into 127.0.0.0/8 or `localhost`) until any HTTP
/// response arrives and returns its status code; fails after `timeout`.
pub async fn wait_http(url: &str, timeout: Duration) -> anyhow::Result<u16> {
    ensure_loopback(url)?;
    let client = local_client()?;
    let deadline = Instant::now() + timeout;
    loop {
        let error = match client.get(url).send().await {
            Ok(response) => return Ok(response.status().as_u16()),
            Err(error) => error,
        };
        if Instant::now() >= deadline {
            return Err(error).with_context(|| format!("{url} did not answer within {timeout:?}"));
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

/// Fails unless `url` is an `http://` URL whose host is in 127.0.0.0/8 or is `localhost`.
///
/// Tests must never send traffic anywhere else.
pub fn ensure_loopback(url: &str) -> anyhow::Result<()> {
    let parsed = reqwest::Url::parse(url).with_context(|| format!("parsing URL {url}"))?;
    if parsed.scheme() != "http" {
        bail!("{url}: only plain http:// to 127.0.0.0/8 is allowed in tests");
    }
    if !parsed.host_str().is_some_and(is_loopback_host) {
        bail!("{url}: tests may only talk to 127.0.0.0/8");
    }
    Ok(())
}

/// An HTTP client that ignores proxy settings, so traffic stays on 127.0.0.1.
pub(crate) fn local_client() -> anyhow::Result<reqwest::Client> {
    reqwest::Client::builder()
        .no_proxy()
        .timeout(Duration::from_secs(30))
        .build()
        .context("building the HTTP client")
}

/// True when `host` (a host name or IP, without port) is `localhost` or in 127.0.0.0/8.
pub(crate) fn is_loopback_host(host: &str) -> bool {
    host == "localhost" || host.parse::<Ipv4Addr>().is_ok_and(|ip| ip.is_loopback())
}
