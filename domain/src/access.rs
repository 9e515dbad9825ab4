//! Who may do what: permission levels, grants to users and groups, and the
//! level a user has on a resource. Komodo's model: `None < Read < Execute <
//! Write`, on one resource or on every resource of a kind, granted to a user
//! or to a group; the highest applicable grant wins; admins may do anything.
//!
//! ```
//! use kiln_domain::access::{Grant, Level, Permissions, Subject, Target};
//! use kiln_domain::sync::ResourceKind;
//!
//! let grants = vec![
//!     Grant { subject: Subject::Group(7), target: Target::Kind(ResourceKind::Build), level: Level::Read },
//!     Grant { subject: Subject::User(1), target: Target::Resource(ResourceKind::Build, 42), level: Level::Execute },
//! ];
//! let mine = Permissions::new(false, grants);
//! assert_eq!(mine.level(ResourceKind::Build, Some(42)), Level::Execute);
//! assert_eq!(mine.level(ResourceKind::Build, Some(43)), Level::Read);
//! assert_eq!(mine.level(ResourceKind::Builder, Some(1)), Level::None);
//! assert_eq!(Permissions::new(true, vec![]).level(ResourceKind::Alerter, None), Level::Write);
//! ```

use crate::sync::ResourceKind;
use serde::{Deserialize, Serialize};
use std::fmt;

/// How much a user may do with a resource, in order: `None < Read <
/// Execute < Write`. Read sees config and runs; Execute also starts and
/// cancels runs; Write also edits, renames, copies and deletes. Serialized
/// as Komodo writes it (`"Read"`).
#[derive(
    Clone, Copy, Debug, Default, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize,
)]
pub enum Level {
    /// No access: the resource is not even listed.
    #[default]
    None,
    /// See the configuration, runs and logs.
    Read,
    /// Also start and cancel runs.
    Execute,
    /// Also edit, rename, copy and delete.
    Write,
}

impl Level {
    /// Every level, lowest first.
    pub const ALL: [Level; 4] = [Level::None, Level::Read, Level::Execute, Level::Write];

    /// `"None"`, `"Read"`, `"Execute"` or `"Write"` (Komodo's spelling).
    pub fn as_str(self) -> &'static str {
        match self {
            Self::None => "None",
            Self::Read => "Read",
            Self::Execute => "Execute",
            Self::Write => "Write",
        }
    }

    /// The level named by [`Level::as_str`], any case; None otherwise.
    pub fn parse(text: &str) -> Option<Self> {
        Self::ALL
            .into_iter()
            .find(|level| level.as_str().eq_ignore_ascii_case(text.trim()))
    }
}

impl fmt::Display for Level {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Who a grant is for: a user or a group (by the store's id).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Subject {
    /// One user.
    User(i64),
    /// Every member of a group (every user, for a group marked `everyone`).
    Group(i64),
}

/// What a grant covers: every resource of a kind, or one resource (by the
/// store's id, so a rename keeps it and a new resource of a deleted one's
/// name does not inherit it).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Target {
    /// Every resource of this kind, present and future.
    Kind(ResourceKind),
    /// One resource.
    Resource(ResourceKind, i64),
}

impl Target {
    /// The kind of resource the target covers.
    pub fn kind(self) -> ResourceKind {
        match self {
            Self::Kind(kind) | Self::Resource(kind, _) => kind,
        }
    }

    /// Whether the target covers resource `id` of `kind` (`id` None: the
    /// kind as a whole, which only a kind-wide target covers).
    pub fn covers(self, kind: ResourceKind, id: Option<i64>) -> bool {
        match self {
            Self::Kind(k) => k == kind,
            Self::Resource(k, rid) => k == kind && id == Some(rid),
        }
    }
}

/// One grant: `subject` has `level` on `target`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Grant {
    pub subject: Subject,
    pub target: Target,
    pub level: Level,
}

/// What one user may do: whether they are an admin, and every grant that
/// applies to them (their own and their groups'), optionally capped (an API
/// key made with a narrower level).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Permissions {
    admin: bool,
    grants: Vec<Grant>,
    cap: Option<Level>,
}

impl Permissions {
    /// An admin (`admin`) or a user with `grants` (the caller passes only
    /// grants that apply to the user: theirs and their groups').
    pub fn new(admin: bool, grants: Vec<Grant>) -> Self {
        Self {
            admin,
            grants,
            cap: None,
        }
    }

    /// The same permissions, never above `cap` (an API key's narrower
    /// level; an admin's key with a cap is no longer an admin).
    pub fn capped(mut self, cap: Option<Level>) -> Self {
        self.cap = cap;
        self
    }

    /// Whether this user may do anything (an uncapped admin).
    pub fn is_admin(&self) -> bool {
        self.admin && self.cap.is_none()
    }

    /// The grants that apply (before the cap).
    pub fn grants(&self) -> &[Grant] {
        &self.grants
    }

    /// The level on resource `id` of `kind` (`id` None: on the kind as a
    /// whole, e.g. to create one): the highest applicable grant, `Write`
    /// for an admin, never above the cap.
    pub fn level(&self, kind: ResourceKind, id: Option<i64>) -> Level {
        let level = if self.admin {
            Level::Write
        } else {
            self.grants
                .iter()
                .filter(|g| g.target.covers(kind, id))
                .map(|g| g.level)
                .max()
                .unwrap_or(Level::None)
        };
        match self.cap {
            Some(cap) => level.min(cap),
            None => level,
        }
    }

    /// Whether the level on resource `id` of `kind` is at least `need`.
    pub fn allows(&self, kind: ResourceKind, id: Option<i64>, need: Level) -> bool {
        self.level(kind, id) >= need
    }
}

/// The name of a kind as a sentence says it (`"build"`, `"git account"`).
pub fn kind_words(kind: ResourceKind) -> &'static str {
    match kind {
        ResourceKind::Build => "build",
        ResourceKind::Builder => "builder",
        ResourceKind::Variable => "variable",
        ResourceKind::Repo => "repo",
        ResourceKind::GitAccount => "git account",
        ResourceKind::RegistryAccount => "registry account",
        ResourceKind::Alerter => "alerter",
    }
}
