//! The JSON API's identity routes: login, logout, first-admin setup, who
//! am I, and (over the core's access checks) users, API keys, groups and
//! grants.

use super::cookies;
use super::guard::ClientAddress;
use crate::api::{ApiActor, ApiError};
use crate::serve::AppState;
use axum::extract::{Extension, Path, Query, State};
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use kiln_api::{
    ApiKeyView, CreatedApiKey, GrantView, GroupView, Me, NewApiKey, NewUser, UserChange, UserView,
};
use kiln_core::{CoreError, NewSession};
use serde::Deserialize;

/// `POST /api/v1/login` and `/api/v1/setup` bodies' credentials.
#[derive(Debug, Deserialize)]
pub struct Login {
    pub username: String,
    pub password: String,
}

/// `POST /api/v1/setup` body: the setup link's token and the first admin.
#[derive(Debug, Deserialize)]
pub struct Setup {
    pub token: String,
    pub username: String,
    pub password: String,
}

/// The answer to a login or setup: who, the CSRF token, and the cookie.
fn signed_in(session: NewSession, secure: bool) -> Response {
    let mut response = Json(session.me).into_response();
    response.headers_mut().insert(
        header::SET_COOKIE,
        cookies::set_session(&session.token, secure),
    );
    response
}

/// The 429 of too many failed logins carries `Retry-After` (seconds).
fn login_error(err: CoreError) -> Response {
    let retry = match &err {
        CoreError::TooManyRequests {
            retry_after_secs, ..
        } => Some(*retry_after_secs),
        _ => None,
    };
    let mut response = ApiError::from(err).into_response();
    if let Some(secs) = retry {
        if let Ok(value) = secs.to_string().parse() {
            response.headers_mut().insert(header::RETRY_AFTER, value);
        }
    }
    response
}

/// `POST /api/v1/login` with `{"username", "password"}`: 200 with `Me`
/// and the session cookie; 401 for a wrong name or password; 429 (with
/// `Retry-After`) after too many failures for the account or address.
pub async fn login(
    State(state): State<AppState>,
    Extension(ClientAddress(client)): Extension<ClientAddress>,
    Json(body): Json<Login>,
) -> Response {
    match state
        .kiln
        .login(&body.username, &body.password, Some(client))
        .await
    {
        Ok(session) => signed_in(session, state.secure_cookies),
        Err(e) => login_error(e),
    }
}

/// `POST /api/v1/setup` with `{"token", "username", "password"}`: creates
/// the first admin (only with the setup link's token, only while Kiln has
/// no user) and signs them in; 401 for a wrong token, 409 once set up.
pub async fn setup(State(state): State<AppState>, Json(body): Json<Setup>) -> Response {
    match state
        .kiln
        .complete_setup(&body.token, &body.username, &body.password)
        .await
    {
        Ok(session) => signed_in(session, state.secure_cookies),
        Err(e) => login_error(e),
    }
}

/// `POST /api/v1/logout`: ends the session on the server and clears the
/// cookie (204 even without one).
pub async fn logout(State(state): State<AppState>, headers: axum::http::HeaderMap) -> Response {
    if let Some(token) = cookies::session_token(&headers) {
        if let Err(e) = state.kiln.logout(&token).await {
            return ApiError::from(e).into_response();
        }
    }
    let mut response = StatusCode::NO_CONTENT.into_response();
    response.headers_mut().insert(
        header::SET_COOKIE,
        cookies::clear_session(state.secure_cookies),
    );
    response
}

/// `GET /api/v1/me`: the signed-in user and the session's CSRF token.
pub async fn me(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
) -> Result<Json<Me>, ApiError> {
    Ok(Json(state.kiln.me(&actor).await?))
}

/// `GET /api/v1/users` (admins).
pub async fn users(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
) -> Result<Json<Vec<UserView>>, ApiError> {
    Ok(Json(state.kiln.users(&actor).await?))
}

/// `POST /api/v1/users` with `{"username", "password", "admin"}` (admins):
/// 201 and the user; 409 for a taken name; 422 for a bad name or password.
pub async fn create_user(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    Json(body): Json<NewUser>,
) -> Result<(StatusCode, Json<UserView>), ApiError> {
    let user = state.kiln.create_user(&actor, body).await?;
    Ok((StatusCode::CREATED, Json(user)))
}

/// `PATCH /api/v1/users/{name}` with any of `password`, `admin`,
/// `disabled` (admins).
pub async fn update_user(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    Path(name): Path<String>,
    Json(body): Json<UserChange>,
) -> Result<Json<UserView>, ApiError> {
    Ok(Json(state.kiln.update_user(&actor, &name, body).await?))
}

/// `DELETE /api/v1/users/{name}` (admins): 204.
pub async fn delete_user(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    Path(name): Path<String>,
) -> Result<StatusCode, ApiError> {
    state.kiln.delete_user(&actor, &name).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// `?user=NAME`: whose keys (admins only, for someone else's).
#[derive(Debug, Deserialize)]
pub struct Whose {
    #[serde(default)]
    pub user: Option<String>,
}

/// `GET /api/v1/api-keys[?user=NAME]`: the keys (never the keys
/// themselves), newest first.
pub async fn api_keys(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    Query(whose): Query<Whose>,
) -> Result<Json<Vec<ApiKeyView>>, ApiError> {
    Ok(Json(
        state.kiln.api_keys(&actor, whose.user.as_deref()).await?,
    ))
}

/// `POST /api/v1/api-keys` with `{"name", "expires_at_ms"?,
/// "level_cap"?, "username"?}`: 201 with the key (shown this once).
pub async fn create_api_key(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    Json(body): Json<NewApiKey>,
) -> Result<(StatusCode, Json<CreatedApiKey>), ApiError> {
    let created = state.kiln.create_api_key(&actor, body).await?;
    Ok((StatusCode::CREATED, Json(created)))
}

/// `DELETE /api/v1/api-keys/{id}[?user=NAME]`: revokes the key (204).
pub async fn revoke_api_key(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    Path(id): Path<i64>,
    Query(whose): Query<Whose>,
) -> Result<StatusCode, ApiError> {
    state
        .kiln
        .revoke_api_key(&actor, whose.user.as_deref(), id)
        .await?;
    Ok(StatusCode::NO_CONTENT)
}

/// `GET /api/v1/groups` (admins).
pub async fn groups(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
) -> Result<Json<Vec<GroupView>>, ApiError> {
    Ok(Json(state.kiln.groups(&actor).await?))
}

/// `PUT /api/v1/groups/{name}` with `{"everyone"?, "members": [...]}`
/// (admins): creates or replaces the group.
pub async fn put_group(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    Path(name): Path<String>,
    Json(mut body): Json<GroupView>,
) -> Result<Json<GroupView>, ApiError> {
    body.name = name;
    Ok(Json(state.kiln.put_group(&actor, body).await?))
}

/// `DELETE /api/v1/groups/{name}` (admins): 204.
pub async fn delete_group(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    Path(name): Path<String>,
) -> Result<StatusCode, ApiError> {
    state.kiln.delete_group(&actor, &name).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// `GET /api/v1/grants` (admins): every grant, resources by name.
pub async fn grants(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
) -> Result<Json<Vec<GrantView>>, ApiError> {
    Ok(Json(state.kiln.grants(&actor).await?))
}

/// `PUT /api/v1/grants` with `{"subject_type", "subject", "kind",
/// "resource"?, "level"}` (admins): sets one grant; level `"None"`
/// removes it. 204.
pub async fn set_grant(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    Json(body): Json<GrantView>,
) -> Result<StatusCode, ApiError> {
    state.kiln.set_grant(&actor, body).await?;
    Ok(StatusCode::NO_CONTENT)
}
