use kiln_api::PageJson;
use leptos::prelude::*;
use leptos::server_fn;

/// Every variable (`Vec<VariableView>`); secret values stay on the server.
#[server(prefix = "/rpc")]
pub async fn list_variables() -> Result<PageJson, ServerFnError> {
    use crate::ssr::{core_error, kiln};
    let views = kiln()?
        .variables(&crate::ssr::actor()?)
        .await
        .map_err(core_error)?;
    super::page(&views)
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

/// Changes a variable; `value: None` keeps the stored value.
#[server(prefix = "/rpc", input = server_fn::codec::Json)]
pub async fn update_variable(
    name: String,
    description: String,
    is_secret: bool,
    value: Option<String>,
) -> Result<(), ServerFnError> {
    use crate::ssr::{core_error, kiln};
    let value = value.map(kiln_domain::Secret::new);
    kiln()?
        .update_variable(&crate::ssr::actor()?, &name, description, is_secret, value)
        .await
        .map_err(core_error)
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

/// The accounts of one kind (`git` or `registry`), without tokens:
/// `Vec<AccountView>`.
#[server(prefix = "/rpc")]
pub async fn list_accounts(kind: String) -> Result<PageJson, ServerFnError> {
    use crate::ssr::{core_error, kiln};
    let views = kiln()?
        .accounts(&crate::ssr::actor()?, account_kind(&kind)?)
        .await
        .map_err(core_error)?;
    super::page(&views)
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

/// Replaces an account's token.
#[server(prefix = "/rpc", input = server_fn::codec::Json)]
pub async fn set_account_token(
    kind: String,
    domain: String,
    username: String,
    token: String,
) -> Result<(), ServerFnError> {
    use crate::ssr::{core_error, kiln};
    let token = kiln_domain::Secret::new(token);
    kiln()?
        .set_account_token(
            &crate::ssr::actor()?,
            account_kind(&kind)?,
            &domain,
            &username,
            token,
        )
        .await
        .map_err(core_error)
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
    kiln_api::AccountKind::parse(kind).map_err(ServerFnError::new)
}
