use kiln_api::SaveAnswer;
use kiln_domain::{Build, ValidationError};
use leptos::prelude::*;
use leptos::server_fn;

/// Saves a build's edited config. Placeholders of secrets (see
/// `kiln_domain::redact`) keep the stored values; validation problems come
/// back by field instead of as an error.
#[server(prefix = "/rpc", input = server_fn::codec::Json)]
pub async fn save_build(build: Build) -> Result<SaveAnswer, ServerFnError> {
    use kiln_domain::redact::{redact_build, restore_build};
    use kiln_store::StoreError;
    let ctx = crate::ssr::context()?;
    let stored = ctx
        .store
        .build(build.name.as_str())
        .await
        .map_err(crate::ssr::user_error)?;
    let mut restored = restore_build(build, &stored);
    restored.config.dockerfile = restored.config.dockerfile.replace("\r\n", "\n");
    match ctx.store.update_build(restored).await {
        Ok(saved) => Ok(SaveAnswer::Saved(Box::new(redact_build(&saved)))),
        Err(StoreError::Invalid(errors)) => Ok(SaveAnswer::Invalid(errors.0)),
        Err(e) => Err(crate::ssr::user_error(e)),
    }
}

/// Every validation problem of an edited (unsaved) build, for inline messages.
#[server(prefix = "/rpc", input = server_fn::codec::Json)]
pub async fn check_build(build: Build) -> Result<Vec<ValidationError>, ServerFnError> {
    use kiln_domain::redact::restore_build;
    let ctx = crate::ssr::context()?;
    let catalog = ctx.store.catalog().await.map_err(crate::ssr::user_error)?;
    let build = match catalog.builds.iter().find(|b| b.name == build.name) {
        Some(stored) => restore_build(build, stored),
        None => build,
    };
    Ok(kiln_domain::validate_build(&build, &catalog))
}
