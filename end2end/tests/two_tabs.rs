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
