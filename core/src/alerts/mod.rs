//! Alerts: when a run ends, every enabled alerter that wants that outcome
//! for that build gets a message (Custom JSON, Slack or Discord), in the
//! background, with retries.
//!
//! Architecture invariant: alerting never blocks or fails a build (it runs
//! after the run is recorded, in its own tasks), and an alert carries only
//! the run's public facts: never a variable, token, webhook secret or any
//! alerter's URL.

mod deliver;
mod message;

pub use deliver::RetryPolicy;

use crate::runs::RunObserver;
use kiln_domain::alerter::AlertType;
use kiln_domain::Run;
use kiln_engine::{NetPolicy, NetPolicyError};
use kiln_store::Store;

/// The run observer that sends alerts.
#[derive(Clone, Debug)]
pub struct Alerts {
    store: Store,
    policy: RetryPolicy,
    outbound: NetPolicy,
}

impl Alerts {
    /// Alerts read from `store`, delivered with `policy`'s retries to URLs
    /// `outbound` allows. Each delivery checks its URL's host first and
    /// builds a client pinned to the checked addresses that follows no
    /// redirect. Fails only when no HTTP client can be built (no TLS
    /// backend).
    pub fn new(
        store: Store,
        policy: RetryPolicy,
        outbound: NetPolicy,
    ) -> Result<Self, reqwest::Error> {
        reqwest::Client::builder().build()?;
        Ok(Self {
            store,
            policy,
            outbound,
        })
    }

    /// Sends the alerts about `run` (each alerter in a task of its own).
    async fn send(&self, run: Run) {
        let Some(alert_type) = AlertType::of(run.status) else {
            return;
        };
        let alerters = match self.store.list_alerters().await {
            Ok(alerters) => alerters,
            Err(error) => {
                tracing::error!(run_id = run.id, %error, "cannot read alerters; no alerts sent");
                return;
            }
        };
        for alerter in alerters {
            if !alerter.config.wants(&run.build_name, alert_type) {
                continue;
            }
            let body = message::body(&alerter.config.endpoint, &run, alert_type);
            let url = alerter.config.endpoint.params().url.clone();
            let (outbound, policy) = (self.outbound, self.policy);
            let name = alerter.name.to_string();
            tokio::spawn(async move {
                let client = match client_for(outbound, url.expose()).await {
                    Ok(client) => client,
                    Err(error) => {
                        // The message names the host, never the URL.
                        tracing::warn!(alerter = name, %error, "alert not sent");
                        return;
                    }
                };
                deliver::deliver(&client, &name, url.expose(), &body, policy).await;
            });
        }
    }
}

/// Why no client could be made for an alerter's URL.
#[derive(Debug, thiserror::Error)]
enum ClientError {
    #[error(transparent)]
    Refused(#[from] NetPolicyError),
    #[error("building the HTTP client: {0}")]
    Build(reqwest::Error),
}

/// A client for `url` after `outbound` checked its host: connections go
/// only to the checked addresses and no redirect is followed.
async fn client_for(outbound: NetPolicy, url: &str) -> Result<reqwest::Client, ClientError> {
    let (host, addrs) = outbound.check_http_url("alerter URL host", url).await?;
    reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .resolve_to_addrs(&host, &addrs)
        .build()
        .map_err(|e| ClientError::Build(e.without_url()))
}

impl RunObserver for Alerts {
    fn run_finished(&self, run: &Run) {
        let Ok(runtime) = tokio::runtime::Handle::try_current() else {
            tracing::error!(run_id = run.id, "no async runtime; no alerts sent");
            return;
        };
        let (alerts, run) = (self.clone(), run.clone());
        runtime.spawn(async move { alerts.send(run).await });
    }
}
