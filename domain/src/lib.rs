//! Kiln's domain: the resources a team configures (builds, builders, variables,
//! accounts, repos), their validation, version and tag logic, and the
//! Komodo-compatible TOML sync format.
//!
//! Architecture invariant: this crate does no I/O. It is shared by the server,
//! the web app (both sides of the wire) and the future agent.
//!
//! - [`Catalog`] holds every resource; [`validate_catalog`] checks it as a
//!   whole and [`validate_build`] checks one build (inline UI errors).
//! - [`Version`] parses `"1.2.3"`, `"1.2"`, `"1"`, `v1.2.3` and Komodo's
//!   `{ major, minor, patch }` table.
//! - [`env_lines::parse_env_lines`] reads the `KEY=value` text of build args,
//!   secret args and labels.
//! - [`image`] computes image paths per registry and the tags a run pushes.
//! - [`paths`] checks the paths a build names inside its build directory.
//! - [`validate_change`] refuses only the problems a write introduces (what
//!   the store uses, so an old invalid resource does not block other writes).
//! - [`build_args_policy`] decides which `docker build` flags a build's
//!   `extra_args` may hold (the build sandbox).
//! - [`sync`] reads, plans and exports Komodo resource-sync TOML files.
//!
//! ```
//! use kiln_domain::{sync, Catalog};
//!
//! let file = sync::parse(
//!     r#"
//! [[build]]
//! name = "api"
//! [build.config]
//! version = { major = 1, minor = 4, patch = 2 }
//! image_registry = { domain = "ghcr.io", organization = "acme" }
//! "#,
//! )?;
//! let plan = sync::plan(&Catalog::default(), &file, false)?;
//! assert_eq!(plan.render(), "create build 'api'\n");
//! let api = &plan.target.builds[0];
//! let refs = kiln_domain::image::planned_refs(api, &api.config.version, Some("a6v8h83"));
//! assert_eq!(refs[0].0.path, "ghcr.io/acme/api");
//! assert_eq!(refs[0].1, ["latest", "1.4.2", "1.4", "1", "a6v8h83"]);
//! # Ok::<(), kiln_domain::SyncError>(())
//! ```

pub mod access;
pub mod account;
pub mod alerter;
pub mod build;
pub mod build_args_policy;
pub mod builder;
pub mod catalog;
pub mod env_lines;
pub mod history;
pub mod image;
pub mod name;
pub mod paths;
pub mod placeholder;
pub mod redact;
pub mod references;
pub mod repo;
pub mod run;
pub mod secret;
pub mod sync;
pub mod validation;
pub mod variable;
pub mod version;
pub mod webhook;

mod builder_tagged;
mod serde_forms;

pub use account::{GitAccount, RegistryAccount};
pub use alerter::Alerter;
pub use build::{Build, BuildConfig, ImageRegistry, PreBuild, SourceKind};
pub use builder::{
    AwsBuilderConfig, Builder, BuilderConfig, LocalBuilderConfig, ServerBuilderConfig,
    LOCAL_BUILDER_NAME,
};
pub use catalog::Catalog;
pub use env_lines::{parse_env_lines, EnvLine, EnvLineError};
pub use image::RegistryImage;
pub use name::{NameError, ResourceName};
pub use repo::{Repo, RepoConfig};
pub use run::{LogLine, PushedImage, Run, RunStatus, StageRecord, Stream};
pub use secret::Secret;
pub use sync::{SyncError, SyncFile, SyncPlan};
pub use validation::{
    validate_build, validate_catalog, validate_change, validate_change_with, ChangeRules,
    ValidationError, ValidationErrors,
};
pub use variable::Variable;
pub use version::{Version, VersionError};
