//! Builders as the builders list shows them, with their last health.

use crate::{Actor, CoreError, Kiln};
use kiln_api::{BuilderView, LOCAL_BUILDER};

impl Kiln {
    /// The built-in Local builder first, then every stored builder, each
    /// with the health last checked (no passkey, address or credentials).
    pub async fn builder_views(&self, _actor: &Actor) -> Result<Vec<BuilderView>, CoreError> {
        let stored = self.store().list_builders().await?;
        let health = &self.inner.health;
        let local = BuilderView {
            name: LOCAL_BUILDER.to_string(),
            kind: "Local".to_string(),
            health: health.get(LOCAL_BUILDER),
        };
        let others = stored.iter().map(|b| BuilderView {
            name: b.name.to_string(),
            kind: b.config.kind().to_string(),
            health: health.get(b.name.as_str()),
        });
        Ok(std::iter::once(local).chain(others).collect())
    }
}
