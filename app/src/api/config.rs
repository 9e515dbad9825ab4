use kiln_api::SaveAnswer;
use kiln_domain::{Build, ValidationError};
use leptos::prelude::*;
use leptos::server_fn;

/// Saves a build's edited config. Placeholders of secrets (see
/// `kiln_domain::redact`) keep the stored values; validation problems come
/// back by field instead of as an error.
#[server(prefix = "/rpc", input = server_fn::codec::Json)]
pub async fn save_build(build: Build) -> Result<SaveAnswer, ServerFnError> {
    use crate::ssr::{core_error, kiln};
    use kiln_core::{Actor, CoreError};
    match kiln()?.update_build(&Actor::Ui, build).await {
        Ok(saved) => Ok(SaveAnswer::Saved(Box::new(saved))),
        Err(CoreError::Rejected(errors)) => Ok(SaveAnswer::Invalid(errors.0)),
        Err(e) => Err(core_error(e)),
    }
}

/// Every validation problem of an edited (unsaved) build, for inline messages.
#[server(prefix = "/rpc", input = server_fn::codec::Json)]
pub async fn check_build(build: Build) -> Result<Vec<ValidationError>, ServerFnError> {
    use crate::ssr::{core_error, kiln};
    kiln()?
        .check_build(&kiln_core::Actor::Ui, build)
        .await
        .map_err(core_error)
}
