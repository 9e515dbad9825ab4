//! Resource identities (id, revision) and the `history` table: one row per
//! change, written in the same connection or transaction as the change.

use crate::entity::history;
use crate::write::{account_key, table_of};
use crate::{Store, StoreError};
use kiln_domain::history::{Action, Author, Door, FieldChange, HistoryEntry};
use kiln_domain::sync::ResourceKind;
use kiln_domain::Catalog;
use sea_orm::sea_query::{Alias, Expr, ExprTrait, Query};
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter,
    QueryOrder,
};
use serde_json::Value;

/// A resource's stable id and current revision.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Identity {
    pub id: i64,
    pub revision: i64,
}

/// A stored value with its id and revision.
#[derive(Clone, Debug, PartialEq)]
pub struct Revised<T> {
    pub id: i64,
    pub revision: i64,
    pub value: T,
}

/// What one write recorded: the resource and the revision it produced.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Recorded {
    pub kind: ResourceKind,
    pub id: i64,
    pub name: String,
    pub revision: i64,
    pub action: Action,
}

impl Recorded {
    pub(crate) fn new(
        kind: ResourceKind,
        id: i64,
        name: &str,
        revision: i64,
        action: Action,
    ) -> Self {
        Self {
            kind,
            id,
            name: name.to_string(),
            revision,
            action,
        }
    }
}

/// The columns that name a resource of `kind` called `key` (accounts:
/// `domain/username`).
pub(crate) fn key_columns(kind: ResourceKind, key: &str) -> Vec<(&'static str, String)> {
    match kind {
        ResourceKind::GitAccount | ResourceKind::RegistryAccount => {
            let (domain, username) = key.split_once('/').unwrap_or((key, ""));
            vec![
                ("domain", domain.to_string()),
                ("username", username.to_string()),
            ]
        }
        _ => vec![("name", key.to_string())],
    }
}

/// The id and revision of the resource `kind`/`key`.
pub(crate) async fn identity(
    conn: &impl ConnectionTrait,
    kind: ResourceKind,
    key: &str,
) -> Result<(i64, i64), StoreError> {
    let mut stmt = Query::select();
    stmt.columns([Alias::new("id"), Alias::new("revision")])
        .from(Alias::new(table_of(kind)));
    for (column, value) in key_columns(kind, key) {
        stmt.and_where(Expr::col(Alias::new(column)).eq(value));
    }
    let row = conn
        .query_one(&stmt)
        .await?
        .ok_or_else(|| StoreError::NotFound {
            kind: kind.as_str(),
            name: key.to_string(),
        })?;
    let id: i64 = row.try_get("", "id")?;
    let revision: i64 = row.try_get("", "revision")?;
    Ok((id, revision))
}

/// The JSON form of resource `kind`/`key` in `catalog` (secrets in clear:
/// only for diffs and merges inside Kiln), None when absent.
pub fn resource_json(
    catalog: &Catalog,
    kind: ResourceKind,
    key: &str,
) -> Result<Option<Value>, StoreError> {
    let value = match kind {
        ResourceKind::Build => find(&catalog.builds, |b| b.name.as_str() == key),
        ResourceKind::Builder => find(&catalog.builders, |b| b.name.as_str() == key),
        ResourceKind::Repo => find(&catalog.repos, |r| r.name.as_str() == key),
        ResourceKind::Variable => find(&catalog.variables, |v| v.name.as_str() == key),
        ResourceKind::Alerter => find(&catalog.alerters, |a| a.name.as_str() == key),
        ResourceKind::GitAccount => find(&catalog.git_accounts, |a| {
            account_key(&a.domain, &a.username) == key
        }),
        ResourceKind::RegistryAccount => find(&catalog.registry_accounts, |a| {
            account_key(&a.domain, &a.username) == key
        }),
    };
    value.map_err(|e| StoreError::Corrupt {
        kind: kind.as_str(),
        name: key.to_string(),
        reason: e.to_string(),
    })
}

fn find<T: serde::Serialize>(
    items: &[T],
    wanted: impl Fn(&T) -> bool,
) -> Result<Option<Value>, serde_json::Error> {
    items
        .iter()
        .find(|item| wanted(item))
        .map(serde_json::to_value)
        .transpose()
}

/// Inserts the history row of `entry`.
pub(crate) async fn record(
    conn: &impl ConnectionTrait,
    entry: &Recorded,
    author: &Author,
    now: i64,
    changes: &[FieldChange],
) -> Result<(), StoreError> {
    let changes = serde_json::to_string(changes).map_err(|e| StoreError::Corrupt {
        kind: "history",
        name: entry.name.clone(),
        reason: e.to_string(),
    })?;
    history::ActiveModel {
        kind: Set(entry.kind.as_str().to_string()),
        resource_id: Set(entry.id),
        name: Set(entry.name.clone()),
        revision: Set(entry.revision),
        action: Set(entry.action.as_str().to_string()),
        actor: Set(author.actor.clone()),
        door: Set(author.door.as_str().to_string()),
        at_ms: Set(now),
        changes: Set(changes),
        ..Default::default()
    }
    .insert(conn)
    .await?;
    Ok(())
}

impl Store {
    /// The id and current revision of resource `kind`/`key` (accounts:
    /// `domain/username`); NotFound when it does not exist.
    pub async fn identity(&self, kind: ResourceKind, key: &str) -> Result<Identity, StoreError> {
        let (id, revision) = identity(&self.db, kind, key).await?;
        Ok(Identity { id, revision })
    }

    /// The revision of every resource of `kind`, by name (accounts:
    /// `domain/username`).
    pub async fn revisions(
        &self,
        kind: ResourceKind,
    ) -> Result<std::collections::HashMap<String, i64>, StoreError> {
        Ok(self
            .identities(kind)
            .await?
            .into_iter()
            .map(|(key, identity)| (key, identity.revision))
            .collect())
    }

    /// The id and revision of every resource of `kind`, by name (accounts:
    /// `domain/username`).
    pub async fn identities(
        &self,
        kind: ResourceKind,
    ) -> Result<std::collections::HashMap<String, Identity>, StoreError> {
        let account = matches!(
            kind,
            ResourceKind::GitAccount | ResourceKind::RegistryAccount
        );
        let mut stmt = Query::select();
        stmt.columns([Alias::new("id"), Alias::new("revision")])
            .from(Alias::new(table_of(kind)));
        if account {
            stmt.columns([Alias::new("domain"), Alias::new("username")]);
        } else {
            stmt.column(Alias::new("name"));
        }
        let mut identities = std::collections::HashMap::new();
        for row in self.db.query_all(&stmt).await? {
            let key: String = if account {
                let domain: String = row.try_get("", "domain")?;
                let username: String = row.try_get("", "username")?;
                account_key(&domain, &username)
            } else {
                row.try_get("", "name")?
            };
            identities.insert(
                key,
                Identity {
                    id: row.try_get::<i64>("", "id")?,
                    revision: row.try_get::<i64>("", "revision")?,
                },
            );
        }
        Ok(identities)
    }

    /// Every recorded change of resource `kind` with id `id` whose revision
    /// is above `after` (0 for all), newest first.
    pub async fn history(
        &self,
        kind: ResourceKind,
        id: i64,
        after: i64,
    ) -> Result<Vec<HistoryEntry>, StoreError> {
        history::Entity::find()
            .filter(history::Column::Kind.eq(kind.as_str()))
            .filter(history::Column::ResourceId.eq(id))
            .filter(history::Column::Revision.gt(after))
            .order_by_desc(history::Column::Revision)
            .order_by_desc(history::Column::Id)
            .all(&self.db)
            .await?
            .into_iter()
            .map(entry_from)
            .collect()
    }
}

fn entry_from(m: history::Model) -> Result<HistoryEntry, StoreError> {
    let corrupt = |reason: String| StoreError::Corrupt {
        kind: "history",
        name: m.id.to_string(),
        reason,
    };
    let action =
        Action::parse(&m.action).ok_or_else(|| corrupt(format!("action '{}'", m.action)))?;
    let door = Door::parse(&m.door).ok_or_else(|| corrupt(format!("door '{}'", m.door)))?;
    let changes = serde_json::from_str(&m.changes).map_err(|e| corrupt(e.to_string()))?;
    Ok(HistoryEntry {
        kind: m.kind,
        resource_id: m.resource_id,
        name: m.name,
        revision: m.revision,
        action,
        actor: m.actor,
        door,
        at_ms: m.at_ms,
        changes,
    })
}
