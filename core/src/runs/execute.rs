//! Where a run's job executes: on this server's engine, on a long-lived
//! kiln-agent (Server builders), or on a temporary EC2 instance running
//! kiln-agent (Aws builders). Every path reports through the same
//! [`LogSink`] and ends in a [`RunResult`], so the run manager's lock,
//! queue, cancel, timeout and live log work the same for all of them.
//! [`Dispatch`] is the run manager's real [`Backend`].

use std::sync::Arc;

use kiln_domain::ServerBuilderConfig;
use kiln_engine::{BuildJob, LogSink, RunResult};
use kiln_protocol::{AgentClient, ClientError};
use tokio_util::sync::CancellationToken;

use super::backend::{Backend, BoxFuture};
use super::job::{BuilderTarget, ResolvedBuilder};
use super::remote::run_on_agent;
use crate::aws::Ec2Builders;

/// The real [`Backend`]: runs a job where its builder says, with the
/// default [`super::backend::STOP_GRACE`].
pub struct Dispatch {
    /// Runs on Aws builders (None: Aws builders' runs fail, saying so).
    pub ec2: Option<Ec2Builders>,
}

impl Backend for Dispatch {
    fn execute<'a>(
        &'a self,
        builder: &'a ResolvedBuilder,
        run_id: i64,
        job: BuildJob,
        sink: Arc<dyn LogSink>,
        cancel: &'a CancellationToken,
    ) -> BoxFuture<'a, RunResult> {
        Box::pin(execute(
            builder,
            run_id,
            job,
            sink,
            cancel,
            self.ec2.as_ref(),
        ))
    }
}

/// Runs `job` for run `run_id` on `builder`.
async fn execute(
    builder: &ResolvedBuilder,
    run_id: i64,
    job: BuildJob,
    sink: Arc<dyn LogSink>,
    cancel: &CancellationToken,
    ec2: Option<&Ec2Builders>,
) -> RunResult {
    match &builder.target {
        BuilderTarget::Local(_) => kiln_engine::run_build(job, sink, cancel.clone()).await,
        BuilderTarget::Server(server) => match checked_agent_client(server, job.outbound).await {
            Ok(client) => run_on_agent(&client, &run_key(run_id), job, sink, cancel).await,
            Err(e) => RunResult::Failed {
                error: format!("builder '{}': {e}", builder.name),
                stages: Vec::new(),
            },
        },
        BuilderTarget::Aws(aws) => match ec2 {
            Some(ec2) => ec2.run(&builder.name, aws, run_id, job, sink, cancel).await,
            None => RunResult::Failed {
                error: format!(
                    "builder '{}': EC2 builders are not set up on this server",
                    builder.name
                ),
                stages: Vec::new(),
            },
        },
    }
}

/// The client for a Server builder's agent, after `outbound` checked its
/// address (`https://`, or plain `http://` only on loopback unless allowed;
/// never link-local).
pub async fn checked_agent_client(
    server: &ServerBuilderConfig,
    outbound: kiln_engine::NetPolicy,
) -> Result<AgentClient, String> {
    outbound
        .check_agent_address(&server.address)
        .await
        .map_err(|e| e.to_string())?;
    agent_client(server).map_err(|e| e.to_string())
}

/// The client for a Server builder's agent.
pub fn agent_client(server: &ServerBuilderConfig) -> Result<AgentClient, ClientError> {
    let fingerprint = Some(server.cert_fingerprint.as_str()).filter(|f| !f.trim().is_empty());
    AgentClient::new(&server.address, server.passkey.clone(), fingerprint)
}

/// The key naming a run on an agent (unique per run of this server).
pub fn run_key(run_id: i64) -> String {
    format!("kiln-run-{run_id}-{}", super::now_ms())
}
