use kiln_api::PageJson;
use leptos::prelude::*;
use leptos::server_fn;

/// Every variable (`Vec<VariableView>`); secret values stay on the server.
#[server(prefix = "/rpc")]
pub async fn list_variables() -> Result<PageJson, ServerFnError> {
    use kiln_api::VariableView;
    let ctx = crate::ssr::context()?;
    let variables = ctx
        .store
        .list_variables()
        .await
        .map_err(crate::ssr::user_error)?;
    let views: Vec<VariableView> = variables
        .into_iter()
        .map(|v| VariableView {
            name: v.name.to_string(),
            value: (!v.is_secret).then(|| v.value.expose().to_string()),
            description: v.description,
            is_secret: v.is_secret,
        })
        .collect();
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
    use kiln_domain::{ResourceName, Secret, Variable};
    let ctx = crate::ssr::context()?;
    let name = ResourceName::parse(name.trim())
        .map_err(|e| ServerFnError::new(format!("variable name: {e}")))?;
    ctx.store
        .create_variable(Variable {
            name,
            value: Secret::new(value),
            description,
            is_secret,
        })
        .await
        .map_err(crate::ssr::user_error)
}

/// Changes a variable; `value: None` keeps the stored value.
#[server(prefix = "/rpc", input = server_fn::codec::Json)]
pub async fn update_variable(
    name: String,
    description: String,
    is_secret: bool,
    value: Option<String>,
) -> Result<(), ServerFnError> {
    use kiln_domain::Secret;
    use kiln_store::VariableEdit;
    let ctx = crate::ssr::context()?;
    let edit = VariableEdit {
        description,
        is_secret,
        value: value.map(Secret::new),
    };
    ctx.store
        .update_variable(&name, edit)
        .await
        .map_err(crate::ssr::user_error)
}

/// Deletes a variable.
#[server(prefix = "/rpc")]
pub async fn delete_variable(name: String) -> Result<(), ServerFnError> {
    let ctx = crate::ssr::context()?;
    ctx.store
        .delete_variable(&name)
        .await
        .map_err(crate::ssr::user_error)
}

/// The accounts of one kind (`git` or `registry`), without tokens:
/// `Vec<AccountView>`.
#[server(prefix = "/rpc")]
pub async fn list_accounts(kind: String) -> Result<PageJson, ServerFnError> {
    use kiln_api::AccountView;
    let ctx = crate::ssr::context()?;
    let accounts = ctx
        .store
        .list_accounts(account_kind(&kind)?)
        .await
        .map_err(crate::ssr::user_error)?;
    let views: Vec<AccountView> = accounts
        .into_iter()
        .map(|a| AccountView {
            has_token: !a.token.is_empty(),
            domain: a.domain,
            username: a.username,
        })
        .collect();
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
    use kiln_domain::Secret;
    use kiln_store::Account;
    let ctx = crate::ssr::context()?;
    let account = Account {
        domain: domain.trim().to_string(),
        username: username.trim().to_string(),
        token: Secret::new(token),
    };
    ctx.store
        .create_account(account_kind(&kind)?, account)
        .await
        .map_err(crate::ssr::user_error)
}

/// Replaces an account's token.
#[server(prefix = "/rpc", input = server_fn::codec::Json)]
pub async fn set_account_token(
    kind: String,
    domain: String,
    username: String,
    token: String,
) -> Result<(), ServerFnError> {
    let ctx = crate::ssr::context()?;
    ctx.store
        .set_account_token(
            account_kind(&kind)?,
            &domain,
            &username,
            kiln_domain::Secret::new(token),
        )
        .await
        .map_err(crate::ssr::user_error)
}

/// Deletes an account (refused while a build or repo uses it).
#[server(prefix = "/rpc", input = server_fn::codec::Json)]
pub async fn delete_account(
    kind: String,
    domain: String,
    username: String,
) -> Result<(), ServerFnError> {
    let ctx = crate::ssr::context()?;
    ctx.store
        .delete_account(account_kind(&kind)?, &domain, &username)
        .await
        .map_err(crate::ssr::user_error)
}

#[cfg(feature = "ssr")]
fn account_kind(kind: &str) -> Result<kiln_store::AccountKind, ServerFnError> {
    match kind {
        "git" => Ok(kiln_store::AccountKind::Git),
        "registry" => Ok(kiln_store::AccountKind::Registry),
        other => Err(ServerFnError::new(format!(
            "unknown account kind '{other}' (git or registry)"
        ))),
    }
}
