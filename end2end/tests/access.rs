//! Who sees what: two users with different grants sign in through the
//! login page and each sees their own view (Run, Save, Rename and the
//! builds they may not read hidden; no admin links); an admin makes a
//! user, a group, grants and an API key through the admin pages, and the
//! key shown once works against the JSON API.

mod support;

use kiln_testkit::kiln::KilnServer;
use support::*;

const BUILDS: &str = "[[build]]\nname = \"web\"\n[build.config]\ndockerfile = \"FROM scratch\"\n\n[[build]]\nname = \"api\"\n[build.config]\ndockerfile = \"FROM scratch\"\n";

/// Sends `body` to `path` as the admin (their API key); panics unless 2xx.
fn admin_call(server: &KilnServer, method: reqwest::Method, path: &str, body: serde_json::Value) {
    let response = server
        .http_blocking()
        .request(method.clone(), format!("{}{path}", server.url()))
        .json(&body)
        .send()
        .expect("request");
    let status = response.status();
    assert!(
        status.is_success(),
        "{method} {path}: {status} {}",
        response.text().unwrap_or_default()
    );
}

fn user_with_grant(server: &KilnServer, name: &str, level: &str) {
    use reqwest::Method;
    let password = format!("{name}-password-1");
    admin_call(
        server,
        Method::POST,
        "/api/v1/users",
        serde_json::json!({"username": name, "password": password}),
    );
    admin_call(
        server,
        Method::PUT,
        "/api/v1/grants",
        serde_json::json!({"subject_type": "user", "subject": name, "kind": "build", "resource": "web", "level": level}),
    );
}

#[test]
fn two_users_with_different_grants_each_see_their_own_view() {
    let server = start_kiln();
    apply_sync(&server, BUILDS);
    user_with_grant(&server, "ann", "Write");
    user_with_grant(&server, "bob", "Read");
    run_script_with(
        &[],
        "access_views.mjs",
        &[server.url(), "ann", "ann-password-1", "writer"],
    );
    run_script_with(
        &[],
        "access_views.mjs",
        &[server.url(), "bob", "bob-password-1", "reader"],
    );
    // The writer's save landed, as ann.
    let history = get(&server, "/api/v1/builds/web/history");
    assert!(history.contains("\"actor\":\"ann\""), "{history}");
}

#[test]
fn an_admin_makes_a_user_and_a_key_through_the_admin_pages() {
    let server = start_kiln();
    apply_sync(&server, BUILDS);
    let out = run_script(
        &server,
        "admin_pages.mjs",
        &[server.url(), "carol", "carol-password-1"],
    );
    let key = out
        .lines()
        .find_map(|l| l.strip_prefix("KEY="))
        .expect("the script prints the key")
        .trim()
        .to_string();
    // The key shown once is the admin's, capped at Read.
    let client = reqwest::blocking::Client::builder()
        .no_proxy()
        .build()
        .expect("client");
    let me = client
        .get(format!("{}/api/v1/me", server.url()))
        .bearer_auth(&key)
        .send()
        .expect("me");
    assert_eq!(me.status(), 200);
    let me: serde_json::Value = me.json().expect("json");
    assert_eq!(me["user"]["username"], "admin", "{me}");
    let refused = client
        .post(format!("{}/api/v1/builds/web/run", server.url()))
        .bearer_auth(&key)
        .send()
        .expect("run");
    assert_eq!(refused.status(), 403, "a Read-capped key started a run");
    // The new user signs in and reads every build through their group.
    let (session, _) = server
        .login("carol", "carol-password-1")
        .expect("carol signs in");
    let builds = client
        .get(format!("{}/api/v1/builds", server.url()))
        .header("cookie", format!("kiln_session={session}"))
        .send()
        .expect("builds")
        .text()
        .expect("text");
    assert!(
        builds.contains("\"web\"") && builds.contains("\"api\""),
        "{builds}"
    );
}
