//! Komodo's `[[user_group]]`: a group's members and its permissions, per
//! kind (`all.Build = "Execute"`) and per resource (`permissions = [{
//! target.type = "Build", target.id = "api", level = "Write" }]`).
//!
//! Komodo's kinds that Kiln manages (`Build`, `Builder`, `Repo`, `Alerter`)
//! and Kiln's own (`Variable`, `GitAccount`, `RegistryAccount`) are read;
//! Komodo-only kinds (`Server`, `Stack`, …), `specific` permissions and
//! regex targets (`\^…\`) are skipped with a warning. A level may be
//! written `"Read"` or `{ level = "Read", specific = [...] }`.

use crate::access::Level;
use crate::sync::ResourceKind;
use serde::Deserialize;
use std::collections::BTreeMap;

/// A `[[user_group]]` as Kiln applies it.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct UserGroupEntry {
    pub name: String,
    /// Every user is a member.
    pub everyone: bool,
    /// Usernames.
    pub users: Vec<String>,
    /// Levels on every resource of a kind.
    pub all: Vec<(ResourceKind, Level)>,
    /// Levels on one resource, by name (accounts: `domain/username`).
    pub permissions: Vec<(ResourceKind, String, Level)>,
}

/// A level as Komodo writes it: `"Read"` or `{ level = "Read", specific = [...] }`.
#[derive(Deserialize)]
#[serde(untagged)]
enum RawLevel {
    Plain(String),
    Detailed {
        level: String,
        #[serde(default)]
        specific: Vec<String>,
    },
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawTarget {
    #[serde(rename = "type")]
    kind: String,
    id: String,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawPermission {
    target: RawTarget,
    level: RawLevel,
    #[serde(default)]
    specific: Vec<String>,
}

/// The raw `[[user_group]]` table.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawUserGroup {
    name: String,
    #[serde(default)]
    everyone: bool,
    #[serde(default)]
    users: Vec<String>,
    #[serde(default)]
    all: BTreeMap<String, RawLevel>,
    #[serde(default)]
    permissions: Vec<RawPermission>,
}

/// Kiln's kind for one of Komodo's type names (`"Build"`), or Kiln's own.
fn kind_of(name: &str) -> Option<ResourceKind> {
    ResourceKind::parse(name)
}

fn level_of(raw: RawLevel, place: &str, warnings: &mut Vec<String>) -> Result<Level, String> {
    let (text, specific) = match raw {
        RawLevel::Plain(text) => (text, Vec::new()),
        RawLevel::Detailed { level, specific } => (level, specific),
    };
    if !specific.is_empty() {
        warnings.push(format!(
            "{place}: ignored specific permissions {specific:?} (Kiln has levels only)"
        ));
    }
    Level::parse(&text)
        .ok_or_else(|| format!("{place}: level '{text}' is not None, Read, Execute or Write"))
}

impl RawUserGroup {
    /// The group as Kiln applies it; skipped parts go to `warnings`, a
    /// level or name Kiln cannot read is an error naming where.
    pub(crate) fn read(self, warnings: &mut Vec<String>) -> Result<UserGroupEntry, String> {
        let name = self.name.trim().to_string();
        if name.is_empty() {
            return Err("user_group: name is empty".into());
        }
        let mut group = UserGroupEntry {
            name: name.clone(),
            everyone: self.everyone,
            users: self.users,
            ..UserGroupEntry::default()
        };
        for (kind_name, raw) in self.all {
            let place = format!("user_group '{name}': all.{kind_name}");
            let Some(kind) = kind_of(&kind_name) else {
                warnings.push(format!(
                    "{place}: ignored (Kiln does not manage {kind_name})"
                ));
                continue;
            };
            group.all.push((kind, level_of(raw, &place, warnings)?));
        }
        for (n, permission) in self.permissions.into_iter().enumerate() {
            let place = format!("user_group '{name}': permissions[{n}]");
            let Some(kind) = kind_of(&permission.target.kind) else {
                warnings.push(format!(
                    "{place}: ignored (Kiln does not manage {})",
                    permission.target.kind
                ));
                continue;
            };
            let id = permission.target.id.trim().to_string();
            if id.starts_with('\\') && id.ends_with('\\') && id.len() > 1 {
                warnings.push(format!(
                    "{place}: ignored the regex target {id} (grant by name or with all.{})",
                    permission.target.kind
                ));
                continue;
            }
            if !permission.specific.is_empty() {
                warnings.push(format!(
                    "{place}: ignored specific permissions {:?} (Kiln has levels only)",
                    permission.specific
                ));
            }
            let level = level_of(permission.level, &place, warnings)?;
            group.permissions.push((kind, id, level));
        }
        Ok(group)
    }
}

/// Komodo's type name of a kind (`"Build"`, `"GitAccount"`).
pub fn komodo_kind(kind: ResourceKind) -> &'static str {
    match kind {
        ResourceKind::Build => "Build",
        ResourceKind::Builder => "Builder",
        ResourceKind::Variable => "Variable",
        ResourceKind::Repo => "Repo",
        ResourceKind::GitAccount => "GitAccount",
        ResourceKind::RegistryAccount => "RegistryAccount",
        ResourceKind::Alerter => "Alerter",
    }
}

/// The `[[user_group]]` TOML of `groups` (appended to an export).
pub fn export_user_groups(groups: &[UserGroupEntry]) -> String {
    use crate::sync::toml_text::string_text;
    let mut out = String::new();
    for group in groups {
        out.push_str(&format!(
            "\n[[user_group]]\nname = {}\n",
            string_text(&group.name)
        ));
        if group.everyone {
            out.push_str("everyone = true\n");
        }
        let users: Vec<String> = group.users.iter().map(|u| string_text(u)).collect();
        out.push_str(&format!("users = [{}]\n", users.join(", ")));
        for (kind, level) in &group.all {
            out.push_str(&format!("all.{} = \"{level}\"\n", komodo_kind(*kind)));
        }
        if !group.permissions.is_empty() {
            out.push_str("permissions = [\n");
            for (kind, id, level) in &group.permissions {
                out.push_str(&format!(
                    "  {{ target.type = \"{}\", target.id = {}, level = \"{level}\" }},\n",
                    komodo_kind(*kind),
                    string_text(id)
                ));
            }
            out.push_str("]\n");
        }
    }
    out
}
