use kiln_api::SaveAnswer;
use kiln_domain::{Build, ValidationError};
use leptos::prelude::*;
use leptos::server_fn;

/// Saves the fields of build `name` the user changed since `revision`:
/// `config` is a JSON object of the changed config fields (text, so the
/// browser needs no JSON value decoder), `description` and `tags` are sent
/// when changed. Placeholders of secrets keep the stored values. Answers
/// the stored build with its new revision; validation problems by field;
/// or, when a changed field was changed by someone else since `revision`,
/// those fields (current value, who, when) and the build as it is now.
/// A lower `version` than the stored one is refused unless `force_version`
/// (the user's explicit "save with the lower version").
#[server(prefix = "/rpc", input = server_fn::codec::Json)]
pub async fn patch_build(
    name: String,
    revision: i64,
    config: String,
    description: Option<String>,
    tags: Option<Vec<String>>,
    #[server(default)] force_version: bool,
) -> Result<SaveAnswer, ServerFnError> {
    use crate::ssr::{core_error, kiln};
    use kiln_core::CoreError;
    use serde_json::{Map, Value};
    let kiln = kiln()?;
    let mut fields = Map::new();
    let config: Map<String, Value> = serde_json::from_str(&config).map_err(|e| {
        let message = kiln_core::hide_input(&e.to_string());
        ServerFnError::new(format!("changed config fields: {message}"))
    })?;
    if !config.is_empty() {
        fields.insert("config".into(), Value::Object(config));
    }
    if let Some(description) = description {
        fields.insert("description".into(), Value::String(description));
    }
    if let Some(tags) = tags {
        fields.insert("tags".into(), tags.into());
    }
    let patch = kiln_api::Patch { revision, fields };
    let rules = kiln_domain::ChangeRules {
        allow_lower_version: force_version,
    };
    match kiln
        .patch_build_with(&crate::ssr::actor()?, &name, patch, rules)
        .await
    {
        Ok(saved) => Ok(SaveAnswer::Saved(Box::new(saved.value), saved.revision)),
        Err(CoreError::Rejected(errors)) => Ok(SaveAnswer::Invalid(errors.0)),
        Err(CoreError::Conflict { fields, .. }) if !fields.is_empty() => {
            let now = kiln
                .build_revised(&crate::ssr::actor()?, &name)
                .await
                .map_err(core_error)?;
            Ok(SaveAnswer::Conflict(
                fields,
                Box::new(now.value),
                now.revision,
            ))
        }
        Err(e) => Err(core_error(e)),
    }
}

/// Every validation problem of an edited (unsaved) build, for inline messages.
#[server(prefix = "/rpc", input = server_fn::codec::Json)]
pub async fn check_build(build: Build) -> Result<Vec<ValidationError>, ServerFnError> {
    use crate::ssr::{core_error, kiln};
    kiln()?
        .check_build(&crate::ssr::actor()?, build)
        .await
        .map_err(core_error)
}
