//! Terminating an instance: retried, recorded, and a critical log when it
//! keeps failing (the sweep then keeps trying).

use std::time::Duration;

use aws_sdk_ec2::error::ProvideErrorMetadata;
use kiln_store::{Ec2InstanceState, Store, StoreError};

use super::timing::Timing;

/// TerminateInstances up to `attempts` times, `retry` apart. An instance
/// EC2 no longer knows counts as terminated. `report` gets one line per
/// attempt; `timing` (when given) counts the calls and pauses. Records the
/// outcome in the store.
pub async fn terminate(
    client: &aws_sdk_ec2::Client,
    store: &Store,
    instance_id: &str,
    attempts: u32,
    retry: Duration,
    mut report: impl FnMut(&str),
    mut timing: Option<&mut Timing>,
) -> Result<(), String> {
    let mut last_error = String::new();
    for attempt in 1..=attempts.max(1) {
        let call = client
            .terminate_instances()
            .instance_ids(instance_id)
            .send();
        let answer = match timing.as_deref_mut() {
            Some(timing) => timing.ec2(call).await,
            None => call.await,
        };
        match answer {
            Ok(answer) => {
                let state = answer
                    .terminating_instances()
                    .iter()
                    .find(|c| c.instance_id() == Some(instance_id))
                    .and_then(|c| c.current_state())
                    .and_then(|s| s.name())
                    .map_or("terminating", |s| s.as_str())
                    .to_string();
                report(&format!("TerminateInstances {instance_id}: {state}"));
                record(store, instance_id, Ec2InstanceState::Terminated, "").await;
                return Ok(());
            }
            Err(e) if e.code() == Some("InvalidInstanceID.NotFound") => {
                report(&format!("{instance_id} no longer exists"));
                record(store, instance_id, Ec2InstanceState::Terminated, "").await;
                return Ok(());
            }
            Err(e) => {
                last_error = super::aws_error(&e);
                report(&format!(
                    "TerminateInstances {instance_id} failed (attempt {attempt} of {attempts}): {last_error}"
                ));
            }
        }
        if attempt < attempts {
            tokio::time::sleep(retry).await;
            if let Some(timing) = timing.as_deref_mut() {
                timing.slept(retry);
            }
        }
    }
    tracing::error!(
        target: "kiln::critical",
        instance_id,
        error = %last_error,
        "CRITICAL: EC2 instance could not be terminated after {attempts} attempts; it keeps costing money until the orphan sweep or a person terminates it"
    );
    record(
        store,
        instance_id,
        Ec2InstanceState::TerminateFailed,
        &last_error,
    )
    .await;
    Err(format!(
        "CRITICAL: instance {instance_id} could not be terminated after {attempts} attempts: {last_error}; the orphan sweep keeps trying"
    ))
}

async fn record(store: &Store, instance_id: &str, state: Ec2InstanceState, error: &str) {
    match store.mark_ec2_instance(instance_id, state, error).await {
        // Found by its tags only (Kiln stopped before recording it).
        Ok(()) | Err(StoreError::NotFound { .. }) => {}
        Err(e) => {
            tracing::error!(instance_id, error = %e, "cannot record the instance's termination")
        }
    }
}
