//! Identity against the real binary: the one-time setup link, login limits,
//! session expiry and logout, CSRF and cross-site refusals, disabled users
//! and revoked keys, and the host commands (`kiln user create`, `kiln
//! api-key create`, `kiln login`).

mod support;

use kiln_testkit::kiln::{KilnServer, ADMIN_PASSWORD, ADMIN_USER};
use reqwest::blocking::{Client, Response};
use serde_json::{json, Value};
use std::time::Duration;
use support::kiln_bin;

fn plain() -> Client {
    Client::builder()
        .no_proxy()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .expect("client")
}

fn json_of(response: Response) -> (u16, Value, reqwest::header::HeaderMap) {
    let status = response.status().as_u16();
    let headers = response.headers().clone();
    let text = response.text().unwrap_or_default();
    (
        status,
        serde_json::from_str(&text).unwrap_or(Value::String(text)),
        headers,
    )
}

/// The `kiln_session` value a login or setup answer set.
fn session_cookie(headers: &reqwest::header::HeaderMap) -> String {
    let cookie = headers
        .get_all(reqwest::header::SET_COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find(|v| v.starts_with("kiln_session="))
        .expect("a session cookie")
        .to_string();
    assert!(
        cookie.contains("HttpOnly") && cookie.contains("SameSite=Lax"),
        "{cookie}"
    );
    cookie
        .trim_start_matches("kiln_session=")
        .split(';')
        .next()
        .unwrap_or_default()
        .to_string()
}

fn me(server: &KilnServer, session: &str) -> u16 {
    plain()
        .get(format!("{}/api/v1/me", server.url()))
        .header("cookie", format!("kiln_session={session}"))
        .send()
        .expect("me")
        .status()
        .as_u16()
}

fn login(
    server: &KilnServer,
    user: &str,
    password: &str,
) -> (u16, Value, reqwest::header::HeaderMap) {
    json_of(
        plain()
            .post(format!("{}/api/v1/login", server.url()))
            .json(&json!({"username": user, "password": password}))
            .send()
            .expect("login"),
    )
}

#[test]
fn the_setup_link_makes_the_first_admin_once() {
    let server = KilnServer::start_without_users(kiln_bin(), &[]).expect("kiln serves");
    let link = server.setup_link().expect("a setup link is printed");
    let token = link.split("token=").nth(1).expect("token").to_string();
    assert!(
        link.starts_with(&format!("{}/setup?token=", server.url())),
        "{link}"
    );
    let url = |path: &str| format!("{}{path}", server.url());

    // Nothing is open before: no default user, no anonymous access.
    assert_eq!(
        plain().get(url("/api/v1/builds")).send().unwrap().status(),
        401
    );
    let (status, _, _) = login(&server, "admin", "admin");
    assert_eq!(status, 401);
    let page = plain()
        .get(url("/"))
        .header("accept", "text/html")
        .send()
        .unwrap();
    assert_eq!(page.status(), 303);
    assert!(page.headers()["location"]
        .to_str()
        .unwrap()
        .starts_with("/login"));

    let setup = |token: &str, password: &str| {
        json_of(
            plain()
                .post(url("/api/v1/setup"))
                .json(&json!({"token": token, "username": "root", "password": password}))
                .send()
                .expect("setup"),
        )
    };
    let (status, body, _) = setup("not-the-token", "long-enough-pw");
    assert_eq!(status, 401, "{body}");
    let (status, body, _) = setup(&token, "short");
    assert_eq!(status, 422, "{body}");
    let (status, body, headers) = setup(&token, "long-enough-pw");
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["user"]["username"], "root");
    assert_eq!(body["user"]["admin"], true);
    let session = session_cookie(&headers);
    assert_eq!(me(&server, &session), 200);
    // Once only.
    let (status, body, _) = setup(&token, "long-enough-pw");
    assert_eq!(status, 409, "{body}");
    assert!(
        !server.log().contains("long-enough-pw"),
        "a password reached the log"
    );
}

#[test]
fn a_server_with_users_prints_no_setup_link() {
    let server = KilnServer::start(kiln_bin(), &[]).expect("kiln serves");
    assert_eq!(server.setup_link(), None);
}

#[test]
fn failed_logins_are_limited_per_account_and_per_address() {
    let server = KilnServer::start(kiln_bin(), &[]).expect("kiln serves");
    for attempt in 0..5 {
        let (status, body, _) = login(&server, ADMIN_USER, &format!("guess-{attempt}-secret"));
        assert_eq!(status, 401, "attempt {attempt}: {body}");
        assert_eq!(body["error"], "wrong username or password");
    }
    // Even the right password waits now.
    let (status, body, headers) = login(&server, ADMIN_USER, ADMIN_PASSWORD);
    assert_eq!(status, 429, "{body}");
    assert!(
        body["error"]
            .as_str()
            .unwrap()
            .contains("too many failed logins for this account"),
        "{body}"
    );
    let retry: u64 = headers["retry-after"].to_str().unwrap().parse().unwrap();
    assert!(retry > 0 && retry <= 15 * 60, "{retry}");
    // A wrong name answers like a wrong password.
    let (status, body, _) = login(&server, "no-such-user", "whatever-it-is");
    assert_eq!(
        (status, body["error"].as_str()),
        (401, Some("wrong username or password"))
    );
    // Per address: 20 failures across accounts block the address.
    for n in 0..19 {
        login(&server, &format!("someone-{n}"), "guess-guess");
    }
    let (status, body, _) = login(&server, "fresh-account", "guess-guess");
    assert_eq!(status, 429, "{body}");
    assert!(
        body["error"].as_str().unwrap().contains("your address"),
        "{body}"
    );
    let log = server.log();
    assert!(
        !log.contains("guess-0-secret") && !log.contains(ADMIN_PASSWORD),
        "a password reached the log"
    );
}

#[test]
fn sessions_end_when_idle_too_long_when_too_old_and_on_logout() {
    let idle =
        KilnServer::start(kiln_bin(), &[("KILN_SESSION_IDLE_SECS", "2")]).expect("kiln serves");
    let (session, _) = idle.admin_session().expect("login");
    assert_eq!(me(&idle, &session), 200);
    std::thread::sleep(Duration::from_millis(3200));
    assert_eq!(me(&idle, &session), 401, "an idle session must end");

    let old =
        KilnServer::start(kiln_bin(), &[("KILN_SESSION_MAX_SECS", "3")]).expect("kiln serves");
    let (session, _) = old.admin_session().expect("login");
    for _ in 0..2 {
        std::thread::sleep(Duration::from_millis(1000));
        assert_eq!(
            me(&old, &session),
            200,
            "a used session lives until its maximum age"
        );
    }
    std::thread::sleep(Duration::from_millis(2000));
    assert_eq!(
        me(&old, &session),
        401,
        "a session older than its maximum age must end"
    );

    let (session, csrf) = old.admin_session().expect("login");
    let response = plain()
        .post(format!("{}/api/v1/logout", old.url()))
        .header("cookie", format!("kiln_session={session}"))
        .header("x-csrf-token", csrf)
        .send()
        .unwrap();
    assert_eq!(response.status(), 204);
    let cleared = response.headers()["set-cookie"]
        .to_str()
        .unwrap()
        .to_string();
    assert!(cleared.contains("Max-Age=0"), "{cleared}");
    assert_eq!(
        me(&old, &session),
        401,
        "a logged-out session must not work again"
    );
}

#[test]
fn changes_from_a_session_need_this_origin_and_the_csrf_token() {
    let server = KilnServer::start(kiln_bin(), &[]).expect("kiln serves");
    let (session, csrf) = server.admin_session().expect("login");
    let url = format!("{}/api/v1/builds", server.url());
    let host = server.url().trim_start_matches("http://").to_string();
    let create = |name: &str, csrf: Option<&str>, origin: Option<&str>, site: Option<&str>| {
        let mut request = plain()
            .post(&url)
            .header("cookie", format!("kiln_session={session}"))
            .json(&json!({"name": name}));
        if let Some(csrf) = csrf {
            request = request.header("x-csrf-token", csrf);
        }
        if let Some(origin) = origin {
            request = request.header("origin", origin);
        }
        if let Some(site) = site {
            request = request.header("sec-fetch-site", site);
        }
        json_of(request.send().expect("POST"))
    };
    let (status, body, _) = create("no-token", None, None, None);
    assert_eq!(status, 403, "{body}");
    assert!(body["error"].as_str().unwrap().contains("CSRF"), "{body}");
    let (status, body, _) = create("wrong-token", Some("not-the-token"), None, None);
    assert_eq!(status, 403, "{body}");
    let (status, body, _) = create("cross-site", Some(&csrf), Some("http://evil.example"), None);
    assert_eq!(status, 403, "{body}");
    assert!(
        body["error"].as_str().unwrap().contains("cross-site"),
        "{body}"
    );
    let (status, body, _) = create("other-port", Some(&csrf), Some("http://127.0.0.1:1"), None);
    assert_eq!(
        status, 403,
        "a page of another port is another origin: {body}"
    );
    let (status, body, _) = create("fetch-site", Some(&csrf), None, Some("cross-site"));
    assert_eq!(status, 403, "{body}");
    let (status, body, _) = create(
        "same-origin",
        Some(&csrf),
        Some(&format!("http://{host}")),
        Some("same-origin"),
    );
    assert_eq!(status, 201, "{body}");

    // A cross-site HTML form (what a hostile page can send with the
    // cookie) changes nothing: not a sync, not a login.
    let form = plain()
        .post(format!("{}/api/v1/sync", server.url()))
        .header("cookie", format!("kiln_session={session}"))
        .header("origin", "http://evil.example")
        .header("content-type", "application/x-www-form-urlencoded")
        .body("[[build]]\nname = \"planted\"\n")
        .send()
        .unwrap();
    assert_eq!(form.status(), 403);
    let login_form = plain()
        .post(format!("{}/login", server.url()))
        .header("origin", "http://evil.example")
        .form(&[
            ("username", ADMIN_USER),
            ("password", ADMIN_PASSWORD),
            ("next", "/"),
        ])
        .send()
        .unwrap();
    assert_eq!(login_form.status(), 403);
    let builds: Value = server
        .http_blocking()
        .get(&url)
        .send()
        .unwrap()
        .json()
        .unwrap();
    let names: Vec<&str> = builds
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|b| b["name"].as_str())
        .collect();
    assert_eq!(
        names,
        ["same-origin"],
        "only the same-origin request changed anything"
    );

    // An API key is not ambient: it needs no token.
    let (status, _, _) = json_of(
        server
            .http_blocking()
            .post(&url)
            .json(&json!({"name": "by-key"}))
            .send()
            .unwrap(),
    );
    assert_eq!(status, 201);
}

#[test]
fn a_disabled_user_a_revoked_key_and_a_new_password_take_effect_at_once() {
    let server = KilnServer::start(kiln_bin(), &[]).expect("kiln serves");
    let admin = server.http_blocking();
    let url = |path: &str| format!("{}{path}", server.url());
    let made = admin
        .post(url("/api/v1/users"))
        .json(&json!({"username": "carol", "password": "carol-password"}))
        .send()
        .unwrap();
    assert_eq!(made.status(), 201);
    let key: Value = admin
        .post(url("/api/v1/api-keys"))
        .json(&json!({"username": "carol", "name": "ci"}))
        .send()
        .unwrap()
        .json()
        .unwrap();
    let key = key["key"].as_str().unwrap().to_string();
    assert!(key.starts_with("kiln_"), "{key}");
    let with_key = |key: &str| {
        plain()
            .get(url("/api/v1/me"))
            .bearer_auth(key)
            .send()
            .unwrap()
            .status()
            .as_u16()
    };
    let (session, _) = server
        .login("carol", "carol-password")
        .expect("carol signs in");
    assert_eq!((with_key(&key), me(&server, &session)), (200, 200));

    let flags = |body: Value| {
        admin
            .patch(url("/api/v1/users/carol"))
            .json(&body)
            .send()
            .unwrap()
            .status()
            .as_u16()
    };
    assert_eq!(flags(json!({"disabled": true})), 200);
    assert_eq!(
        (with_key(&key), me(&server, &session)),
        (401, 401),
        "disabled: nothing works"
    );
    assert_eq!(flags(json!({"disabled": false})), 200);
    assert_eq!(with_key(&key), 200, "enabled again: the key works");
    assert_eq!(me(&server, &session), 401, "the session ended for good");

    let (session, _) = server
        .login("carol", "carol-password")
        .expect("carol signs in");
    assert_eq!(flags(json!({"password": "carol-new-password"})), 200);
    assert_eq!(
        me(&server, &session),
        401,
        "a new password ends the sessions"
    );
    assert!(server.login("carol", "carol-password").is_err());
    assert!(server.login("carol", "carol-new-password").is_ok());

    // Revoked: stops at once. The listing never shows a key.
    let keys: Value = admin
        .get(url("/api/v1/api-keys?user=carol"))
        .send()
        .unwrap()
        .json()
        .unwrap();
    assert!(!keys.to_string().contains(&key[5..]), "{keys}");
    let id = keys[0]["id"].as_i64().unwrap();
    assert!(keys[0]["last_used_ms"].as_i64().is_some(), "{keys}");
    let revoked = admin
        .delete(url(&format!("/api/v1/api-keys/{id}?user=carol")))
        .send()
        .unwrap();
    assert_eq!(revoked.status(), 204);
    assert_eq!(with_key(&key), 401);

    // An admin cannot lock themselves out.
    let own = admin
        .patch(url(&format!("/api/v1/users/{ADMIN_USER}")))
        .json(&json!({"disabled": true}))
        .send()
        .unwrap();
    assert_eq!(own.status(), 422);

    // A key that has expired stops.
    let soon = kiln_core::now_ms() + 1500;
    let short: Value = admin
        .post(url("/api/v1/api-keys"))
        .json(&json!({"name": "short", "expires_at_ms": soon}))
        .send()
        .unwrap()
        .json()
        .unwrap();
    let short = short["key"].as_str().unwrap().to_string();
    assert_eq!(with_key(&short), 200);
    std::thread::sleep(Duration::from_millis(2000));
    assert_eq!(with_key(&short), 401);
}

#[test]
fn host_commands_make_users_and_keys_and_kiln_login_keeps_a_private_key() {
    let server = KilnServer::start(kiln_bin(), &[]).expect("kiln serves");
    let host = |args: &[&str], stdin: &str| {
        let mut child = std::process::Command::new(kiln_bin())
            .args(args)
            .env("KILN_DATA_DIR", server.data_dir())
            .env_remove("KILN_DATABASE_URL")
            .stdin(std::process::Stdio::piped())
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::piped())
            .spawn()
            .expect("kiln");
        std::io::Write::write_all(&mut child.stdin.take().unwrap(), stdin.as_bytes()).unwrap();
        child.wait_with_output().expect("kiln ends")
    };
    let made = host(&["user", "create", "dave"], "dave-password\n");
    assert!(
        made.status.success(),
        "{}",
        String::from_utf8_lossy(&made.stderr)
    );
    let taken = host(&["user", "create", "dave"], "dave-password\n");
    assert!(!taken.status.success());
    assert!(String::from_utf8_lossy(&taken.stderr).contains("already exists"));
    let short = host(&["user", "create", "erin"], "short\n");
    assert!(!short.status.success());
    let key = host(
        &["api-key", "create", "--user", "dave", "--name", "deploy"],
        "",
    );
    assert!(key.status.success());
    let key = String::from_utf8_lossy(&key.stdout).trim().to_string();
    assert!(
        key.starts_with("kiln_") && !key.contains('\n'),
        "only the key is printed: {key}"
    );
    let me: Value = plain()
        .get(format!("{}/api/v1/me", server.url()))
        .bearer_auth(&key)
        .send()
        .unwrap()
        .json()
        .unwrap();
    assert_eq!(me["user"]["username"], "dave");

    // `kiln login` keeps a key (mode 0600) that the other commands use.
    let without = server
        .cli_with_key(&["sync", "export"], None, None)
        .expect("cli");
    assert!(!without.status.success(), "no key yet");
    let login = server
        .cli_with_key(&["login", "dave"], Some("dave-password\n"), None)
        .expect("cli");
    assert!(
        login.status.success(),
        "{}",
        String::from_utf8_lossy(&login.stderr)
    );
    let file = server.data_dir().join("cli-config/kiln/cli.toml");
    let mode =
        std::os::unix::fs::PermissionsExt::mode(&std::fs::metadata(&file).unwrap().permissions());
    assert_eq!(mode & 0o777, 0o600);
    let export = server
        .cli_with_key(&["sync", "export"], None, None)
        .expect("cli");
    assert!(
        export.status.success(),
        "{}",
        String::from_utf8_lossy(&export.stderr)
    );
    let wrong = server
        .cli_with_key(&["login", "dave"], Some("not-dave-password\n"), None)
        .expect("cli");
    assert!(!wrong.status.success());
    assert!(String::from_utf8_lossy(&wrong.stderr).contains("wrong username or password"));
}

#[test]
fn user_groups_sync_from_komodo_toml_for_admins_only_and_export_again() {
    let server = KilnServer::start(kiln_bin(), &[]).expect("kiln serves");
    let admin = server.http_blocking();
    let url = |path: &str| format!("{}{path}", server.url());
    for name in ["frank", "grace"] {
        let made = admin
            .post(url("/api/v1/users"))
            .json(&json!({"username": name, "password": format!("{name}-password")}))
            .send()
            .unwrap();
        assert_eq!(made.status(), 201);
    }
    let sync = |client: &Client, toml: &str, query: &str| {
        let response = client
            .post(url(&format!("/api/v1/sync{query}")))
            .body(toml.to_string())
            .send()
            .unwrap();
        json_of(response)
    };
    let file = r#"
[[build]]
name = "web"
[build.config]
dockerfile = "FROM scratch"

[[build]]
name = "api"
[build.config]
dockerfile = "FROM scratch"

[[user_group]]
name = "web-team"
users = ["frank"]
all.Builder = "Read"
all.Server = "Write"
permissions = [
  { target.type = "Build", target.id = "web", level = "Execute" },
]
"#;
    // Nothing is written when a user is unknown.
    let (status, body, _) = sync(&admin, &file.replace("\"frank\"", "\"nobody-here\""), "");
    assert_eq!(status, 422, "{body}");
    assert!(
        body["error"]
            .as_str()
            .unwrap()
            .contains("no user 'nobody-here'"),
        "{body}"
    );
    let builds: Value = admin
        .get(url("/api/v1/builds"))
        .send()
        .unwrap()
        .json()
        .unwrap();
    assert_eq!(
        builds.as_array().unwrap().len(),
        0,
        "the refused file wrote builds"
    );

    let (status, body, _) = sync(&admin, file, "?dry_run=true");
    assert_eq!(status, 200, "{body}");
    assert!(
        body["summary"]
            .as_str()
            .unwrap()
            .contains("put user_group 'web-team'"),
        "{body}"
    );
    let (status, body, _) = sync(&admin, file, "");
    assert_eq!(status, 200, "{body}");

    // frank now has Execute on web through the group, nothing on api.
    let (session, csrf) = server
        .login("frank", "frank-password")
        .expect("frank signs in");
    let as_frank = |method: reqwest::Method, path: &str| {
        plain()
            .request(method, url(path))
            .header("cookie", format!("kiln_session={session}"))
            .header("x-csrf-token", &csrf)
            .send()
            .unwrap()
            .status()
            .as_u16()
    };
    assert_eq!(as_frank(reqwest::Method::GET, "/api/v1/builds/web"), 200);
    assert_eq!(as_frank(reqwest::Method::GET, "/api/v1/builds/api"), 403);
    assert_eq!(
        as_frank(reqwest::Method::POST, "/api/v1/builds/web/run"),
        202
    );
    assert_eq!(as_frank(reqwest::Method::DELETE, "/api/v1/builds/web"), 403);

    // The admin's export holds the group; it applies again unchanged.
    let export = admin
        .get(url("/api/v1/sync"))
        .send()
        .unwrap()
        .text()
        .unwrap();
    assert!(
        export.contains(
            "[[user_group]]\nname = \"web-team\"\nusers = [\"frank\"]\nall.Builder = \"Read\""
        ),
        "{export}"
    );
    assert!(
        export.contains("target.type = \"Build\", target.id = \"web\", level = \"Execute\""),
        "{export}"
    );
    let (status, body, _) = sync(&admin, &export, "");
    assert_eq!(status, 200, "{body}");

    // Only admins apply or see user groups.
    let key: Value = admin
        .post(url("/api/v1/api-keys"))
        .json(&json!({"username": "grace", "name": "t"}))
        .send()
        .unwrap()
        .json()
        .unwrap();
    let grace = Client::builder()
        .no_proxy()
        .default_headers({
            let mut h = reqwest::header::HeaderMap::new();
            h.insert(
                "authorization",
                format!("Bearer {}", key["key"].as_str().unwrap())
                    .parse()
                    .unwrap(),
            );
            h
        })
        .build()
        .unwrap();
    let (status, body, _) = sync(
        &grace,
        "[[user_group]]\nname = \"mine\"\nusers = [\"grace\"]\nall.Build = \"Write\"\n",
        "",
    );
    assert_eq!(status, 403, "{body}");
    let export = grace
        .get(url("/api/v1/sync"))
        .send()
        .unwrap()
        .text()
        .unwrap();
    assert!(!export.contains("user_group"), "{export}");

    // With delete, groups the file leaves out go.
    let (status, body, _) = sync(
        &admin,
        &format!("{file}\n[[user_group]]\nname = \"other\"\nusers = [\"grace\"]\n")
            .replace("name = \"web-team\"", "name = \"renamed-team\""),
        "?delete=true",
    );
    assert_eq!(status, 200, "{body}");
    let groups: Value = admin
        .get(url("/api/v1/groups"))
        .send()
        .unwrap()
        .json()
        .unwrap();
    let names: Vec<&str> = groups
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|g| g["name"].as_str())
        .collect();
    assert_eq!(names, ["other", "renamed-team"]);
}

/// `pre_build` and `extra_args` run with the builder's authority: on a
/// Local builder only an admin sets them; on a Server builder a user with
/// Write sets them only when the builder allows it.
#[test]
fn host_powers_on_a_builder_need_an_admin_or_the_builders_consent() {
    let server = KilnServer::start(kiln_bin(), &[]).expect("kiln serves");
    let admin = server.http_blocking();
    let url = |path: &str| format!("{}{path}", server.url());
    let file = r#"
[[builder]]
name = "open-agent"
[builder.config]
type = "Server"
params.address = "https://127.0.0.1:9"
params.passkey = "open-agent-key-1"
params.allow_build_host_powers = true

[[builder]]
name = "closed-agent"
[builder.config]
type = "Server"
params.address = "https://127.0.0.1:9"
params.passkey = "closed-agent-key-1"

[[build]]
name = "local-web"
[build.config]
dockerfile = "FROM scratch"

[[build]]
name = "open-web"
[build.config]
builder = "open-agent"
dockerfile = "FROM scratch"

[[build]]
name = "closed-web"
[build.config]
builder = "closed-agent"
dockerfile = "FROM scratch"
"#;
    let synced = admin.post(url("/api/v1/sync")).body(file).send().unwrap();
    assert_eq!(
        synced.status(),
        200,
        "{}",
        synced.text().unwrap_or_default()
    );
    let made = admin
        .post(url("/api/v1/users"))
        .json(&json!({"username": "hank", "password": "hank-password"}))
        .send()
        .unwrap();
    assert_eq!(made.status(), 201);
    for (kind, resource) in [("build", None::<&str>), ("builder", None)] {
        let level = if kind == "build" { "Write" } else { "Read" };
        let granted = admin
            .put(url("/api/v1/grants"))
            .json(&json!({"subject_type": "user", "subject": "hank", "kind": kind, "resource": resource, "level": level}))
            .send()
            .unwrap();
        assert_eq!(granted.status(), 204);
    }
    let key: Value = admin
        .post(url("/api/v1/api-keys"))
        .json(&json!({"username": "hank", "name": "t"}))
        .send()
        .unwrap()
        .json()
        .unwrap();
    let key = key["key"].as_str().unwrap().to_string();
    let patch = |client: &Client, key: Option<&str>, build: &str, config: Value| {
        let current: Value = admin
            .get(url(&format!("/api/v1/builds/{build}")))
            .send()
            .unwrap()
            .json()
            .unwrap();
        let mut request = client
            .patch(url(&format!("/api/v1/builds/{build}")))
            .json(&json!({"revision": current["revision"], "config": config}));
        if let Some(key) = key {
            request = request.bearer_auth(key);
        }
        json_of(request.send().unwrap())
    };
    let hank = plain();
    let pre_build = json!({"pre_build": {"command": "id > /tmp/owned"}});
    let extra = json!({"extra_args": ["--no-cache"]});

    // Local builder: the user may edit the build, but not give it host powers.
    let (status, body, _) = patch(&hank, Some(&key), "local-web", json!({"image_tag": "edge"}));
    assert_eq!(status, 200, "{body}");
    for config in [&pre_build, &extra] {
        let (status, body, _) = patch(&hank, Some(&key), "local-web", config.clone());
        assert_eq!(status, 403, "{body}");
        assert!(
            body["error"].as_str().unwrap().contains("only an admin"),
            "{body}"
        );
    }
    let (status, body, _) = patch(&admin, None, "local-web", pre_build.clone());
    assert_eq!(status, 200, "an admin may: {body}");
    // Editing another field of that build stays open to the user.
    let (status, body, _) = patch(&hank, Some(&key), "local-web", json!({"image_tag": "next"}));
    assert_eq!(status, 200, "{body}");

    // A Server builder that allows it, and one that does not.
    let (status, body, _) = patch(&hank, Some(&key), "open-web", pre_build.clone());
    assert_eq!(status, 200, "{body}");
    let (status, body, _) = patch(&hank, Some(&key), "closed-web", pre_build.clone());
    assert_eq!(status, 403, "{body}");
    // Moving a build with host powers onto the Local builder is the same.
    let (status, body, _) = patch(&hank, Some(&key), "open-web", json!({"builder": ""}));
    assert_eq!(status, 403, "{body}");
}
