//! Kiln's persistence over sea-orm: SQLite by default, PostgreSQL with the
//! same migrations. Callers see `kiln_domain` types only; entities stay here.
//!
//! Architecture invariant: every write that changes which resources exist goes
//! through [`Store`] methods that validate the whole resulting catalog first,
//! with `kiln_domain::validate_change`: a write is refused for the problems
//! it introduces, never for one the stored catalog already had (a build
//! saved before a rule existed must not block unrelated writes).

mod access;
mod accounts;
mod alerters;
mod build_lifecycle;
mod cipher;
mod connect;
mod convert;
mod ec2;
mod entity;
mod error;
mod history;
mod resources;
mod runs;
mod sync;
mod users;
mod variables;
mod write;

pub use access::{GrantRecord, Group};
pub use accounts::{Account, AccountKind};
pub use cipher::{CipherError, SecretCipher};
pub use connect::sqlite_url_in;
pub use ec2::{Ec2InstanceRecord, Ec2InstanceState};
pub use error::StoreError;
pub use history::{resource_json, Identity, Recorded, Revised};
pub use runs::{NewRun, RunEnd, INTERRUPTED};
pub use sync::SyncOutcome;
pub use users::{ApiKeyRecord, NewApiKey, SessionRecord, User};
pub use variables::VariableEdit;

use sea_orm::DatabaseConnection;
use std::sync::Arc;
use tokio::sync::Mutex;

/// Handle to Kiln's database. Cheap to clone.
#[derive(Clone)]
pub struct Store {
    db: DatabaseConnection,
    /// Serialises catalog writes: each one reads, validates and writes the
    /// whole catalog, so two must not interleave.
    write_lock: Arc<Mutex<()>>,
    codec: convert::Codec,
}

impl std::fmt::Debug for Store {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Store")
            .field("backend", &self.db.get_database_backend())
            .finish()
    }
}

fn now_millis() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| i64::try_from(d.as_millis()).unwrap_or(i64::MAX))
        .unwrap_or(0)
}
