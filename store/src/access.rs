//! Groups of users and the grants that give users and groups a level on
//! one resource or on every resource of a kind (`kiln_domain::access`).

use crate::entity::{access_grant, group_member, kiln_user, user_group};
use crate::{Store, StoreError};
use kiln_domain::access::{Grant, Level, Subject, Target};
use kiln_domain::sync::ResourceKind;
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, Condition, EntityTrait, QueryFilter,
    QueryOrder, TransactionTrait,
};

/// A group with its members' names.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Group {
    pub id: i64,
    pub name: String,
    /// Every user is a member, whatever `members` says.
    pub everyone: bool,
    /// Usernames, sorted.
    pub members: Vec<String>,
}

/// A stored grant with its id.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct GrantRecord {
    pub id: i64,
    pub grant: Grant,
}

fn subject_columns(subject: Subject) -> (&'static str, i64) {
    match subject {
        Subject::User(id) => ("user", id),
        Subject::Group(id) => ("group", id),
    }
}

fn grant_of(model: &access_grant::Model) -> Option<GrantRecord> {
    let subject = match model.subject_type.as_str() {
        "user" => Subject::User(model.subject_id),
        "group" => Subject::Group(model.subject_id),
        _ => return None,
    };
    let kind = ResourceKind::parse(&model.resource_kind)?;
    let target = match model.resource_id {
        Some(id) => Target::Resource(kind, id),
        None => Target::Kind(kind),
    };
    Some(GrantRecord {
        id: model.id,
        grant: Grant {
            subject,
            target,
            level: Level::parse(&model.level)?,
        },
    })
}

/// The row of a grant.
fn grant_model(subject: Subject, target: Target, level: Level) -> access_grant::ActiveModel {
    let (subject_type, subject_id) = subject_columns(subject);
    let (kind, resource_id) = match target {
        Target::Kind(kind) => (kind, None),
        Target::Resource(kind, id) => (kind, Some(id)),
    };
    access_grant::ActiveModel {
        subject_type: Set(subject_type.to_string()),
        subject_id: Set(subject_id),
        resource_kind: Set(kind.as_str().to_string()),
        resource_id: Set(resource_id),
        level: Set(level.as_str().to_string()),
        ..Default::default()
    }
}

fn target_condition(target: Target) -> Condition {
    let (kind, id) = match target {
        Target::Kind(kind) => (kind, None),
        Target::Resource(kind, id) => (kind, Some(id)),
    };
    let base = Condition::all().add(access_grant::Column::ResourceKind.eq(kind.as_str()));
    match id {
        Some(id) => base.add(access_grant::Column::ResourceId.eq(id)),
        None => base.add(access_grant::Column::ResourceId.is_null()),
    }
}

impl Store {
    /// Every group with its members, by name.
    pub async fn groups(&self) -> Result<Vec<Group>, StoreError> {
        let groups = user_group::Entity::find()
            .order_by_asc(user_group::Column::Name)
            .all(&self.db)
            .await?;
        let members = group_member::Entity::find().all(&self.db).await?;
        let users = kiln_user::Entity::find().all(&self.db).await?;
        let name_of = |id: i64| {
            users
                .iter()
                .find(|u| u.id == id)
                .map(|u| u.username.clone())
        };
        Ok(groups
            .into_iter()
            .map(|g| {
                let mut names: Vec<String> = members
                    .iter()
                    .filter(|m| m.group_id == g.id)
                    .filter_map(|m| name_of(m.user_id))
                    .collect();
                names.sort();
                Group {
                    id: g.id,
                    name: g.name,
                    everyone: g.everyone,
                    members: names,
                }
            })
            .collect())
    }

    /// Creates a group, or updates the `everyone` flag and the members of
    /// the group called `name`, replacing its members with `user_ids`.
    pub async fn put_group(
        &self,
        name: &str,
        everyone: bool,
        user_ids: &[i64],
    ) -> Result<i64, StoreError> {
        let _guard = self.write_lock.lock().await;
        let txn = self.db.begin().await?;
        let existing = user_group::Entity::find()
            .filter(user_group::Column::Name.eq(name))
            .one(&txn)
            .await?;
        let id = match existing {
            Some(model) => {
                let id = model.id;
                let mut active: user_group::ActiveModel = model.into();
                active.everyone = Set(everyone);
                active.update(&txn).await?;
                id
            }
            None => {
                user_group::ActiveModel {
                    name: Set(name.to_string()),
                    everyone: Set(everyone),
                    ..Default::default()
                }
                .insert(&txn)
                .await?
                .id
            }
        };
        group_member::Entity::delete_many()
            .filter(group_member::Column::GroupId.eq(id))
            .exec(&txn)
            .await?;
        let mut ids = user_ids.to_vec();
        ids.sort_unstable();
        ids.dedup();
        for user_id in ids {
            group_member::ActiveModel {
                group_id: Set(id),
                user_id: Set(user_id),
            }
            .insert(&txn)
            .await?;
        }
        txn.commit().await?;
        Ok(id)
    }

    /// Deletes a group, its memberships and its grants; false when there
    /// is no such group.
    pub async fn delete_group(&self, name: &str) -> Result<bool, StoreError> {
        let Some(group) = user_group::Entity::find()
            .filter(user_group::Column::Name.eq(name))
            .one(&self.db)
            .await?
        else {
            return Ok(false);
        };
        group_member::Entity::delete_many()
            .filter(group_member::Column::GroupId.eq(group.id))
            .exec(&self.db)
            .await?;
        self.delete_grants_of(Subject::Group(group.id)).await?;
        user_group::Entity::delete_by_id(group.id)
            .exec(&self.db)
            .await?;
        Ok(true)
    }

    /// Every grant that applies to `user_id`: their own, their groups', and
    /// those of groups marked `everyone`.
    pub async fn grants_for_user(&self, user_id: i64) -> Result<Vec<Grant>, StoreError> {
        let mut group_ids: Vec<i64> = group_member::Entity::find()
            .filter(group_member::Column::UserId.eq(user_id))
            .all(&self.db)
            .await?
            .into_iter()
            .map(|m| m.group_id)
            .collect();
        group_ids.extend(
            user_group::Entity::find()
                .filter(user_group::Column::Everyone.eq(true))
                .all(&self.db)
                .await?
                .into_iter()
                .map(|g| g.id),
        );
        let condition = Condition::any()
            .add(
                Condition::all()
                    .add(access_grant::Column::SubjectType.eq("user"))
                    .add(access_grant::Column::SubjectId.eq(user_id)),
            )
            .add(
                Condition::all()
                    .add(access_grant::Column::SubjectType.eq("group"))
                    .add(access_grant::Column::SubjectId.is_in(group_ids)),
            );
        let models = access_grant::Entity::find()
            .filter(condition)
            .all(&self.db)
            .await?;
        Ok(models
            .iter()
            .filter_map(grant_of)
            .map(|g| g.grant)
            .collect())
    }

    /// Every grant, in the order they were made.
    pub async fn grants(&self) -> Result<Vec<GrantRecord>, StoreError> {
        let models = access_grant::Entity::find()
            .order_by_asc(access_grant::Column::Id)
            .all(&self.db)
            .await?;
        Ok(models.iter().filter_map(grant_of).collect())
    }

    /// Gives `subject` `level` on `target`, replacing what it had there;
    /// `Level::None` removes the grant.
    pub async fn set_grant(
        &self,
        subject: Subject,
        target: Target,
        level: Level,
    ) -> Result<(), StoreError> {
        let _guard = self.write_lock.lock().await;
        let txn = self.db.begin().await?;
        let (subject_type, subject_id) = subject_columns(subject);
        access_grant::Entity::delete_many()
            .filter(access_grant::Column::SubjectType.eq(subject_type))
            .filter(access_grant::Column::SubjectId.eq(subject_id))
            .filter(target_condition(target))
            .exec(&txn)
            .await?;
        if level != Level::None {
            grant_model(subject, target, level).insert(&txn).await?;
        }
        txn.commit().await?;
        Ok(())
    }

    /// Replaces every grant of group `group_id` with `grants`, in one
    /// transaction.
    pub async fn replace_group_grants(
        &self,
        group_id: i64,
        grants: &[(Target, Level)],
    ) -> Result<(), StoreError> {
        let _guard = self.write_lock.lock().await;
        let txn = self.db.begin().await?;
        access_grant::Entity::delete_many()
            .filter(access_grant::Column::SubjectType.eq("group"))
            .filter(access_grant::Column::SubjectId.eq(group_id))
            .exec(&txn)
            .await?;
        for (target, level) in grants.iter().filter(|(_, level)| *level != Level::None) {
            grant_model(Subject::Group(group_id), *target, *level)
                .insert(&txn)
                .await?;
        }
        txn.commit().await?;
        Ok(())
    }

    /// Removes every grant of `subject`.
    pub(crate) async fn delete_grants_of(&self, subject: Subject) -> Result<(), StoreError> {
        let (subject_type, subject_id) = subject_columns(subject);
        access_grant::Entity::delete_many()
            .filter(access_grant::Column::SubjectType.eq(subject_type))
            .filter(access_grant::Column::SubjectId.eq(subject_id))
            .exec(&self.db)
            .await?;
        Ok(())
    }
}
