//! Revisions, partial saves and the audit trail against the real `kiln`
//! binary: PATCH at the current revision, a stale PATCH that conflicts or
//! merges, the UI's save (its server function) after a run bumped the
//! version, history entries from the API, the UI and sync (secrets only as
//! changed), and a build's identity over rename, copy and delete.

mod support;

use kiln_testkit::kiln::KilnServer;
use kiln_testkit::{base_image, DockerEngine};
use leptos::server_fn::ServerFn;
use serde_json::{json, Value};
use std::time::Duration;
use support::*;

async fn send(server: &KilnServer, method: &str, path: &str, body: Value) -> (u16, Value) {
    let url = format!("{}{path}", server.url());
    let request = match method {
        "PATCH" => client(server).patch(url),
        "DELETE" => client(server).delete(url),
        _ => client(server).post(url),
    };
    let response = request.json(&body).send().await.expect("request");
    let status = response.status().as_u16();
    let text = response.text().await.expect("body");
    (
        status,
        serde_json::from_str(&text).unwrap_or(Value::String(text)),
    )
}

/// The build page's save: the `patch_build` server function.
async fn ui_save(server: &KilnServer, name: &str, revision: i64, config: Value) -> Value {
    let response = client(server)
        .post(format!(
            "{}{}",
            server.url(),
            kiln_app::api::PatchBuild::PATH
        ))
        .json(&json!({
            "name": name,
            "revision": revision,
            "config": config.to_string(),
            "description": null,
            "tags": null,
        }))
        .send()
        .await
        .expect("POST /rpc");
    let status = response.status().as_u16();
    let text = response.text().await.expect("body");
    assert_eq!(status, 200, "{text}");
    serde_json::from_str(&text).expect("a SaveAnswer")
}

async fn history(server: &KilnServer, name: &str) -> Vec<Value> {
    let (status, body) = get_json(server, &format!("/api/v1/builds/{name}/history")).await;
    assert_eq!(status, 200, "{body}");
    body.as_array().cloned().expect("a list")
}

#[tokio::test]
async fn stale_patches_conflict_on_changed_fields_and_merge_the_others() {
    let server = KilnServer::start(kiln_bin(), &[]).expect("kiln serves");
    let (status, _) = post_json(&server, "/api/v1/builds", json!({"name": "api"})).await;
    assert_eq!(status, 201);
    let (_, build) = get_json(&server, "/api/v1/builds/api").await;
    assert_eq!(build["revision"], 1, "{build}");
    assert!(build["id"].is_i64(), "{build}");

    let (status, saved) = send(
        &server,
        "PATCH",
        "/api/v1/builds/api",
        json!({"revision": 1, "config": {"image_tag": "edge", "secret_args": "TOKEN=hunter2-secret"}}),
    )
    .await;
    assert_eq!(status, 200, "{saved}");
    assert_eq!(saved["revision"], 2);
    assert_eq!(saved["config"]["image_tag"], "edge");
    assert_eq!(saved["config"]["secret_args"], "TOKEN=<TOKEN>");

    let (status, refused) = send(
        &server,
        "PATCH",
        "/api/v1/builds/api",
        json!({"revision": 1, "config": {"image_tag": "mine", "secret_args": "TOKEN=other-secret"}}),
    )
    .await;
    assert_eq!(status, 409, "{refused}");
    let conflicts = refused["conflicts"].as_array().expect("conflicts");
    let tag = conflicts
        .iter()
        .find(|c| c["field"] == "config.image_tag")
        .expect("image_tag conflicts");
    assert_eq!(tag["current"], "edge");
    assert_eq!(tag["changed_by"], kiln_testkit::kiln::ADMIN_USER);
    assert_eq!(tag["door"], "api");
    assert!(tag["at_ms"].as_i64().unwrap_or(0) > 0, "{tag}");
    let secret = conflicts
        .iter()
        .find(|c| c["field"] == "config.secret_args")
        .expect("secret_args conflicts");
    assert_eq!(secret["current"], "TOKEN=<TOKEN>", "redacted");
    assert!(!refused.to_string().contains("hunter2"), "{refused}");

    let (status, merged) = send(
        &server,
        "PATCH",
        "/api/v1/builds/api",
        json!({"revision": 1, "description": "merged", "config": {"branch": "release"}}),
    )
    .await;
    assert_eq!(status, 200, "{merged}");
    assert_eq!(merged["revision"], 3);
    assert_eq!(merged["description"], "merged");
    assert_eq!(merged["config"]["branch"], "release");
    assert_eq!(
        merged["config"]["image_tag"], "edge",
        "the other change stays"
    );

    // Re-applying on the new revision overwrites.
    let (status, again) = send(
        &server,
        "PATCH",
        "/api/v1/builds/api",
        json!({"revision": 3, "config": {"image_tag": "mine"}}),
    )
    .await;
    assert_eq!(
        (status, &again["config"]["image_tag"]),
        (200, &json!("mine"))
    );

    let (status, body) = send(
        &server,
        "PATCH",
        "/api/v1/builds/api",
        json!({"revision": 4, "name": "other"}),
    )
    .await;
    assert_eq!(status, 422, "{body}");
    let (status, body) = send(
        &server,
        "PATCH",
        "/api/v1/builds/api",
        json!({"revision": 4, "config": {"image_name": "Not Valid"}}),
    )
    .await;
    assert_eq!(status, 422, "{body}");
    assert!(
        body["error"]
            .as_str()
            .unwrap_or("")
            .contains("config.image_name"),
        "{body}"
    );
    let (status, _) = send(
        &server,
        "PATCH",
        "/api/v1/builds/nope",
        json!({"revision": 1, "description": "x"}),
    )
    .await;
    assert_eq!(status, 404);

    // The UI's save, stale but touching another field: merged, door ui.
    let answer = ui_save(&server, "api", 2, json!({"image_name": "acme/api"})).await;
    let (build, revision) = (&answer["Saved"][0], &answer["Saved"][1]);
    assert_eq!(build["config"]["image_name"], "acme/api", "{answer}");
    assert_eq!(build["config"]["image_tag"], "mine");
    assert_eq!(revision, 5);
    // …and touching a field changed since: the conflict, with the build now.
    let answer = ui_save(&server, "api", 2, json!({"image_tag": "stale"})).await;
    let conflict = &answer["Conflict"];
    assert_eq!(conflict[0][0]["field"], "config.image_tag", "{answer}");
    assert_eq!(conflict[0][0]["current"], "mine");
    assert_eq!(conflict[2], 5);

    apply(
        &server,
        "[[build]]\nname = \"api\"\ndescription = \"from sync\"\n[build.config]\nimage_name = \"acme/api\"\nimage_tag = \"mine\"\nbranch = \"release\"\nsecret_args = \"TOKEN=<TOKEN>\"\n",
    )
    .await;
    let entries = history(&server, "api").await;
    let doors: Vec<&str> = entries.iter().filter_map(|e| e["door"].as_str()).collect();
    assert_eq!(doors[0], "sync", "{entries:?}");
    assert!(doors.contains(&"ui") && doors.contains(&"api"), "{doors:?}");
    let revisions: Vec<i64> = entries
        .iter()
        .filter_map(|e| e["revision"].as_i64())
        .collect();
    let mut sorted = revisions.clone();
    sorted.sort_by(|a, b| b.cmp(a));
    assert_eq!(revisions, sorted, "newest first");
    let first_patch = entries
        .iter()
        .find(|e| e["revision"] == 2)
        .expect("revision 2");
    let changes = first_patch["changes"].as_array().expect("changes");
    let tag = changes
        .iter()
        .find(|c| c["field"] == "config.image_tag")
        .expect("the tag change");
    assert_eq!(
        (&tag["before"], &tag["after"]),
        (&json!(""), &json!("edge"))
    );
    let secret = changes
        .iter()
        .find(|c| c["field"] == "config.secret_args")
        .expect("the secret change");
    assert_eq!(secret["secret"], true);
    assert!(secret["before"].is_null() && secret["after"].is_null());
    let all = serde_json::to_string(&entries).unwrap_or_default();
    assert!(
        !all.contains("hunter2") && !all.contains("other-secret"),
        "{all}"
    );
}

#[tokio::test]
async fn a_runs_version_bump_survives_stale_saves_and_rename_copy_delete_keep_identity() {
    let engine = DockerEngine::ensure().await.expect("docker engine");
    base_image(&engine).await.expect("base image");
    let server = start_with_engine(&engine);
    apply(&server, TEST_BUILDER).await;
    apply(
        &server,
        &format!(
            "[[build]]\nname = \"bump\"\n[build.config]\nbuilder = \"test-local\"\nversion = \"1.0.0\"\ndockerfile = \"\"\"\nFROM kiln-test/base:1\nRUN echo {} > /n\n\"\"\"\n",
            nonce()
        ),
    )
    .await;
    let (_, before) = get_json(&server, "/api/v1/builds/bump").await;
    let loaded = before["revision"].as_i64().expect("revision");

    let run_id = start_run(&server, "bump").await;
    let run = wait_run(&server, run_id, Duration::from_secs(240)).await;
    assert_eq!(run["status"], "success", "{run}");
    assert_eq!(run["trigger"], "api", "set by the server from the caller");
    let (_, bumped) = get_json(&server, "/api/v1/builds/bump").await;
    assert_eq!(bumped["config"]["version"], "1.0.1");
    assert_eq!(bumped["revision"], loaded + 1, "the bump is a write");

    // A draft loaded before the run saves a change of another field.
    let answer = ui_save(&server, "bump", loaded, json!({"image_tag": "draft"})).await;
    assert_eq!(answer["Saved"][0]["config"]["version"], "1.0.1", "{answer}");
    assert_eq!(answer["Saved"][0]["config"]["image_tag"], "draft");
    let (status, patched) = send(
        &server,
        "PATCH",
        "/api/v1/builds/bump",
        json!({"revision": loaded, "description": "no version here"}),
    )
    .await;
    assert_eq!(status, 200, "{patched}");
    assert_eq!(patched["config"]["version"], "1.0.1");
    // A stale draft that did change the version is told who bumped it.
    let answer = ui_save(&server, "bump", loaded, json!({"version": "1.0.0"})).await;
    let conflict = &answer["Conflict"][0][0];
    assert_eq!(conflict["field"], "config.version", "{answer}");
    assert_eq!(conflict["current"], "1.0.1");
    assert_eq!(
        (&conflict["changed_by"], &conflict["door"]),
        (&json!("system"), &json!("run"))
    );

    let entries = history(&server, "bump").await;
    let run_entry = entries
        .iter()
        .find(|e| e["door"] == "run")
        .expect("the bump is in the history");
    assert_eq!(run_entry["actor"], "system");
    assert_eq!(run_entry["changes"][0]["field"], "config.version");
    assert_eq!(run_entry["changes"][0]["after"], "1.0.1");

    // Rename keeps the id, the runs and the history.
    let (status, renamed) = post_json(
        &server,
        "/api/v1/builds/bump/rename",
        json!({"to": "bump-2"}),
    )
    .await;
    assert_eq!(status, 200, "{renamed}");
    assert_eq!(renamed["id"], bumped["id"]);
    let (_, runs) = get_json(&server, "/api/v1/builds/bump-2/runs").await;
    assert_eq!(runs[0]["id"], run_id, "{runs}");
    assert_eq!(get_json(&server, "/api/v1/builds/bump").await.0, 404);
    let renamed_history = history(&server, "bump-2").await;
    assert_eq!(renamed_history[0]["action"], "rename");
    assert_eq!(renamed_history.len(), entries.len() + 1);

    // Copy is a new build without them.
    let (status, copy) = post_json(
        &server,
        "/api/v1/builds/bump-2/copy",
        json!({"to": "bump-3"}),
    )
    .await;
    assert_eq!(status, 201, "{copy}");
    assert_ne!(copy["id"], bumped["id"]);
    assert_eq!(copy["revision"], 1);
    assert_eq!(copy["config"]["version"], "1.0.1");
    let (_, runs) = get_json(&server, "/api/v1/builds/bump-3/runs").await;
    assert_eq!(runs, json!([]));
    assert_eq!(history(&server, "bump-3").await.len(), 1);
    // A request body cannot choose what a run records as its trigger.
    let (status, started) = post_json(
        &server,
        "/api/v1/builds/bump-3/run",
        json!({"trigger": "forged"}),
    )
    .await;
    assert_eq!(status, 202, "{started}");
    let run_id_3 = started["run_id"].as_i64().expect("run_id");
    let run_3 = wait_run(&server, run_id_3, Duration::from_secs(240)).await;
    assert_eq!(run_3["trigger"], "api", "{run_3}");

    // Delete takes the runs, their logs and the clone cache.
    let log = server.data_dir().join("runs").join(format!("{run_id}.log"));
    assert!(log.exists(), "{}", log.display());
    let cache = server.data_dir().join("cache").join(cache_name("bump-2"));
    std::fs::create_dir_all(cache.join("git")).expect("a clone cache");
    let (status, body) = send(&server, "DELETE", "/api/v1/builds/bump-2", Value::Null).await;
    assert_eq!(status, 204, "{body}");
    assert!(!log.exists(), "the run's log went with its build");
    assert!(!cache.exists(), "the clone cache went with its build");
    assert_eq!(
        get_json(&server, &format!("/api/v1/runs/{run_id}")).await.0,
        404
    );
    let (status, _) = post_json(&server, "/api/v1/builds", json!({"name": "bump-2"})).await;
    assert_eq!(status, 201);
    let (_, runs) = get_json(&server, "/api/v1/builds/bump-2/runs").await;
    assert_eq!(runs, json!([]), "a new build of that name starts clean");
    assert_eq!(history(&server, "bump-2").await.len(), 1);
}

/// The clone cache directory name the core gives a build (`runs/job.rs`).
fn cache_name(build: &str) -> String {
    let safe: String = build
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '-' || c == '_' {
                c
            } else {
                '_'
            }
        })
        .collect();
    let hash = build.bytes().fold(0x811c_9dc5_u32, |h, b| {
        (h ^ u32::from(b)).wrapping_mul(0x0100_0193)
    });
    format!("{safe}-{hash:08x}")
}

#[tokio::test]
async fn other_kinds_patch_the_same_way_with_secrets_as_placeholders() {
    let server = KilnServer::start(kiln_bin(), &[]).expect("kiln serves");
    apply(
        &server,
        "[[variable]]\nname = \"TOKEN\"\nvalue = \"first-secret-value\"\nis_secret = true\n\n[[git_account]]\ndomain = \"git.example\"\nusername = \"kiln\"\ntoken = \"first-token-value\"\n",
    )
    .await;
    let (status, saved) = send(
        &server,
        "PATCH",
        "/api/v1/variables/TOKEN",
        json!({"revision": 1, "value": "second-secret-value"}),
    )
    .await;
    assert_eq!(status, 200, "{saved}");
    assert_eq!(
        (&saved["value"], &saved["revision"]),
        (&json!("<secret>"), &json!(2))
    );
    let (status, refused) = send(
        &server,
        "PATCH",
        "/api/v1/variables/TOKEN",
        json!({"revision": 1, "value": "third-secret-value"}),
    )
    .await;
    assert_eq!(status, 409, "{refused}");
    assert_eq!(refused["conflicts"][0]["field"], "value");
    assert_eq!(refused["conflicts"][0]["current"], "<secret>");
    let (status, merged) = send(
        &server,
        "PATCH",
        "/api/v1/variables/TOKEN",
        json!({"revision": 1, "description": "the deploy token"}),
    )
    .await;
    assert_eq!(status, 200, "{merged}");
    assert_eq!(merged["description"], "the deploy token");
    let (status, body) = send(
        &server,
        "PATCH",
        "/api/v1/git-accounts/git.example/kiln",
        json!({"revision": 1, "token": "second-token-value"}),
    )
    .await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["token"], "<secret>");
    let everything = format!("{saved}{refused}{merged}{body}");
    assert!(!everything.contains("-value"), "{everything}");
    let export = client(&server)
        .get(format!("{}/api/v1/sync", server.url()))
        .send()
        .await
        .expect("export")
        .text()
        .await
        .expect("body");
    assert!(!export.contains("-value"), "{export}");
}
