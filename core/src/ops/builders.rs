//! Builders as the builders list shows them, with their last health.

use crate::{Actor, CoreError, Kiln};
use kiln_api::{BuilderView, LOCAL_BUILDER};
use kiln_domain::access::Level;
use kiln_domain::sync::ResourceKind;

impl Kiln {
    /// The built-in Local builder first, then every stored builder, each
    /// with the health last checked (no passkey, address or credentials).
    /// Only the builders `actor` may read; the Local builder needs Read on
    /// every builder.
    pub async fn builder_views(&self, actor: &Actor) -> Result<Vec<BuilderView>, CoreError> {
        let readable = self.readable(actor, ResourceKind::Builder).await?;
        let local_readable =
            crate::access::level_of(actor, ResourceKind::Builder, None, "") >= Level::Read;
        let stored: Vec<_> = self
            .store()
            .list_builders()
            .await?
            .into_iter()
            .filter(|b| readable.allows(b.name.as_str()))
            .collect();
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
        Ok(local_readable
            .then_some(local)
            .into_iter()
            .chain(others)
            .collect())
    }
}
