//! Which fields a draft changed, as the partial save the server merges:
//! config fields compared through their JSON forms (objects field by field,
//! so editing `pre_build.command` does not send `pre_build.path`).

use crate::components::parse_json;
use kiln_domain::history::merge;
use kiln_domain::{Build, BuildConfig};
use serde_json::{Map, Value};

/// A draft's changes against the build it started from.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Changes {
    /// A JSON object of the changed config fields (`{}` when none).
    pub config: String,
    /// The new description, when changed.
    pub description: Option<String>,
    /// The new tags, when changed.
    pub tags: Option<Vec<String>>,
}

/// What `draft` changed from `base`.
pub fn changes(base: &Build, draft: &Build) -> Changes {
    let config = match (
        serde_json::to_value(&base.config),
        serde_json::to_value(&draft.config),
    ) {
        (Ok(before), Ok(after)) => changed(&before, &after).unwrap_or(Value::Object(Map::new())),
        _ => Value::Object(Map::new()),
    };
    Changes {
        config: config.to_string(),
        description: (base.description != draft.description).then(|| draft.description.clone()),
        tags: (base.tags != draft.tags).then(|| draft.tags.clone()),
    }
}

/// The parts of `after` that differ from `before` (objects walked).
fn changed(before: &Value, after: &Value) -> Option<Value> {
    match (before, after) {
        (Value::Object(b), Value::Object(a)) => {
            let fields: Map<String, Value> = a
                .iter()
                .filter_map(|(key, value)| {
                    let inner = match b.get(key) {
                        Some(old) => changed(old, value)?,
                        None => value.clone(),
                    };
                    Some((key.clone(), inner))
                })
                .collect();
            (!fields.is_empty()).then_some(Value::Object(fields))
        }
        _ if before == after => None,
        _ => Some(after.clone()),
    }
}

/// `current` with `changes` laid over it; None if the result is not a build
/// config any more.
pub fn apply_changes(current: &Build, changes: &Changes) -> Option<Build> {
    let mut config = serde_json::to_value(&current.config).ok()?;
    let patch: Value = if changes.config.is_empty() {
        Value::Object(Map::new())
    } else {
        parse_json(&changes.config).ok()?
    };
    merge(&mut config, &patch);
    let config: BuildConfig = parse_json(&config.to_string()).ok()?;
    let mut build = current.clone();
    build.config = config;
    if let Some(description) = &changes.description {
        build.description = description.clone();
    }
    if let Some(tags) = &changes.tags {
        build.tags = tags.clone();
    }
    Some(build)
}
