//! The bounded waits of an EC2 run: the instance reaching `running`, then
//! its agent answering the health check.

use std::time::Instant;

use aws_sdk_ec2::types::InstanceStateName;
use kiln_domain::{AwsBuilderConfig, Secret};
use kiln_protocol::{AgentClient, Health, HealthReport};
use tokio_util::sync::CancellationToken;

use super::settings::Ec2Settings;
use super::stage::Stage;
use super::timing::Timing;

/// Why a wait ended without success.
#[derive(Debug)]
pub enum WaitError {
    Cancelled,
    Failed(String),
}

/// Waits until the instance is `running` and returns the address to reach
/// it by (private IP, or public IP with `use_public_ip`).
pub async fn running(
    client: &aws_sdk_ec2::Client,
    instance_id: &str,
    config: &AwsBuilderConfig,
    settings: &Ec2Settings,
    cancel: &CancellationToken,
    stage: &mut Stage,
    timing: &mut Timing,
) -> Result<String, WaitError> {
    let limit = settings.running_timeout;
    stage.line(&format!(
        "waiting for {instance_id} to be running (at most {} s)",
        limit.as_secs()
    ));
    let deadline = Instant::now() + limit;
    let mut last_state = String::from("unknown");
    loop {
        pause(settings, cancel, timing).await?;
        let answer = timing
            .ec2(client.describe_instances().instance_ids(instance_id).send())
            .await;
        match answer {
            Ok(answer) => {
                let instance = answer
                    .reservations()
                    .iter()
                    .flat_map(|r| r.instances())
                    .find(|i| i.instance_id() == Some(instance_id));
                if let Some(instance) = instance {
                    let state = instance.state().and_then(|s| s.name()).cloned();
                    last_state = state.as_ref().map_or("unknown", |s| s.as_str()).to_string();
                    match state {
                        Some(InstanceStateName::Running) => {
                            return address(instance, config, instance_id, stage)
                        }
                        Some(InstanceStateName::Terminated | InstanceStateName::ShuttingDown) => {
                            return Err(WaitError::Failed(format!(
                                "instance {instance_id} is {last_state} before it ever ran"
                            )))
                        }
                        _ => {}
                    }
                }
            }
            // Just after RunInstances, EC2 may not know the id yet.
            Err(e) => last_state = format!("not described yet ({})", super::aws_error(&e)),
        }
        if Instant::now() >= deadline {
            return Err(WaitError::Failed(format!(
                "instance {instance_id} did not reach running within {} s (last state: {last_state})",
                limit.as_secs()
            )));
        }
    }
}

fn address(
    instance: &aws_sdk_ec2::types::Instance,
    config: &AwsBuilderConfig,
    instance_id: &str,
    stage: &mut Stage,
) -> Result<String, WaitError> {
    let (kind, ip) = if config.use_public_ip {
        ("public", instance.public_ip_address())
    } else {
        ("private", instance.private_ip_address())
    };
    let ip = ip.ok_or_else(|| {
        WaitError::Failed(format!(
            "instance {instance_id} is running but has no {kind} IP address{}",
            if config.use_public_ip {
                " (set assign_public_ip, or turn use_public_ip off)"
            } else {
                ""
            }
        ))
    })?;
    stage.line(&format!("{instance_id} is running; {kind} IP {ip}"));
    Ok(format!("{ip}:{}", config.port))
}

/// Polls the agent's health until it answers with our protocol; returns
/// its client and report.
pub async fn agent(
    address: &str,
    key: &Secret,
    settings: &Ec2Settings,
    cancel: &CancellationToken,
    stage: &mut Stage,
    timing: &mut Timing,
) -> Result<(AgentClient, HealthReport), WaitError> {
    let url = format!("http://{address}");
    let client =
        AgentClient::new(&url, key.clone(), None).map_err(|e| WaitError::Failed(e.to_string()))?;
    let limit = settings.agent_timeout;
    stage.line(&format!(
        "waiting for kiln-agent at {url} (at most {} s)",
        limit.as_secs()
    ));
    let deadline = Instant::now() + limit;
    loop {
        let answer = tokio::select! {
            answer = timing.agent(client.request(Health {})) => answer,
            () = cancel.cancelled() => return Err(WaitError::Cancelled),
        };
        match answer {
            Ok(report) => return Ok((client, report)),
            Err(e) if e.is_permanent() => return Err(WaitError::Failed(e.to_string())),
            Err(e) if Instant::now() >= deadline => {
                return Err(WaitError::Failed(format!(
                    "kiln-agent at {url} did not answer within {} s: {e}",
                    limit.as_secs()
                )))
            }
            Err(_) => pause(settings, cancel, timing).await?,
        }
    }
}

async fn pause(
    settings: &Ec2Settings,
    cancel: &CancellationToken,
    timing: &mut Timing,
) -> Result<(), WaitError> {
    let began = Instant::now();
    tokio::select! {
        () = tokio::time::sleep(settings.poll) => {
            timing.slept(began.elapsed());
            Ok(())
        }
        () = cancel.cancelled() => Err(WaitError::Cancelled),
    }
}
