//! Komodo-compatible resource-sync TOML: [`parse`] a file, [`plan`] what
//! applying it to the current [`Catalog`](crate::Catalog) changes, and
//! [`export`] a catalog back to a file.
//!
//! The format is Komodo's: top-level arrays `[[build]]`, `[[builder]]`,
//! `[[variable]]` and `[[repo]]`, each with `name`, `description`, `tags`
//! and a `config` table (`[build.config]`, `[builder.config]` with
//! `type = "Aws" | "Server" | "Url" | "Local"` and `params.*`, ...), plus
//! Kiln's own `[[git_account]]` and `[[registry_account]]` (`domain`,
//! `username`, optional `token`), `[[alerter]]` (Komodo's layout, as far
//! as it maps to build alerts) and `[[user_group]]` (members and levels per
//! kind and per resource; applied by admins only, `user_group.rs`). Komodo's other resource kinds and the
//! Komodo settings Kiln has no use for are skipped with a warning; any other
//! unknown key or wrongly typed value is an error naming the key and line.
//!
//! Secrets never leave Kiln through [`export`]: secret variable values,
//! account tokens, Server builder passkeys, build webhook secrets and alerter
//! URLs are left out, and [`plan`] keeps the current secret when a file leaves
//! it out (so a file cannot clear a passkey or webhook secret; the UI can).

mod diff;
mod export;
mod file;
mod kind;
mod merge;
mod parse;
mod parse_alerter;
mod plan;
mod raw;
mod resolve;
mod toml_text;
mod user_group;

pub use export::export;
pub use file::{AccountEntry, SyncFile, VariableEntry};
pub use kind::ResourceKind;
pub use parse::parse;
pub use plan::{plan, plan_with, Change, ChangeAction, PlanOptions, SyncPlan, HIDDEN_FIELD};
pub use user_group::{export_user_groups, komodo_kind, UserGroupEntry};

use crate::ValidationErrors;

/// Why a sync file could not be read or applied.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SyncError {
    /// The TOML does not parse or does not fit the format; the message is
    /// toml's, with `TOML parse error at line N, column M`.
    #[error("{0}")]
    Toml(String),
    /// Applying the file would leave invalid resources.
    #[error("the sync file would leave invalid resources:\n{0}")]
    Invalid(ValidationErrors),
    /// A new secret variable or account has no value in the file, and there
    /// is no current one to keep.
    #[error("{}", secret_message(*kind, name))]
    Secret { kind: ResourceKind, name: String },
    /// A build's `secret_args` line is a placeholder (`KEY=<KEY>`, as
    /// exports write them) with no stored value to put back.
    #[error("build '{build}': config.secret_args: {key}=<{key}> is a placeholder and this Kiln stores no value for {key}; put the value in the file once or set it in the UI")]
    Placeholder { build: String, key: String },
}

fn secret_message(kind: ResourceKind, name: &str) -> String {
    let what = match kind {
        ResourceKind::Variable => "`value`",
        ResourceKind::Alerter => "`endpoint.params.url`",
        _ => "`token`",
    };
    format!(
        "new {} '{name}' has no {what} in the sync file; add it to the file once or create it in the UI",
        kind.as_str()
    )
}
