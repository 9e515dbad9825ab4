//! Builds: list, read, create, save, check, delete, and a git or
//! files-on-host build's Dockerfile.

use crate::{Actor, CoreError, Kiln};
use kiln_api::{AccountRef, BuildSummary, Choices, RunBrief, SourceDockerfile};
use kiln_domain::redact::{redact_build, restore_build};
use kiln_domain::{Build, ValidationError};

impl Kiln {
    /// Every build, secrets as placeholders.
    pub async fn builds(&self, _actor: &Actor) -> Result<Vec<Build>, CoreError> {
        let builds = self.store().list_builds().await?;
        Ok(builds.iter().map(redact_build).collect())
    }

    /// Every build with its last run, for the builds list.
    pub async fn build_summaries(&self, _actor: &Actor) -> Result<Vec<BuildSummary>, CoreError> {
        let builds = self.store().list_builds().await?;
        let mut rows = Vec::with_capacity(builds.len());
        for build in &builds {
            let last = self.store().runs_of_build(build.name.as_str(), 1).await?;
            rows.push(BuildSummary::from_build(
                &redact_build(build),
                last.first().map(RunBrief::of),
            ));
        }
        Ok(rows)
    }

    /// One build, secrets as placeholders.
    pub async fn build(&self, _actor: &Actor, name: &str) -> Result<Build, CoreError> {
        Ok(redact_build(&self.store().build(name).await?))
    }

    /// What a build's config form offers in its pickers.
    pub async fn build_choices(&self, _actor: &Actor) -> Result<Choices, CoreError> {
        let catalog = self.store().catalog().await?;
        let account = |domain: &str, username: &str| AccountRef {
            domain: domain.to_string(),
            username: username.to_string(),
        };
        Ok(Choices {
            builders: catalog
                .builders
                .iter()
                .map(|b| b.name.to_string())
                .collect(),
            git_accounts: catalog
                .git_accounts
                .iter()
                .map(|a| account(&a.domain, &a.username))
                .collect(),
            registry_accounts: catalog
                .registry_accounts
                .iter()
                .map(|a| account(&a.domain, &a.username))
                .collect(),
            repos: catalog.repos.iter().map(|r| r.name.to_string()).collect(),
        })
    }

    /// Creates `build` (validated against the catalog); answers it as
    /// stored, secrets as placeholders.
    pub async fn create_build(&self, _actor: &Actor, build: Build) -> Result<Build, CoreError> {
        let created = self.store().create_build(build).await?;
        Ok(redact_build(&created))
    }

    /// Saves an edited build whole. Placeholders of secrets keep the stored
    /// values; a UI Dockerfile's line endings become `\n`. Answers the
    /// stored build, secrets as placeholders; validation problems come back
    /// as [`CoreError::Rejected`].
    pub async fn update_build(&self, _actor: &Actor, build: Build) -> Result<Build, CoreError> {
        let stored = self.store().build(build.name.as_str()).await?;
        let mut restored = restore_build(build, &stored);
        restored.config.dockerfile = restored.config.dockerfile.replace("\r\n", "\n");
        let saved = self.store().update_build(restored).await?;
        Ok(redact_build(&saved))
    }

    /// Every validation problem of an edited (unsaved) build, placeholders
    /// standing for the stored secrets.
    pub async fn check_build(
        &self,
        _actor: &Actor,
        build: Build,
    ) -> Result<Vec<ValidationError>, CoreError> {
        let catalog = self.store().catalog().await?;
        let build = match catalog.builds.iter().find(|b| b.name == build.name) {
            Some(stored) => restore_build(build, stored),
            None => build,
        };
        Ok(kiln_domain::validate_build(&build, &catalog))
    }

    /// Deletes a build by name.
    pub async fn delete_build(&self, _actor: &Actor, name: &str) -> Result<(), CoreError> {
        Ok(self.store().delete_build(name).await?)
    }

    /// A git or files-on-host build's Dockerfile, read where the build runs.
    pub async fn source_dockerfile(
        &self,
        _actor: &Actor,
        name: &str,
    ) -> Result<SourceDockerfile, CoreError> {
        Ok(self.runs().host_dockerfile(name).await?)
    }
}
