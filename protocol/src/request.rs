//! The requests, their responses, and the enum that carries them.

use kiln_domain::{StageRecord, Stream};
use kiln_engine::{BuildJob, RunResult};
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};

/// A request to the agent, tied to the type it is answered with.
pub trait Request: Serialize + Into<AgentRequest> + Send + 'static {
    /// What the agent answers (for streams: the final value).
    type Response: Serialize + DeserializeOwned + Send + 'static;
}

/// A request answered with one JSON body.
pub trait Unary: Request {}

/// A request answered with a stream of events, then the response.
pub trait Streaming: Request {
    type Event: Serialize + DeserializeOwned + Send + 'static;
}

/// Every request, as sent on the wire: `{"type": "Build", ...}`.
#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(tag = "type")]
pub enum AgentRequest {
    Health(Health),
    Build(Box<Build>),
    Cancel(Cancel),
    ReadDockerfile(ReadDockerfile),
}

impl AgentRequest {
    /// The request's name, for logs.
    pub fn name(&self) -> &'static str {
        match self {
            Self::Health(_) => "Health",
            Self::Build(_) => "Build",
            Self::Cancel(_) => "Cancel",
            Self::ReadDockerfile(_) => "ReadDockerfile",
        }
    }
}

/// Is the agent up, and which versions does it run?
#[derive(Clone, Debug, Default, Serialize, Deserialize)]
pub struct Health {}

/// The agent's versions and its Docker engine's.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct HealthReport {
    pub agent_version: String,
    pub protocol_version: u32,
    /// The Docker engine's version, when it answered.
    pub docker_version: Option<String>,
    /// What builds should know about the engine that answered, e.g. "no
    /// bridge network: builds run with --network none …". Absent from
    /// agents older than this field (read as `None`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub docker_note: Option<String>,
    /// Why the Docker engine did not answer.
    pub docker_error: Option<String>,
}

impl Request for Health {
    type Response = HealthReport;
}
impl Unary for Health {}
impl From<Health> for AgentRequest {
    fn from(r: Health) -> Self {
        Self::Health(r)
    }
}

/// Run one build on the agent's host with the agent's engine. The agent
/// uses its own directories and Docker settings (the job's are ignored) and
/// merges in the variables and accounts of its own config file.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct Build {
    /// Names the run on the agent, for [`Cancel`]; unique per run.
    pub run_key: String,
    pub job: BuildJob,
}

/// Progress of a build, as it happens (everything already redacted).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "event", rename_all = "snake_case")]
pub enum BuildEvent {
    StageStarted {
        stage: String,
        command: String,
    },
    Line {
        stage: String,
        stream: Stream,
        text: String,
    },
    StageFinished {
        record: StageRecord,
    },
}

impl Request for Build {
    type Response = RunResult;
}
impl Streaming for Build {
    type Event = BuildEvent;
}
impl From<Build> for AgentRequest {
    fn from(r: Build) -> Self {
        Self::Build(Box::new(r))
    }
}

/// Stop the build started with `run_key`; its stream then ends with
/// [`RunResult::Cancelled`].
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct Cancel {
    pub run_key: String,
}

/// Whether a build with that key was running.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct CancelReply {
    pub found: bool,
}

impl Request for Cancel {
    type Response = CancelReply;
}
impl Unary for Cancel {}
impl From<Cancel> for AgentRequest {
    fn from(r: Cancel) -> Self {
        Self::Cancel(r)
    }
}

/// Read the Dockerfile of a files-on-host build on the agent's host:
/// `build_path` (absolute, or under the agent's builds root) joined with
/// `dockerfile_path` (relative, default `Dockerfile`).
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct ReadDockerfile {
    pub build_path: String,
    pub dockerfile_path: String,
}

/// The Dockerfile read, and where it was found.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct DockerfileText {
    pub path: String,
    pub contents: String,
}

impl Request for ReadDockerfile {
    type Response = DockerfileText;
}
impl Unary for ReadDockerfile {}
impl From<ReadDockerfile> for AgentRequest {
    fn from(r: ReadDockerfile) -> Self {
        Self::ReadDockerfile(r)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The health report as agents of this protocol version have always
    /// sent it, and as this version sends it: the wire stays readable both ways.
    #[test]
    fn health_report_wire_format() {
        let older = r#"{"agent_version":"0.1.0","protocol_version":1,"docker_version":"20.10.24","docker_error":null}"#;
        let report: HealthReport = serde_json::from_str(older).unwrap();
        assert_eq!(report.docker_note, None);
        assert_eq!(report.docker_version.as_deref(), Some("20.10.24"));

        let noted = HealthReport {
            docker_note: Some("no bridge network".into()),
            ..report.clone()
        };
        assert_eq!(
            serde_json::to_string(&noted).unwrap(),
            r#"{"agent_version":"0.1.0","protocol_version":1,"docker_version":"20.10.24","docker_note":"no bridge network","docker_error":null}"#
        );
        assert_eq!(serde_json::to_string(&report).unwrap(), older);
    }
}
