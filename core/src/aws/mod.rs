//! Aws builders: one temporary EC2 instance per run, running kiln-agent.
//!
//! Per run ([`Ec2Builders::run`]): a fresh agent key; RunInstances with the
//! builder's settings, the run's tags (`Name=kiln-builder-<build>-<run>`,
//! `kiln-run=<run id>`, this installation's id) and the user data with
//! `[[KILN_AGENT_KEY]]` and `[[KILN_URL]]` filled in; the instance id is
//! stored before any waiting; a bounded wait for `running`; a bounded wait
//! for the agent's health; the build over kiln-protocol; then termination
//! (retried, critical log when it keeps failing) whatever happened:
//! success, failure, cancel, timeout, or an error at any step. If the run's
//! future is dropped, a guard still terminates the instance.
//!
//! [`sweep`] terminates instances tagged by this installation whose run is
//! not live: at start-up (after a crash) and periodically.
//!
//! Architecture invariant: every instance Kiln launches carries this
//! installation's tag and its run id from the RunInstances call itself, and
//! is recorded in the store before anything waits, so a crash at any point
//! leaves it to the sweep.

mod installation;
mod launch;
mod settings;
mod stage;
pub mod sweep;
mod terminate;
mod timing;
mod wait;

use std::collections::{HashMap, HashSet};
use std::sync::{Arc, Mutex};
use std::time::Instant;

use anyhow::Context;
use aws_config::BehaviorVersion;
use aws_sdk_ec2::config::timeout::TimeoutConfig;
use kiln_domain::{AwsBuilderConfig, Secret};
use kiln_engine::{BuildJob, LogSink, RunResult, StageRecord};
use kiln_store::Store;
use tokio_util::sync::CancellationToken;

pub use installation::load_or_create as load_installation_id;
pub use settings::Ec2Settings;

use launch::LaunchSpec;
use stage::{Stage, START_INSTANCE, TERMINATE_INSTANCE};
use timing::Timing;
use wait::WaitError;

/// Runs builds on EC2 instances for every Aws builder. Cheap to clone.
#[derive(Clone)]
pub struct Ec2Builders {
    inner: Arc<Inner>,
}

struct Inner {
    settings: Ec2Settings,
    store: Store,
    installation: String,
    kiln_url: String,
    /// One SDK client per region.
    clients: tokio::sync::Mutex<HashMap<String, aws_sdk_ec2::Client>>,
    /// Runs between their RunInstances call and the end of their
    /// termination: the sweep leaves their instances alone.
    active: Mutex<HashSet<i64>>,
}

impl std::fmt::Debug for Ec2Builders {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Ec2Builders")
            .field("installation", &self.inner.installation)
            .finish_non_exhaustive()
    }
}

impl Ec2Builders {
    /// `kiln_url` fills `[[KILN_URL]]`: where instances reach this server.
    pub fn new(
        settings: Ec2Settings,
        store: Store,
        installation: String,
        kiln_url: String,
    ) -> Self {
        if let Some(addr) = &settings.agent_address_override {
            tracing::warn!(%addr, "KILN_TEST_EC2_AGENT_ADDRESS_OVERRIDE is set: EC2 builders talk to this loopback agent instead of their instances (tests only)");
        }
        Self {
            inner: Arc::new(Inner {
                settings,
                store,
                installation,
                kiln_url,
                clients: tokio::sync::Mutex::new(HashMap::new()),
                active: Mutex::new(HashSet::new()),
            }),
        }
    }

    pub fn settings(&self) -> &Ec2Settings {
        &self.inner.settings
    }

    pub fn installation(&self) -> &str {
        &self.inner.installation
    }

    pub fn store(&self) -> &Store {
        &self.inner.store
    }

    /// The EC2 client for `region` (endpoint override applied).
    pub async fn client(&self, region: &str) -> aws_sdk_ec2::Client {
        let mut clients = self.inner.clients.lock().await;
        if let Some(client) = clients.get(region) {
            return client.clone();
        }
        let mut loader = aws_config::defaults(BehaviorVersion::latest())
            .http_client(https_client())
            .region(aws_config::Region::new(region.to_string()))
            .timeout_config(
                TimeoutConfig::builder()
                    .operation_timeout(self.inner.settings.call_timeout)
                    .build(),
            );
        if let Some(url) = &self.inner.settings.endpoint_url {
            loader = loader.endpoint_url(url);
        }
        let client = aws_sdk_ec2::Client::new(&loader.load().await);
        clients.insert(region.to_string(), client.clone());
        client
    }

    /// Runs `job` on a fresh instance of the Aws builder `builder`, and
    /// terminates the instance whatever happens.
    pub async fn run(
        &self,
        builder: &str,
        config: &AwsBuilderConfig,
        run_id: i64,
        job: BuildJob,
        sink: Arc<dyn LogSink>,
        cancel: &CancellationToken,
    ) -> RunResult {
        let mut timing = Timing::start();
        let client = self.client(&config.region).await;
        let key = match kiln_protocol::generate_key() {
            Ok(key) => Secret::new(key),
            Err(e) => {
                return RunResult::Failed {
                    error: format!("cannot generate an agent key: {e}"),
                    stages: Vec::new(),
                }
            }
        };
        let build_name = job.build_name.clone();
        let spec = LaunchSpec {
            config,
            builder,
            build: &build_name,
            run_id,
            installation: &self.inner.installation,
            key: &key,
            kiln_url: &self.inner.kiln_url,
        };
        let _active = ActiveRun::enter(self, run_id);
        let mut start = Stage::start(sink.clone(), START_INSTANCE, &spec.describe());
        let instance_id = match timing.ec2(spec.launch(&client)).await {
            Ok(id) => id,
            Err(error) => {
                start.error(&error);
                return RunResult::Failed {
                    error,
                    stages: vec![start.finish(false)],
                };
            }
        };
        let guard = TerminateOnDrop::new(self.clone(), client.clone(), instance_id.clone());
        start.line(&format!("launched {instance_id} ({})", spec.name()));
        let recorded = self
            .inner
            .store
            .record_ec2_instance(&instance_id, run_id, builder, &config.region)
            .await
            .with_context(|| format!("recording instance {instance_id}"));
        let outcome = match recorded {
            Ok(()) => {
                let ctx = RunContext {
                    client: &client,
                    instance_id: &instance_id,
                    config,
                    key: &key,
                    run_id,
                    sink: &sink,
                    cancel,
                };
                self.prepare_and_build(&ctx, job, start, &mut timing).await
            }
            Err(e) => {
                let error = format!("{e:#}; terminating it now");
                start.error(&error);
                Outcome::before_build(start.finish(false), error)
            }
        };
        let terminated = self
            .terminate_stage(&client, &instance_id, &sink, &mut timing)
            .await;
        guard.disarm();
        outcome.into_result(terminated, cancel)
    }

    async fn prepare_and_build(
        &self,
        ctx: &RunContext<'_>,
        job: BuildJob,
        mut start: Stage,
        timing: &mut Timing,
    ) -> Outcome {
        let settings = &self.inner.settings;
        let RunContext {
            client,
            instance_id,
            config,
            key,
            run_id,
            sink,
            cancel,
        } = *ctx;
        let ready = async {
            let mut address =
                wait::running(client, instance_id, config, settings, cancel, &mut start, timing)
                    .await?;
            if let Some(stand_in) = &settings.agent_address_override {
                start.line(&format!(
                    "KILN_TEST_EC2_AGENT_ADDRESS_OVERRIDE: using the agent at {stand_in} instead of {address}"
                ));
                address = stand_in.clone();
            }
            wait::agent(&address, key, settings, cancel, &mut start, timing).await
        }
        .await;
        let client = match ready {
            Ok((client, report)) => {
                let docker = match (&report.docker_version, &report.docker_error) {
                    (Some(version), _) => format!("Docker {version}"),
                    (None, error) => format!(
                        "but its Docker engine does not answer: {}",
                        error.as_deref().unwrap_or("no reason given")
                    ),
                };
                start.line(&format!(
                    "kiln-agent {} (protocol {}) is ready; {docker}",
                    report.agent_version, report.protocol_version
                ));
                client
            }
            Err(WaitError::Cancelled) => {
                start.error("cancelled");
                return Outcome::Cancelled(vec![start.finish(false)]);
            }
            Err(WaitError::Failed(error)) => {
                start.error(&error);
                return Outcome::before_build(start.finish(false), error);
            }
        };
        let started = start.finish(true);
        let began = Instant::now();
        let result = crate::runs::run_on_agent(
            &client,
            &crate::runs::run_key(run_id),
            job,
            sink.clone(),
            cancel,
        )
        .await;
        timing.build = began.elapsed();
        Outcome::Built(started, Box::new(result))
    }

    async fn terminate_stage(
        &self,
        client: &aws_sdk_ec2::Client,
        instance_id: &str,
        sink: &Arc<dyn LogSink>,
        timing: &mut Timing,
    ) -> (StageRecord, Result<(), String>) {
        let settings = &self.inner.settings;
        let mut stage = Stage::start(
            sink.clone(),
            TERMINATE_INSTANCE,
            &format!("ec2 terminate-instances --instance-ids {instance_id}"),
        );
        let mut lines = Vec::new();
        let result = terminate::terminate(
            client,
            &self.inner.store,
            instance_id,
            settings.terminate_attempts,
            settings.terminate_retry,
            |line| lines.push(line.to_string()),
            Some(timing),
        )
        .await;
        for line in &lines {
            stage.line(line);
        }
        if let Err(error) = &result {
            stage.error(error);
        }
        stage.line(&timing.summary());
        tracing::info!(instance_id, "{}", timing.summary());
        (stage.finish(result.is_ok()), result)
    }
}

/// What the steps of one run share.
#[derive(Clone, Copy)]
struct RunContext<'a> {
    client: &'a aws_sdk_ec2::Client,
    instance_id: &'a str,
    config: &'a AwsBuilderConfig,
    key: &'a Secret,
    run_id: i64,
    sink: &'a Arc<dyn LogSink>,
    cancel: &'a CancellationToken,
}

/// Marks a run active (from before RunInstances to the end of its
/// termination) for as long as it lives.
struct ActiveRun {
    builders: Ec2Builders,
    run_id: i64,
}

impl ActiveRun {
    fn enter(builders: &Ec2Builders, run_id: i64) -> Self {
        if let Ok(mut active) = builders.inner.active.lock() {
            active.insert(run_id);
        }
        Self {
            builders: builders.clone(),
            run_id,
        }
    }
}

impl Drop for ActiveRun {
    fn drop(&mut self) {
        if let Ok(mut active) = self.builders.inner.active.lock() {
            active.remove(&self.run_id);
        }
    }
}

impl Ec2Builders {
    /// True while run `run_id` may own an instance (launching, building or
    /// terminating it).
    pub fn is_active(&self, run_id: i64) -> bool {
        self.inner
            .active
            .lock()
            .map(|active| active.contains(&run_id))
            .unwrap_or(true)
    }
}

/// How the part between launch and termination ended.
enum Outcome {
    /// The instance or agent never became ready.
    Failed {
        stages: Vec<StageRecord>,
        error: String,
    },
    /// Cancelled (or timed out) before the build started.
    Cancelled(Vec<StageRecord>),
    /// The build ran on the agent: the start stage and its result.
    Built(StageRecord, Box<RunResult>),
}

impl Outcome {
    fn before_build(start: StageRecord, error: String) -> Self {
        Self::Failed {
            stages: vec![start],
            error,
        }
    }

    /// The run's result with the instance stages around the build's, and a
    /// failed termination turning a success into a failure.
    fn into_result(
        self,
        (terminate, terminated): (StageRecord, Result<(), String>),
        cancel: &CancellationToken,
    ) -> RunResult {
        let mut result = match self {
            Outcome::Failed { mut stages, error } => {
                stages.push(terminate);
                return if cancel.is_cancelled() {
                    RunResult::Cancelled { stages }
                } else {
                    RunResult::Failed { error, stages }
                };
            }
            Outcome::Cancelled(mut stages) => {
                stages.push(terminate);
                return RunResult::Cancelled { stages };
            }
            Outcome::Built(start, result) => {
                let mut result = *result;
                let stages = match &mut result {
                    RunResult::Success(out) => &mut out.stages,
                    RunResult::Failed { stages, .. } | RunResult::Cancelled { stages } => stages,
                };
                stages.insert(0, start);
                stages.push(terminate);
                result
            }
        };
        if let (Err(error), RunResult::Success(out)) = (terminated, &result) {
            result = RunResult::Failed {
                error,
                stages: out.stages.clone(),
            };
        }
        result
    }
}

/// Terminates the instance in the background if the run's future is
/// dropped before its own termination step.
struct TerminateOnDrop {
    armed: Option<(Ec2Builders, aws_sdk_ec2::Client, String)>,
}

impl TerminateOnDrop {
    fn new(builders: Ec2Builders, client: aws_sdk_ec2::Client, instance_id: String) -> Self {
        Self {
            armed: Some((builders, client, instance_id)),
        }
    }

    fn disarm(mut self) {
        self.armed = None;
    }
}

impl Drop for TerminateOnDrop {
    fn drop(&mut self) {
        let Some((builders, client, instance_id)) = self.armed.take() else {
            return;
        };
        tracing::warn!(%instance_id, "a run stopped before terminating its instance: terminating it now");
        if let Ok(runtime) = tokio::runtime::Handle::try_current() {
            runtime.spawn(async move {
                let settings = builders.settings();
                let _ = terminate::terminate(
                    &client,
                    builders.store(),
                    &instance_id,
                    settings.terminate_attempts,
                    settings.terminate_retry,
                    |line| tracing::info!("{line}"),
                    None,
                )
                .await;
            });
        }
    }
}

/// An SDK error with its cause (the SDK's own `Display` only says
/// "service error").
pub fn aws_error<E: std::error::Error + 'static>(error: &E) -> String {
    aws_sdk_ec2::error::DisplayErrorContext(error).to_string()
}

/// The HTTPS client for EC2 and the credential providers: rustls with ring
/// (the SDK's default would build aws-lc from C), the system's root
/// certificates.
fn https_client() -> aws_sdk_ec2::config::SharedHttpClient {
    use aws_smithy_http_client::tls::{rustls_provider::CryptoMode, Provider};
    aws_smithy_http_client::Builder::new()
        .tls_provider(Provider::Rustls(CryptoMode::Ring))
        .build_https()
}
