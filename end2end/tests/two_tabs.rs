//! Two browser tabs editing one build: different fields merge, the same
//! field shows the conflict and can be re-applied; the History tab shows
//! the changes.

mod support;

use support::*;

#[test]
fn two_tabs_merge_different_fields_and_resolve_a_conflict_on_the_same_one() {
    let server = start_kiln();
    apply_sync(&server, "[[build]]\nname = \"shared\"\n");
    run_script(&server, "two_tabs.mjs", &[server.url(), "shared"]);
    let history = get(&server, "/api/v1/builds/shared/history");
    assert!(history.contains("\"door\":\"ui\""), "{history}");
    assert!(history.contains("\"door\":\"sync\""), "{history}");
}

#[test]
fn two_tabs_on_the_variables_page_merge_and_resolve_a_conflict() {
    let server = start_kiln();
    apply_sync(
        &server,
        "[[variable]]\nname = \"REGION\"\nvalue = \"eu-west-1\"\n",
    );
    run_script(&server, "two_tabs_variables.mjs", &[server.url(), "REGION"]);
    let export = get(&server, "/api/v1/sync");
    assert!(export.contains("value = \"first-reapplied\""), "{export}");
    assert!(export.contains("description = \"from-second\""), "{export}");
}

#[test]
fn rename_keeps_runs_and_history_copy_starts_clean_and_a_version_is_lowered_on_request() {
    let server = start_kiln();
    apply_sync(
        &server,
        "[[build]]\nname = \"orig\"\n[build.config]\nversion = \"1.0.0\"\ndockerfile = \"FROM scratch\"\n\n[[build]]\nname = \"taken\"\n",
    );
    // A run to keep (it fails or succeeds; either way it is recorded).
    let started = post(&server, "/api/v1/builds/orig/run");
    let run_id = started
        .split("\"run_id\":")
        .nth(1)
        .map(|rest| {
            rest.trim_start()
                .chars()
                .take_while(char::is_ascii_digit)
                .collect::<String>()
        })
        .and_then(|digits| digits.parse::<i64>().ok())
        .unwrap_or_else(|| panic!("a run id in {started}"));
    wait_ended(&server, run_id);
    run_script(&server, "rename_copy.mjs", &[server.url(), "orig", "taken"]);
    let runs = get(&server, "/api/v1/builds/orig-renamed/runs");
    assert!(runs.contains(&format!("\"id\":{run_id}")), "{runs}");
    assert_eq!(get(&server, "/api/v1/builds/orig-copy/runs").trim(), "[]");
    let history = get(&server, "/api/v1/builds/orig-renamed/history");
    assert!(history.contains("\"action\":\"rename\""), "{history}");
    assert!(history.contains("\"action\":\"create\""), "{history}");
}

/// Waits (up to a minute) until run `id` has ended.
fn wait_ended(server: &kiln_testkit::kiln::KilnServer, id: i64) {
    for _ in 0..120 {
        let run = get(server, &format!("/api/v1/runs/{id}"));
        if !run.contains("\"status\":\"queued\"") && !run.contains("\"status\":\"running\"") {
            return;
        }
        std::thread::sleep(std::time::Duration::from_millis(500));
    }
    panic!("run {id} did not end");
}
