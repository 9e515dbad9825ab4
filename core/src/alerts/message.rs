//! What an alert says: one text line for chat (Slack, Discord) and a JSON
//! document for Custom endpoints (Komodo's alert shape plus the run). Only
//! the run's public facts go in: its error text is already redacted by the
//! engine, and no variable, token, webhook secret or alerter URL is read.

use kiln_domain::alerter::{AlertType, AlerterEndpoint};
use kiln_domain::{Run, Version};
use serde_json::{json, Value};

/// The longest error text an alert carries (chat messages stay short).
const MAX_ERROR_CHARS: usize = 500;

/// The JSON body posted to `endpoint` about `run`.
pub fn body(endpoint: &AlerterEndpoint, run: &Run, alert_type: AlertType) -> Value {
    let text = text(run, alert_type);
    match endpoint {
        AlerterEndpoint::Slack(_) => json!({ "text": text }),
        AlerterEndpoint::Discord(_) => json!({ "content": text }),
        AlerterEndpoint::Custom(_) => custom(run, alert_type, text),
    }
}

/// One line, e.g. `✅ Build 'api' 1.4.0 succeeded (run 12, 34 s, commit
/// abc1234, webhook); pushed reg/api:1.4.0`.
pub fn text(run: &Run, alert_type: AlertType) -> String {
    let (mark, verb) = match alert_type {
        AlertType::BuildSucceeded => ("✅", "succeeded"),
        AlertType::BuildFailed => ("❌", "failed"),
        AlertType::BuildCancelled => ("⏹", "was cancelled"),
    };
    let mut details = vec![format!("run {}", run.id)];
    if let Some(ms) = run.duration_ms(run.ended_ms.unwrap_or(run.created_ms)) {
        details.push(format!("{} s", ms / 1000));
    }
    if !run.short_commit.is_empty() {
        details.push(format!("commit {}", run.short_commit));
    }
    details.push(run.trigger.clone());
    let mut line = format!(
        "{mark} Build '{}' {} {verb} ({})",
        run.build_name,
        run.version,
        details.join(", ")
    );
    let images = images(run);
    if alert_type == AlertType::BuildSucceeded && !images.is_empty() {
        line.push_str(&format!("; pushed {}", images.join(", ")));
    }
    if alert_type == AlertType::BuildFailed && !run.error.is_empty() {
        line.push_str(&format!(": {}", short_error(&run.error)));
    }
    line
}

fn custom(run: &Run, alert_type: AlertType, text: String) -> Value {
    let level = match alert_type {
        AlertType::BuildSucceeded => "OK",
        AlertType::BuildFailed => "CRITICAL",
        AlertType::BuildCancelled => "WARNING",
    };
    let ts = run.ended_ms.unwrap_or(run.created_ms);
    let version = Version::parse(&run.version).unwrap_or_default();
    json!({
        "ts": ts,
        "resolved": true,
        "resolved_ts": ts,
        "level": level,
        "target": { "type": "Build", "id": run.build_name },
        "data": {
            "type": alert_type.as_str(),
            "data": {
                "id": run.build_name,
                "name": run.build_name,
                "version": { "major": version.major, "minor": version.minor, "patch": version.patch },
            },
        },
        "text": text,
        "run": {
            "id": run.id,
            "build": run.build_name,
            "status": run.status.as_str(),
            "trigger": run.trigger,
            "builder": run.builder,
            "version": run.version,
            "commit": run.commit,
            "short_commit": run.short_commit,
            "error": short_error(&run.error),
            "duration_ms": run.duration_ms(ts),
            "images": images(run),
        },
    })
}

/// `image:tag` for every pushed tag.
fn images(run: &Run) -> Vec<String> {
    run.pushed
        .iter()
        .flat_map(|pushed| {
            pushed
                .tags
                .iter()
                .map(move |tag| format!("{}:{tag}", pushed.image))
        })
        .collect()
}

fn short_error(error: &str) -> String {
    let first_chars: String = error.chars().take(MAX_ERROR_CHARS).collect();
    if first_chars.len() < error.len() {
        format!("{first_chars}…")
    } else {
        first_chars
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use kiln_domain::alerter::EndpointParams;
    use kiln_domain::{PushedImage, RunStatus};

    fn run(status: RunStatus, error: &str) -> Run {
        Run {
            id: 12,
            build_name: "api".into(),
            builder: "local".into(),
            trigger: "webhook".into(),
            status,
            version: "1.4.0".into(),
            commit: "abc1234def".into(),
            short_commit: "abc1234".into(),
            error: error.into(),
            image_id: String::new(),
            image_size: 0,
            pushed: vec![PushedImage {
                domain: "reg".into(),
                image: "reg/api".into(),
                tags: vec!["1.4.0".into(), "latest".into()],
                digest: String::new(),
            }],
            stages: Vec::new(),
            created_ms: 1_000,
            started_ms: Some(2_000),
            ended_ms: Some(36_000),
        }
    }

    #[test]
    fn chat_lines() {
        assert_eq!(
            text(&run(RunStatus::Success, ""), AlertType::BuildSucceeded),
            "✅ Build 'api' 1.4.0 succeeded (run 12, 34 s, commit abc1234, webhook); pushed reg/api:1.4.0, reg/api:latest"
        );
        let long = "x".repeat(600);
        let failed = text(&run(RunStatus::Failed, &long), AlertType::BuildFailed);
        assert!(failed.starts_with(
            "❌ Build 'api' 1.4.0 failed (run 12, 34 s, commit abc1234, webhook): xxx"
        ));
        assert!(failed.ends_with("x…") && failed.len() < 700, "{failed}");
        let slack = body(
            &AlerterEndpoint::Slack(EndpointParams::default()),
            &run(RunStatus::Cancelled, "cancelled"),
            AlertType::BuildCancelled,
        );
        assert_eq!(
            slack,
            json!({ "text": "⏹ Build 'api' 1.4.0 was cancelled (run 12, 34 s, commit abc1234, webhook)" })
        );
        let discord = body(
            &AlerterEndpoint::Discord(EndpointParams::default()),
            &run(RunStatus::Cancelled, ""),
            AlertType::BuildCancelled,
        );
        assert!(discord["content"]
            .as_str()
            .unwrap()
            .contains("was cancelled"));
    }

    #[test]
    fn custom_json_has_komodo_alert_fields_and_the_run() {
        let value = body(
            &AlerterEndpoint::Custom(EndpointParams::default()),
            &run(RunStatus::Failed, "exit 3"),
            AlertType::BuildFailed,
        );
        assert_eq!(value["level"], "CRITICAL");
        assert_eq!(value["target"], json!({ "type": "Build", "id": "api" }));
        assert_eq!(value["data"]["type"], "BuildFailed");
        assert_eq!(
            value["data"]["data"]["version"],
            json!({ "major": 1, "minor": 4, "patch": 0 })
        );
        assert_eq!(value["run"]["id"], 12);
        assert_eq!(value["run"]["status"], "failed");
        assert_eq!(value["run"]["error"], "exit 3");
        assert_eq!(value["run"]["duration_ms"], 34_000);
        assert_eq!(
            value["run"]["images"],
            json!(["reg/api:1.4.0", "reg/api:latest"])
        );
    }
}
