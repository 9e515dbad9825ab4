//! Where Kiln may connect on a user's say-so: the one check of every
//! outbound target a user chose (git providers and submodules, registries,
//! alerter URLs, agent addresses).
//!
//! A target's host is resolved and every address it resolves to is judged:
//! - link-local addresses (`169.254.0.0/16`, where clouds answer with
//!   instance metadata and credentials, and `fe80::/10`), AWS's IPv6
//!   metadata address `fd00:ec2::254`, and the same addresses in IPv4-mapped
//!   (`::ffff:169.254.169.254`) and NAT64 (`64:ff9b::/96`) form are always
//!   refused;
//! - loopback (`127.0.0.0/8`, `::1`) and unspecified (`0.0.0.0`, `::`,
//!   which reach this host) addresses only when the admin setting allows
//!   them ([`NetPolicy::allow_loopback`], the server's
//!   `KILN_ALLOW_LOOPBACK_TARGETS`; tests set it since every test service
//!   listens on 127.0.0.1).
//!
//! Other private ranges are allowed: registries and git servers on a
//! company network are normal targets.
//!
//! A name is resolved here and again by the client that connects, so a
//! name whose answers change in between (DNS rebinding) is not caught for
//! libgit2 and the Docker engine; HTTP clients Kiln builds pin the checked
//! addresses ([`pinned_addrs`]).
//!
//! Architecture invariant: every outbound request Kiln makes on a user's
//! say-so goes through this module first.

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr, ToSocketAddrs};

use serde::{Deserialize, Serialize};

/// What outbound targets may be, beyond the public internet and private
/// networks.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct NetPolicy {
    /// Loopback and unspecified addresses (this host) are allowed
    /// (`KILN_ALLOW_LOOPBACK_TARGETS`).
    #[serde(default)]
    pub allow_loopback: bool,
    /// Server builders may be reached over plain `http://` at addresses
    /// other than loopback (`KILN_ALLOW_PLAIN_HTTP_AGENTS`): the passkey and
    /// every job, secrets included, would cross the network in clear.
    #[serde(default)]
    pub allow_plain_http_agents: bool,
}

/// Why a target is refused. Messages name the host and the reason, never
/// a URL's path or credentials.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum NetPolicyError {
    /// The host resolves to a link-local or metadata address.
    #[error("{what} {host} is refused: it resolves to {addr}, a link-local address (cloud instance metadata lives there)")]
    LinkLocal {
        /// What the target is, like `git provider` or `alerter URL host`.
        what: String,
        host: String,
        addr: IpAddr,
    },
    /// The host resolves to this host, and the admin setting does not allow it.
    #[error("{what} {host} is refused: it resolves to {addr}, this host's own address; an admin may allow such targets with KILN_ALLOW_LOOPBACK_TARGETS=true")]
    Loopback {
        what: String,
        host: String,
        addr: IpAddr,
    },
    /// The host could not be resolved.
    #[error("{what} {host} cannot be resolved: {reason}")]
    Unresolved {
        what: String,
        host: String,
        reason: String,
    },
    /// A Server builder's agent at a non-loopback `http://` address.
    #[error("agent address {host} is refused: plain http:// would send the passkey and every job in clear; serve the agent with --tls and use https:// with its cert_fingerprint, or an admin may allow it with KILN_ALLOW_PLAIN_HTTP_AGENTS=true")]
    PlainHttp { host: String },
    /// The target is not a URL of an allowed form.
    #[error("{what} is refused: {reason}")]
    Malformed { what: String, reason: String },
}

/// The IPv4 address an IPv6 address stands for, when it is an IPv4-mapped
/// or NAT64 (`64:ff9b::/96`) one.
fn embedded_v4(ip: &Ipv6Addr) -> Option<Ipv4Addr> {
    if let Some(v4) = ip.to_ipv4_mapped() {
        return Some(v4);
    }
    let s = ip.segments();
    (s[0] == 0x64 && s[1] == 0xff9b && s[2..6] == [0, 0, 0, 0])
        .then(|| Ipv4Addr::from((u32::from(s[6]) << 16) | u32::from(s[7])))
}

/// How an address counts: `Err(true)` link-local or metadata (always
/// refused), `Err(false)` this host (loopback or unspecified), `Ok` other.
fn classify(ip: IpAddr) -> Result<(), bool> {
    match ip {
        IpAddr::V4(v4) => {
            if v4.is_link_local() {
                Err(true)
            } else if v4.is_loopback() || v4.is_unspecified() {
                Err(false)
            } else {
                Ok(())
            }
        }
        IpAddr::V6(v6) => {
            if let Some(v4) = embedded_v4(&v6) {
                return classify(IpAddr::V4(v4));
            }
            let aws_metadata = Ipv6Addr::new(0xfd00, 0xec2, 0, 0, 0, 0, 0, 0x254);
            if (v6.segments()[0] & 0xffc0) == 0xfe80 || v6 == aws_metadata {
                Err(true)
            } else if v6.is_loopback() || v6.is_unspecified() {
                Err(false)
            } else {
                Ok(())
            }
        }
    }
}

impl NetPolicy {
    /// Judges one address of `host` (`what` names the target in messages).
    pub fn check_ip(&self, what: &str, host: &str, addr: IpAddr) -> Result<(), NetPolicyError> {
        match classify(addr) {
            Ok(()) => Ok(()),
            Err(true) => Err(NetPolicyError::LinkLocal {
                what: what.to_string(),
                host: host.to_string(),
                addr,
            }),
            Err(false) if self.allow_loopback => Ok(()),
            Err(false) => Err(NetPolicyError::Loopback {
                what: what.to_string(),
                host: host.to_string(),
                addr,
            }),
        }
    }

    /// Judges every address of `addrs`; all must pass.
    pub fn check_addrs(
        &self,
        what: &str,
        host: &str,
        addrs: &[SocketAddr],
    ) -> Result<(), NetPolicyError> {
        if addrs.is_empty() {
            return Err(NetPolicyError::Unresolved {
                what: what.to_string(),
                host: host.to_string(),
                reason: "no addresses".to_string(),
            });
        }
        addrs
            .iter()
            .try_for_each(|a| self.check_ip(what, host, a.ip()))
    }

    /// Resolves `host` (a name, an IPv4 address or a bracketless IPv6
    /// address) with the system resolver, blocking, and judges every
    /// address. Returns the addresses. For threads that may block (git).
    pub fn check_host_blocking(
        &self,
        what: &str,
        host: &str,
        port: u16,
    ) -> Result<Vec<SocketAddr>, NetPolicyError> {
        let addrs: Vec<SocketAddr> = (bare(host), port)
            .to_socket_addrs()
            .map_err(|e| unresolved(what, host, &e))?
            .collect();
        self.check_addrs(what, host, &addrs)?;
        Ok(addrs)
    }

    /// [`NetPolicy::check_host_blocking`] without blocking the runtime.
    pub async fn check_host(
        &self,
        what: &str,
        host: &str,
        port: u16,
    ) -> Result<Vec<SocketAddr>, NetPolicyError> {
        let addrs: Vec<SocketAddr> = tokio::net::lookup_host((bare(host), port))
            .await
            .map_err(|e| unresolved(what, host, &e))?
            .collect();
        self.check_addrs(what, host, &addrs)?;
        Ok(addrs)
    }

    /// Checks an `http://` or `https://` URL's host; returns the host and
    /// the checked addresses (to pin in the HTTP client). Other schemes
    /// are refused.
    pub async fn check_http_url(
        &self,
        what: &str,
        url: &str,
    ) -> Result<(String, Vec<SocketAddr>), NetPolicyError> {
        let (scheme, host, port) = split_url(what, url)?;
        if scheme != "http" && scheme != "https" {
            return Err(malformed(
                what,
                "only http:// and https:// URLs are accepted",
            ));
        }
        let port = port.unwrap_or(if scheme == "https" { 443 } else { 80 });
        let addrs = self.check_host(what, &host, port).await?;
        Ok((host, addrs))
    }
}

impl NetPolicy {
    /// Checks a Server builder's agent address: `https://`, or `http://`
    /// only to a loopback address (or anywhere when
    /// [`NetPolicy::allow_plain_http_agents`] is on), and its host as every
    /// other target.
    pub async fn check_agent_address(&self, address: &str) -> Result<(), NetPolicyError> {
        let what = "agent address";
        let (scheme, host, port) = split_url(what, address)?;
        let port = match scheme.as_str() {
            "https" => port.unwrap_or(443),
            "http" => port.unwrap_or(80),
            _ => {
                return Err(malformed(
                    what,
                    "only http:// and https:// addresses are accepted",
                ))
            }
        };
        let addrs = self.check_host(what, &host, port).await?;
        let loopback = addrs.iter().all(|a| classify(a.ip()) == Err(false));
        if scheme == "http" && !loopback && !self.allow_plain_http_agents {
            return Err(NetPolicyError::PlainHttp { host });
        }
        Ok(())
    }
}

/// `[::1]` → `::1`.
fn bare(host: &str) -> &str {
    host.strip_prefix('[')
        .and_then(|h| h.strip_suffix(']'))
        .unwrap_or(host)
}

fn unresolved(what: &str, host: &str, error: &std::io::Error) -> NetPolicyError {
    NetPolicyError::Unresolved {
        what: what.to_string(),
        host: host.to_string(),
        reason: error.to_string(),
    }
}

fn malformed(what: &str, reason: &str) -> NetPolicyError {
    NetPolicyError::Malformed {
        what: what.to_string(),
        reason: reason.to_string(),
    }
}

/// `scheme://[user@]host[:port][/…]` → (scheme, host, port). The host keeps
/// no brackets.
pub fn split_url(what: &str, url: &str) -> Result<(String, String, Option<u16>), NetPolicyError> {
    let (scheme, rest) = url
        .split_once("://")
        .ok_or_else(|| malformed(what, "not a URL (scheme://host/…)"))?;
    let authority = rest.split(['/', '?', '#']).next().unwrap_or("");
    let host_port = authority.rsplit_once('@').map_or(authority, |(_, h)| h);
    let (host, port) = if let Some(inner) = host_port.strip_prefix('[') {
        let (host, after) = inner
            .split_once(']')
            .ok_or_else(|| malformed(what, "unclosed [ in the host"))?;
        (host, after.strip_prefix(':'))
    } else {
        match host_port.rsplit_once(':') {
            Some((host, port)) => (host, Some(port)),
            None => (host_port, None),
        }
    };
    if host.is_empty() {
        return Err(malformed(what, "the URL has no host"));
    }
    let port = match port.filter(|p| !p.is_empty()) {
        Some(port) => Some(
            port.parse::<u16>()
                .map_err(|_| malformed(what, "the URL's port is not a number"))?,
        ),
        None => None,
    };
    Ok((scheme.to_ascii_lowercase(), host.to_string(), port))
}

/// A git remote's host and port, for the remote forms Kiln fetches:
/// `http(s)://`, `ssh://` and scp-like `user@host:path`. Local paths,
/// `file://` and other schemes are refused (a submodule must come from a
/// remote, never from the builder host's files).
pub fn git_remote_host(what: &str, url: &str) -> Result<(String, u16), NetPolicyError> {
    if url.contains("://") {
        let (scheme, host, port) = split_url(what, url)?;
        let default =
            match scheme.as_str() {
                "http" => 80,
                "https" => 443,
                "ssh" | "git+ssh" | "ssh+git" => 22,
                _ => return Err(malformed(
                    what,
                    "only http(s):// and ssh:// remotes are fetched (not file:// or other schemes)",
                )),
            };
        return Ok((host, port.unwrap_or(default)));
    }
    // scp-like `[user@]host:path`, where host has no '/' before the ':'.
    match url.split_once(':') {
        Some((user_host, _))
            if !user_host.is_empty() && !user_host.contains('/') && !url.starts_with('/') =>
        {
            let host = user_host.rsplit_once('@').map_or(user_host, |(_, h)| h);
            Ok((host.to_string(), 22))
        }
        _ => Err(malformed(
            what,
            "local paths are not fetched: only http(s):// and ssh:// remotes",
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const CLOSED: NetPolicy = NetPolicy {
        allow_loopback: false,
        allow_plain_http_agents: false,
    };
    const OPEN: NetPolicy = NetPolicy {
        allow_loopback: true,
        allow_plain_http_agents: false,
    };

    fn ip(text: &str) -> IpAddr {
        text.parse().expect("an address")
    }

    #[test]
    fn metadata_and_link_local_addresses_are_always_refused() {
        for text in [
            "169.254.169.254",
            "169.254.0.1",
            "fe80::1",
            "febf::1",
            "::ffff:169.254.169.254",
            "64:ff9b::a9fe:a9fe",
            "fd00:ec2::254",
        ] {
            for policy in [CLOSED, OPEN] {
                let error = policy.check_ip("alerter URL host", "h", ip(text));
                assert!(
                    matches!(error, Err(NetPolicyError::LinkLocal { .. })),
                    "{text}: {error:?}"
                );
            }
        }
        let message = CLOSED
            .check_ip("git provider", "meta.example", ip("169.254.169.254"))
            .expect_err("refused")
            .to_string();
        assert_eq!(
            message,
            "git provider meta.example is refused: it resolves to 169.254.169.254, a link-local address (cloud instance metadata lives there)"
        );
    }

    #[test]
    fn this_host_is_refused_unless_allowed() {
        for text in [
            "127.0.0.1",
            "127.1.2.3",
            "::1",
            "0.0.0.0",
            "::",
            "::ffff:127.0.0.1",
        ] {
            assert!(
                matches!(
                    CLOSED.check_ip("x", "h", ip(text)),
                    Err(NetPolicyError::Loopback { .. })
                ),
                "{text}"
            );
            assert_eq!(OPEN.check_ip("x", "h", ip(text)), Ok(()), "{text}");
        }
        for text in [
            "10.0.0.5",
            "192.168.1.1",
            "8.8.8.8",
            "2001:db8::1",
            "fd00::1",
        ] {
            assert_eq!(CLOSED.check_ip("x", "h", ip(text)), Ok(()), "{text}");
        }
    }

    #[tokio::test]
    async fn names_are_judged_by_what_they_resolve_to() {
        let error = CLOSED
            .check_host("registry", "localhost", 5000)
            .await
            .expect_err("localhost is this host");
        assert!(
            error
                .to_string()
                .starts_with("registry localhost is refused: it resolves to"),
            "{error}"
        );
        assert!(OPEN.check_host("registry", "localhost", 5000).await.is_ok());
        assert!(CLOSED
            .check_host_blocking("git provider", "[::1]", 80)
            .is_err());
        assert!(matches!(
            OPEN.check_http_url("alerter URL", "http://169.254.169.254/latest/meta-data")
                .await,
            Err(NetPolicyError::LinkLocal { .. })
        ));
        assert!(matches!(
            OPEN.check_http_url("alerter URL", "http://user:pw@[fe80::1]:8080/x")
                .await,
            Err(NetPolicyError::LinkLocal { .. })
        ));
        assert!(OPEN
            .check_http_url("alerter URL", "file:///etc/passwd")
            .await
            .is_err());
    }

    #[test]
    fn git_remotes_are_http_or_ssh_never_local() {
        assert_eq!(
            git_remote_host("s", "https://git.example.com/a/b.git"),
            Ok(("git.example.com".to_string(), 443))
        );
        assert_eq!(
            git_remote_host("s", "http://127.0.0.1:9000/a"),
            Ok(("127.0.0.1".to_string(), 9000))
        );
        assert_eq!(
            git_remote_host("s", "git@github.com:acme/x.git"),
            Ok(("github.com".to_string(), 22))
        );
        assert_eq!(
            git_remote_host("s", "ssh://git@[fe80::1]:2222/x"),
            Ok(("fe80::1".to_string(), 2222))
        );
        for local in [
            "/srv/git/secret.git",
            "file:///srv/git/x",
            "./x",
            "../x",
            "git://h/x",
        ] {
            assert!(git_remote_host("s", local).is_err(), "{local}");
        }
    }
}
