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
use kiln_store::Store;

/// The run observer that sends alerts.
#[derive(Clone, Debug)]
pub struct Alerts {
    store: Store,
    client: reqwest::Client,
    policy: RetryPolicy,
}

impl Alerts {
    /// Fails only when no HTTP client can be built (no TLS backend).
    pub fn new(store: Store, policy: RetryPolicy) -> Result<Self, reqwest::Error> {
        Ok(Self {
            store,
            client: reqwest::Client::builder().build()?,
            policy,
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
            let (client, policy) = (self.client.clone(), self.policy);
            let name = alerter.name.to_string();
            tokio::spawn(async move {
                deliver::deliver(&client, &name, url.expose(), &body, policy).await;
            });
        }
    }
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
