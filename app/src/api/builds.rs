use kiln_api::PageJson;
use leptos::prelude::*;

/// All builds with their last run and the user's level on each, for the
/// list page: `BuildList`.
#[server(prefix = "/rpc")]
pub async fn list_builds() -> Result<PageJson, ServerFnError> {
    use crate::ssr::{core_error, kiln, now_ms};
    use kiln_domain::sync::ResourceKind;
    let (kiln, actor) = (kiln()?, crate::ssr::actor()?);
    let builds = kiln.build_summaries(&actor).await.map_err(core_error)?;
    let levels = kiln
        .levels(&actor, ResourceKind::Build)
        .await
        .map_err(core_error)?;
    let can_create = kiln
        .access(&actor, ResourceKind::Build, None)
        .await
        .map_err(core_error)?
        >= kiln_domain::access::Level::Write;
    super::page(&kiln_api::BuildList {
        levels: builds
            .iter()
            .map(|b| levels.get(&b.name).copied().unwrap_or_default())
            .collect(),
        builds,
        now_ms: now_ms(),
        can_create,
    })
}

/// One build (secrets redacted), its last run, the form's choices and
/// what the user may do with it: `BuildPageData`.
#[server(prefix = "/rpc")]
pub async fn get_build_page(name: String) -> Result<PageJson, ServerFnError> {
    use crate::ssr::{core_error, kiln, now_ms, request_origin};
    use kiln_domain::sync::ResourceKind;
    let kiln = kiln()?;
    let actor = crate::ssr::actor()?;
    let build = kiln
        .build_revised(&actor, &name)
        .await
        .map_err(core_error)?;
    let level = kiln
        .access(&actor, ResourceKind::Build, Some(&name))
        .await
        .map_err(core_error)?;
    let can_create = kiln
        .access(&actor, ResourceKind::Build, None)
        .await
        .map_err(core_error)?
        >= kiln_domain::access::Level::Write;
    let last_run = kiln
        .runs_of_build(&crate::ssr::actor()?, &name, 1)
        .await
        .map_err(core_error)?
        .into_iter()
        .next();
    let choices = kiln
        .build_choices(&crate::ssr::actor()?)
        .await
        .map_err(core_error)?;
    super::page(&kiln_api::BuildPageData {
        build: build.value,
        revision: build.revision,
        last_run,
        origin: request_origin(),
        choices,
        now_ms: now_ms(),
        level,
        can_create,
        admin: kiln.is_admin(&actor),
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
    use crate::ssr::{core_error, kiln};
    use kiln_domain::{Build, BuildConfig, ResourceName};
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
    let created = kiln()?
        .create_build(&crate::ssr::actor()?, build)
        .await
        .map_err(core_error)?;
    Ok(created.name.to_string())
}

/// A build's recorded changes, newest first: `BuildHistory`.
#[server(prefix = "/rpc")]
pub async fn build_history(name: String) -> Result<PageJson, ServerFnError> {
    use crate::ssr::{core_error, kiln, now_ms};
    let entries = kiln()?
        .build_history(&crate::ssr::actor()?, &name)
        .await
        .map_err(core_error)?;
    super::page(&kiln_api::BuildHistory {
        entries,
        now_ms: now_ms(),
    })
}

/// Renames build `name` to `to`: the same build (its id, runs and history
/// stay with it). Returns the new name; refused with a sentence (the name
/// is taken or invalid, a run is live, no such build).
#[server(prefix = "/rpc")]
pub async fn rename_build(name: String, to: String) -> Result<String, ServerFnError> {
    use crate::ssr::{core_error, kiln};
    let renamed = kiln()?
        .rename_build(&crate::ssr::actor()?, &name, &to)
        .await
        .map_err(core_error)?;
    Ok(renamed.value.name.to_string())
}

/// Copies build `name` to a new build `to` (its config, without runs or
/// history). Returns the new name; refused with a sentence as
/// [`rename_build`] is.
#[server(prefix = "/rpc")]
pub async fn copy_build(name: String, to: String) -> Result<String, ServerFnError> {
    use crate::ssr::{core_error, kiln};
    let copied = kiln()?
        .copy_build(&crate::ssr::actor()?, &name, &to)
        .await
        .map_err(core_error)?;
    Ok(copied.value.name.to_string())
}

/// Deletes a build by name (its runs, logs and clone cache with it).
#[server(prefix = "/rpc")]
pub async fn delete_build(name: String) -> Result<(), ServerFnError> {
    use crate::ssr::{core_error, kiln};
    kiln()?
        .delete_build(&crate::ssr::actor()?, &name)
        .await
        .map_err(core_error)
}

/// The built-in Local builder and every stored builder, with health:
/// `Vec<BuilderRow>`.
#[server(prefix = "/rpc")]
pub async fn list_builders() -> Result<PageJson, ServerFnError> {
    use crate::ssr::{core_error, kiln};
    let views = kiln()?
        .builder_views(&crate::ssr::actor()?)
        .await
        .map_err(core_error)?;
    let rows: Vec<_> = views.iter().map(kiln_api::BuilderRow::of).collect();
    super::page(&rows)
}
