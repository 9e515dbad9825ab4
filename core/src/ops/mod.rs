//! The operations of [`crate::Kiln`], one file per subject. Each takes the
//! [`crate::Actor`] first and answers `Result<_, crate::CoreError>` with
//! values already redacted.

pub(crate) mod auth;
pub(crate) mod build_life;
pub(crate) mod builders;
pub(crate) mod builds;
pub(crate) mod levels;
pub(crate) mod patch;
pub(crate) mod permissions;
pub(crate) mod references;
pub(crate) mod resources;
pub(crate) mod runs;
pub(crate) mod sync;
pub(crate) mod user_groups;
pub(crate) mod users;
pub(crate) mod webhooks;
