//! The orphan sweep: terminates every instance tagged by this installation
//! whose run is not active here (a crash or a kill left it behind, or its
//! termination failed), at start-up and then periodically.

use std::collections::{BTreeMap, BTreeSet};

use anyhow::Context;
use aws_sdk_ec2::types::Filter;
use kiln_domain::BuilderConfig;

use super::installation::INSTALLATION_TAG;
use super::launch::RUN_TAG;
use super::{terminate, Ec2Builders};

/// What one sweep did.
#[derive(Debug, Default)]
pub struct SweepReport {
    /// Instances terminated (or found already gone).
    pub terminated: Vec<String>,
    /// Instances that could not be terminated, with why.
    pub failed: Vec<(String, String)>,
}

/// Sweeps now, then every `sweep_every`, in the background.
pub fn start(ec2: Ec2Builders) {
    tokio::spawn(async move {
        loop {
            match sweep_once(&ec2).await {
                Ok(report) if report.terminated.is_empty() && report.failed.is_empty() => {
                    tracing::debug!("orphan sweep: nothing to terminate")
                }
                Ok(report) => tracing::warn!(
                    terminated = ?report.terminated,
                    failed = ?report.failed,
                    "orphan sweep terminated instances left by runs that are no longer live"
                ),
                Err(e) => tracing::error!(error = %format!("{e:#}"), "orphan sweep failed"),
            }
            tokio::time::sleep(ec2.settings().sweep_every).await;
        }
    });
}

/// One sweep over the regions of every Aws builder and of every instance
/// not yet known to be terminated.
pub async fn sweep_once(ec2: &Ec2Builders) -> anyhow::Result<SweepReport> {
    let store = ec2.store();
    let catalog = store.catalog().await.context("reading builders")?;
    let open = store
        .open_ec2_instances()
        .await
        .context("reading recorded instances")?;
    let mut regions: BTreeSet<String> = catalog
        .builders
        .iter()
        .filter_map(|b| match &b.config {
            BuilderConfig::Aws(aws) => Some(aws.region.clone()),
            _ => None,
        })
        .collect();
    regions.extend(open.iter().map(|r| r.region.clone()));

    // instance id → (region, run id)
    let mut candidates: BTreeMap<String, (String, Option<i64>)> = BTreeMap::new();
    let mut errors = Vec::new();
    for region in &regions {
        match tagged_instances(ec2, region).await {
            Ok(found) => {
                for (id, run) in found {
                    candidates.insert(id, (region.clone(), run));
                }
            }
            Err(e) => errors.push(format!("{region}: {e}")),
        }
    }
    for record in open {
        candidates
            .entry(record.instance_id)
            .or_insert((record.region, Some(record.run_id)));
    }

    let mut report = SweepReport::default();
    let settings = ec2.settings();
    for (instance_id, (region, run)) in candidates {
        // Checked now, not before listing: a run that launched meanwhile is active.
        if run.is_some_and(|run| ec2.is_active(run)) {
            continue;
        }
        tracing::warn!(%instance_id, run = ?run, %region, "orphan sweep: terminating an instance whose run is not live");
        let client = ec2.client(&region).await;
        let outcome = terminate::terminate(
            &client,
            store,
            &instance_id,
            settings.terminate_attempts,
            settings.terminate_retry,
            |line| tracing::info!("orphan sweep: {line}"),
            None,
        )
        .await;
        match outcome {
            Ok(()) => report.terminated.push(instance_id),
            Err(e) => report.failed.push((instance_id, e)),
        }
    }
    if !errors.is_empty() {
        anyhow::bail!(
            "listing instances failed in {} (terminated {:?} elsewhere)",
            errors.join("; "),
            report.terminated
        );
    }
    Ok(report)
}

/// Instances of this installation in `region` that are not terminated,
/// with the run id from their tag.
async fn tagged_instances(
    ec2: &Ec2Builders,
    region: &str,
) -> Result<Vec<(String, Option<i64>)>, String> {
    let client = ec2.client(region).await;
    let mut pages = client
        .describe_instances()
        .filters(
            Filter::builder()
                .name(format!("tag:{INSTALLATION_TAG}"))
                .values(ec2.installation())
                .build(),
        )
        .filters(
            Filter::builder()
                .name("instance-state-name")
                .set_values(Some(
                    ["pending", "running", "stopping", "stopped"]
                        .map(String::from)
                        .to_vec(),
                ))
                .build(),
        )
        .into_paginator()
        .send();
    let mut found = Vec::new();
    while let Some(page) = pages.next().await {
        let page = page.map_err(|e| super::aws_error(&e))?;
        for instance in page.reservations().iter().flat_map(|r| r.instances()) {
            let Some(id) = instance.instance_id() else {
                continue;
            };
            let run = instance
                .tags()
                .iter()
                .find(|t| t.key() == Some(RUN_TAG))
                .and_then(|t| t.value())
                .and_then(|v| v.parse().ok());
            found.push((id.to_string(), run));
        }
    }
    Ok(found)
}
