use kiln_api::{PageJson, SyncAnswer};
use leptos::prelude::*;
use leptos::server_fn;

/// Plans (`dry_run`) or applies a sync file; with `delete`, resources absent
/// from the file are deleted. Placeholders of secrets (as an export shows
/// them) keep the stored values.
#[server(prefix = "/rpc", input = server_fn::codec::Json)]
pub async fn sync_toml(
    toml: String,
    dry_run: bool,
    delete: bool,
) -> Result<SyncAnswer, ServerFnError> {
    use crate::ssr::{core_error, kiln};
    let report = kiln()?
        .sync(
            &crate::ssr::actor()?,
            &toml,
            dry_run,
            kiln_domain::sync::PlanOptions {
                delete,
                force_version: false,
            },
        )
        .await
        .map_err(core_error)?;
    Ok(report.into_answer())
}

/// Every resource as a sync file (`String`): secrets left out, secret args
/// as placeholders.
#[server(prefix = "/rpc")]
pub async fn export_toml() -> Result<PageJson, ServerFnError> {
    use crate::ssr::{core_error, kiln};
    let toml = kiln()?
        .sync_export(&crate::ssr::actor()?)
        .await
        .map_err(core_error)?;
    super::page(&toml)
}
