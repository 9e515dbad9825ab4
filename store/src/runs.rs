//! Run records: created queued, updated as stages end, finished once.

use crate::entity::run;
use crate::history::identity;
use crate::{now_millis, Store, StoreError};
use kiln_domain::sync::ResourceKind;
use kiln_domain::{PushedImage, Run, RunStatus, StageRecord, Version};
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, EntityTrait, QueryFilter, QueryOrder,
    QuerySelect,
};

/// A new run's identity.
#[derive(Debug, Clone)]
pub struct NewRun {
    /// The build's id ([`crate::Identity`]).
    pub build_id: i64,
    pub build_name: String,
    pub builder: String,
    pub trigger: String,
    pub version: Version,
}

/// How a run ended.
#[derive(Debug, Clone)]
pub struct RunEnd {
    pub status: RunStatus,
    pub error: String,
    pub commit: String,
    pub short_commit: String,
    pub image_id: String,
    pub image_size: i64,
    pub pushed: Vec<PushedImage>,
    pub stages: Vec<StageRecord>,
}

/// What a restart writes into runs that were live when Kiln stopped.
pub const INTERRUPTED: &str = "interrupted by restart";

impl Store {
    /// Records a queued run.
    pub async fn create_run(&self, new: NewRun) -> Result<Run, StoreError> {
        let model = run::ActiveModel {
            build_id: Set(Some(new.build_id)),
            build_name: Set(new.build_name),
            builder: Set(new.builder),
            trigger: Set(new.trigger),
            status: Set(RunStatus::Queued.as_str().to_string()),
            version: Set(new.version.to_string()),
            commit_sha: Set(String::new()),
            short_commit: Set(String::new()),
            error: Set(String::new()),
            image_id: Set(String::new()),
            image_size: Set(0),
            pushed: Set("[]".to_string()),
            stages: Set("[]".to_string()),
            created_at: Set(now_millis()),
            started_at: Set(None),
            ended_at: Set(None),
            ..Default::default()
        };
        run_from(model.insert(&self.db).await?)
    }

    /// Marks a run as running, possibly with the version it builds.
    pub async fn start_run(&self, id: i64, version: &Version) -> Result<(), StoreError> {
        let model = run::ActiveModel {
            id: Set(id),
            status: Set(RunStatus::Running.as_str().to_string()),
            version: Set(version.to_string()),
            started_at: Set(Some(now_millis())),
            ..Default::default()
        };
        model.update(&self.db).await?;
        Ok(())
    }

    /// Saves the stage records so far (called as each stage ends).
    pub async fn save_stages(&self, id: i64, stages: &[StageRecord]) -> Result<(), StoreError> {
        let model = run::ActiveModel {
            id: Set(id),
            stages: Set(json(stages)?),
            ..Default::default()
        };
        model.update(&self.db).await?;
        Ok(())
    }

    /// Writes a run's end.
    pub async fn finish_run(&self, id: i64, end: RunEnd) -> Result<Run, StoreError> {
        let model = run::ActiveModel {
            id: Set(id),
            status: Set(end.status.as_str().to_string()),
            error: Set(end.error),
            commit_sha: Set(end.commit),
            short_commit: Set(end.short_commit),
            image_id: Set(end.image_id),
            image_size: Set(end.image_size),
            pushed: Set(json(&end.pushed)?),
            stages: Set(json(&end.stages)?),
            ended_at: Set(Some(now_millis())),
            ..Default::default()
        };
        run_from(model.update(&self.db).await?)
    }

    pub async fn run(&self, id: i64) -> Result<Run, StoreError> {
        run::Entity::find_by_id(id)
            .one(&self.db)
            .await?
            .map(run_from)
            .transpose()?
            .ok_or_else(|| StoreError::NotFound {
                kind: "run",
                name: id.to_string(),
            })
    }

    /// A build's runs (by its id: a renamed build keeps them, a new build
    /// of a deleted one's name has none), newest first.
    pub async fn runs_of_build(&self, build: &str, limit: u64) -> Result<Vec<Run>, StoreError> {
        let Ok((id, _)) = identity(&self.db, ResourceKind::Build, build).await else {
            return Ok(Vec::new());
        };
        run::Entity::find()
            .filter(run::Column::BuildId.eq(id))
            .order_by_desc(run::Column::Id)
            .limit(limit)
            .all(&self.db)
            .await?
            .into_iter()
            .map(run_from)
            .collect()
    }

    /// At start-up: runs left queued or running by a crash become failed.
    pub async fn interrupt_live_runs(&self) -> Result<u64, StoreError> {
        let done = run::Entity::update_many()
            .col_expr(run::Column::Status, Expr::value(RunStatus::Failed.as_str()))
            .col_expr(run::Column::Error, Expr::value(INTERRUPTED))
            .col_expr(run::Column::EndedAt, Expr::value(now_millis()))
            .filter(
                run::Column::Status
                    .is_in([RunStatus::Queued.as_str(), RunStatus::Running.as_str()]),
            )
            .exec(&self.db)
            .await?;
        Ok(done.rows_affected)
    }
}

fn json<T: serde::Serialize + ?Sized>(value: &T) -> Result<String, StoreError> {
    serde_json::to_string(value).map_err(|e| StoreError::Corrupt {
        kind: "run",
        name: String::new(),
        reason: e.to_string(),
    })
}

fn run_from(m: run::Model) -> Result<Run, StoreError> {
    let corrupt = |reason: String| StoreError::Corrupt {
        kind: "run",
        name: m.id.to_string(),
        reason,
    };
    let status =
        RunStatus::parse(&m.status).ok_or_else(|| corrupt(format!("status '{}'", m.status)))?;
    let pushed = serde_json::from_str(&m.pushed).map_err(|e| corrupt(e.to_string()))?;
    let stages = serde_json::from_str(&m.stages).map_err(|e| corrupt(e.to_string()))?;
    Ok(Run {
        id: m.id,
        build_name: m.build_name,
        builder: m.builder,
        trigger: m.trigger,
        status,
        version: m.version,
        commit: m.commit_sha,
        short_commit: m.short_commit,
        error: m.error,
        image_id: m.image_id,
        image_size: m.image_size,
        pushed,
        stages,
        created_ms: m.created_at,
        started_ms: m.started_at,
        ended_ms: m.ended_at,
    })
}
