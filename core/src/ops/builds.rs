//! Builds: list, read, create, save, check, and a git or files-on-host
//! build's Dockerfile (rename, copy and delete: `build_life.rs`; patches:
//! `patch.rs`).

use crate::{Actor, CoreError, Kiln};
use kiln_api::{AccountRef, BuildSummary, Choices, Revised, RunBrief, SourceDockerfile};
use kiln_domain::access::Level;
use kiln_domain::redact::{redact_build, restore_build};
use kiln_domain::sync::ResourceKind;
use kiln_domain::{Build, ValidationError};

impl Kiln {
    /// Every build, secrets as placeholders.
    pub async fn builds(&self, actor: &Actor) -> Result<Vec<Build>, CoreError> {
        let readable = self.readable(actor, ResourceKind::Build).await?;
        let builds = self.store().list_builds().await?;
        Ok(builds
            .iter()
            .filter(|b| readable.allows(b.name.as_str()))
            .map(redact_build)
            .collect())
    }

    /// Every build with its id and revision, secrets as placeholders.
    pub async fn builds_revised(&self, actor: &Actor) -> Result<Vec<Revised<Build>>, CoreError> {
        let readable = self.readable(actor, ResourceKind::Build).await?;
        let builds = self.store().list_builds_revised().await?;
        Ok(builds
            .into_iter()
            .filter(|b| readable.allows(b.value.name.as_str()))
            .map(|b| Revised {
                id: b.id,
                revision: b.revision,
                value: redact_build(&b.value),
            })
            .collect())
    }

    /// Every build with its last run, for the builds list.
    pub async fn build_summaries(&self, actor: &Actor) -> Result<Vec<BuildSummary>, CoreError> {
        let readable = self.readable(actor, ResourceKind::Build).await?;
        let builds = self.store().list_builds().await?;
        let mut rows = Vec::with_capacity(builds.len());
        for build in builds.iter().filter(|b| readable.allows(b.name.as_str())) {
            let last = self.store().runs_of_build(build.name.as_str(), 1).await?;
            rows.push(BuildSummary::from_build(
                &redact_build(build),
                last.first().map(RunBrief::of),
            ));
        }
        Ok(rows)
    }

    /// One build, secrets as placeholders.
    pub async fn build(&self, actor: &Actor, name: &str) -> Result<Build, CoreError> {
        self.require(actor, ResourceKind::Build, name, Level::Read)
            .await?;
        Ok(redact_build(&self.store().build(name).await?))
    }

    /// One build with its id and revision, secrets as placeholders.
    pub async fn build_revised(
        &self,
        actor: &Actor,
        name: &str,
    ) -> Result<Revised<Build>, CoreError> {
        self.require(actor, ResourceKind::Build, name, Level::Read)
            .await?;
        let stored = self.store().build_revised(name).await?;
        Ok(Revised {
            id: stored.id,
            revision: stored.revision,
            value: redact_build(&stored.value),
        })
    }

    /// What a build's config form offers in its pickers.
    pub async fn build_choices(&self, actor: &Actor) -> Result<Choices, CoreError> {
        let catalog = self.store().catalog().await?;
        let builders = self.readable(actor, ResourceKind::Builder).await?;
        let git = self.readable(actor, ResourceKind::GitAccount).await?;
        let registry = self.readable(actor, ResourceKind::RegistryAccount).await?;
        let repos = self.readable(actor, ResourceKind::Repo).await?;
        let key = |a: &str, b: &str| format!("{a}/{b}");
        let account = |domain: &str, username: &str| AccountRef {
            domain: domain.to_string(),
            username: username.to_string(),
        };
        Ok(Choices {
            builders: catalog
                .builders
                .iter()
                .filter(|b| builders.allows(b.name.as_str()))
                .map(|b| b.name.to_string())
                .collect(),
            git_accounts: catalog
                .git_accounts
                .iter()
                .filter(|a| git.allows(&key(&a.domain, &a.username)))
                .map(|a| account(&a.domain, &a.username))
                .collect(),
            registry_accounts: catalog
                .registry_accounts
                .iter()
                .filter(|a| registry.allows(&key(&a.domain, &a.username)))
                .map(|a| account(&a.domain, &a.username))
                .collect(),
            repos: catalog
                .repos
                .iter()
                .filter(|r| repos.allows(r.name.as_str()))
                .map(|r| r.name.to_string())
                .collect(),
        })
    }

    /// Creates `build` (validated against the catalog; a new id, revision
    /// 1, a history entry); answers it as stored, secrets as placeholders.
    /// 409 when the name is taken, 422 when it fails validation.
    pub async fn create_build(&self, actor: &Actor, build: Build) -> Result<Build, CoreError> {
        self.require_kind(actor, ResourceKind::Build, Level::Write)?;
        self.check_references(actor, None, &build).await?;
        let created = self.store().create_build(build, &actor.author()).await?;
        Ok(redact_build(&created.value))
    }

    /// Saves an edited build whole (the full-replace doors; the build page
    /// uses [`Kiln::patch_build`]). Placeholders of secrets keep the stored
    /// values; a UI Dockerfile's line endings become `\n`. Answers the
    /// stored build, secrets as placeholders; validation problems come back
    /// as [`CoreError::Rejected`].
    pub async fn update_build(&self, actor: &Actor, build: Build) -> Result<Build, CoreError> {
        self.require(
            actor,
            ResourceKind::Build,
            build.name.as_str(),
            Level::Write,
        )
        .await?;
        let stored = self.store().build(build.name.as_str()).await?;
        self.check_references(actor, Some(&stored), &build).await?;
        let mut restored = restore_build(build, &stored);
        restored.config.dockerfile = restored.config.dockerfile.replace("\r\n", "\n");
        let saved = self
            .store()
            .update_build(restored, None, &actor.author())
            .await?;
        Ok(redact_build(&saved.value))
    }

    /// Every validation problem of an edited (unsaved) build, placeholders
    /// standing for the stored secrets.
    pub async fn check_build(
        &self,
        actor: &Actor,
        build: Build,
    ) -> Result<Vec<ValidationError>, CoreError> {
        let catalog = self.store().catalog().await?;
        if catalog.builds.iter().any(|b| b.name == build.name) {
            self.require(actor, ResourceKind::Build, build.name.as_str(), Level::Read)
                .await?;
        } else {
            self.require_kind(actor, ResourceKind::Build, Level::Write)?;
        }
        let build = match catalog.builds.iter().find(|b| b.name == build.name) {
            Some(stored) => restore_build(build, stored),
            None => build,
        };
        Ok(kiln_domain::validate_build(&build, &catalog))
    }

    /// A git or files-on-host build's Dockerfile, read where the build runs.
    pub async fn source_dockerfile(
        &self,
        actor: &Actor,
        name: &str,
    ) -> Result<SourceDockerfile, CoreError> {
        self.require(actor, ResourceKind::Build, name, Level::Read)
            .await?;
        Ok(self.runs().host_dockerfile(name).await?)
    }
}
