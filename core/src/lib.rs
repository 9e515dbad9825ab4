//! Kiln's application core: one façade, [`Kiln`], holds every operation a
//! user or a trigger performs — list, read, create, update and delete
//! builds, builders, repos, variables, accounts and alerters; start and
//! cancel runs; read runs and their logs; sync plan, apply and export; read a
//! git or files-on-host build's Dockerfile; builder health. The JSON API,
//! the server functions, the webhook listeners and the CLI's server side
//! are adapters over it.
//!
//! Every operation takes the [`Actor`] performing it and answers
//! `Result<T, CoreError>`: [`CoreError`] has one kind per answer a front
//! door gives (not found, malformed, invalid, conflict, internal), and the
//! store's and the run manager's errors are mapped into it in one place
//! (`error.rs`). Values leave the core already redacted: builds' secret args
//! as `KEY=<KEY>` and webhook secrets as placeholders, variables without
//! secret values, accounts without tokens, alerters without URLs; a
//! placeholder sent back (a saved build, a sync file) keeps the stored
//! secret.
//!
//! Behind the façade: the run manager (`runs/`: build lock, builder
//! queues, cancel, timeout, live logs), alerts (`alerts/`), builder health
//! (`health/`) and EC2 builders (`aws/`).
//!
//! Access control lives here too (`access.rs`, `auth/`): front doors
//! authenticate a request with [`Kiln::authenticate_session`] or
//! [`Kiln::authenticate_key`] and pass the [`Caller`] inside the [`Actor`];
//! every operation checks the caller's level on the resource it touches
//! (403 naming the level missing) and lists hold only what the caller may
//! read.
//!
//! Architecture invariant: only `kiln-core` touches `kiln_store::Store` and
//! the run manager; front doors hold a [`Kiln`].

mod access;
mod actor;
mod alerts;
mod auth;
mod aws;
mod error;
mod health;
mod kiln;
mod ops;
mod parse_errors;
mod runs;

pub use actor::{Actor, Trigger};
pub use alerts::RetryPolicy;
pub use auth::{AuthSettings, Caller, Credential, LoginLimits};
pub use aws::Ec2Settings;
pub use error::CoreError;
pub use kiln::{Kiln, Settings};
pub use kiln_engine::NetPolicy;
pub use ops::auth::NewSession;
pub use ops::runs::LogFollow;
pub use ops::sync::SyncReport;
pub use ops::users::API_KEY_PREFIX;
pub use ops::webhooks::{WebhookStart, WebhookTarget};
pub use parse_errors::hide_input;
pub use runs::{LogEvent, RunSettings};

/// `scheme://host[:port]` people reach Kiln at, as the server's guard
/// decided it for a request (`KILN_PUBLIC_URL`, a trusted proxy's
/// forwarded host, or the `Host` header), for absolute URLs pages show.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PublicOrigin(pub String);

/// The SQLite database URL Kiln uses by default inside `data_dir`.
pub fn sqlite_url_in(data_dir: &std::path::Path) -> String {
    kiln_store::sqlite_url_in(data_dir)
}

/// Now in Unix milliseconds.
pub fn now_ms() -> i64 {
    runs::now_ms()
}
