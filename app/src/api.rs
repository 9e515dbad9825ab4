//! Server functions: the UI's only door to data. Each is a thin call into the
//! store; validation lives in `kiln-domain`.

use crate::wire::{BuildSummary, BuilderView};
use kiln_domain::Build;
use leptos::prelude::*;

/// All builds, for the list page.
#[server(prefix = "/rpc")]
pub async fn list_builds() -> Result<Vec<BuildSummary>, ServerFnError> {
    let ctx = crate::ssr::context()?;
    let builds = ctx
        .store
        .list_builds()
        .await
        .map_err(crate::ssr::user_error)?;
    Ok(builds.iter().map(BuildSummary::from_build).collect())
}

/// One build with its whole config.
#[server(prefix = "/rpc")]
pub async fn get_build(name: String) -> Result<Build, ServerFnError> {
    let ctx = crate::ssr::context()?;
    ctx.store.build(&name).await.map_err(crate::ssr::user_error)
}

/// Creates a build with default config, an optional description and an
/// optional UI-defined Dockerfile. Returns the new build's name.
#[server(prefix = "/rpc")]
pub async fn create_build(
    name: String,
    description: String,
    dockerfile: String,
) -> Result<String, ServerFnError> {
    use kiln_domain::{BuildConfig, ResourceName};
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

/// The built-in Local builder and every stored builder, with health.
#[server(prefix = "/rpc")]
pub async fn list_builders() -> Result<Vec<BuilderView>, ServerFnError> {
    let ctx = crate::ssr::context()?;
    crate::ssr::builder_views(&ctx)
        .await
        .map_err(crate::ssr::user_error)
}

/// The message inside a server function error, without Leptos's prefix.
pub fn error_text(err: &ServerFnError) -> String {
    match err {
        ServerFnError::ServerError(msg) => msg.clone(),
        other => other.to_string(),
    }
}
