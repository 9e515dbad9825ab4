//! What the build page loads and what saving it answers.

use crate::revisions::FieldConflict;
use crate::runs::RunView;
use kiln_domain::access::Level;
use kiln_domain::{Build, ValidationError};
use serde::{Deserialize, Serialize};

/// Everything the build page needs. `build` has its secrets redacted
/// (`kiln_domain::redact`).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct BuildPageData {
    pub build: Build,
    /// The build's revision: a save sends it back with the changed fields.
    pub revision: i64,
    pub last_run: Option<RunView>,
    /// `scheme://host` the browser used, for the webhook URLs.
    pub origin: String,
    pub choices: Choices,
    pub now_ms: i64,
    /// The signed-in user's level on this build: Execute shows Run, Write
    /// the editable form, Save, Rename and Delete.
    #[serde(default)]
    pub level: Level,
    /// Whether the user may create builds (Copy).
    #[serde(default)]
    pub can_create: bool,
    /// Whether the user is an admin (the Permissions tab).
    #[serde(default)]
    pub admin: bool,
}

/// What the config form offers in its pickers.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Choices {
    pub builders: Vec<String>,
    pub git_accounts: Vec<AccountRef>,
    pub registry_accounts: Vec<AccountRef>,
    pub repos: Vec<String>,
}

/// An account by (domain, username).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct AccountRef {
    pub domain: String,
    pub username: String,
}

/// What saving a build's config did.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub enum SaveAnswer {
    /// Saved; the stored build, redacted, and its new revision.
    Saved(Box<Build>, i64),
    /// Refused; every problem, by field.
    Invalid(Vec<ValidationError>),
    /// Some changed fields were changed by someone else since the draft's
    /// revision: those fields, and the build as it is now (redacted) with
    /// its revision.
    Conflict(Vec<FieldConflict>, Box<Build>, i64),
}

/// A git or files-on-host build's Dockerfile, read where the build runs.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SourceDockerfile {
    /// The builder that read it.
    pub builder: String,
    /// Its path on the builder host, or inside the repository.
    pub path: String,
    /// The commit it was read at (git sources: the last built one).
    pub commit: Option<String>,
    pub contents: String,
}
