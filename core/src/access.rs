//! The one place Kiln decides whether an actor may perform an operation.
//! Every method of [`Kiln`] that reads or changes a resource calls one of
//! these first; lists keep only what the actor may read.
//!
//! Users act with their permissions (`kiln_domain::access`); Kiln itself
//! ([`Actor::System`]) may do anything; a webhook may only read and run the
//! build it was signed for.

use crate::{Actor, CoreError, Kiln};
use kiln_domain::access::{kind_words, Level};
use kiln_domain::sync::ResourceKind;
use std::collections::HashMap;

/// The level `actor` has on resource `id` of `kind` (None: the kind as a
/// whole), where `name` is the resource's name (for webhooks).
pub(crate) fn level_of(actor: &Actor, kind: ResourceKind, id: Option<i64>, name: &str) -> Level {
    match actor {
        Actor::System => Level::Write,
        Actor::Webhook { build } => {
            if kind == ResourceKind::Build && build == name && id.is_some() {
                Level::Execute
            } else {
                Level::None
            }
        }
        Actor::Ui(caller) | Actor::Api(caller) | Actor::Cli(caller) => caller.level(kind, id),
    }
}

/// The refusal of an operation that needs `need` where the actor has `has`.
fn forbidden(kind: ResourceKind, name: Option<&str>, need: Level, has: Level) -> CoreError {
    let what = match name {
        Some(name) => format!("{} '{name}'", kind_words(kind)),
        None => format!("every {}", kind_words(kind)),
    };
    CoreError::Forbidden(format!(
        "this needs {need} permission on {what}; you have {has}"
    ))
}

impl Kiln {
    /// Refuses (403, naming the missing level) unless `actor` has at least
    /// `need` on resource `kind`/`key` (accounts: `domain/username`);
    /// answers the resource's id. 404 when it does not exist — checked
    /// after the permission for actors who may not read the kind at all,
    /// so they learn nothing from the answer.
    pub(crate) async fn require(
        &self,
        actor: &Actor,
        kind: ResourceKind,
        key: &str,
        need: Level,
    ) -> Result<i64, CoreError> {
        let kind_level = level_of(actor, kind, None, key);
        let identity = match self.store().identity(kind, key).await {
            Ok(identity) => identity,
            Err(e) if kind_level >= Level::Read || matches!(actor, Actor::System) => {
                return Err(e.into())
            }
            Err(kiln_store::StoreError::NotFound { .. }) => {
                return Err(forbidden(kind, Some(key), need, Level::None))
            }
            Err(e) => return Err(e.into()),
        };
        let has = level_of(actor, kind, Some(identity.id), key);
        if has >= need {
            Ok(identity.id)
        } else {
            Err(forbidden(kind, Some(key), need, has))
        }
    }

    /// Refuses unless `actor` has at least `need` on every resource of
    /// `kind` (what creating one needs: Write).
    pub(crate) fn require_kind(
        &self,
        actor: &Actor,
        kind: ResourceKind,
        need: Level,
    ) -> Result<(), CoreError> {
        let has = level_of(actor, kind, None, "");
        if has >= need {
            Ok(())
        } else {
            Err(forbidden(kind, None, need, has))
        }
    }

    /// Refuses unless `actor` is an admin (or Kiln itself).
    pub(crate) fn require_admin(&self, actor: &Actor, what: &str) -> Result<(), CoreError> {
        if self.is_admin(actor) {
            Ok(())
        } else {
            Err(CoreError::Forbidden(format!("only an admin may {what}")))
        }
    }

    /// Which resources of `kind` `actor` may read, by name: a filter for
    /// lists (None: every one, for admins and Kiln itself).
    pub(crate) async fn readable(
        &self,
        actor: &Actor,
        kind: ResourceKind,
    ) -> Result<Readable, CoreError> {
        if level_of(actor, kind, None, "") >= Level::Read {
            return Ok(Readable::All);
        }
        let mut levels = self.levels(actor, kind).await?;
        levels.retain(|_, level| *level >= Level::Read);
        Ok(Readable::Some(levels))
    }
}

/// The resources of one kind an actor may read (see [`Kiln::readable`]).
#[derive(Debug)]
pub(crate) enum Readable {
    /// Every one.
    All,
    /// These, by name, with the actor's level on each.
    Some(HashMap<String, Level>),
}

impl Readable {
    /// Whether the resource called `key` may be read.
    pub(crate) fn allows(&self, key: &str) -> bool {
        match self {
            Self::All => true,
            Self::Some(names) => names.contains_key(key),
        }
    }
}

impl Kiln {
    /// The level `actor` has on resource `kind`/`key` (None: on the kind as
    /// a whole), for pages that hide what the user may not do: `Write` for
    /// admins and Kiln itself, `None` for a resource that does not exist
    /// (or that the actor may not know of).
    pub async fn access(
        &self,
        actor: &Actor,
        kind: ResourceKind,
        key: Option<&str>,
    ) -> Result<Level, CoreError> {
        let Some(key) = key else {
            return Ok(level_of(actor, kind, None, ""));
        };
        match self.store().identity(kind, key).await {
            Ok(identity) => Ok(level_of(actor, kind, Some(identity.id), key)),
            Err(kiln_store::StoreError::NotFound { .. }) => Ok(Level::None),
            Err(e) => Err(e.into()),
        }
    }

    /// Whether `actor` may do anything (an admin, or Kiln itself).
    pub fn is_admin(&self, actor: &Actor) -> bool {
        match actor {
            Actor::System => true,
            Actor::Webhook { .. } => false,
            Actor::Ui(caller) | Actor::Api(caller) | Actor::Cli(caller) => caller.is_admin(),
        }
    }
}
