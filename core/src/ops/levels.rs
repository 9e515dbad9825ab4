//! What the signed-in user may do with each resource of a kind, for pages
//! that hide or disable what the user may not do. Read-only: the
//! operations themselves refuse regardless (`access.rs`).

use crate::access::level_of;
use crate::{Actor, CoreError, Kiln};
use kiln_domain::access::Level;
use kiln_domain::sync::ResourceKind;
use std::collections::HashMap;

impl Kiln {
    /// The level `actor` has on every resource of `kind`, by name
    /// (accounts: `domain/username`), from one read of the kind's ids:
    /// a list page asks once instead of once per row.
    pub async fn levels(
        &self,
        actor: &Actor,
        kind: ResourceKind,
    ) -> Result<HashMap<String, Level>, CoreError> {
        let identities = self.store().identities(kind).await?;
        Ok(identities
            .into_iter()
            .map(|(name, identity)| {
                let level = level_of(actor, kind, Some(identity.id), &name);
                (name, level)
            })
            .collect())
    }
}
