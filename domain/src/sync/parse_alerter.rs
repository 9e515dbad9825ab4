//! Reading Komodo's `[[alerter]]` entries: what maps to Kiln (Custom, Slack
//! and Discord endpoints, build alert types, build targets) is kept, the
//! rest is skipped with a warning. An alerter that would alert on nothing
//! Kiln has is skipped whole rather than widened to everything.

use super::parse::warn_ignored;
use super::raw::{RawAlerterConfig, RawResource, RawTarget};
use super::SyncError;
use crate::alerter::{AlertType, AlerterConfig, AlerterEndpoint, EndpointParams, ResourceTarget};
use crate::{Alerter, Secret};

/// Komodo endpoint types Kiln does not send to.
const UNSUPPORTED_ENDPOINTS: [&str; 2] = ["Ntfy", "Pushover"];

/// The alerter, None when skipped (with a warning saying why).
pub(super) fn alerter(
    raw: RawResource<RawAlerterConfig>,
    warnings: &mut Vec<String>,
) -> Result<Option<Alerter>, SyncError> {
    warn_ignored(&raw, "alerter", warnings);
    let name = raw.name.to_string();
    let config = raw.config;
    let mut ignored = config.ignored_keys();
    let params = EndpointParams {
        url: Secret::new(config.endpoint.params.url.unwrap_or_default()),
    };
    let kind = config.endpoint.kind.as_str();
    if UNSUPPORTED_ENDPOINTS.contains(&kind) {
        warnings.push(format!(
            "alerter '{name}': skipped, Kiln cannot send to endpoint type \"{kind}\" (it sends to Custom, Slack and Discord)"
        ));
        return Ok(None);
    }
    let endpoint = match kind {
        "Custom" => AlerterEndpoint::Custom(params),
        "Slack" => AlerterEndpoint::Slack(params),
        "Discord" => AlerterEndpoint::Discord(params),
        other => {
            return Err(SyncError::Toml(format!(
                "alerter '{name}': unknown endpoint type \"{other}\", expected \"Custom\", \"Slack\" or \"Discord\""
            )))
        }
    };
    if config.endpoint.params.email.is_some() {
        ignored.push("endpoint.params.email");
    }
    if !ignored.is_empty() {
        warnings.push(format!(
            "alerter '{name}': ignored Komodo keys {} (Kiln does not use them)",
            ignored.join(", ")
        ));
    }

    let mut alert_types = Vec::new();
    let mut other_types = Vec::new();
    for raw_type in &config.alert_types {
        match AlertType::parse(raw_type) {
            Some(alert_type) if !alert_types.contains(&alert_type) => alert_types.push(alert_type),
            Some(_) => {}
            None => other_types.push(raw_type.as_str()),
        }
    }
    if !other_types.is_empty() {
        warnings.push(format!(
            "alerter '{name}': ignored alert types {} (Kiln sends BuildSucceeded, BuildFailed and BuildCancelled)",
            other_types.join(", ")
        ));
    }
    if alert_types.is_empty() && !config.alert_types.is_empty() {
        warnings.push(format!(
            "alerter '{name}': skipped, none of its alert types is one Kiln sends"
        ));
        return Ok(None);
    }

    let resources = builds_only(&name, "resources", &config.resources, warnings);
    if resources.is_empty() && !config.resources.is_empty() {
        warnings.push(format!(
            "alerter '{name}': skipped, its resources name no build"
        ));
        return Ok(None);
    }
    let except_resources = builds_only(
        &name,
        "except_resources",
        &config.except_resources,
        warnings,
    );
    Ok(Some(Alerter {
        name: raw.name,
        description: raw.description,
        tags: raw.tags,
        config: AlerterConfig {
            enabled: config.enabled,
            endpoint,
            alert_types,
            resources,
            except_resources,
        },
    }))
}

/// The build targets; other kinds are dropped with a warning.
fn builds_only(
    name: &str,
    field: &str,
    targets: &[RawTarget],
    warnings: &mut Vec<String>,
) -> Vec<ResourceTarget> {
    let mut builds = Vec::new();
    let mut others = Vec::new();
    for target in targets {
        if target.kind == "Build" {
            builds.push(ResourceTarget::build(&target.id));
        } else {
            others.push(format!("{} '{}'", target.kind, target.id));
        }
    }
    if !others.is_empty() {
        warnings.push(format!(
            "alerter '{name}': ignored {field} {} (Kiln alerts on builds only)",
            others.join(", ")
        ));
    }
    builds
}
