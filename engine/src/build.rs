//! The "Pre Build", "Docker Build", "Tag" and "Push" stages.

use std::path::Path;
use std::process::ExitStatus;

use bollard::Docker;
use kiln_domain::image::validate_tag;
use time::format_description::well_known::Rfc3339;
use tokio_util::sync::CancellationToken;

use crate::docker_api;
use crate::docker_cli::{build_command, display_command, docker_env, BuildSpec, DockerCli};
use crate::error::{Abort, Outcome};
use crate::inputs::Inputs;
use crate::network::{sets_network, with_default_network, DefaultNetwork};
use crate::output::PushedImage;
use crate::plan::{Plan, SourcePlan};
use crate::process::{run, set_env, ChildSpec};
use crate::push::{push_tags, Pusher};
use crate::source::Prepared;
use crate::stage::{names, StageHandle, Stages, Stream};

/// Docker and the per-run files the stages share.
pub(crate) struct DockerContext<'a> {
    pub docker: &'a Docker,
    pub cli: &'a DockerCli,
    pub host: Option<&'a str>,
    pub docker_config: &'a Path,
    pub iidfile: &'a Path,
}

/// The "Pre Build" stage: `sh -c <command>` in `pre_build.path`.
pub(crate) async fn pre_build(
    command: &str,
    prepared: &Prepared,
    plan: &Plan,
    docker: &DockerContext<'_>,
    stages: &mut Stages,
    cancel: &CancellationToken,
) -> Outcome<()> {
    let stage = stages.start(names::PRE_BUILD, command);
    let outcome = async {
        if !prepared.pre_build_dir.is_dir() {
            return Err(Abort::failed(format!(
                "pre_build.path '{}' is not a directory",
                plan.pre_build_path.display()
            )));
        }
        let spec = ChildSpec {
            program: "sh".into(),
            args: vec!["-c".into(), command.to_string()],
            cwd: prepared.pre_build_dir.clone(),
            env: docker_env(docker.host, docker.docker_config),
        };
        let status = run(spec, &stage, cancel).await?;
        check_status("the pre_build command", status, &stage)
    }
    .await;
    stages.conclude(&stage, outcome)
}

/// The "Docker Build" stage; returns the image id and size.
#[allow(clippy::too_many_arguments)]
pub(crate) async fn docker_build(
    inputs: &Inputs,
    prepared: &Prepared,
    plan: &Plan,
    use_buildx: bool,
    version: &str,
    docker: &DockerContext<'_>,
    stages: &mut Stages,
    cancel: &CancellationToken,
) -> Outcome<(String, i64)> {
    let build_args = with_version_arg(&inputs.build_args, version);
    let labels = with_oci_labels(&inputs.labels, version, prepared);
    let network = if sets_network(&inputs.extra_args) {
        DefaultNetwork::Bridge
    } else {
        DefaultNetwork::of(docker.docker).await
    };
    let (extra_args, network_line) = with_default_network(&network, &inputs.extra_args);
    let command = build_command(&BuildSpec {
        use_buildx,
        build_args: &build_args,
        secret_args: &inputs.secret_args,
        labels: &labels,
        extra_args: &extra_args,
        iidfile: docker.iidfile,
        dockerfile: &prepared.dockerfile,
    });
    let stage = stages.start(
        names::DOCKER_BUILD,
        &display_command(&docker.cli.path, &command.args),
    );
    if let Some(line) = &network_line {
        stage.line(Stream::Stdout, line);
    }
    let outcome = async {
        if !prepared.context.join(&prepared.dockerfile).is_file() {
            return Err(Abort::failed(format!(
                "Dockerfile not found: dockerfile_path '{}' in build_path '{}' does not exist",
                plan.dockerfile_path.display(),
                shown_build_path(plan, prepared)
            )));
        }
        let mut env = docker_env(docker.host, docker.docker_config);
        for (name, value) in &command.secret_env {
            set_env(&mut env, name, value);
        }
        let spec = ChildSpec {
            program: docker.cli.path.clone(),
            args: command.args.clone(),
            cwd: prepared.context.clone(),
            env,
        };
        let status = run(spec, &stage, cancel).await?;
        check_status("docker build", status, &stage)?;
        let id = std::fs::read_to_string(docker.iidfile)
            .map(|text| text.trim().to_string())
            .map_err(|e| Abort::failed(format!("docker build wrote no image id: {e}")))?;
        let (id, size) = docker_api::inspect(docker.docker, &id)
            .await
            .map_err(Abort::Failed)?;
        stage.line(Stream::Stdout, &format!("image {id} ({size} bytes)"));
        Ok((id, size))
    }
    .await;
    stages.conclude(&stage, outcome)
}

/// The "Tag" stage: every registry path (or the local image name) with
/// every tag. Returns the references made.
pub(crate) async fn tag_image(
    image_id: &str,
    plan: &Plan,
    tags: &[String],
    docker: &Docker,
    stages: &mut Stages,
) -> Outcome<Vec<String>> {
    let repos: Vec<&str> = if plan.targets.is_empty() {
        vec![plan.local_name.as_str()]
    } else {
        plan.targets.iter().map(|t| t.path.as_str()).collect()
    };
    let refs: Vec<String> = repos
        .iter()
        .flat_map(|repo| tags.iter().map(move |tag| format!("{repo}:{tag}")))
        .collect();
    let stage = stages.start(
        names::TAG,
        &format!("docker tag {image_id} {}", refs.join(" ")),
    );
    let outcome = async {
        for tag in tags {
            validate_tag(tag).map_err(Abort::Failed)?;
        }
        for repo in &repos {
            for tag in tags {
                docker_api::tag(docker, image_id, repo, tag)
                    .await
                    .map_err(Abort::Failed)?;
                stage.line(Stream::Stdout, &format!("tagged {repo}:{tag}"));
            }
        }
        Ok(refs.clone())
    }
    .await;
    stages.conclude(&stage, outcome)
}

/// Refuses a registry whose host resolves where `policy` forbids (the
/// Docker engine connects to it on the build's say-so).
async fn check_registry(
    policy: crate::NetPolicy,
    domain: &str,
) -> Result<(), crate::NetPolicyError> {
    let what = format!("registry {domain}:");
    let (_, host, port) = crate::net_policy::split_url(&what, &format!("https://{domain}"))?;
    policy
        .check_host("registry", &host, port.unwrap_or(443))
        .await
        .map(|_| ())
}

/// One "Push" stage per registry path.
pub(crate) async fn push_all(
    image_id: &str,
    plan: &Plan,
    tags: &[String],
    docker: &Docker,
    stages: &mut Stages,
    cancel: &CancellationToken,
) -> Outcome<Vec<PushedImage>> {
    let mut pushed = Vec::new();
    for target in &plan.targets {
        let who = target.account.as_ref().map_or_else(
            || "anonymously".to_string(),
            |(name, _)| format!("as {name}"),
        );
        let stage = stages.start(
            names::PUSH,
            &format!(
                "docker push {} (tags {}) {who}",
                target.path,
                tags.join(", ")
            ),
        );
        let pusher = Pusher {
            account: target.account.clone(),
        };
        let outcome = match check_registry(plan.outbound, &target.domain).await {
            Err(error) => Err(Abort::failed(error.to_string())),
            Ok(()) => {
                push_tags(
                    docker,
                    image_id,
                    &target.path,
                    tags,
                    &pusher,
                    &stage,
                    cancel,
                )
                .await
            }
        };
        let digest = stages.conclude(&stage, outcome)?;
        pushed.push(PushedImage {
            domain: target.domain.clone(),
            image: target.path.clone(),
            tags: tags.to_vec(),
            digest,
        });
    }
    Ok(pushed)
}

/// `build_args` plus `VERSION=<version>` unless the user set `VERSION`.
fn with_version_arg(args: &[(String, String)], version: &str) -> Vec<(String, String)> {
    let mut out = args.to_vec();
    if !out.iter().any(|(key, _)| key == "VERSION") {
        out.push(("VERSION".to_string(), version.to_string()));
    }
    out
}

/// User labels plus `org.opencontainers.image.{version,revision,source,created}`
/// (revision and source for git sources), unless the user set them.
fn with_oci_labels(
    labels: &[(String, String)],
    version: &str,
    prepared: &Prepared,
) -> Vec<(String, String)> {
    let mut out = labels.to_vec();
    let created = time::OffsetDateTime::now_utc()
        .format(&Rfc3339)
        .unwrap_or_default();
    let oci = [
        ("version", Some(version.to_string())),
        (
            "revision",
            prepared.checkout.as_ref().map(|c| c.commit.clone()),
        ),
        ("source", prepared.source_url.clone()),
        ("created", Some(created)),
    ];
    for (name, value) in oci {
        let key = format!("org.opencontainers.image.{name}");
        if let Some(value) = value.filter(|v| !v.is_empty()) {
            if !out.iter().any(|(k, _)| *k == key) {
                out.push((key, value));
            }
        }
    }
    out
}

fn shown_build_path(plan: &Plan, prepared: &Prepared) -> String {
    match plan.source {
        SourcePlan::Host(_) => prepared.context.display().to_string(),
        SourcePlan::Ui | SourcePlan::Git { .. } if plan.build_path.as_os_str().is_empty() => {
            ".".to_string()
        }
        SourcePlan::Ui | SourcePlan::Git { .. } => plan.build_path.display().to_string(),
    }
}

/// BuildKit's `#5 ERROR: …` → `ERROR: …`.
fn without_step_number(line: &str) -> &str {
    line.strip_prefix('#')
        .and_then(|rest| rest.split_once(' '))
        .filter(|(number, _)| number.chars().all(|c| c.is_ascii_digit()))
        .map_or(line, |(_, rest)| rest)
}

/// Fails with the most telling of the last lines when `status` is not success:
/// the last one naming an error, else the last on stderr, else the last one.
/// (The two streams are read side by side, so their order is not kept.)
fn check_status(what: &str, status: ExitStatus, stage: &StageHandle) -> Outcome<()> {
    if status.success() {
        return Ok(());
    }
    let tail = stage.tail();
    let last = |keep: &dyn Fn(&(Stream, String)) -> bool| {
        tail.iter()
            .rev()
            .filter(|(_, line)| !line.trim().is_empty())
            .find(|entry| keep(entry))
            .map(|(_, line)| line)
    };
    let telling = last(&|(_, line)| line.to_ascii_lowercase().contains("error"))
        .or_else(|| last(&|(stream, _)| *stream == Stream::Stderr))
        .or_else(|| last(&|_| true))
        .map(|line| format!(": {}", without_step_number(line.trim())))
        .unwrap_or_default();
    Err(Abort::failed(format!("{what} failed ({status}){telling}")))
}
