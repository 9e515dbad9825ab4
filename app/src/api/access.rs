//! Who may do what: the signed-in user's API keys, and (admins only; the
//! core refuses everyone else with 403) users, groups and grants. Each
//! function is a few lines over one `Kiln` method.

use kiln_api::{CreatedApiKey, PageJson};
use leptos::prelude::*;
use leptos::server_fn;

/// The signed-in user's API keys, newest first: `ApiKeysPage`.
#[server(prefix = "/rpc")]
pub async fn list_api_keys() -> Result<PageJson, ServerFnError> {
    use crate::ssr::{core_error, kiln, now_ms};
    let keys = kiln()?
        .api_keys(&crate::ssr::actor()?, None)
        .await
        .map_err(core_error)?;
    super::page(&kiln_api::ApiKeysPage {
        keys,
        now_ms: now_ms(),
    })
}

/// Makes an API key for the signed-in user: `name`, `expires` a date
/// (`YYYY-MM-DD`; the key works through that day, UTC; empty: never) and
/// `level_cap` (`Read`, `Execute`, `Write`; empty: the user's own
/// permissions). The answer holds the key itself, shown this once.
#[server(prefix = "/rpc", input = server_fn::codec::Json)]
pub async fn create_api_key(
    name: String,
    expires: String,
    level_cap: String,
) -> Result<CreatedApiKey, ServerFnError> {
    use crate::ssr::{core_error, kiln};
    let expires_at_ms =
        end_of_day_ms(&expires).map_err(|e| core_error(kiln_core::CoreError::Invalid(e.into())))?;
    let new = kiln_api::NewApiKey {
        username: None,
        name,
        expires_at_ms,
        level_cap: Some(level_cap).filter(|l| !l.trim().is_empty()),
    };
    kiln()?
        .create_api_key(&crate::ssr::actor()?, new)
        .await
        .map_err(core_error)
}

/// Revokes the signed-in user's key `id`; it stops working at once.
#[server(prefix = "/rpc")]
pub async fn revoke_api_key(id: i64) -> Result<(), ServerFnError> {
    use crate::ssr::{core_error, kiln};
    kiln()?
        .revoke_api_key(&crate::ssr::actor()?, None, id)
        .await
        .map_err(core_error)
}

/// The end of day `date` (`YYYY-MM-DD`, UTC) in Unix milliseconds; None
/// for an empty text. (Used by the server only.)
#[cfg_attr(not(feature = "ssr"), allow(dead_code))]
fn end_of_day_ms(date: &str) -> Result<Option<i64>, &'static str> {
    let date = date.trim();
    if date.is_empty() {
        return Ok(None);
    }
    let bad = || "expires: give a date as YYYY-MM-DD";
    let mut parts = date.splitn(3, '-').map(str::parse::<i64>);
    let (Some(Ok(y)), Some(Ok(m)), Some(Ok(d))) = (parts.next(), parts.next(), parts.next()) else {
        return Err(bad());
    };
    if !(1970..=9999).contains(&y) || !(1..=12).contains(&m) || !(1..=31).contains(&d) {
        return Err(bad());
    }
    // Days since 1970-01-01 (Howard Hinnant's days_from_civil).
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (m + 9) % 12;
    let doy = (153 * mp + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    let days = era * 146_097 + doe - 719_468;
    Ok(Some((days + 1) * 86_400_000))
}

/// Every user, and who is asking (admins only): `UsersPage`.
#[server(prefix = "/rpc")]
pub async fn list_users() -> Result<PageJson, ServerFnError> {
    use crate::ssr::{core_error, kiln};
    let actor = crate::ssr::actor()?;
    let users = kiln()?.users(&actor).await.map_err(core_error)?;
    super::page(&kiln_api::UsersPage {
        users,
        me: actor.name().to_string(),
    })
}

/// Creates a user with a password (admins only).
#[server(prefix = "/rpc", input = server_fn::codec::Json)]
pub async fn create_user(
    username: String,
    password: String,
    admin: bool,
) -> Result<(), ServerFnError> {
    use crate::ssr::{core_error, kiln};
    let new = kiln_api::NewUser {
        username: username.trim().to_string(),
        password,
        admin,
    };
    kiln()?
        .create_user(&crate::ssr::actor()?, new)
        .await
        .map(|_| ())
        .map_err(core_error)
}

/// Changes a user (admins only): each field given is set. A new password
/// or disabling ends their sessions; nobody may disable or demote
/// themselves.
#[server(prefix = "/rpc", input = server_fn::codec::Json)]
pub async fn update_user(
    username: String,
    password: Option<String>,
    admin: Option<bool>,
    disabled: Option<bool>,
) -> Result<(), ServerFnError> {
    use crate::ssr::{core_error, kiln};
    let change = kiln_api::UserChange {
        password,
        admin,
        disabled,
    };
    kiln()?
        .update_user(&crate::ssr::actor()?, &username, change)
        .await
        .map(|_| ())
        .map_err(core_error)
}

/// Deletes a user with their sessions, keys, memberships and grants
/// (admins only; not oneself).
#[server(prefix = "/rpc")]
pub async fn delete_user(username: String) -> Result<(), ServerFnError> {
    use crate::ssr::{core_error, kiln};
    kiln()?
        .delete_user(&crate::ssr::actor()?, &username)
        .await
        .map_err(core_error)
}

/// Every group and every username (admins only): `GroupsPage`.
#[server(prefix = "/rpc")]
pub async fn list_groups() -> Result<PageJson, ServerFnError> {
    use crate::ssr::{core_error, kiln};
    let (kiln, actor) = (kiln()?, crate::ssr::actor()?);
    let groups = kiln.groups(&actor).await.map_err(core_error)?;
    let users = kiln.users(&actor).await.map_err(core_error)?;
    super::page(&kiln_api::GroupsPage {
        groups,
        users: users.into_iter().map(|u| u.username).collect(),
    })
}

/// Creates or replaces group `name`: whether every user is a member, and
/// its members by username (admins only).
#[server(prefix = "/rpc", input = server_fn::codec::Json)]
pub async fn put_group(
    name: String,
    everyone: bool,
    members: Vec<String>,
) -> Result<(), ServerFnError> {
    use crate::ssr::{core_error, kiln};
    let group = kiln_api::GroupView {
        name,
        everyone,
        members,
    };
    kiln()?
        .put_group(&crate::ssr::actor()?, group)
        .await
        .map(|_| ())
        .map_err(core_error)
}

/// Deletes a group with its grants (admins only).
#[server(prefix = "/rpc")]
pub async fn delete_group(name: String) -> Result<(), ServerFnError> {
    use crate::ssr::{core_error, kiln};
    kiln()?
        .delete_group(&crate::ssr::actor()?, &name)
        .await
        .map_err(core_error)
}

/// Every grant, with the users and groups a new one may name (admins
/// only): `GrantsPage`.
#[server(prefix = "/rpc")]
pub async fn list_grants() -> Result<PageJson, ServerFnError> {
    grants_page(|_| true).await
}

/// The grants on build `name` and on every build (admins only), for the
/// build page's Permissions tab: `GrantsPage`.
#[server(prefix = "/rpc")]
pub async fn build_grants(name: String) -> Result<PageJson, ServerFnError> {
    grants_page(move |g| g.kind == "build" && g.resource.as_ref().is_none_or(|r| *r == name)).await
}

#[cfg(feature = "ssr")]
async fn grants_page(
    keep: impl Fn(&kiln_api::GrantView) -> bool,
) -> Result<PageJson, ServerFnError> {
    use crate::ssr::{core_error, kiln};
    let (kiln, actor) = (kiln()?, crate::ssr::actor()?);
    let grants = kiln.grants(&actor).await.map_err(core_error)?;
    let users = kiln.users(&actor).await.map_err(core_error)?;
    let groups = kiln.groups(&actor).await.map_err(core_error)?;
    super::page(&kiln_api::GrantsPage {
        grants: grants.into_iter().filter(|g| keep(g)).collect(),
        users: users.into_iter().map(|u| u.username).collect(),
        groups: groups.into_iter().map(|g| g.name).collect(),
    })
}

/// Sets one grant (admins only): `subject_type` `user` or `group`, the
/// subject's name, `kind` (`build`, `builder`, …), one resource by name
/// (None or empty: every resource of the kind) and `level` (`None`
/// removes the grant).
#[server(prefix = "/rpc", input = server_fn::codec::Json)]
pub async fn set_grant(
    subject_type: String,
    subject: String,
    kind: String,
    resource: Option<String>,
    level: String,
) -> Result<(), ServerFnError> {
    use crate::ssr::{core_error, kiln};
    let grant = kiln_api::GrantView {
        subject_type,
        subject,
        kind,
        resource: resource.filter(|r| !r.trim().is_empty()),
        level,
    };
    kiln()?
        .set_grant(&crate::ssr::actor()?, grant)
        .await
        .map_err(core_error)
}

#[cfg(test)]
mod tests {
    use super::end_of_day_ms;

    #[test]
    fn a_date_ends_at_the_next_midnight_utc() {
        assert_eq!(end_of_day_ms("").ok(), Some(None));
        assert_eq!(end_of_day_ms("1970-01-01").ok(), Some(Some(86_400_000)));
        // 2024-02-29 ends at 2024-03-01T00:00:00Z.
        assert_eq!(
            end_of_day_ms("2024-02-29").ok(),
            Some(Some(1_709_251_200_000))
        );
        assert!(end_of_day_ms("2024-13-01").is_err());
        assert!(end_of_day_ms("soon").is_err());
    }
}
