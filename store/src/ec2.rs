//! EC2 instances launched for runs: recorded before any waiting, marked as
//! termination proceeds, and listed for the orphan sweep.

use crate::entity::ec2_instance;
use crate::{now_millis, Store, StoreError};
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, EntityTrait, QueryFilter, QueryOrder,
};

/// Where an instance is in Kiln's bookkeeping.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Ec2InstanceState {
    /// RunInstances answered; not yet known to be terminated.
    Launched,
    /// Every termination attempt failed; the sweep keeps trying.
    TerminateFailed,
    /// TerminateInstances succeeded (or the instance no longer exists).
    Terminated,
}

impl Ec2InstanceState {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Launched => "launched",
            Self::TerminateFailed => "terminate_failed",
            Self::Terminated => "terminated",
        }
    }

    fn parse(raw: &str) -> Option<Self> {
        [Self::Launched, Self::TerminateFailed, Self::Terminated]
            .into_iter()
            .find(|s| s.as_str() == raw)
    }
}

/// One launched instance.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Ec2InstanceRecord {
    pub instance_id: String,
    pub run_id: i64,
    pub builder: String,
    pub region: String,
    pub state: Ec2InstanceState,
    pub last_error: String,
    pub created_ms: i64,
    pub terminated_ms: Option<i64>,
}

impl Store {
    /// Records an instance right after RunInstances answered.
    pub async fn record_ec2_instance(
        &self,
        instance_id: &str,
        run_id: i64,
        builder: &str,
        region: &str,
    ) -> Result<(), StoreError> {
        ec2_instance::ActiveModel {
            instance_id: Set(instance_id.to_string()),
            run_id: Set(run_id),
            builder: Set(builder.to_string()),
            region: Set(region.to_string()),
            state: Set(Ec2InstanceState::Launched.as_str().to_string()),
            last_error: Set(String::new()),
            created_at: Set(now_millis()),
            terminated_at: Set(None),
            ..Default::default()
        }
        .insert(&self.db)
        .await?;
        Ok(())
    }

    /// Records the outcome of terminating an instance (`error` for a failure).
    pub async fn mark_ec2_instance(
        &self,
        instance_id: &str,
        state: Ec2InstanceState,
        error: &str,
    ) -> Result<(), StoreError> {
        let terminated_at = (state == Ec2InstanceState::Terminated).then(now_millis);
        let done = ec2_instance::Entity::update_many()
            .set(ec2_instance::ActiveModel {
                state: Set(state.as_str().to_string()),
                last_error: Set(error.to_string()),
                terminated_at: Set(terminated_at),
                ..Default::default()
            })
            .filter(ec2_instance::Column::InstanceId.eq(instance_id))
            .exec(&self.db)
            .await?;
        if done.rows_affected == 0 {
            return Err(StoreError::NotFound {
                kind: "ec2 instance",
                name: instance_id.to_string(),
            });
        }
        Ok(())
    }

    /// Instances not known to be terminated, oldest first.
    pub async fn open_ec2_instances(&self) -> Result<Vec<Ec2InstanceRecord>, StoreError> {
        self.ec2_instances(Some(false)).await
    }

    /// Every recorded instance, oldest first.
    pub async fn all_ec2_instances(&self) -> Result<Vec<Ec2InstanceRecord>, StoreError> {
        self.ec2_instances(None).await
    }

    async fn ec2_instances(
        &self,
        terminated: Option<bool>,
    ) -> Result<Vec<Ec2InstanceRecord>, StoreError> {
        let mut query = ec2_instance::Entity::find().order_by_asc(ec2_instance::Column::Id);
        let done = Ec2InstanceState::Terminated.as_str();
        query = match terminated {
            Some(true) => query.filter(ec2_instance::Column::State.eq(done)),
            Some(false) => query.filter(ec2_instance::Column::State.ne(done)),
            None => query,
        };
        query
            .all(&self.db)
            .await?
            .into_iter()
            .map(|m| {
                let state =
                    Ec2InstanceState::parse(&m.state).ok_or_else(|| StoreError::Corrupt {
                        kind: "ec2 instance",
                        name: m.instance_id.clone(),
                        reason: format!("state '{}'", m.state),
                    })?;
                Ok(Ec2InstanceRecord {
                    instance_id: m.instance_id,
                    run_id: m.run_id,
                    builder: m.builder,
                    region: m.region,
                    state,
                    last_error: m.last_error,
                    created_ms: m.created_at,
                    terminated_ms: m.terminated_at,
                })
            })
            .collect()
    }
}
