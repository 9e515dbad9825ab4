use kiln_api::{FieldConflict, PageJson};
use leptos::prelude::*;
use leptos::server_fn;
use serde::{Deserialize, Serialize};

/// What a partial save of a variable or an account did. Refusals (a change
/// that fails validation, an unknown resource) are errors with a sentence.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub enum PatchAnswer {
    /// Saved (merged when its revision was stale and no field it changes
    /// was changed since); the new revision.
    Saved(i64),
    /// Fields this save changes were changed by someone else since its
    /// revision: each with its current value (secrets as placeholders),
    /// who changed it, through which door and when; and the revision the
    /// resource is at now (re-apply patches at it).
    Conflict(Vec<FieldConflict>, i64),
}

/// Every variable the user may read, with their level on each
/// (`VariableList`); secret values stay on the server.
#[server(prefix = "/rpc")]
pub async fn list_variables() -> Result<PageJson, ServerFnError> {
    use crate::ssr::{core_error, kiln};
    use kiln_domain::sync::ResourceKind;
    let (kiln, actor) = (kiln()?, crate::ssr::actor()?);
    let variables = kiln.variables(&actor).await.map_err(core_error)?;
    let (levels, can_create) = levels_of(
        &kiln,
        &actor,
        ResourceKind::Variable,
        variables.iter().map(|v| v.name.clone()),
    )
    .await
    .map_err(core_error)?;
    super::page(&kiln_api::VariableList {
        variables,
        levels,
        can_create,
    })
}

/// The user's level on each of `keys` (resources of `kind`), and whether
/// they may create one (Write on the whole kind).
#[cfg(feature = "ssr")]
async fn levels_of(
    kiln: &kiln_core::Kiln,
    actor: &kiln_core::Actor,
    kind: kiln_domain::sync::ResourceKind,
    keys: impl Iterator<Item = String>,
) -> Result<(Vec<kiln_domain::access::Level>, bool), kiln_core::CoreError> {
    use kiln_domain::access::Level;
    let all = kiln.levels(actor, kind).await?;
    let levels = keys
        .map(|key| all.get(&key).copied().unwrap_or_default())
        .collect();
    let can_create = kiln.access(actor, kind, None).await? >= Level::Write;
    Ok((levels, can_create))
}

/// Creates a variable.
#[server(prefix = "/rpc", input = server_fn::codec::Json)]
pub async fn create_variable(
    name: String,
    value: String,
    description: String,
    is_secret: bool,
) -> Result<(), ServerFnError> {
    use crate::ssr::{core_error, kiln};
    use kiln_domain::{ResourceName, Secret, Variable};
    let name = ResourceName::parse(name.trim())
        .map_err(|e| ServerFnError::new(format!("variable name: {e}")))?;
    let variable = Variable {
        name,
        value: Secret::new(value),
        description,
        is_secret,
    };
    kiln()?
        .create_variable(&crate::ssr::actor()?, variable)
        .await
        .map_err(core_error)
}

/// Saves the fields of variable `name` the user changed since `revision`
/// (`None`: unchanged). A secret's value is write-only: it is sent only
/// when typed. See [`PatchAnswer`].
#[server(prefix = "/rpc", input = server_fn::codec::Json)]
pub async fn patch_variable(
    name: String,
    revision: i64,
    value: Option<String>,
    description: Option<String>,
    is_secret: Option<bool>,
) -> Result<PatchAnswer, ServerFnError> {
    use serde_json::{Map, Value};
    let mut fields = Map::new();
    if let Some(value) = value {
        fields.insert("value".into(), Value::String(value));
    }
    if let Some(description) = description {
        fields.insert("description".into(), Value::String(description));
    }
    if let Some(is_secret) = is_secret {
        fields.insert("is_secret".into(), Value::Bool(is_secret));
    }
    let kind = kiln_domain::sync::ResourceKind::Variable;
    patch_resource(kind, &name, revision, fields).await
}

/// Deletes a variable.
#[server(prefix = "/rpc")]
pub async fn delete_variable(name: String) -> Result<(), ServerFnError> {
    use crate::ssr::{core_error, kiln};
    kiln()?
        .delete_variable(&crate::ssr::actor()?, &name)
        .await
        .map_err(core_error)
}

/// The accounts of one kind (`git` or `registry`) the user may read,
/// without tokens, with their level on each: `AccountList`.
#[server(prefix = "/rpc")]
pub async fn list_accounts(kind: String) -> Result<PageJson, ServerFnError> {
    use crate::ssr::{core_error, kiln};
    use kiln_api::AccountKind;
    use kiln_domain::sync::ResourceKind;
    let (kiln, actor) = (kiln()?, crate::ssr::actor()?);
    let account = account_kind(&kind)?;
    let accounts = kiln.accounts(&actor, account).await.map_err(core_error)?;
    let resource = match account {
        AccountKind::Git => ResourceKind::GitAccount,
        AccountKind::Registry => ResourceKind::RegistryAccount,
    };
    let keys = accounts
        .iter()
        .map(|a| format!("{}/{}", a.domain, a.username));
    let (levels, can_create) = levels_of(&kiln, &actor, resource, keys)
        .await
        .map_err(core_error)?;
    super::page(&kiln_api::AccountList {
        accounts,
        levels,
        can_create,
    })
}

/// Creates an account.
#[server(prefix = "/rpc", input = server_fn::codec::Json)]
pub async fn create_account(
    kind: String,
    domain: String,
    username: String,
    token: String,
) -> Result<(), ServerFnError> {
    use crate::ssr::{core_error, kiln};
    let token = kiln_domain::Secret::new(token);
    kiln()?
        .create_account(
            &crate::ssr::actor()?,
            account_kind(&kind)?,
            &domain,
            &username,
            token,
        )
        .await
        .map_err(core_error)
}

/// Replaces an account's token, as a patch at `revision` (the token is
/// write-only). See [`PatchAnswer`].
#[server(prefix = "/rpc", input = server_fn::codec::Json)]
pub async fn patch_account_token(
    kind: String,
    domain: String,
    username: String,
    revision: i64,
    token: String,
) -> Result<PatchAnswer, ServerFnError> {
    use kiln_api::AccountKind;
    use kiln_domain::sync::ResourceKind;
    let kind = match account_kind(&kind)? {
        AccountKind::Git => ResourceKind::GitAccount,
        AccountKind::Registry => ResourceKind::RegistryAccount,
    };
    let mut fields = serde_json::Map::new();
    fields.insert("token".into(), serde_json::Value::String(token));
    patch_resource(kind, &format!("{domain}/{username}"), revision, fields).await
}

/// Deletes an account (refused while a build or repo uses it).
#[server(prefix = "/rpc", input = server_fn::codec::Json)]
pub async fn delete_account(
    kind: String,
    domain: String,
    username: String,
) -> Result<(), ServerFnError> {
    use crate::ssr::{core_error, kiln};
    kiln()?
        .delete_account(
            &crate::ssr::actor()?,
            account_kind(&kind)?,
            &domain,
            &username,
        )
        .await
        .map_err(core_error)
}

#[cfg(feature = "ssr")]
fn account_kind(kind: &str) -> Result<kiln_api::AccountKind, ServerFnError> {
    kiln_api::AccountKind::parse(kind)
        .map_err(|e| crate::ssr::core_error(kiln_core::CoreError::Invalid(e.to_string())))
}

/// Patches resource `key` of `kind` through the core as the UI; a conflict
/// comes back with the resource's current revision.
#[cfg(feature = "ssr")]
async fn patch_resource(
    kind: kiln_domain::sync::ResourceKind,
    key: &str,
    revision: i64,
    fields: serde_json::Map<String, serde_json::Value>,
) -> Result<PatchAnswer, ServerFnError> {
    use crate::ssr::{core_error, kiln};
    use kiln_core::CoreError;
    let kiln = kiln()?;
    let actor = crate::ssr::actor()?;
    let patch = kiln_api::Patch { revision, fields };
    match kiln.patch(&actor, kind, key, patch).await {
        Ok(saved) => Ok(PatchAnswer::Saved(saved.revision)),
        Err(CoreError::Conflict { fields, .. }) if !fields.is_empty() => {
            let now = current_revision(&kiln, &actor, kind, key)
                .await
                .map_err(core_error)?;
            Ok(PatchAnswer::Conflict(fields, now))
        }
        Err(e) => Err(core_error(e)),
    }
}

/// The revision variable or account `key` is at now.
#[cfg(feature = "ssr")]
async fn current_revision(
    kiln: &kiln_core::Kiln,
    actor: &kiln_core::Actor,
    kind: kiln_domain::sync::ResourceKind,
    key: &str,
) -> Result<i64, kiln_core::CoreError> {
    use kiln_api::AccountKind;
    use kiln_domain::sync::ResourceKind;
    let account = match kind {
        ResourceKind::GitAccount => AccountKind::Git,
        ResourceKind::RegistryAccount => AccountKind::Registry,
        _ => {
            let all = kiln.variables(actor).await?;
            return Ok(all.iter().find(|v| v.name == key).map_or(0, |v| v.revision));
        }
    };
    let all = kiln.accounts(actor, account).await?;
    Ok(all
        .iter()
        .find(|a| format!("{}/{}", a.domain, a.username) == key)
        .map_or(0, |a| a.revision))
}
