//! Atomic, idempotent application of a TOML sync file.

use crate::resources::load_catalog;
use crate::write::apply_changes;
use crate::{now_millis, Store, StoreError};
use kiln_domain::history::Author;
use kiln_domain::sync::{plan_with, PlanOptions, SyncFile, SyncPlan};
use sea_orm::TransactionTrait;

/// What a sync did (or, in a dry run, would do).
#[derive(Debug)]
pub struct SyncOutcome {
    pub plan: SyncPlan,
    pub applied: bool,
}

impl Store {
    /// Plans `file` against the stored catalog and, unless `dry_run`, writes
    /// every change in one transaction, each with a history entry as
    /// `author`'s: all of it lands or none of it.
    pub async fn sync(
        &self,
        file: &SyncFile,
        dry_run: bool,
        delete: bool,
        author: &Author,
    ) -> Result<SyncOutcome, StoreError> {
        let options = PlanOptions {
            delete,
            force_version: false,
        };
        self.sync_with(file, dry_run, options, author).await
    }

    /// [`Store::sync`] with every plan option (`force_version` lets the
    /// file lower a build's version).
    pub async fn sync_with(
        &self,
        file: &SyncFile,
        dry_run: bool,
        options: PlanOptions,
        author: &Author,
    ) -> Result<SyncOutcome, StoreError> {
        let _guard = self.write_lock.lock().await;
        let current = load_catalog(&self.db, &self.codec).await?;
        let plan = plan_with(&current, file, options)?;
        if dry_run || plan.changes.is_empty() {
            return Ok(SyncOutcome {
                plan,
                applied: false,
            });
        }
        let txn = self.db.begin().await?;
        apply_changes(
            &txn,
            &self.codec,
            &current,
            &plan.target,
            &plan.changes,
            author,
            now_millis(),
        )
        .await?;
        txn.commit().await?;
        Ok(SyncOutcome {
            plan,
            applied: true,
        })
    }
}
