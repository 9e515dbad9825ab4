use kiln_api::PageJson;
use leptos::prelude::*;

/// All builds with their last run, for the list page: `BuildList`.
#[server(prefix = "/rpc")]
pub async fn list_builds() -> Result<PageJson, ServerFnError> {
    use crate::ssr::{context, now_ms, user_error};
    use kiln_api::{BuildList, BuildSummary, RunBrief};
    let ctx = context()?;
    let builds = ctx.store.list_builds().await.map_err(user_error)?;
    let mut rows = Vec::with_capacity(builds.len());
    for build in &builds {
        let last = ctx
            .store
            .runs_of_build(build.name.as_str(), 1)
            .await
            .map_err(user_error)?;
        rows.push(BuildSummary::from_build(
            build,
            last.first().map(RunBrief::of),
        ));
    }
    super::page(&BuildList {
        builds: rows,
        now_ms: now_ms(),
    })
}

/// One build (secrets redacted), its last run and the form's choices:
/// `BuildPageData`.
#[server(prefix = "/rpc")]
pub async fn get_build_page(name: String) -> Result<PageJson, ServerFnError> {
    use crate::ssr::{context, now_ms, request_origin, run_error, user_error};
    use kiln_api::{AccountRef, BuildPageData, Choices};
    use kiln_domain::redact::redact_build;
    let ctx = context()?;
    let catalog = ctx.store.catalog().await.map_err(user_error)?;
    let Some(build) = catalog.builds.iter().find(|b| b.name.as_str() == name) else {
        return Err(ServerFnError::new(format!("build '{name}' not found")));
    };
    let last_run = ctx
        .runs
        .build_runs(&name, 1)
        .await
        .map_err(run_error)?
        .into_iter()
        .next();
    let account = |domain: &str, username: &str| AccountRef {
        domain: domain.to_string(),
        username: username.to_string(),
    };
    let choices = Choices {
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
    };
    super::page(&BuildPageData {
        build: redact_build(build),
        last_run,
        origin: request_origin(),
        choices,
        now_ms: now_ms(),
    })
}

/// Creates a build with default config, an optional description and an
/// optional UI-defined Dockerfile. Returns the new build's name.
#[server(prefix = "/rpc")]
pub async fn create_build(
    name: String,
    description: String,
    dockerfile: String,
) -> Result<String, ServerFnError> {
    use kiln_domain::{Build, BuildConfig, ResourceName};
    let ctx = crate::ssr::context()?;
    let name = ResourceName::parse(name.trim())
        .map_err(|e| ServerFnError::new(format!("build name: {e}")))?;
    let build = Build {
        name,
        description,
        tags: Vec::new(),
        config: BuildConfig {
            dockerfile: dockerfile.replace("\r\n", "\n"),
            ..BuildConfig::default()
        },
    };
    let created = ctx
        .store
        .create_build(build)
        .await
        .map_err(crate::ssr::user_error)?;
    Ok(created.name.to_string())
}

/// Deletes a build by name.
#[server(prefix = "/rpc")]
pub async fn delete_build(name: String) -> Result<(), ServerFnError> {
    let ctx = crate::ssr::context()?;
    ctx.store
        .delete_build(&name)
        .await
        .map_err(crate::ssr::user_error)
}

/// The built-in Local builder and every stored builder, with health:
/// `Vec<BuilderRow>`.
#[server(prefix = "/rpc")]
pub async fn list_builders() -> Result<PageJson, ServerFnError> {
    let ctx = crate::ssr::context()?;
    let views = crate::ssr::builder_views(&ctx)
        .await
        .map_err(crate::ssr::user_error)?;
    let rows: Vec<_> = views.iter().map(kiln_api::BuilderRow::of).collect();
    super::page(&rows)
}
