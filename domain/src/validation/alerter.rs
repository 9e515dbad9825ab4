//! The checks of one Alerter.

use super::{Report, ValidationError};
use crate::Alerter;

/// The URL must be an http(s) URL; targets must name something. Targets are
/// not checked against the catalog's builds: deleting a build must not make
/// the alerters that named it invalid (they just stop matching it).
pub(crate) fn validate_alerter(alerter: &Alerter, errors: &mut Vec<ValidationError>) {
    let mut report = Report::new(format!("alerter '{}'", alerter.name), errors);
    let config = &alerter.config;
    let url = config.endpoint.params().url.expose();
    if url.is_empty() {
        report.push(
            "config.endpoint.params.url",
            "is empty; set the webhook URL alerts are posted to",
        );
    } else if !(url.starts_with("http://") || url.starts_with("https://")) {
        report.push(
            "config.endpoint.params.url",
            "must start with http:// or https://",
        );
    }
    for (field, targets) in [
        ("resources", &config.resources),
        ("except_resources", &config.except_resources),
    ] {
        for (index, target) in targets.iter().enumerate() {
            if target.id.trim().is_empty() {
                report.push(format!("config.{field}[{index}].id"), "empty build name");
            }
        }
    }
}
