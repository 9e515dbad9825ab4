//! A build's identity over its life: rename (same id, runs and history
//! kept) and delete (its runs go with it).

use crate::entity::run;
use crate::history::{identity, record, Recorded, Revised};
use crate::resources::one;
use crate::write::apply_changes;
use crate::{now_millis, Store, StoreError};
use kiln_domain::history::{Action, Author, FieldChange};
use kiln_domain::sync::{ChangeAction, ResourceKind};
use kiln_domain::validation::validate_change;
use kiln_domain::{Build, ResourceName};
use sea_orm::sea_query::{Alias, Expr, ExprTrait, Query};
use sea_orm::{
    ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QuerySelect, TransactionTrait,
};

impl Store {
    /// Deletes a build and every run recorded for it (by id), with a
    /// history entry. Answers the ids of the deleted runs, so the caller
    /// can remove their log files.
    pub async fn delete_build(&self, name: &str, author: &Author) -> Result<Vec<i64>, StoreError> {
        let _guard = self.write_lock.lock().await;
        let (id, _) = identity(&self.db, ResourceKind::Build, name).await?;
        let before = self.catalog().await?;
        let mut after = before.clone();
        after.builds.retain(|b| b.name.as_str() != name);
        validate_change(&before, &after)?;
        let txn = self.db.begin().await?;
        let runs: Vec<i64> = run::Entity::find()
            .select_only()
            .column(run::Column::Id)
            .filter(run::Column::BuildId.eq(id))
            .into_tuple()
            .all(&txn)
            .await?;
        run::Entity::delete_many()
            .filter(run::Column::BuildId.eq(id))
            .exec(&txn)
            .await?;
        let change = one(ResourceKind::Build, name, ChangeAction::Delete);
        apply_changes(
            &txn,
            &self.codec,
            &before,
            &after,
            &[change],
            author,
            now_millis(),
        )
        .await?;
        txn.commit().await?;
        Ok(runs)
    }

    /// Renames a build: same id, so its runs (renamed with it) and history
    /// stay; revision + 1 and a `rename` history entry. AlreadyExists when
    /// `to` is taken.
    pub async fn rename_build(
        &self,
        from: &str,
        to: &ResourceName,
        author: &Author,
    ) -> Result<Revised<Build>, StoreError> {
        let _guard = self.write_lock.lock().await;
        let (id, revision) = identity(&self.db, ResourceKind::Build, from).await?;
        let before = self.catalog().await?;
        if before.builds.iter().any(|b| &b.name == to) {
            return Err(StoreError::AlreadyExists {
                kind: "build",
                name: to.to_string(),
            });
        }
        let mut after = before.clone();
        let mut renamed = None;
        if let Some(build) = after.builds.iter_mut().find(|b| b.name.as_str() == from) {
            build.name = to.clone();
            renamed = Some(build.clone());
        }
        let renamed = renamed.ok_or_else(|| StoreError::NotFound {
            kind: "build",
            name: from.to_string(),
        })?;
        validate_change(&before, &after)?;
        let now = now_millis();
        let txn = self.db.begin().await?;
        let mut stmt = Query::update();
        stmt.table(Alias::new("build"))
            .value(Alias::new("name"), to.as_str())
            .value(Alias::new("updated_at"), now)
            .value(
                Alias::new("revision"),
                Expr::col(Alias::new("revision")).add(1),
            )
            .and_where(Expr::col(Alias::new("id")).eq(id));
        txn.execute(&stmt).await?;
        run::Entity::update_many()
            .col_expr(run::Column::BuildName, Expr::value(to.as_str()))
            .filter(run::Column::BuildId.eq(id))
            .exec(&txn)
            .await?;
        let entry = Recorded::new(
            ResourceKind::Build,
            id,
            to.as_str(),
            revision + 1,
            Action::Rename,
        );
        let change = FieldChange {
            field: "name".to_string(),
            before: Some(from.into()),
            after: Some(to.as_str().into()),
            secret: false,
        };
        record(&txn, &entry, author, now, &[change]).await?;
        txn.commit().await?;
        Ok(Revised {
            id,
            revision: revision + 1,
            value: renamed,
        })
    }
}
