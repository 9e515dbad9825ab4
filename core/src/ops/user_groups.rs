//! `[[user_group]]` in sync files: admins only. A group named in the file
//! gets exactly the file's members and levels (its other grants go); with
//! `delete`, groups the file does not name go too (only when the file has
//! at least one `[[user_group]]`, so a file of builds never empties the
//! groups). Checked whole before anything is written: every user must
//! exist, and every resource a permission names must exist once the file's
//! resources are applied.

use crate::{Actor, CoreError, Kiln};
use kiln_domain::access::{Level, Target};
use kiln_domain::sync::{ResourceKind, SyncFile, UserGroupEntry};
use kiln_domain::Catalog;
use std::collections::HashMap;

/// A group ready to write: its members' ids and its grants by name.
pub(crate) struct PlannedGroup {
    entry: UserGroupEntry,
    member_ids: Vec<i64>,
}

/// Whether resource `kind`/`key` is in `catalog`.
fn exists(catalog: &Catalog, kind: ResourceKind, key: &str) -> bool {
    let account = |a: &kiln_domain::GitAccount| format!("{}/{}", a.domain, a.username) == key;
    match kind {
        ResourceKind::Build => catalog.builds.iter().any(|b| b.name.as_str() == key),
        ResourceKind::Builder => catalog.builders.iter().any(|b| b.name.as_str() == key),
        ResourceKind::Variable => catalog.variables.iter().any(|v| v.name.as_str() == key),
        ResourceKind::Repo => catalog.repos.iter().any(|r| r.name.as_str() == key),
        ResourceKind::Alerter => catalog.alerters.iter().any(|a| a.name.as_str() == key),
        ResourceKind::GitAccount => catalog.git_accounts.iter().any(account),
        ResourceKind::RegistryAccount => catalog
            .registry_accounts
            .iter()
            .any(|a| format!("{}/{}", a.domain, a.username) == key),
    }
}

impl Kiln {
    /// Checks the file's groups (admins only) against the users and the
    /// catalog after the sync (`target`); the lines a report shows.
    pub(crate) async fn plan_user_groups(
        &self,
        actor: &Actor,
        file: &SyncFile,
        target: &Catalog,
    ) -> Result<(Vec<PlannedGroup>, Vec<String>), CoreError> {
        if file.user_groups.is_empty() {
            return Ok((Vec::new(), Vec::new()));
        }
        self.require_admin(
            actor,
            "apply [[user_group]] entries (users and permissions)",
        )?;
        let users: HashMap<String, i64> = self
            .store()
            .users()
            .await?
            .into_iter()
            .map(|u| (u.username, u.id))
            .collect();
        let mut planned = Vec::new();
        let mut lines = Vec::new();
        for entry in &file.user_groups {
            let name = &entry.name;
            crate::ops::auth::check_username(name).map_err(|_| {
                CoreError::Invalid(format!(
                    "user_group '{name}': name: use 1 to 64 letters, digits, '.', '_', '@' or '-'"
                ))
            })?;
            let mut member_ids = Vec::new();
            for user in &entry.users {
                let id = users.get(user).ok_or_else(|| {
                    CoreError::Invalid(format!("user_group '{name}': users: no user '{user}'"))
                })?;
                member_ids.push(*id);
            }
            for (kind, key, _) in &entry.permissions {
                if !exists(target, *kind, key) {
                    return Err(CoreError::Invalid(format!(
                        "user_group '{name}': permissions: no {kind} '{key}'"
                    )));
                }
            }
            lines.push(format!(
                "put user_group '{name}' ({} users{}, {} kind-wide and {} resource permissions)",
                entry.users.len(),
                if entry.everyone { ", everyone" } else { "" },
                entry.all.len(),
                entry.permissions.len()
            ));
            planned.push(PlannedGroup {
                entry: entry.clone(),
                member_ids,
            });
        }
        Ok((planned, lines))
    }

    /// Writes planned groups (after the resources); with `delete`, removes
    /// the groups the file does not name. Answers the lines of deletions.
    pub(crate) async fn apply_user_groups(
        &self,
        planned: Vec<PlannedGroup>,
        delete: bool,
    ) -> Result<Vec<String>, CoreError> {
        if planned.is_empty() {
            return Ok(Vec::new());
        }
        for group in &planned {
            let entry = &group.entry;
            let id = self
                .store()
                .put_group(&entry.name, entry.everyone, &group.member_ids)
                .await?;
            let mut grants: Vec<(Target, Level)> = entry
                .all
                .iter()
                .map(|(kind, level)| (Target::Kind(*kind), *level))
                .collect();
            for (kind, key, level) in &entry.permissions {
                let identity = self.store().identity(*kind, key).await?;
                grants.push((Target::Resource(*kind, identity.id), *level));
            }
            self.store().replace_group_grants(id, &grants).await?;
        }
        let mut lines = Vec::new();
        if delete {
            for group in self.store().groups().await? {
                if !planned.iter().any(|p| p.entry.name == group.name) {
                    self.store().delete_group(&group.name).await?;
                    lines.push(format!("delete user_group '{}'", group.name));
                }
            }
        }
        Ok(lines)
    }

    /// Every group as `[[user_group]]` entries (resources by name), for an
    /// admin's export.
    pub(crate) async fn user_group_entries(&self) -> Result<Vec<UserGroupEntry>, CoreError> {
        let groups = self.store().groups().await?;
        let grants = self.store().grants().await?;
        let names = self.names_by_id().await?;
        Ok(groups
            .into_iter()
            .map(|group| {
                let mut entry = UserGroupEntry {
                    name: group.name,
                    everyone: group.everyone,
                    users: group.members,
                    ..UserGroupEntry::default()
                };
                for record in &grants {
                    let grant = record.grant;
                    if grant.subject != kiln_domain::access::Subject::Group(group.id) {
                        continue;
                    }
                    match grant.target {
                        Target::Kind(kind) => entry.all.push((kind, grant.level)),
                        Target::Resource(kind, id) => {
                            if let Some(name) = names.get(&kind).and_then(|m| m.get(&id)) {
                                entry.permissions.push((kind, name.clone(), grant.level));
                            }
                        }
                    }
                }
                entry
            })
            .collect())
    }
}
