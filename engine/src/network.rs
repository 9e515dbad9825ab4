//! Which network `docker build` RUN steps get when nothing says.
//!
//! `docker build` without `--network` puts RUN steps on the engine's default
//! `bridge` network. An engine started with `dockerd --bridge=none` (what
//! Kiln's run command starts where no system engine runs) has none, and every
//! RUN step then fails with "network bridge not found". On such an engine the
//! engine builds with `--network none` by itself and says so in the build's
//! log and on the Builders page; a `--network` in the builder's or the
//! build's `extra_args` always wins.

use bollard::query_parameters::InspectNetworkOptions;
use bollard::Docker;

/// The network RUN steps get on an engine without a bridge network.
pub const FALLBACK_NETWORK: &str = "none";

/// What the engine's networks mean for builds that set no `--network`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum DefaultNetwork {
    /// The engine has its `bridge` network: `docker build` uses it.
    Bridge,
    /// No `bridge` network: builds get `--network none`.
    NoBridge,
}

impl DefaultNetwork {
    /// Asks the engine whether its `bridge` network exists. Any answer other
    /// than "no such network" (including errors reaching the engine) counts as
    /// [`DefaultNetwork::Bridge`]: the build then behaves as plain `docker
    /// build` would, and a real engine problem is reported by the build itself.
    pub async fn of(docker: &Docker) -> Self {
        match docker
            .inspect_network("bridge", None::<InspectNetworkOptions>)
            .await
        {
            Err(bollard::errors::Error::DockerResponseServerError {
                status_code: 404, ..
            }) => Self::NoBridge,
            _ => Self::Bridge,
        }
    }

    /// A sentence for the Builders page, `None` for a normal engine.
    pub fn note(&self) -> Option<String> {
        match self {
            Self::Bridge => None,
            Self::NoBridge => Some(format!(
                "no bridge network: builds run with --network {FALLBACK_NETWORK} unless \
                 their extra_args set --network"
            )),
        }
    }
}

/// True when `args` (already split into words) choose a network:
/// `--network X`, `--network=X` or `--net`/`--net=X`.
pub(crate) fn sets_network(args: &[String]) -> bool {
    args.iter().any(|arg| {
        let flag = arg.split_once('=').map_or(arg.as_str(), |(flag, _)| flag);
        flag == "--network" || flag == "--net"
    })
}

/// The arguments `docker build` gets: `extra_args` as they are when they
/// choose a network or the engine has a bridge network, else
/// `--network none` followed by them, with the log line that says why.
pub(crate) fn with_default_network(
    network: &DefaultNetwork,
    extra_args: &[String],
) -> (Vec<String>, Option<String>) {
    if *network == DefaultNetwork::Bridge || sets_network(extra_args) {
        return (extra_args.to_vec(), None);
    }
    let mut args = vec!["--network".to_string(), FALLBACK_NETWORK.to_string()];
    args.extend(extra_args.iter().cloned());
    let line = format!(
        "This Docker engine has no bridge network, so RUN steps run with --network \
         {FALLBACK_NETWORK} (no network access). Set --network in the build's or the \
         builder's extra_args to choose another."
    );
    (args, Some(line))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn words(s: &[&str]) -> Vec<String> {
        s.iter().map(|w| w.to_string()).collect()
    }

    #[test]
    fn network_flags_are_recognised_in_every_form() {
        for (args, expected) in [
            (&["--network", "host"][..], true),
            (&["--network=host"][..], true),
            (&["--net", "none"][..], true),
            (&["--net=none"][..], true),
            (&["--pull"][..], false),
            (&["--networks"][..], false),
            (&[][..], false),
        ] {
            assert_eq!(sets_network(&words(args)), expected, "{args:?}");
        }
    }

    #[test]
    fn fallback_only_without_bridge_and_without_a_chosen_network() {
        let extra = words(&["--pull"]);
        let (args, line) = with_default_network(&DefaultNetwork::Bridge, &extra);
        assert_eq!(args, extra);
        assert_eq!(line, None);

        let (args, line) = with_default_network(&DefaultNetwork::NoBridge, &extra);
        assert_eq!(args, words(&["--network", "none", "--pull"]));
        assert!(line.unwrap().contains("no bridge network"));

        let own = words(&["--network=host"]);
        let (args, line) = with_default_network(&DefaultNetwork::NoBridge, &own);
        assert_eq!(args, own, "the build's own --network wins");
        assert_eq!(line, None);
    }

    #[test]
    fn the_note_names_the_fallback() {
        assert_eq!(DefaultNetwork::Bridge.note(), None);
        assert!(DefaultNetwork::NoBridge
            .note()
            .unwrap()
            .contains("--network none"));
    }
}
