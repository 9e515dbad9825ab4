//! EC2 builder settings: test overrides and bounds, from `KILN_*` variables.

use std::time::Duration;

use anyhow::{bail, Context};

/// How EC2 builders reach AWS and how long they wait.
#[derive(Clone, Debug)]
pub struct Ec2Settings {
    /// `KILN_AWS_ENDPOINT_URL`: send EC2 calls here instead of AWS (tests
    /// point it at moto on 127.0.0.1).
    pub endpoint_url: Option<String>,
    /// `KILN_TEST_EC2_AGENT_ADDRESS_OVERRIDE` (`127.0.0.1:PORT`): for tests
    /// only. Kiln talks to the agent at this loopback address instead of the
    /// instance's address (an emulator's instances are not real machines).
    /// Refused unless it is a 127.0.0.0/8 address.
    pub agent_address_override: Option<String>,
    /// `KILN_AWS_POLL_MS` (2000): pause between checks of the instance state
    /// and of the agent's health.
    pub poll: Duration,
    /// `KILN_AWS_RUNNING_TIMEOUT_SECS` (60): how long an instance may take
    /// to reach `running`.
    pub running_timeout: Duration,
    /// `KILN_AWS_AGENT_TIMEOUT_SECS` (120): how long the agent on a running
    /// instance may take to answer its health check.
    pub agent_timeout: Duration,
    /// `KILN_AWS_TERMINATE_ATTEMPTS` (5): TerminateInstances tries before a
    /// critical log (the sweep keeps trying afterwards).
    pub terminate_attempts: u32,
    /// `KILN_AWS_TERMINATE_RETRY_SECS` (15): pause between those tries.
    pub terminate_retry: Duration,
    /// `KILN_AWS_SWEEP_SECS` (300): how often the orphan sweep runs (it also
    /// runs at start-up).
    pub sweep_every: Duration,
    /// `KILN_AWS_CALL_TIMEOUT_SECS` (30): the longest one EC2 API call may take.
    pub call_timeout: Duration,
}

impl Default for Ec2Settings {
    fn default() -> Self {
        Self {
            endpoint_url: None,
            agent_address_override: None,
            poll: Duration::from_secs(2),
            running_timeout: Duration::from_secs(60),
            agent_timeout: Duration::from_secs(120),
            terminate_attempts: 5,
            terminate_retry: Duration::from_secs(15),
            sweep_every: Duration::from_secs(300),
            call_timeout: Duration::from_secs(30),
        }
    }
}

impl Ec2Settings {
    /// Reads the variables through `env` (unset or empty: the default).
    pub fn from_env(env: &impl Fn(&str) -> Option<String>) -> anyhow::Result<Self> {
        let defaults = Self::default();
        let override_addr = env("KILN_TEST_EC2_AGENT_ADDRESS_OVERRIDE");
        if let Some(addr) = &override_addr {
            let parsed: std::net::SocketAddr = addr.parse().with_context(|| {
                format!("KILN_TEST_EC2_AGENT_ADDRESS_OVERRIDE '{addr}' is not an address like 127.0.0.1:8120")
            })?;
            if !parsed.ip().is_loopback() {
                bail!("KILN_TEST_EC2_AGENT_ADDRESS_OVERRIDE '{addr}' must be a 127.0.0.0/8 address: it stands in for test instances");
            }
        }
        Ok(Self {
            endpoint_url: env("KILN_AWS_ENDPOINT_URL"),
            agent_address_override: override_addr,
            poll: millis(env, "KILN_AWS_POLL_MS", defaults.poll)?,
            running_timeout: secs(
                env,
                "KILN_AWS_RUNNING_TIMEOUT_SECS",
                defaults.running_timeout,
            )?,
            agent_timeout: secs(env, "KILN_AWS_AGENT_TIMEOUT_SECS", defaults.agent_timeout)?,
            terminate_attempts: match env("KILN_AWS_TERMINATE_ATTEMPTS") {
                Some(raw) => parse_number(&raw, "KILN_AWS_TERMINATE_ATTEMPTS")?.max(1) as u32,
                None => defaults.terminate_attempts,
            },
            terminate_retry: secs(
                env,
                "KILN_AWS_TERMINATE_RETRY_SECS",
                defaults.terminate_retry,
            )?,
            sweep_every: secs(env, "KILN_AWS_SWEEP_SECS", defaults.sweep_every)?,
            call_timeout: secs(env, "KILN_AWS_CALL_TIMEOUT_SECS", defaults.call_timeout)?,
        })
    }
}

fn secs(
    env: &impl Fn(&str) -> Option<String>,
    key: &str,
    default: Duration,
) -> anyhow::Result<Duration> {
    match env(key) {
        Some(raw) => Ok(Duration::from_secs(parse_number(&raw, key)?)),
        None => Ok(default),
    }
}

fn millis(
    env: &impl Fn(&str) -> Option<String>,
    key: &str,
    default: Duration,
) -> anyhow::Result<Duration> {
    match env(key) {
        Some(raw) => Ok(Duration::from_millis(parse_number(&raw, key)?)),
        None => Ok(default),
    }
}

fn parse_number(raw: &str, key: &str) -> anyhow::Result<u64> {
    raw.trim()
        .parse()
        .with_context(|| format!("{key} '{raw}' is not a whole number"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashMap;

    fn load(pairs: &[(&str, &str)]) -> anyhow::Result<Ec2Settings> {
        let env: HashMap<String, String> = pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        Ec2Settings::from_env(&|k: &str| env.get(k).cloned())
    }

    #[test]
    fn defaults_follow_komodo() {
        let s = load(&[]).unwrap();
        assert_eq!(s.poll, Duration::from_secs(2));
        assert_eq!(s.running_timeout, Duration::from_secs(60));
        assert_eq!(s.terminate_attempts, 5);
        assert!(s.agent_address_override.is_none());
    }

    #[test]
    fn the_agent_override_must_be_loopback() {
        let s = load(&[("KILN_TEST_EC2_AGENT_ADDRESS_OVERRIDE", "127.0.0.1:9000")]).unwrap();
        assert_eq!(s.agent_address_override.as_deref(), Some("127.0.0.1:9000"));
        let err = load(&[("KILN_TEST_EC2_AGENT_ADDRESS_OVERRIDE", "10.0.0.5:8120")]).unwrap_err();
        assert!(err.to_string().contains("127.0.0.0/8"), "{err}");
        let err = load(&[("KILN_AWS_POLL_MS", "soon")]).unwrap_err();
        assert!(err.to_string().contains("KILN_AWS_POLL_MS"), "{err}");
    }
}
