//! The UI's saves of variables and accounts, its rename and copy, and its
//! explicit lowering of a build's version, through their server functions
//! against the real `kiln` binary: a stale save of another field merges, a
//! stale save of a changed field answers its current value (secrets as
//! placeholders), who changed it and the revision to re-apply at; rename
//! and copy refuse with a sentence. A lower version is saved only when
//! the build page's button (or the API's `?force_version=true`) says so.

mod support;

use kiln_testkit::kiln::KilnServer;
use leptos::server_fn::ServerFn;
use serde_json::{json, Value};
use support::*;

/// POSTs a server function's arguments (JSON or, with `form`, URL-encoded)
/// and returns the status and the answer (JSON when it parses).
async fn rpc(server: &KilnServer, path: &str, args: Value, form: bool) -> (u16, Value) {
    let request = client(server).post(format!("{}{path}", server.url()));
    let request = if form {
        let fields: Vec<(String, String)> = args
            .as_object()
            .expect("an object")
            .iter()
            .map(|(k, v)| (k.clone(), v.as_str().unwrap_or_default().to_string()))
            .collect();
        request.form(&fields)
    } else {
        request.json(&args)
    };
    let response = request.send().await.expect("POST /rpc");
    let status = response.status().as_u16();
    let text = response.text().await.expect("body");
    (
        status,
        serde_json::from_str(&text).unwrap_or(Value::String(text)),
    )
}

async fn patch_variable(server: &KilnServer, args: Value) -> Value {
    let (status, answer) = rpc(server, kiln_app::api::PatchVariable::PATH, args, false).await;
    assert_eq!(status, 200, "{answer}");
    answer
}

async fn patch_token(server: &KilnServer, kind: &str, revision: i64, token: &str) -> Value {
    let args = json!({
        "kind": kind, "domain": "git.example", "username": "kiln",
        "revision": revision, "token": token,
    });
    let (status, answer) = rpc(server, kiln_app::api::PatchAccountToken::PATH, args, false).await;
    assert_eq!(status, 200, "{answer}");
    answer
}

async fn export(server: &KilnServer) -> String {
    client(server)
        .get(format!("{}/api/v1/sync", server.url()))
        .send()
        .await
        .expect("export")
        .text()
        .await
        .expect("body")
}

#[tokio::test]
async fn variable_and_account_saves_merge_or_conflict_and_keep_secrets_hidden() {
    let server = KilnServer::start(kiln_bin(), &[]).expect("kiln serves");
    apply(
        &server,
        "[[variable]]\nname = \"REGION\"\nvalue = \"eu-west-1\"\n\n\
         [[variable]]\nname = \"TOKEN\"\nvalue = \"first-secret-value\"\nis_secret = true\n\n\
         [[git_account]]\ndomain = \"git.example\"\nusername = \"kiln\"\ntoken = \"first-token-value\"\n\n\
         [[registry_account]]\ndomain = \"git.example\"\nusername = \"kiln\"\ntoken = \"first-token-value\"\n",
    )
    .await;

    // Two tabs loaded REGION at revision 1. The first changes the value.
    let saved = patch_variable(
        &server,
        json!({"name": "REGION", "revision": 1, "value": "eu-north-1"}),
    )
    .await;
    assert_eq!(saved, json!({"Saved": 2}));
    // The second, stale, changes only the description: merged.
    let merged = patch_variable(
        &server,
        json!({"name": "REGION", "revision": 1, "description": "where it runs"}),
    )
    .await;
    assert_eq!(merged, json!({"Saved": 3}));
    let toml = export(&server).await;
    assert!(toml.contains("value = \"eu-north-1\""), "{toml}");
    assert!(toml.contains("description = \"where it runs\""), "{toml}");
    // The second, still stale, changes the value too: the conflict says
    // what it is now, who changed it, and the revision to re-apply at.
    let conflict = patch_variable(
        &server,
        json!({"name": "REGION", "revision": 1, "value": "us-east-1", "is_secret": null}),
    )
    .await;
    let field = &conflict["Conflict"][0][0];
    assert_eq!(field["field"], "value", "{conflict}");
    assert_eq!(field["current"], "eu-north-1");
    assert_eq!(
        (&field["changed_by"], &field["door"], &field["revision"]),
        (
            &json!(kiln_testkit::kiln::ADMIN_USER),
            &json!("ui"),
            &json!(2)
        )
    );
    assert!(field["at_ms"].as_i64().is_some_and(|t| t > 0), "{field}");
    assert_eq!(conflict["Conflict"][1], 3, "{conflict}");
    assert_eq!(conflict["Conflict"][0].as_array().map(Vec::len), Some(1));
    // Re-applied at that revision, it lands.
    let reapplied = patch_variable(
        &server,
        json!({"name": "REGION", "revision": 3, "value": "us-east-1"}),
    )
    .await;
    assert_eq!(reapplied, json!({"Saved": 4}));
    assert!(export(&server).await.contains("value = \"us-east-1\""));

    // Secret values: write-only, placeholders in conflicts.
    let saved = patch_variable(
        &server,
        json!({"name": "TOKEN", "revision": 1, "value": "second-secret-value"}),
    )
    .await;
    assert_eq!(saved, json!({"Saved": 2}));
    let secret_conflict = patch_variable(
        &server,
        json!({"name": "TOKEN", "revision": 1, "value": "third-secret-value"}),
    )
    .await;
    assert_eq!(secret_conflict["Conflict"][0][0]["field"], "value");
    assert_eq!(secret_conflict["Conflict"][0][0]["current"], "<secret>");
    // A refusal is a sentence naming the field, never the value.
    let (status, refused) = rpc(
        &server,
        kiln_app::api::PatchVariable::PATH,
        json!({"name": "TOKEN", "revision": 2, "is_secret": false}),
        false,
    )
    .await;
    assert_eq!(status, 422, "{refused}");
    assert!(
        refused
            .to_string()
            .contains("becomes plain only with a new value"),
        "{refused}"
    );

    // Accounts: a token patch at the loaded revision, a stale one conflicts.
    assert_eq!(
        patch_token(&server, "git", 1, "second-token-value").await,
        json!({"Saved": 2})
    );
    let token_conflict = patch_token(&server, "git", 1, "third-token-value").await;
    let field = &token_conflict["Conflict"][0][0];
    assert_eq!(
        (&field["field"], &field["current"], &field["door"]),
        (&json!("token"), &json!("<secret>"), &json!("ui")),
        "{token_conflict}"
    );
    assert_eq!(token_conflict["Conflict"][1], 2);
    assert_eq!(
        patch_token(&server, "git", 2, "third-token-value").await,
        json!({"Saved": 3})
    );
    assert_eq!(
        patch_token(&server, "registry", 1, "second-token-value").await,
        json!({"Saved": 2})
    );
    let (status, unknown) = rpc(
        &server,
        kiln_app::api::PatchAccountToken::PATH,
        json!({"kind": "svn", "domain": "git.example", "username": "kiln", "revision": 1, "token": "x-token-value"}),
        false,
    )
    .await;
    assert_eq!(status, 422);
    assert!(
        unknown.to_string().contains("unknown account kind 'svn'"),
        "{unknown}"
    );

    let everything = format!("{secret_conflict}{token_conflict}{refused}{unknown}");
    assert!(!everything.contains("-value"), "{everything}");
    let toml = export(&server).await;
    assert!(!toml.contains("-value"), "{toml}");
}

#[tokio::test]
async fn rename_and_copy_refuse_with_a_sentence_and_keep_or_leave_the_history() {
    let server = KilnServer::start(kiln_bin(), &[]).expect("kiln serves");
    apply(
        &server,
        "[[build]]\nname = \"api\"\ndescription = \"first\"\n\n[[build]]\nname = \"web\"\n",
    )
    .await;
    let rename = |to: &'static str| {
        let server = &server;
        async move {
            rpc(
                server,
                kiln_app::api::RenameBuild::PATH,
                json!({"name": "api", "to": to}),
                true,
            )
            .await
        }
    };
    let (status, taken) = rename("web").await;
    assert_eq!(status, 409);
    assert!(
        taken.to_string().contains("build 'web' already exists"),
        "{taken}"
    );
    let (status, invalid) = rename("api/v2").await;
    assert_eq!(status, 422);
    assert!(invalid.to_string().contains("new name: "), "{invalid}");
    let (status, missing) = rpc(
        &server,
        kiln_app::api::CopyBuild::PATH,
        json!({"name": "nope", "to": "nope-2"}),
        true,
    )
    .await;
    assert_eq!(status, 404);
    assert!(missing.to_string().contains("not found"), "{missing}");

    let (_, before) = get_json(&server, "/api/v1/builds/api").await;
    let (status, renamed) = rename("api-2").await;
    assert_eq!((status, &renamed), (200, &json!("api-2")));
    let (_, after) = get_json(&server, "/api/v1/builds/api-2").await;
    assert_eq!(after["id"], before["id"], "the same build");
    assert_eq!(get_json(&server, "/api/v1/builds/api").await.0, 404);
    let (_, history) = get_json(&server, "/api/v1/builds/api-2/history").await;
    assert_eq!(history[0]["action"], "rename", "{history}");
    assert_eq!(history[0]["door"], "ui");
    assert_eq!(history.as_array().map(Vec::len), Some(2), "{history}");

    let (status, copied) = rpc(
        &server,
        kiln_app::api::CopyBuild::PATH,
        json!({"name": "api-2", "to": "api-3"}),
        true,
    )
    .await;
    assert_eq!((status, &copied), (200, &json!("api-3")));
    let (_, copy) = get_json(&server, "/api/v1/builds/api-3").await;
    assert_ne!(copy["id"], before["id"]);
    assert_eq!(copy["description"], "first");
    let (_, history) = get_json(&server, "/api/v1/builds/api-3/history").await;
    assert_eq!(history.as_array().map(Vec::len), Some(1), "{history}");
    let (status, taken) = rpc(
        &server,
        kiln_app::api::CopyBuild::PATH,
        json!({"name": "api-2", "to": "web"}),
        true,
    )
    .await;
    assert_eq!(status, 409);
    assert!(
        taken.to_string().contains("build 'web' already exists"),
        "{taken}"
    );
}

#[tokio::test]
async fn the_build_page_and_the_api_lower_a_version_only_when_told_to() {
    let server = KilnServer::start(kiln_bin(), &[]).expect("kiln serves");
    apply(
        &server,
        "[[build]]\nname = \"ver\"\n[build.config]\nversion = \"1.2.0\"\n",
    )
    .await;
    let (_, build) = get_json(&server, "/api/v1/builds/ver").await;
    let revision = build["revision"].as_i64().expect("revision");
    let save = |force: Option<bool>| {
        let mut args = json!({
            "name": "ver", "revision": revision,
            "config": json!({"version": "1.0.0"}).to_string(),
            "description": null, "tags": null,
        });
        if let Some(force) = force {
            args["force_version"] = json!(force);
        }
        let server = &server;
        async move { rpc(server, kiln_app::api::PatchBuild::PATH, args, false).await }
    };
    // Without the flag (as older pages send it) or with it false: refused.
    for force in [None, Some(false)] {
        let (status, refused) = save(force).await;
        assert_eq!(status, 200, "{refused}");
        let errors = &refused["Invalid"];
        assert_eq!(errors[0]["field"], "config.version", "{refused}");
        assert!(
            errors[0]["message"]
                .as_str()
                .is_some_and(|m| m.contains("lower than the stored 1.2.0")),
            "{refused}"
        );
    }
    let (_, unchanged) = get_json(&server, "/api/v1/builds/ver").await;
    assert_eq!(unchanged["config"]["version"], "1.2.0");
    let (status, saved) = save(Some(true)).await;
    assert_eq!(status, 200, "{saved}");
    assert_eq!(saved["Saved"][0]["config"]["version"], "1.0.0", "{saved}");
    let (_, lowered) = get_json(&server, "/api/v1/builds/ver").await;
    assert_eq!(lowered["config"]["version"], "1.0.0");

    // The API's PATCH: 422 naming the field, unless ?force_version=true.
    let revision = lowered["revision"].as_i64().expect("revision");
    let http = client(&server);
    let api_patch = |query: &'static str| {
        let url = format!("{}/api/v1/builds/ver{query}", server.url());
        let http = http.clone();
        async move {
            let response = http
                .patch(url)
                .json(&json!({"revision": revision, "config": {"version": "0.9.0"}}))
                .send()
                .await
                .expect("PATCH");
            let status = response.status().as_u16();
            (status, response.text().await.expect("body"))
        }
    };
    let (status, refused) = api_patch("").await;
    assert_eq!(status, 422, "{refused}");
    assert!(
        refused.contains("config.version: 0.9.0 is lower than the stored 1.0.0"),
        "{refused}"
    );
    let (status, refused) = api_patch("?force_version=false").await;
    assert_eq!(status, 422, "{refused}");
    let (status, saved) = api_patch("?force_version=true").await;
    assert_eq!(status, 200, "{saved}");
    assert!(saved.contains("\"version\":\"0.9.0\""), "{saved}");
}
