//! Reading alerters (they are written by sync, like every resource).

use crate::entity::alerter;
use crate::{Store, StoreError};
use kiln_domain::Alerter;
use sea_orm::{EntityTrait, QueryOrder};

impl Store {
    /// Every alerter ordered by name, URLs opened (callers must not show them).
    pub async fn list_alerters(&self) -> Result<Vec<Alerter>, StoreError> {
        alerter::Entity::find()
            .order_by_asc(alerter::Column::Name)
            .all(&self.db)
            .await?
            .into_iter()
            .map(|m| self.codec.alerter_from(m))
            .collect()
    }
}
