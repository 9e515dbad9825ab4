//! The audit trail: who changed a resource, through which door, when, and
//! what changed, field by field. Secret fields are recorded only as
//! changed, never with their values.
//!
//! ```
//! use kiln_domain::history::{diff, SecretFields};
//! use kiln_domain::sync::ResourceKind;
//! use serde_json::json;
//!
//! let before = json!({"name": "api", "config": {"version": "1.0.0", "secret_args": "A=1"}});
//! let after = json!({"name": "api", "config": {"version": "1.0.1", "secret_args": "A=2"}});
//! let changes = diff(&before, &after, &SecretFields::of(ResourceKind::Build, false));
//! assert_eq!(changes.len(), 2);
//! assert_eq!(changes[0].field, "config.secret_args");
//! assert!(changes[0].secret && changes[0].before.is_none() && changes[0].after.is_none());
//! assert_eq!(changes[1].field, "config.version");
//! assert_eq!(changes[1].after, Some(json!("1.0.1")));
//! ```

use crate::sync::ResourceKind;
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};
use std::fmt;

/// Through which door a change came in.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Door {
    /// The web UI (a server function).
    Ui,
    /// The JSON API.
    Api,
    /// The `kiln` command line (through the JSON API).
    Cli,
    /// A sync file applied (from any of the doors above).
    Sync,
    /// A webhook listener.
    Webhook,
    /// A run (its version bump).
    Run,
    /// Kiln itself.
    System,
}

impl Door {
    /// `"ui"`, `"api"`, `"cli"`, `"sync"`, `"webhook"`, `"run"` or `"system"`.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Ui => "ui",
            Self::Api => "api",
            Self::Cli => "cli",
            Self::Sync => "sync",
            Self::Webhook => "webhook",
            Self::Run => "run",
            Self::System => "system",
        }
    }

    /// The door named by [`Door::as_str`]; None for anything else.
    pub fn parse(text: &str) -> Option<Self> {
        [
            Self::Ui,
            Self::Api,
            Self::Cli,
            Self::Sync,
            Self::Webhook,
            Self::Run,
            Self::System,
        ]
        .into_iter()
        .find(|d| d.as_str() == text)
    }
}

impl fmt::Display for Door {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Who made a change and through which door, as the history records it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Author {
    /// Who: the username for the UI, API and CLI,
    /// `"webhook"`, `"system"`.
    pub actor: String,
    /// How the change came in.
    pub door: Door,
}

impl Author {
    /// `actor` through `door`.
    pub fn new(actor: impl Into<String>, door: Door) -> Self {
        Self {
            actor: actor.into(),
            door,
        }
    }

    /// Kiln itself (start-up, tests, maintenance).
    pub fn system() -> Self {
        Self::new("system", Door::System)
    }
}

/// One field a change touched: its dotted path in the resource's JSON form
/// (`"config.version"`, `"description"`), and its values before and after
/// (None where it did not exist). A secret field has `secret: true` and no
/// values.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct FieldChange {
    pub field: String,
    #[serde(default)]
    pub before: Option<Value>,
    #[serde(default)]
    pub after: Option<Value>,
    #[serde(default)]
    pub secret: bool,
}

/// What a history entry did to its resource.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Action {
    Create,
    Update,
    Rename,
    Delete,
}

impl Action {
    /// `"create"`, `"update"`, `"rename"` or `"delete"`.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Create => "create",
            Self::Update => "update",
            Self::Rename => "rename",
            Self::Delete => "delete",
        }
    }

    /// The action named by [`Action::as_str`].
    pub fn parse(text: &str) -> Option<Self> {
        [Self::Create, Self::Update, Self::Rename, Self::Delete]
            .into_iter()
            .find(|a| a.as_str() == text)
    }
}

/// One recorded change of one resource.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct HistoryEntry {
    /// The resource's kind (`"build"`, `"variable"`, …: `ResourceKind::as_str`).
    pub kind: String,
    /// The resource's stable id.
    pub resource_id: i64,
    /// Its name (accounts: `domain/username`) after the change.
    pub name: String,
    /// The resource's revision this change produced.
    pub revision: i64,
    pub action: Action,
    /// Who.
    pub actor: String,
    /// Through which door.
    pub door: Door,
    /// When, in milliseconds since the Unix epoch.
    pub at_ms: i64,
    /// Every field it changed, sorted by path.
    pub changes: Vec<FieldChange>,
}

/// Which dotted paths of a resource's JSON form hold secrets.
#[derive(Clone, Debug)]
pub struct SecretFields {
    paths: &'static [&'static str],
    /// Any field ending in one of these names is secret.
    suffixes: &'static [&'static str],
}

impl SecretFields {
    /// The secret fields of `kind`: builds' `config.secret_args` and
    /// `config.webhook_secret`, builders' passkeys, accounts' tokens,
    /// alerters' URLs, and a variable's `value` when `secret_variable`
    /// (it is secret before or after the change).
    pub fn of(kind: ResourceKind, secret_variable: bool) -> Self {
        let paths: &'static [&'static str] = match kind {
            ResourceKind::Build => &["config.secret_args", "config.webhook_secret"],
            ResourceKind::GitAccount | ResourceKind::RegistryAccount => &["token"],
            ResourceKind::Alerter => &["config.endpoint.params.url"],
            ResourceKind::Variable if secret_variable => &["value"],
            _ => &[],
        };
        let suffixes: &'static [&'static str] = match kind {
            ResourceKind::Builder => &["passkey"],
            _ => &[],
        };
        Self { paths, suffixes }
    }

    /// Whether `field` is a secret or holds one (an object around it).
    pub fn covers(&self, field: &str) -> bool {
        let within = |secret: &str| {
            secret == field
                || field.is_empty()
                || secret
                    .strip_prefix(field)
                    .is_some_and(|rest| rest.starts_with('.'))
        };
        self.paths.iter().any(|p| within(p))
            || self
                .suffixes
                .iter()
                .any(|s| field.rsplit('.').next() == Some(s))
    }
}

/// Every leaf that differs between two JSON forms of a resource (objects
/// are walked, anything else is compared whole), sorted by path; secret
/// leaves without their values.
pub fn diff(before: &Value, after: &Value, secrets: &SecretFields) -> Vec<FieldChange> {
    let mut changes = Vec::new();
    walk("", Some(before), Some(after), secrets, &mut changes);
    changes.sort_by(|a, b| a.field.cmp(&b.field));
    changes
}

/// The changes of a created (`before` None) or deleted (`after` None)
/// resource: every leaf of the side that exists.
pub fn diff_whole(
    before: Option<&Value>,
    after: Option<&Value>,
    secrets: &SecretFields,
) -> Vec<FieldChange> {
    let mut changes = Vec::new();
    walk("", before, after, secrets, &mut changes);
    changes.sort_by(|a, b| a.field.cmp(&b.field));
    changes
}

fn join(prefix: &str, key: &str) -> String {
    if prefix.is_empty() {
        key.to_string()
    } else {
        format!("{prefix}.{key}")
    }
}

fn walk(
    path: &str,
    before: Option<&Value>,
    after: Option<&Value>,
    secrets: &SecretFields,
    out: &mut Vec<FieldChange>,
) {
    if before == after {
        return;
    }
    let object = |v: Option<&Value>| match v {
        Some(Value::Object(map)) => Some(map.clone()),
        None => Some(Map::new()),
        Some(_) => None,
    };
    if let (Some(b), Some(a)) = (object(before), object(after)) {
        if !(b.is_empty() && a.is_empty()) {
            let mut keys: Vec<&String> = b.keys().chain(a.keys()).collect();
            keys.sort();
            keys.dedup();
            for key in keys {
                walk(&join(path, key), b.get(key), a.get(key), secrets, out);
            }
            return;
        }
    }
    let secret = secrets.covers(path);
    out.push(FieldChange {
        field: path.to_string(),
        before: if secret { None } else { before.cloned() },
        after: if secret { None } else { after.cloned() },
        secret,
    });
}

/// The dotted leaf paths a partial JSON object names (objects walked,
/// anything else a leaf), for deciding which fields a patch touches.
pub fn leaf_paths(value: &Value) -> Vec<String> {
    let mut out = Vec::new();
    collect("", value, &mut out);
    out
}

fn collect(path: &str, value: &Value, out: &mut Vec<String>) {
    match value {
        Value::Object(map) if !map.is_empty() => {
            for (key, inner) in map {
                collect(&join(path, key), inner, out);
            }
        }
        _ => out.push(path.to_string()),
    }
}

/// Whether two dotted paths touch the same data (equal, or one inside the
/// other).
pub fn overlaps(a: &str, b: &str) -> bool {
    let inside = |outer: &str, inner: &str| {
        inner
            .strip_prefix(outer)
            .is_some_and(|rest| rest.is_empty() || rest.starts_with('.'))
    };
    inside(a, b) || inside(b, a)
}

/// `patch` laid over `base`: objects merged key by key (recursively),
/// anything else replaced.
pub fn merge(base: &mut Value, patch: &Value) {
    match (base, patch) {
        (Value::Object(base), Value::Object(patch)) => {
            for (key, value) in patch {
                match base.get_mut(key) {
                    Some(slot) => merge(slot, value),
                    None => {
                        base.insert(key.clone(), value.clone());
                    }
                }
            }
        }
        (slot, value) => *slot = value.clone(),
    }
}

/// The value at a dotted path, if any.
pub fn at_path<'v>(value: &'v Value, path: &str) -> Option<&'v Value> {
    if path.is_empty() {
        return Some(value);
    }
    path.split('.').try_fold(value, |v, key| v.get(key))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn builder_passkeys_and_alerter_urls_are_secret_even_inside_a_replaced_object() {
        let builder = SecretFields::of(ResourceKind::Builder, false);
        let changes = diff(
            &json!({"config": {"type": "Server", "params": {"address": "a", "passkey": "k1"}}}),
            &json!({"config": {"type": "Server", "params": {"address": "b", "passkey": "k2"}}}),
            &builder,
        );
        assert_eq!(changes[0].field, "config.params.address");
        assert_eq!(changes[1].field, "config.params.passkey");
        assert!(changes[1].secret && changes[1].after.is_none());

        let alerter = SecretFields::of(ResourceKind::Alerter, false);
        let changes = diff(
            &json!({"config": {"endpoint": {"type": "Slack", "params": {"url": "https://x/T"}}}}),
            &json!({"config": {"endpoint": "none"}}),
            &alerter,
        );
        assert_eq!(changes.len(), 1);
        assert!(changes[0].secret, "the endpoint held the URL");
    }

    #[test]
    fn a_secret_variable_value_is_secret_a_plain_one_is_not() {
        let before = json!({"name": "A", "value": "x", "is_secret": false});
        let after = json!({"name": "A", "value": "y", "is_secret": false});
        let plain = diff(
            &before,
            &after,
            &SecretFields::of(ResourceKind::Variable, false),
        );
        assert_eq!(plain[0].after, Some(json!("y")));
        let secret = diff(
            &before,
            &after,
            &SecretFields::of(ResourceKind::Variable, true),
        );
        assert!(secret[0].secret && secret[0].before.is_none());
    }

    #[test]
    fn patches_merge_objects_and_name_their_leaves() {
        let mut base =
            json!({"config": {"version": "1.0.0", "pre_build": {"path": "", "command": "x"}}});
        let patch = json!({"config": {"pre_build": {"command": "y"}}});
        merge(&mut base, &patch);
        assert_eq!(
            at_path(&base, "config.pre_build.command"),
            Some(&json!("y"))
        );
        assert_eq!(at_path(&base, "config.version"), Some(&json!("1.0.0")));
        assert_eq!(leaf_paths(&patch), ["config.pre_build.command"]);
        assert!(overlaps("config.pre_build", "config.pre_build.command"));
        assert!(!overlaps("config.version", "config.versions"));
    }
}
