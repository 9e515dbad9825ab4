//! Variables, accounts, builders and the Sync page in the browser.

mod support;

use support::*;

#[test]
fn variables_accounts_and_sync_pages_work_and_never_show_secrets() {
    let server = start_kiln();
    run_script(&server, "resources.mjs", &[server.url()]);

    let export = get(&server, "/api/v1/sync");
    assert!(export.contains("name = \"synced-app\""), "{export}");
    assert!(export.contains("name = \"DEPLOY_TOKEN\""), "{export}");
    assert!(
        export.contains("description = \"used by deploys\""),
        "{export}"
    );
    assert!(export.contains("username = \"alice\""), "{export}");
    assert!(!export.contains("tok-very-secret-991"), "{export}");
}
