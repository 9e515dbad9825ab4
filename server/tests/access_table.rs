//! Access control, door by door: every JSON API route and every server
//! function, called as nobody, as users with each level on the resource
//! (directly, through a group, kind-wide), as an admin, with a revoked key
//! and as a disabled user. Each answer must be what the table says: 401
//! without valid credentials (except the public routes), 403 below the
//! level the operation needs, and anything else (the operation's own
//! answer) at or above it. Lists show only what the caller may read.
//!
//! The table is checked for completeness: every route in
//! `server/src/api/mod.rs` and every registered server function must have
//! a row, so a new door cannot be added without deciding who may use it.

mod support;

use kiln_testkit::kiln::KilnServer;
use reqwest::blocking::Client;
use reqwest::Method;
use serde_json::{json, Value};
use std::collections::BTreeSet;
use support::kiln_bin;

/// What an operation needs.
#[derive(Clone, Copy, Debug, PartialEq)]
enum Need {
    /// Anyone, signed in or not.
    Public,
    /// Any signed-in user.
    SignedIn,
    /// This level on the build `target`.
    Read,
    Execute,
    Write,
    /// Write on every build (creating one).
    KindWrite,
    /// An admin.
    Admin,
}

/// A caller of the table: how it authenticates and what it may do on the
/// build `target`.
struct Who {
    label: &'static str,
    key: Option<String>,
    /// Its level on `target` (0 None … 3 Write); None: not authenticated.
    level: Option<u8>,
    admin: bool,
}

impl Who {
    fn expects(&self, need: Need) -> Expect {
        let Some(level) = self.level else {
            return if need == Need::Public {
                Expect::Allowed
            } else {
                Expect::Status(401)
            };
        };
        let allowed = match need {
            Need::Public | Need::SignedIn => true,
            Need::Read => level >= 1,
            Need::Execute => level >= 2,
            Need::Write => level >= 3,
            Need::KindWrite | Need::Admin => self.admin,
        };
        if allowed {
            Expect::Allowed
        } else {
            Expect::Status(403)
        }
    }
}

#[derive(Debug, PartialEq)]
enum Expect {
    /// Neither 401 nor 403 (nor a 500).
    Allowed,
    Status(u16),
}

/// One row: a door, what it needs, and the request.
struct Row {
    door: String,
    need: Need,
    method: Method,
    path: String,
    body: Body,
    /// Whether a successful call changes state that [`reset`] must restore.
    mutates: bool,
}

enum Body {
    None,
    Json(Value),
    Form(Vec<(&'static str, String)>),
    Text(String),
}

fn row(door: &str, need: Need, method: Method, path: &str, body: Body) -> Row {
    let mutates = method != Method::GET;
    Row {
        door: door.to_string(),
        need,
        method,
        path: path.to_string(),
        body,
        mutates,
    }
}

const BASE: &str = r#"
[[build]]
name = "target"
[build.config]
dockerfile = "FROM scratch"

[[build]]
name = "hidden"
[build.config]
dockerfile = "FROM scratch"

[[builder]]
name = "remote"
[builder.config]
type = "Server"
params.address = "https://127.0.0.1:9"
params.passkey = "remote-passkey-1234"

[[variable]]
name = "SHARED"
value = "plain"

[[repo]]
name = "code"
[repo.config]
repo = "acme/code"

[[alerter]]
name = "pager"
[alerter.config]
endpoint.type = "Custom"
endpoint.params.url = "http://127.0.0.1:9/hook"

[[git_account]]
domain = "git.example"
username = "bot"
token = "git-token-1234"

[[registry_account]]
domain = "registry.example"
username = "bot"
token = "registry-token-1234"
"#;

/// The grants every user gets on `target` (re-made after a delete, since
/// grants follow the resource's id).
const GRANTS: [(&str, &str, &str); 6] = [
    ("user", "reader", "Read"),
    ("user", "executor", "Execute"),
    ("user", "writer", "Write"),
    ("group", "team", "Write"),
    ("user", "revoked", "Write"),
    ("user", "disabled", "Write"),
];

struct Ctx {
    server: KilnServer,
    admin: Client,
    /// A run of `target` (made again when `target` is).
    run_id: std::cell::Cell<i64>,
}

impl Ctx {
    fn url(&self, path: &str) -> String {
        format!("{}{path}", self.server.url())
    }

    fn admin_send(&self, method: Method, path: &str, body: Value) -> (u16, Value) {
        let mut request = self.admin.request(method, self.url(path));
        if !body.is_null() {
            request = request.json(&body);
        }
        let response = request.send().expect("request");
        let status = response.status().as_u16();
        let text = response.text().unwrap_or_default();
        (status, serde_json::from_str(&text).unwrap_or(Value::Null))
    }

    fn admin_ok(&self, method: Method, path: &str, body: Value) -> Value {
        let (status, answer) = self.admin_send(method.clone(), path, body);
        assert!(
            (200..300).contains(&status),
            "admin {method} {path}: {status} {answer}"
        );
        answer
    }

    fn grant_target(&self) {
        for (subject_type, subject, level) in GRANTS {
            self.admin_ok(
                Method::PUT,
                "/api/v1/grants",
                json!({"subject_type": subject_type, "subject": subject, "kind": "build", "resource": "target", "level": level}),
            );
        }
    }

    /// Puts back what an allowed call changed: `target` under its name,
    /// with its grants, no copy, no live run.
    fn reset(&self) {
        if self
            .admin_send(Method::GET, "/api/v1/builds/target-renamed", Value::Null)
            .0
            == 200
        {
            self.admin_ok(
                Method::POST,
                "/api/v1/builds/target-renamed/rename",
                json!({"to": "target"}),
            );
        }
        if self
            .admin_send(Method::GET, "/api/v1/builds/target-copy", Value::Null)
            .0
            == 200
        {
            self.admin_ok(Method::DELETE, "/api/v1/builds/target-copy", Value::Null);
        }
        if self
            .admin_send(Method::GET, "/api/v1/builds/target", Value::Null)
            .0
            == 404
        {
            let response = self
                .admin
                .post(self.url("/api/v1/sync"))
                .body(BASE)
                .send()
                .expect("sync");
            assert!(response.status().is_success(), "re-creating target");
            self.grant_target();
            self.new_run();
        }
        let runs = self.admin_ok(Method::GET, "/api/v1/builds/target/runs", Value::Null);
        for run in runs.as_array().into_iter().flatten() {
            if run["status"] == "queued" || run["status"] == "running" {
                let id = run["run_id"].as_i64().or(run["id"].as_i64()).unwrap_or(0);
                let _ = self.admin_send(
                    Method::POST,
                    &format!("/api/v1/runs/{id}/cancel"),
                    Value::Null,
                );
            }
        }
        let deadline = std::time::Instant::now() + std::time::Duration::from_secs(20);
        loop {
            let runs = self.admin_ok(Method::GET, "/api/v1/builds/target/runs", Value::Null);
            let live = runs
                .as_array()
                .into_iter()
                .flatten()
                .any(|r| r["status"] == "queued" || r["status"] == "running");
            if !live {
                break;
            }
            assert!(
                std::time::Instant::now() < deadline,
                "a run of target stays live: {runs}"
            );
            std::thread::sleep(std::time::Duration::from_millis(100));
        }
    }

    /// Starts a run of `target` for the run rows (it fails at once: no
    /// Docker) and waits for its end.
    fn new_run(&self) {
        let started = self.admin_ok(Method::POST, "/api/v1/builds/target/run", Value::Null);
        self.run_id.set(started["run_id"].as_i64().expect("run_id"));
    }

    /// The revision of `target` now (patches name it).
    fn target_revision(&self) -> i64 {
        self.admin_ok(Method::GET, "/api/v1/builds/target", Value::Null)["revision"]
            .as_i64()
            .expect("revision")
    }

    fn call(&self, who: &Who, row: &Row) -> (u16, String) {
        let client = Client::builder().no_proxy().build().expect("client");
        let mut request = client.request(row.method.clone(), self.url(&row.path));
        if let Some(key) = &who.key {
            request = request.bearer_auth(key);
        }
        request = match &row.body {
            Body::None => request,
            Body::Json(value) => request.json(value),
            Body::Form(pairs) => request.form(pairs),
            Body::Text(text) => request.body(text.clone()),
        };
        let response = request.send().expect("request");
        let status = response.status().as_u16();
        (status, response.text().unwrap_or_default())
    }
}

/// Makes `name` with a key (optionally in a group), answers the key.
fn user_with_key(ctx: &Ctx, name: &str) -> String {
    ctx.admin_ok(
        Method::POST,
        "/api/v1/users",
        json!({"username": name, "password": format!("{name}-password")}),
    );
    let created = ctx.admin_ok(
        Method::POST,
        "/api/v1/api-keys",
        json!({"username": name, "name": "table"}),
    );
    created["key"].as_str().expect("key").to_string()
}

fn rows(ctx: &Ctx) -> Vec<Row> {
    let run_id = ctx.run_id.get();
    use kiln_app::api as rpc;
    use leptos::server_fn::ServerFn;
    use Method as M;
    use Need::*;
    let revision = ctx.target_revision();
    let form = |pairs: &[(&'static str, &str)]| {
        Body::Form(pairs.iter().map(|(k, v)| (*k, v.to_string())).collect())
    };
    let sync_change = "[[build]]\nname = \"target\"\ndescription = \"changed by sync\"\n[build.config]\ndockerfile = \"FROM scratch\"\n";
    let mut rows = vec![
        row("GET /health", Public, M::GET, "/api/v1/health", Body::None),
        row("GET /me", SignedIn, M::GET, "/api/v1/me", Body::None),
        row(
            "GET /builds",
            SignedIn,
            M::GET,
            "/api/v1/builds",
            Body::None,
        ),
        row(
            "GET /builds/target",
            Read,
            M::GET,
            "/api/v1/builds/target",
            Body::None,
        ),
        row(
            "PATCH /builds/target",
            Write,
            M::PATCH,
            "/api/v1/builds/target",
            Body::Json(json!({"revision": revision, "description": "patched"})),
        ),
        row(
            "POST /builds",
            KindWrite,
            M::POST,
            "/api/v1/builds",
            Body::Json(json!({"name": "target-copy"})),
        ),
        row(
            "POST /builds/target/rename",
            Write,
            M::POST,
            "/api/v1/builds/target/rename",
            Body::Json(json!({"to": "target-renamed"})),
        ),
        row(
            "POST /builds/target/copy",
            KindWrite,
            M::POST,
            "/api/v1/builds/target/copy",
            Body::Json(json!({"to": "target-copy"})),
        ),
        row(
            "GET /builds/target/history",
            Read,
            M::GET,
            "/api/v1/builds/target/history",
            Body::None,
        ),
        row(
            "POST /builds/target/run",
            Execute,
            M::POST,
            "/api/v1/builds/target/run",
            Body::None,
        ),
        row(
            "GET /builds/target/runs",
            Read,
            M::GET,
            "/api/v1/builds/target/runs",
            Body::None,
        ),
        row(
            "GET /builds/target/host-dockerfile",
            Read,
            M::GET,
            "/api/v1/builds/target/host-dockerfile",
            Body::None,
        ),
        row(
            "GET /builds/target/webhook",
            Read,
            M::GET,
            "/api/v1/builds/target/webhook",
            Body::None,
        ),
        row(
            "GET /runs/{id}",
            Read,
            M::GET,
            &format!("/api/v1/runs/{run_id}"),
            Body::None,
        ),
        row(
            "GET /runs/{id}/log",
            Read,
            M::GET,
            &format!("/api/v1/runs/{run_id}/log"),
            Body::None,
        ),
        row(
            "POST /runs/{id}/cancel",
            Execute,
            M::POST,
            &format!("/api/v1/runs/{run_id}/cancel"),
            Body::None,
        ),
        row(
            "GET /builders",
            SignedIn,
            M::GET,
            "/api/v1/builders",
            Body::None,
        ),
        row(
            "PATCH /builders/remote",
            Admin,
            M::PATCH,
            "/api/v1/builders/remote",
            Body::Json(json!({"revision": 1, "description": "x"})),
        ),
        row(
            "PATCH /repos/code",
            Admin,
            M::PATCH,
            "/api/v1/repos/code",
            Body::Json(json!({"revision": 1, "description": "x"})),
        ),
        row(
            "PATCH /variables/SHARED",
            Admin,
            M::PATCH,
            "/api/v1/variables/SHARED",
            Body::Json(json!({"revision": 1, "description": "x"})),
        ),
        row(
            "PATCH /alerters/pager",
            Admin,
            M::PATCH,
            "/api/v1/alerters/pager",
            Body::Json(json!({"revision": 1, "description": "x"})),
        ),
        row(
            "PATCH /git-accounts/…",
            Admin,
            M::PATCH,
            "/api/v1/git-accounts/git.example/bot",
            Body::Json(json!({"revision": 1, "token": "<secret>"})),
        ),
        row(
            "PATCH /registry-accounts/…",
            Admin,
            M::PATCH,
            "/api/v1/registry-accounts/registry.example/bot",
            Body::Json(json!({"revision": 1, "token": "<secret>"})),
        ),
        row(
            "GET /alerters",
            SignedIn,
            M::GET,
            "/api/v1/alerters",
            Body::None,
        ),
        row("GET /sync", SignedIn, M::GET, "/api/v1/sync", Body::None),
        row(
            "POST /sync (dry run, changes target)",
            Write,
            M::POST,
            "/api/v1/sync?dry_run=true",
            Body::Text(sync_change.into()),
        ),
        row("GET /users", Admin, M::GET, "/api/v1/users", Body::None),
        row(
            "POST /users",
            Admin,
            M::POST,
            "/api/v1/users",
            Body::Json(json!({"username": "made-by-table", "password": "made-by-table-pw"})),
        ),
        row(
            "PATCH /users/reader",
            Admin,
            M::PATCH,
            "/api/v1/users/reader",
            Body::Json(json!({"admin": false})),
        ),
        row(
            "DELETE /users/doomed",
            Admin,
            M::DELETE,
            "/api/v1/users/doomed",
            Body::None,
        ),
        row(
            "GET /api-keys",
            SignedIn,
            M::GET,
            "/api/v1/api-keys",
            Body::None,
        ),
        row(
            "POST /api-keys",
            SignedIn,
            M::POST,
            "/api/v1/api-keys",
            Body::Json(json!({"name": "table-made"})),
        ),
        row(
            "DELETE /api-keys/{id}",
            SignedIn,
            M::DELETE,
            "/api/v1/api-keys/999999",
            Body::None,
        ),
        row("GET /groups", Admin, M::GET, "/api/v1/groups", Body::None),
        row(
            "PUT /groups/other",
            Admin,
            M::PUT,
            "/api/v1/groups/other",
            Body::Json(json!({"name": "other", "members": []})),
        ),
        row(
            "DELETE /groups/gone",
            Admin,
            M::DELETE,
            "/api/v1/groups/gone",
            Body::None,
        ),
        row("GET /grants", Admin, M::GET, "/api/v1/grants", Body::None),
        row(
            "PUT /grants",
            Admin,
            M::PUT,
            "/api/v1/grants",
            Body::Json(
                json!({"subject_type": "user", "subject": "reader", "kind": "build", "resource": "target", "level": "Read"}),
            ),
        ),
        row(
            "DELETE /builds/target",
            Write,
            M::DELETE,
            "/api/v1/builds/target",
            Body::None,
        ),
        row(
            "POST /login",
            Public,
            M::POST,
            "/api/v1/login",
            Body::Json(json!({"username": "login-only", "password": "login-only-password"})),
        ),
        row(
            "POST /setup (already set up)",
            Public,
            M::POST,
            "/api/v1/setup",
            Body::Json(json!({"token": "x", "username": "y", "password": "zzzzzzzz"})),
        ),
        row(
            "POST /logout",
            Public,
            M::POST,
            "/api/v1/logout",
            Body::None,
        ),
        row(
            "GET /agent/kiln-agent",
            Public,
            M::GET,
            "/agent/kiln-agent",
            Body::None,
        ),
        row(
            "POST /listener/github/build/target (unsigned)",
            Public,
            M::POST,
            "/listener/github/build/target",
            Body::Text("{}".into()),
        ),
        row("GET /login page", Public, M::GET, "/login", Body::None),
        row(
            "GET /pkg/kiln.css",
            Public,
            M::GET,
            "/pkg/kiln.css",
            Body::None,
        ),
    ];
    let fns: Vec<(&str, Need, &str, Body)> = vec![
        ("list_builds", SignedIn, rpc::ListBuilds::PATH, form(&[])),
        (
            "get_build_page",
            Read,
            rpc::GetBuildPage::PATH,
            form(&[("name", "target")]),
        ),
        (
            "create_build",
            KindWrite,
            rpc::CreateBuild::PATH,
            form(&[
                ("name", "target-copy"),
                ("description", ""),
                ("dockerfile", "FROM scratch"),
            ]),
        ),
        (
            "build_history",
            Read,
            rpc::BuildHistory::PATH,
            form(&[("name", "target")]),
        ),
        (
            "list_builders",
            SignedIn,
            rpc::ListBuilders::PATH,
            form(&[]),
        ),
        (
            "patch_build",
            Write,
            rpc::PatchBuild::PATH,
            Body::Json(
                json!({"name": "target", "revision": revision, "config": "{}", "description": "from the page"}),
            ),
        ),
        (
            "check_build",
            Read,
            rpc::CheckBuild::PATH,
            Body::Json(json!({"build": {"name": "target"}})),
        ),
        (
            "list_variables",
            SignedIn,
            rpc::ListVariables::PATH,
            form(&[]),
        ),
        (
            "create_variable",
            Admin,
            rpc::CreateVariable::PATH,
            Body::Json(
                json!({"name": "MADE", "value": "made-value", "description": "", "is_secret": false}),
            ),
        ),
        (
            "patch_variable",
            Admin,
            rpc::PatchVariable::PATH,
            Body::Json(
                json!({"name": "SHARED", "revision": 1, "value": null, "description": "d", "is_secret": null}),
            ),
        ),
        (
            "delete_variable",
            Admin,
            rpc::DeleteVariable::PATH,
            form(&[("name", "MADE")]),
        ),
        (
            "list_accounts",
            SignedIn,
            rpc::ListAccounts::PATH,
            form(&[("kind", "git")]),
        ),
        (
            "create_account",
            Admin,
            rpc::CreateAccount::PATH,
            Body::Json(
                json!({"kind": "git", "domain": "made.example", "username": "u", "token": "made-token"}),
            ),
        ),
        (
            "patch_account_token",
            Admin,
            rpc::PatchAccountToken::PATH,
            Body::Json(
                json!({"kind": "git", "domain": "git.example", "username": "bot", "revision": 1, "token": "new-token-1234"}),
            ),
        ),
        (
            "delete_account",
            Admin,
            rpc::DeleteAccount::PATH,
            Body::Json(json!({"kind": "git", "domain": "made.example", "username": "u"})),
        ),
        (
            "start_run",
            Execute,
            rpc::StartRun::PATH,
            form(&[("name", "target")]),
        ),
        (
            "cancel_run",
            Execute,
            rpc::CancelRun::PATH,
            form(&[("id", &run_id.to_string())]),
        ),
        (
            "list_runs",
            Read,
            rpc::ListRuns::PATH,
            form(&[("name", "target")]),
        ),
        (
            "get_run_page",
            Read,
            rpc::GetRunPage::PATH,
            form(&[("id", &run_id.to_string())]),
        ),
        (
            "get_run",
            Read,
            rpc::GetRun::PATH,
            form(&[("id", &run_id.to_string())]),
        ),
        (
            "get_source_dockerfile",
            Read,
            rpc::GetSourceDockerfile::PATH,
            form(&[("name", "target")]),
        ),
        (
            "sync_toml",
            Write,
            rpc::SyncToml::PATH,
            Body::Json(json!({"toml": sync_change, "dry_run": true, "delete": false})),
        ),
        ("export_toml", SignedIn, rpc::ExportToml::PATH, form(&[])),
        (
            "rename_build",
            Write,
            rpc::RenameBuild::PATH,
            form(&[("name", "target"), ("to", "target-renamed")]),
        ),
        (
            "copy_build",
            KindWrite,
            rpc::CopyBuild::PATH,
            form(&[("name", "target"), ("to", "target-copy")]),
        ),
        (
            "delete_build",
            Write,
            rpc::DeleteBuild::PATH,
            form(&[("name", "target")]),
        ),
        ("list_api_keys", SignedIn, rpc::ListApiKeys::PATH, form(&[])),
        (
            "create_api_key",
            SignedIn,
            rpc::CreateApiKey::PATH,
            Body::Json(json!({"name": "rpc-made", "expires": "", "level_cap": "Read"})),
        ),
        (
            "revoke_api_key",
            SignedIn,
            rpc::RevokeApiKey::PATH,
            form(&[("id", "999999")]),
        ),
        ("list_users", Admin, rpc::ListUsers::PATH, form(&[])),
        (
            "create_user",
            Admin,
            rpc::CreateUser::PATH,
            Body::Json(
                json!({"username": "made-by-rpc", "password": "made-by-rpc-pw", "admin": false}),
            ),
        ),
        (
            "update_user",
            Admin,
            rpc::UpdateUser::PATH,
            Body::Json(
                json!({"username": "reader", "password": null, "admin": false, "disabled": null}),
            ),
        ),
        (
            "delete_user",
            Admin,
            rpc::DeleteUser::PATH,
            form(&[("username", "doomed-rpc")]),
        ),
        ("list_groups", Admin, rpc::ListGroups::PATH, form(&[])),
        (
            "put_group",
            Admin,
            rpc::PutGroup::PATH,
            Body::Json(json!({"name": "other-rpc", "everyone": false, "members": []})),
        ),
        (
            "delete_group",
            Admin,
            rpc::DeleteGroup::PATH,
            form(&[("name", "gone")]),
        ),
        ("list_grants", Admin, rpc::ListGrants::PATH, form(&[])),
        (
            "build_grants",
            Admin,
            rpc::BuildGrants::PATH,
            form(&[("name", "target")]),
        ),
        (
            "set_grant",
            Admin,
            rpc::SetGrant::PATH,
            Body::Json(
                json!({"subject_type": "user", "subject": "reader", "kind": "build", "resource": "target", "level": "Read"}),
            ),
        ),
    ];
    for (name, need, path, body) in fns {
        rows.push(row(&format!("rpc {name}"), need, M::POST, path, body));
    }
    // Reads through server functions change nothing.
    for row in rows.iter_mut() {
        if row.door.starts_with("rpc ")
            && (row.door.contains("list_")
                || row.door.contains("get_")
                || row.door.contains("history")
                || row.door.contains("check_")
                || row.door.contains("export_")
                || row.door.contains("build_grants"))
        {
            row.mutates = false;
        }
    }
    rows
}

#[test]
fn every_door_answers_each_caller_as_the_table_says() {
    let server = KilnServer::start(
        kiln_bin(),
        &[("DOCKER_HOST", "unix:///nonexistent/kiln-table.sock")],
    )
    .expect("kiln serves");
    let ctx = Ctx {
        admin: server.http_blocking(),
        server,
        run_id: std::cell::Cell::new(0),
    };
    let response = ctx
        .admin
        .post(ctx.url("/api/v1/sync"))
        .body(BASE)
        .send()
        .expect("sync");
    assert!(
        response.status().is_success(),
        "{}",
        response.text().unwrap_or_default()
    );

    let keys: Vec<(&str, String)> = [
        "reader",
        "executor",
        "writer",
        "grouped",
        "kindwide",
        "nobody-special",
        "revoked",
        "disabled",
        "doomed",
        "login-only",
    ]
    .into_iter()
    .map(|name| (name, user_with_key(&ctx, name)))
    .collect();
    let key = |name: &str| {
        keys.iter()
            .find(|(n, _)| *n == name)
            .map(|(_, k)| k.clone())
    };
    ctx.admin_ok(
        Method::PUT,
        "/api/v1/groups/team",
        json!({"name": "team", "members": ["grouped"]}),
    );
    ctx.grant_target();
    ctx.admin_ok(
        Method::PUT,
        "/api/v1/grants",
        json!({"subject_type": "user", "subject": "kindwide", "kind": "build", "level": "Read"}),
    );
    // The revoked user's key is revoked; the disabled user is disabled.
    let revoked_keys = ctx.admin_ok(Method::GET, "/api/v1/api-keys?user=revoked", Value::Null);
    let revoked_id = revoked_keys[0]["id"].as_i64().expect("key id");
    ctx.admin_ok(
        Method::DELETE,
        &format!("/api/v1/api-keys/{revoked_id}?user=revoked"),
        Value::Null,
    );
    ctx.admin_ok(
        Method::PATCH,
        "/api/v1/users/disabled",
        json!({"disabled": true}),
    );

    ctx.new_run();
    ctx.reset();

    let callers = vec![
        Who {
            label: "nobody",
            key: None,
            level: None,
            admin: false,
        },
        Who {
            label: "no grant",
            key: key("nobody-special"),
            level: Some(0),
            admin: false,
        },
        Who {
            label: "Read",
            key: key("reader"),
            level: Some(1),
            admin: false,
        },
        Who {
            label: "Execute",
            key: key("executor"),
            level: Some(2),
            admin: false,
        },
        Who {
            label: "Write",
            key: key("writer"),
            level: Some(3),
            admin: false,
        },
        Who {
            label: "Write through a group",
            key: key("grouped"),
            level: Some(3),
            admin: false,
        },
        Who {
            label: "kind-wide Read",
            key: key("kindwide"),
            level: Some(1),
            admin: false,
        },
        Who {
            label: "admin",
            key: Some(ctx.server.api_key().to_string()),
            level: Some(3),
            admin: true,
        },
        Who {
            label: "revoked key",
            key: key("revoked"),
            level: None,
            admin: false,
        },
        Who {
            label: "disabled user",
            key: key("disabled"),
            level: None,
            admin: false,
        },
    ];

    let mut failures = Vec::new();
    let mut checked = 0;
    // Public doors answer every caller alike (whatever that answer is).
    let mut public: std::collections::BTreeMap<String, BTreeSet<u16>> = Default::default();
    for who in &callers {
        for row in rows(&ctx) {
            let want = who.expects(row.need);
            let (status, body) = ctx.call(who, &row);
            checked += 1;
            if row.need == Need::Public {
                public.entry(row.door.clone()).or_default().insert(status);
            }
            let ok = match want {
                Expect::Allowed if row.need == Need::Public => status != 403 && status < 500,
                Expect::Allowed => status != 401 && status != 403 && status < 500,
                Expect::Status(s) => status == s,
            };
            if !ok {
                failures.push(format!(
                    "{} as {}: want {want:?}, got {status}: {}",
                    row.door,
                    who.label,
                    body.chars().take(200).collect::<String>()
                ));
            }
            if matches!(want, Expect::Status(403))
                && !body.contains("permission")
                && !body.contains("admin")
            {
                failures.push(format!(
                    "{} as {}: the 403 does not name what is missing: {body}",
                    row.door, who.label
                ));
            }
            if row.mutates && want == Expect::Allowed {
                ctx.reset();
            }
        }
    }
    for (door, statuses) in &public {
        if statuses.len() > 1 {
            failures.push(format!("{door} answers callers differently: {statuses:?}"));
        }
    }
    assert!(
        failures.is_empty(),
        "{} of {checked} answers differ:\n{}",
        failures.len(),
        failures.join("\n")
    );

    // Lists hold only what the caller may read.
    for who in &callers[1..8] {
        let client = Client::builder().no_proxy().build().expect("client");
        let builds: Value = client
            .get(ctx.url("/api/v1/builds"))
            .bearer_auth(who.key.as_deref().unwrap_or_default())
            .send()
            .expect("list")
            .json()
            .expect("json");
        let names: BTreeSet<&str> = builds
            .as_array()
            .expect("array")
            .iter()
            .filter_map(|b| b["name"].as_str())
            .collect();
        let sees_target = who.level.unwrap_or(0) >= 1;
        let sees_hidden = who.admin || who.label == "kind-wide Read";
        assert_eq!(
            names.contains("target"),
            sees_target,
            "{}: {names:?}",
            who.label
        );
        assert_eq!(
            names.contains("hidden"),
            sees_hidden,
            "{}: {names:?}",
            who.label
        );
        let export = client
            .get(ctx.url("/api/v1/sync"))
            .bearer_auth(who.key.as_deref().unwrap_or_default())
            .send()
            .expect("export")
            .text()
            .expect("text");
        assert_eq!(
            export.contains("name = \"hidden\""),
            sees_hidden,
            "{}: {export}",
            who.label
        );
        assert_eq!(
            export.contains("registry.example"),
            who.admin,
            "{}: {export}",
            who.label
        );
    }
}

/// Every route of `server/src/api/mod.rs` and every server function has a
/// row in the table above.
#[test]
fn the_table_covers_every_route_and_server_function() {
    let table = include_str!("access_table.rs");
    let routes = include_str!("../src/api/mod.rs");
    // Every quoted API path in this file, as segments.
    let quoted: Vec<Vec<&str>> = table
        .split('"')
        .filter(|s| s.starts_with("/api/v1/"))
        .map(|s| s.split('?').next().unwrap_or(s).split('/').collect())
        .collect();
    let mut missing = Vec::new();
    for line in routes.lines() {
        let Some(rest) = line.trim().strip_prefix(".route(\"") else {
            continue;
        };
        let route = format!("/api/v1{}", rest.split('"').next().unwrap_or_default());
        let want: Vec<&str> = route.split('/').collect();
        let covered = quoted.iter().any(|path| {
            path.len() == want.len()
                && path
                    .iter()
                    .zip(&want)
                    .all(|(got, want)| got == want || (want.starts_with('{') && !got.is_empty()))
        });
        if !covered {
            missing.push(format!("route {route}"));
        }
    }
    for (path, _) in leptos::server_fn::axum::server_fn_paths() {
        let name = path.trim_start_matches("/rpc/");
        let name = name
            .split(|c: char| c.is_ascii_digit())
            .next()
            .unwrap_or(name);
        if !table.contains(&format!("\"{name}\",")) {
            missing.push(format!("server function {path}"));
        }
    }
    assert!(missing.is_empty(), "no row for: {missing:?}");
}
