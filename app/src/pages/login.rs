//! Signing in, and creating the first admin through the setup link. Both
//! are plain HTML forms posted to the server (`/login`, `/setup`), which
//! sets the session cookie and redirects: they work without JavaScript and
//! add nothing to the wasm but these views, in a chunk of their own (a
//! lazy route). A failed attempt comes back
//! with `?error=<code>`, shown as a sentence chosen here (never text from
//! the URL).

use leptos::prelude::*;
use leptos_router::hooks::{use_location, use_query_map};

/// `/login` or `/setup`, by path: one lazily loaded route for both.
#[component]
pub fn SignInPages() -> impl IntoView {
    if use_location()
        .pathname
        .get_untracked()
        .starts_with("/setup")
    {
        view! { <SetupPage/> }.into_any()
    } else {
        view! { <LoginPage/> }.into_any()
    }
}

/// The sentence for an `error` code of the login and setup forms.
fn error_sentence(code: &str) -> &'static str {
    match code {
        "wrong" => "Wrong username or password.",
        "limited" => "Too many failed sign-ins for this account or address; wait a few minutes and try again.",
        "disabled" => "This account is disabled; ask an admin.",
        "token" => "This setup link is not valid. Use the link in the Kiln server's log.",
        "done" => "Kiln is already set up; sign in instead.",
        "name" => "Use 1 to 64 letters, digits, '.', '_', '@' or '-' for the username.",
        "password" => "Use 8 to 1024 characters for the password.",
        "mismatch" => "The two passwords differ.",
        "origin" => "Sign in from Kiln's own page.",
        _ => "Signing in failed; try again.",
    }
}

/// `/login`: username and password.
#[component]
pub fn LoginPage() -> impl IntoView {
    let query = use_query_map();
    let error = move || query.read().get("error").map(|code| error_sentence(&code));
    let next = move || query.read().get("next").unwrap_or_else(|| "/".to_string());
    view! {
        <h1>"Sign in to Kiln"</h1>
        {move || error().map(|e| view! { <p class="error" role="alert" id="login-error">{e}</p> })}
        <form method="post" action="/login" class="login-form">
            <input type="hidden" name="next" prop:value=next value=next/>
            <label>"Username"
                <input id="login-username" name="username" autocomplete="username" required=true/>
            </label>
            <label>"Password"
                <input id="login-password" name="password" type="password" autocomplete="current-password" required=true/>
            </label>
            <button type="submit" id="login-submit">"Sign in"</button>
        </form>
        <p class="hint">"No account yet? An admin makes one for you. A new Kiln prints a one-time setup link to its log to create the first admin."</p>
    }
}

/// `/setup?token=…`: the first admin, through the link Kiln printed.
#[component]
pub fn SetupPage() -> impl IntoView {
    let query = use_query_map();
    let error = move || query.read().get("error").map(|code| error_sentence(&code));
    let token = move || query.read().get("token").unwrap_or_default();
    view! {
        <h1>"Set up Kiln"</h1>
        <p>"Create the first admin. This link works once; later users are made by an admin."</p>
        {move || error().map(|e| view! { <p class="error" role="alert" id="setup-error">{e}</p> })}
        <form method="post" action="/setup" class="login-form">
            <input type="hidden" name="token" prop:value=token value=token/>
            <label>"Username"
                <input id="setup-username" name="username" autocomplete="username" required=true/>
            </label>
            <label>"Password"
                <input id="setup-password" name="password" type="password" autocomplete="new-password" minlength="8" required=true/>
            </label>
            <label>"Password again"
                <input id="setup-password2" name="password2" type="password" autocomplete="new-password" minlength="8" required=true/>
            </label>
            <button type="submit" id="setup-submit">"Create admin and sign in"</button>
        </form>
    }
}
