use kiln_api::{PageJson, SyncAnswer};
use leptos::prelude::*;
use leptos::server_fn;

/// Plans (`dry_run`) or applies a sync file; with `delete`, resources absent
/// from the file are deleted. Secret-arg placeholders (as the UI's export
/// shows them) keep the stored values.
#[server(prefix = "/rpc", input = server_fn::codec::Json)]
pub async fn sync_toml(
    toml: String,
    dry_run: bool,
    delete: bool,
) -> Result<SyncAnswer, ServerFnError> {
    use kiln_domain::redact::restore_build;
    let ctx = crate::ssr::context()?;
    let mut file =
        kiln_domain::sync::parse(&toml).map_err(|e| ServerFnError::new(e.to_string()))?;
    let current = ctx.store.catalog().await.map_err(crate::ssr::user_error)?;
    file.builds = file
        .builds
        .into_iter()
        .map(
            |build| match current.builds.iter().find(|b| b.name == build.name) {
                Some(stored) => restore_build(build, stored),
                None => build,
            },
        )
        .collect();
    let outcome = ctx
        .store
        .sync(&file, dry_run, delete)
        .await
        .map_err(crate::ssr::user_error)?;
    Ok(SyncAnswer {
        applied: outcome.applied,
        dry_run,
        changes: outcome.plan.changes,
        warnings: outcome.plan.warnings,
    })
}

/// Every resource as a sync file (`String`): secrets left out, secret args
/// as placeholders.
#[server(prefix = "/rpc")]
pub async fn export_toml() -> Result<PageJson, ServerFnError> {
    use kiln_domain::redact::redact_build;
    let ctx = crate::ssr::context()?;
    let mut catalog = ctx.store.catalog().await.map_err(crate::ssr::user_error)?;
    catalog.builds = catalog.builds.iter().map(redact_build).collect();
    super::page(&kiln_domain::sync::export(&catalog))
}
