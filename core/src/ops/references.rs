//! What saving a build asks of its author beyond Write on the build: Read
//! on everything it newly references (builder, repo, accounts, variables),
//! and admin rights to give `pre_build` or `extra_args` to a build that
//! runs on the Kiln server itself (they run with the server's authority),
//! or on a builder whose `allow_build_host_powers` is off
//! (`BuilderConfig::allows_build_host_powers`).

use crate::access::level_of;
use crate::runs::{BuilderTarget, ResolvedBuilder};
use crate::{Actor, CoreError, Kiln};
use kiln_domain::access::Level;
use kiln_domain::references::{references, References};
use kiln_domain::sync::ResourceKind;
use kiln_domain::{Build, Catalog};

/// Whether `build` runs on the Kiln server (the built-in Local builder, or
/// a stored builder of type Local).
fn runs_on_server(build: &Build, catalog: &Catalog) -> bool {
    ResolvedBuilder::for_build(build, catalog)
        .is_ok_and(|b| matches!(b.target, BuilderTarget::Local(_)))
}

/// Whether `build` sets anything that runs on its builder's host.
fn has_host_powers(build: &Build) -> bool {
    !build.config.pre_build.command.trim().is_empty()
        || build.config.extra_args.iter().any(|a| !a.trim().is_empty())
}

impl Kiln {
    /// Refuses (403) a saved build `after` (replacing `before`, if any)
    /// that references something `actor` may not read and did not
    /// reference before, or that gives a build running on the Kiln server
    /// `pre_build`/`extra_args` (changed, or newly moved there) without
    /// admin rights.
    pub(crate) async fn check_references(
        &self,
        actor: &Actor,
        before: Option<&Build>,
        after: &Build,
    ) -> Result<(), CoreError> {
        if matches!(actor, Actor::System) {
            return Ok(());
        }
        let catalog = self.store().catalog().await?;
        let now = references(after, &catalog);
        let was = before.map(|b| references(b, &catalog)).unwrap_or_default();
        let new_builder = before.is_none() || now.builder != was.builder;
        if new_builder {
            self.require_builder(actor, &now.builder).await?;
        }
        self.require_new(actor, ResourceKind::Repo, now.repo.iter(), was.repo.iter())
            .await?;
        self.require_new(
            actor,
            ResourceKind::GitAccount,
            now.git_account.iter(),
            was.git_account.iter(),
        )
        .await?;
        self.require_new(
            actor,
            ResourceKind::RegistryAccount,
            now.registry_accounts.iter(),
            was.registry_accounts.iter(),
        )
        .await?;
        self.require_new(
            actor,
            ResourceKind::Variable,
            now.variables.iter(),
            was.variables.iter(),
        )
        .await?;
        self.check_host_powers(actor, before, after, &catalog, &now, &was)
    }

    async fn require_builder(&self, actor: &Actor, builder: &str) -> Result<(), CoreError> {
        if builder.is_empty() || builder == kiln_api::LOCAL_BUILDER {
            if level_of(actor, ResourceKind::Builder, None, "") >= Level::Read {
                return Ok(());
            }
            return Err(CoreError::Forbidden(
                "this needs Read permission on every builder (the Local builder is the Kiln server itself)".into(),
            ));
        }
        match self
            .require(actor, ResourceKind::Builder, builder, Level::Read)
            .await
        {
            // A reference to nothing is validation's to report (422).
            Ok(_) | Err(CoreError::NotFound(_)) => Ok(()),
            Err(e) => Err(e),
        }
    }

    async fn require_new<'a>(
        &self,
        actor: &Actor,
        kind: ResourceKind,
        now: impl Iterator<Item = &'a String>,
        was: impl Iterator<Item = &'a String>,
    ) -> Result<(), CoreError> {
        let was: Vec<&String> = was.collect();
        for key in now.filter(|k| !was.contains(k)) {
            match self.require(actor, kind, key, Level::Read).await {
                Ok(_) => {}
                // A reference to nothing is validation's to report.
                Err(CoreError::NotFound(_)) => {}
                Err(e) => return Err(e),
            }
        }
        Ok(())
    }

    fn check_host_powers(
        &self,
        actor: &Actor,
        before: Option<&Build>,
        after: &Build,
        catalog: &Catalog,
        now: &References,
        was: &References,
    ) -> Result<(), CoreError> {
        if !has_host_powers(after) {
            return Ok(());
        }
        let on_server = runs_on_server(after, catalog);
        // Other builders allow them to everyone when their setting says so.
        if !on_server
            && kiln_domain::builder::stored_builder(catalog, &after.config.builder)
                .is_none_or(|b| b.config.allows_build_host_powers())
        {
            return Ok(());
        }
        let unchanged = before.is_some_and(|b| {
            b.config.pre_build == after.config.pre_build
                && b.config.extra_args == after.config.extra_args
                && now.builder == was.builder
        });
        if unchanged {
            return Ok(());
        }
        self.require_admin(
            actor,
            if on_server {
                "set pre_build or extra_args on a build that runs on the Kiln server (the Local builder): they run with the server's authority"
            } else {
                "set pre_build or extra_args on a build whose builder does not allow them (its allow_build_host_powers setting is off): they run with the builder host's authority"
            },
        )
    }
}
