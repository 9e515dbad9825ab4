//! The login and setup pages' forms (`application/x-www-form-urlencoded`,
//! no JavaScript needed): `POST /login` and `POST /setup` set the session
//! cookie and redirect (303) to the page asked for, or back to the form
//! with `?error=<code>` (the page turns the code into a sentence).

use super::cookies;
use super::guard::ClientAddress;
use crate::serve::AppState;
use axum::extract::{Extension, State};
use axum::http::header;
use axum::response::{IntoResponse, Redirect, Response};
use axum::Form;
use kiln_core::{CoreError, NewSession};
use serde::Deserialize;

/// The login form.
#[derive(Debug, Deserialize)]
pub struct LoginForm {
    pub username: String,
    pub password: String,
    #[serde(default)]
    pub next: String,
}

/// The setup form.
#[derive(Debug, Deserialize)]
pub struct SetupForm {
    pub token: String,
    pub username: String,
    pub password: String,
    #[serde(default)]
    pub password2: Option<String>,
}

/// Where to go after signing in: a path on this server only (no
/// `//host`, no scheme), else `/`.
fn local_path(next: &str) -> &str {
    let local = next.starts_with('/')
        && !next.starts_with("//")
        && !next.contains('\\')
        && !next.chars().any(char::is_control);
    if local {
        next
    } else {
        "/"
    }
}

/// The `error` code the pages know for a refusal.
fn code(err: &CoreError) -> &'static str {
    match err {
        CoreError::TooManyRequests { .. } => "limited",
        CoreError::Unauthenticated(message) if message.contains("disabled") => "disabled",
        CoreError::Unauthenticated(message) if message.contains("setup link") => "token",
        CoreError::Unauthenticated(_) => "wrong",
        CoreError::Conflict { .. } => "done",
        CoreError::Invalid(message) if message.starts_with("username") => "name",
        CoreError::Invalid(message) if message.starts_with("password") => "password",
        _ => "failed",
    }
}

fn signed_in(session: NewSession, secure: bool, to: &str) -> Response {
    let mut response = Redirect::to(to).into_response();
    response.headers_mut().insert(
        header::SET_COOKIE,
        cookies::set_session(&session.token, secure),
    );
    response
}

/// `POST /login` (form): 303 to `next` with the session cookie, or back to
/// `/login?error=…&next=…`.
pub async fn login(
    State(state): State<AppState>,
    Extension(ClientAddress(client)): Extension<ClientAddress>,
    Form(form): Form<LoginForm>,
) -> Response {
    let next = local_path(&form.next).to_string();
    match state
        .kiln
        .login(&form.username, &form.password, Some(client))
        .await
    {
        Ok(session) => signed_in(session, state.secure_cookies, &next),
        Err(e) => {
            let query = query_pair("next", &next);
            Redirect::to(&format!("/login?error={}&{query}", code(&e))).into_response()
        }
    }
}

/// `POST /setup` (form): creates the first admin and signs them in (303 to
/// `/`), or back to `/setup?token=…&error=…`.
pub async fn setup(State(state): State<AppState>, Form(form): Form<SetupForm>) -> Response {
    let back = |code: &str| {
        let token = query_pair("token", &form.token);
        Redirect::to(&format!("/setup?{token}&error={code}")).into_response()
    };
    if form
        .password2
        .as_deref()
        .is_some_and(|again| again != form.password)
    {
        return back("mismatch");
    }
    match state
        .kiln
        .complete_setup(&form.token, &form.username, &form.password)
        .await
    {
        Ok(session) => signed_in(session, state.secure_cookies, "/"),
        Err(e) => back(code(&e)),
    }
}

/// `name=value` with the value percent-encoded for a query string.
pub fn query_pair(name: &str, value: &str) -> String {
    let encoded: String = value
        .bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' | b'/' => {
                (b as char).to_string()
            }
            _ => format!("%{b:02X}"),
        })
        .collect();
    format!("{name}={encoded}")
}

#[cfg(test)]
mod tests {
    use super::local_path;

    #[test]
    fn only_local_paths_are_followed_after_login() {
        assert_eq!(local_path("/builds/api"), "/builds/api");
        assert_eq!(local_path("//evil.example/x"), "/");
        assert_eq!(local_path("https://evil.example"), "/");
        assert_eq!(local_path("/\\evil.example"), "/");
        assert_eq!(local_path(""), "/");
    }
}
