//! Kiln run overhead: the same small build and push, once through Kiln's API
//! and once as `docker build` + `docker push` by hand, several rounds each.

use anyhow::{bail, Context};
use kiln_testkit::kiln::{kiln_bin, KilnServer};
use kiln_testkit::{base_image, buildkit_cli, DockerEngine, Registry};
use std::time::{Duration, Instant};

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let rounds: usize = std::env::args()
        .nth(1)
        .map(|r| r.parse())
        .transpose()?
        .unwrap_or(5);
    let engine = DockerEngine::ensure().await?;
    base_image(&engine).await?;
    let registry = Registry::start(None).await?;
    let server = KilnServer::start(&kiln_bin()?, &[("DOCKER_HOST", engine.host())])?;
    let http = server.http();
    let cli = buildkit_cli().context("no docker CLI that can build with BuildKit")?;

    let mut by_hand = Vec::new();
    let mut by_kiln = Vec::new();
    for round in 0..rounds {
        let stamp = format!("{}-{round}", std::process::id());
        by_hand.push(manual_round(&engine, &cli, registry.addr(), &stamp).await?);
        by_kiln.push(kiln_round(&http, &server, registry.addr(), &stamp, round).await?);
    }
    let (hand, kiln) = (median(&mut by_hand), median(&mut by_kiln));
    println!("rounds: {rounds}");
    println!(
        "docker build + push by hand: median {:.0} ms",
        hand.as_secs_f64() * 1000.0
    );
    println!(
        "kiln run (API to success):   median {:.0} ms",
        kiln.as_secs_f64() * 1000.0
    );
    println!(
        "overhead: {:+.0} ms ({:.2}x)",
        (kiln.as_secs_f64() - hand.as_secs_f64()) * 1000.0,
        kiln.as_secs_f64() / hand.as_secs_f64()
    );
    Ok(())
}

fn dockerfile(stamp: &str, who: &str) -> String {
    format!("FROM kiln-test/base:1\nRUN echo {who}-{stamp} > /stamp\n")
}

async fn manual_round(
    engine: &DockerEngine,
    cli: &std::path::Path,
    registry: &str,
    stamp: &str,
) -> anyhow::Result<Duration> {
    let dir = tempfile::tempdir()?;
    std::fs::write(dir.path().join("Dockerfile"), dockerfile(stamp, "hand"))?;
    let image = format!("{registry}/bench/hand:{stamp}");
    let started = Instant::now();
    let mut build = engine.cli_at(cli);
    build
        .env("DOCKER_BUILDKIT", "1")
        .args([
            "build",
            "--progress=plain",
            "--network",
            "none",
            "-t",
            &image,
            ".",
        ])
        .current_dir(dir.path());
    run(build).await?;
    let mut push = engine.cli_at(cli);
    push.args(["push", &image]);
    run(push).await?;
    Ok(started.elapsed())
}

async fn kiln_round(
    http: &reqwest::Client,
    server: &KilnServer,
    registry: &str,
    stamp: &str,
    round: usize,
) -> anyhow::Result<Duration> {
    let name = format!("bench-{round}");
    let toml = format!(
        "[[builder]]\nname = \"bench-local\"\n[builder.config]\ntype = \"Local\"\nparams.extra_args = [\"--network\", \"none\"]\n\n[[build]]\nname = \"{name}\"\n[build.config]\nbuilder = \"bench-local\"\nimage_name = \"bench/kiln\"\ninclude_latest_tag = false\ninclude_version_tags = false\nimage_tag = \"{stamp}\"\nimage_registry = {{ domain = \"{registry}\" }}\ndockerfile = \"\"\"\n{}\"\"\"\n",
        dockerfile(stamp, "kiln")
    );
    let applied = http
        .post(format!("{}/api/v1/sync", server.url()))
        .body(toml)
        .send()
        .await?;
    if !applied.status().is_success() {
        bail!("sync refused: {}", applied.text().await?);
    }
    let started = Instant::now();
    let answer: serde_json::Value = http
        .post(format!("{}/api/v1/builds/{name}/run", server.url()))
        .send()
        .await?
        .json()
        .await?;
    let id = answer["run_id"].as_i64().context("no run id")?;
    loop {
        let run: serde_json::Value = http
            .get(format!("{}/api/v1/runs/{id}", server.url()))
            .send()
            .await?
            .json()
            .await?;
        match run["status"].as_str() {
            Some("success") => return Ok(started.elapsed()),
            Some("queued") | Some("running") => tokio::time::sleep(Duration::from_millis(20)).await,
            _ => bail!("run failed: {run}"),
        }
    }
}

async fn run(mut cmd: tokio::process::Command) -> anyhow::Result<()> {
    let out = cmd.output().await?;
    if !out.status.success() {
        bail!(
            "{:?} failed: {}",
            cmd.as_std(),
            String::from_utf8_lossy(&out.stderr)
        );
    }
    Ok(())
}

fn median(values: &mut [Duration]) -> Duration {
    values.sort();
    values[values.len() / 2]
}
