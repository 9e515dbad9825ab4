//! Groups and grants (admins only): who has which level on which resource
//! or kind. A grant names its resource by name at the door and is stored by
//! id, so a rename keeps it.

use crate::{Actor, CoreError, Kiln};
use kiln_api::{GrantView, GroupView};
use kiln_domain::access::{Level, Subject, Target};
use kiln_domain::sync::ResourceKind;
use kiln_store::User;
use std::collections::HashMap;

impl Kiln {
    /// Every resource's name by kind and id (grants hold ids).
    pub(crate) async fn names_by_id(
        &self,
    ) -> Result<HashMap<ResourceKind, HashMap<i64, String>>, CoreError> {
        let mut names = HashMap::new();
        for kind in ResourceKind::ALL {
            let by_id = self
                .store()
                .identities(kind)
                .await?
                .into_iter()
                .map(|(name, identity)| (identity.id, name))
                .collect();
            names.insert(kind, by_id);
        }
        Ok(names)
    }

    /// Every group with its members.
    pub async fn groups(&self, actor: &Actor) -> Result<Vec<GroupView>, CoreError> {
        self.require_admin(actor, "see groups")?;
        Ok(self
            .store()
            .groups()
            .await?
            .into_iter()
            .map(|g| GroupView {
                name: g.name,
                everyone: g.everyone,
                members: g.members,
            })
            .collect())
    }

    /// Creates or replaces group `group.name` (its `everyone` flag and its
    /// members). 404 for an unknown member, 422 for a bad name.
    pub async fn put_group(&self, actor: &Actor, group: GroupView) -> Result<GroupView, CoreError> {
        self.require_admin(actor, "change groups")?;
        let name = group.name.trim();
        super::auth::check_username(name).map_err(|_| {
            CoreError::Invalid("name: use 1 to 64 letters, digits, '.', '_', '@' or '-'".into())
        })?;
        let mut ids = Vec::with_capacity(group.members.len());
        for member in &group.members {
            ids.push(self.user_named(member).await?.id);
        }
        self.store().put_group(name, group.everyone, &ids).await?;
        tracing::info!(group = %name, by = %actor.name(), "group saved");
        let mut members = group.members;
        members.sort();
        members.dedup();
        Ok(GroupView {
            name: name.to_string(),
            everyone: group.everyone,
            members,
        })
    }

    /// Deletes a group with its grants. 404 when there is none.
    pub async fn delete_group(&self, actor: &Actor, name: &str) -> Result<(), CoreError> {
        self.require_admin(actor, "delete groups")?;
        if self.store().delete_group(name).await? {
            Ok(())
        } else {
            Err(CoreError::NotFound(format!("group '{name}' not found")))
        }
    }

    /// Every grant, with names in place of ids (grants on resources that
    /// no longer exist are left out).
    pub async fn grants(&self, actor: &Actor) -> Result<Vec<GrantView>, CoreError> {
        self.require_admin(actor, "see permissions")?;
        let users: HashMap<i64, String> = self
            .store()
            .users()
            .await?
            .into_iter()
            .map(|u: User| (u.id, u.username))
            .collect();
        let groups: HashMap<i64, String> = self
            .store()
            .groups()
            .await?
            .into_iter()
            .map(|g| (g.id, g.name))
            .collect();
        let names = self.names_by_id().await?;
        let mut views = Vec::new();
        for record in self.store().grants().await? {
            let grant = record.grant;
            let (subject_type, subject) = match grant.subject {
                Subject::User(id) => ("user", users.get(&id)),
                Subject::Group(id) => ("group", groups.get(&id)),
            };
            let Some(subject) = subject else { continue };
            let kind = grant.target.kind();
            let resource = match grant.target {
                Target::Kind(_) => None,
                Target::Resource(_, id) => match names.get(&kind).and_then(|m| m.get(&id)) {
                    Some(name) => Some(name.clone()),
                    None => continue,
                },
            };
            views.push(GrantView {
                subject_type: subject_type.to_string(),
                subject: subject.clone(),
                kind: kind.as_str().to_string(),
                resource,
                level: grant.level.as_str().to_string(),
            });
        }
        Ok(views)
    }

    /// Sets one grant (level `"None"` removes it). 404 for an unknown user,
    /// group or resource; 422 for an unknown kind or level.
    pub async fn set_grant(&self, actor: &Actor, grant: GrantView) -> Result<(), CoreError> {
        self.require_admin(actor, "change permissions")?;
        let subject = match grant.subject_type.as_str() {
            "user" => Subject::User(self.user_named(&grant.subject).await?.id),
            "group" => {
                let groups = self.store().groups().await?;
                let group = groups
                    .iter()
                    .find(|g| g.name == grant.subject)
                    .ok_or_else(|| {
                        CoreError::NotFound(format!("group '{}' not found", grant.subject))
                    })?;
                Subject::Group(group.id)
            }
            _ => {
                return Err(CoreError::Invalid(
                    "subject_type: use \"user\" or \"group\"".into(),
                ))
            }
        };
        let kind = ResourceKind::parse(&grant.kind).ok_or_else(|| {
            CoreError::Invalid(format!(
                "kind: use one of {}",
                ResourceKind::ALL.map(|k| k.as_str()).join(", ")
            ))
        })?;
        let level = Level::parse(&grant.level)
            .ok_or_else(|| CoreError::Invalid("level: use None, Read, Execute or Write".into()))?;
        let target = match grant.resource.as_deref() {
            None | Some("") => Target::Kind(kind),
            Some(name) => Target::Resource(kind, self.store().identity(kind, name).await?.id),
        };
        self.store().set_grant(subject, target, level).await?;
        tracing::info!(
            subject = %grant.subject, kind = %kind, resource = ?grant.resource, %level,
            by = %actor.name(), "grant set"
        );
        Ok(())
    }
}
