//! Builders as the builders list shows them, with their last health.

use crate::{Actor, CoreError, Kiln};
use kiln_api::{BuilderView, LOCAL_BUILDER};
use kiln_domain::sync::ResourceKind;

impl Kiln {
    /// The built-in Local builder first, then every stored builder, each
    /// with the health last checked (no passkey, address or credentials).
    pub async fn builder_views(&self, _actor: &Actor) -> Result<Vec<BuilderView>, CoreError> {
        let stored = self.store().list_builders().await?;
        let revisions = self.store().revisions(ResourceKind::Builder).await?;
        let health = &self.inner.health;
        let local = BuilderView {
            name: LOCAL_BUILDER.to_string(),
            kind: "Local".to_string(),
            health: health.get(LOCAL_BUILDER),
            revision: 0,
        };
        let others = stored.iter().map(|b| BuilderView {
            name: b.name.to_string(),
            kind: b.config.kind().to_string(),
            health: health.get(b.name.as_str()),
            revision: revisions.get(b.name.as_str()).copied().unwrap_or(0),
        });
        Ok(std::iter::once(local).chain(others).collect())
    }
}
