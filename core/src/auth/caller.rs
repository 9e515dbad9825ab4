//! Who a request comes from, once a front door has authenticated it.

use kiln_domain::access::{Level, Permissions};
use kiln_domain::sync::ResourceKind;
use std::sync::Arc;

/// How a caller proved who they are.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Credential {
    /// A browser session; state-changing requests must carry its CSRF token.
    Session {
        /// The token the session's pages send back (`x-csrf-token`).
        csrf_token: String,
    },
    /// An API key (`Authorization: Bearer …`), by its id.
    ApiKey { key_id: i64 },
}

/// An authenticated user: their id and name, what they may do (their own
/// and their groups' grants, capped for a narrower API key), and how they
/// proved it. Made only by the core's authentication; cheap to clone.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Caller {
    inner: Arc<Inner>,
}

#[derive(Debug, PartialEq, Eq)]
struct Inner {
    user_id: i64,
    username: String,
    permissions: Permissions,
    credential: Credential,
}

impl Caller {
    pub(crate) fn new(
        user_id: i64,
        username: String,
        permissions: Permissions,
        credential: Credential,
    ) -> Self {
        Self {
            inner: Arc::new(Inner {
                user_id,
                username,
                permissions,
                credential,
            }),
        }
    }

    /// The user's id in the store.
    pub fn user_id(&self) -> i64 {
        self.inner.user_id
    }

    /// The user's name (what the history records).
    pub fn username(&self) -> &str {
        &self.inner.username
    }

    /// What the user may do.
    pub fn permissions(&self) -> &Permissions {
        &self.inner.permissions
    }

    /// Whether the user may do anything (an admin, not through a capped key).
    pub fn is_admin(&self) -> bool {
        self.inner.permissions.is_admin()
    }

    /// The level on resource `id` of `kind` (None: the kind as a whole).
    pub fn level(&self, kind: ResourceKind, id: Option<i64>) -> Level {
        self.inner.permissions.level(kind, id)
    }

    /// How the user proved who they are.
    pub fn credential(&self) -> &Credential {
        &self.inner.credential
    }
}
