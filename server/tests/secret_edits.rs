//! What a write may not do to secrets and versions, through the JSON API and
//! the CLI (the rules live in the domain; this checks every door reaches
//! them): a dry run never confirms a guessed secret, a secret variable is
//! not made plain without a new value, a Server builder's passkey is not
//! kept for a new address, a short secret is refused, and a sync never
//! lowers a build's version unless told to (a version-less file keeps it).

use kiln_testkit::kiln::{kiln_bin, KilnServer};
use std::process::Command;

fn start() -> KilnServer {
    KilnServer::start(&kiln_bin().expect("kiln binary"), &[]).expect("kiln serves")
}

/// POSTs a sync file; answers the status and body.
fn sync(server: &KilnServer, query: &str, toml: &str) -> (u16, String) {
    let response = server
        .http_blocking()
        .post(format!("{}/api/v1/sync?{query}", server.url()))
        .body(toml.to_string())
        .send()
        .expect("sync");
    let status = response.status().as_u16();
    (status, response.text().expect("body"))
}

fn applied(server: &KilnServer, toml: &str) {
    let (status, body) = sync(server, "", toml);
    assert_eq!(status, 200, "{body}");
}

fn refused(server: &KilnServer, query: &str, toml: &str, expected: &str) {
    let (status, body) = sync(server, query, toml);
    assert_eq!(status, 422, "{body}");
    let error: serde_json::Value = serde_json::from_str(&body).expect("JSON error");
    let message = error["error"].as_str().expect("error sentence");
    assert!(message.contains(expected), "{message}");
}

const SECRETS: &str = "[[variable]]\nname = \"TOKEN\"\nvalue = \"stored-Vb71\"\nis_secret = true\n\
[[builder]]\nname = \"agent\"\n[builder.config]\ntype = \"Server\"\nparams.address = \"https://agent-1:8120\"\nparams.passkey = \"passkey-Zt40\"\n";

#[test]
fn a_dry_run_answers_the_same_for_a_right_and_a_wrong_secret() {
    let server = start();
    applied(&server, SECRETS);
    let guess = |value: &str| {
        let (status, body) = sync(
            &server,
            "dry_run=true",
            &format!("[[variable]]\nname = \"TOKEN\"\nvalue = \"{value}\"\nis_secret = true\n"),
        );
        assert_eq!(status, 200, "{body}");
        let answer: serde_json::Value = serde_json::from_str(&body).expect("JSON");
        answer["changes"].clone()
    };
    let right = guess("stored-Vb71");
    assert_eq!(right, guess("wrong-guess"));
    assert_eq!(
        right[0]["fields"][0], "value (set, value hidden)",
        "{right}"
    );
}

#[test]
fn secrets_are_not_made_plain_moved_or_short() {
    let server = start();
    applied(&server, SECRETS);
    refused(
        &server,
        "",
        "[[variable]]\nname = \"TOKEN\"\nis_secret = false\n",
        "variable 'TOKEN': is_secret: a secret variable becomes plain only with a new value",
    );
    refused(
        &server,
        "",
        "[[builder]]\nname = \"agent\"\n[builder.config]\ntype = \"Server\"\nparams.address = \"https://attacker:8120\"\n",
        "params.address changed: give the passkey again",
    );
    refused(
        &server,
        "",
        "[[variable]]\nname = \"SHORT\"\nvalue = \"k9\"\nis_secret = true\n",
        "variable 'SHORT': value: secret values need at least 4 characters",
    );
    // Nothing of the above was written, and the export still hides the value.
    let export = server
        .http_blocking()
        .get(format!("{}/api/v1/sync", server.url()))
        .send()
        .expect("export")
        .text()
        .expect("body");
    for secret in ["stored-Vb71", "passkey-Zt40"] {
        assert!(!export.contains(secret), "{secret} exported: {export}");
    }
    assert!(export.contains("https://agent-1:8120"), "{export}");
}

#[test]
fn a_sync_keeps_or_refuses_to_lower_a_version_unless_forced() {
    let server = start();
    let with_version = |version: &str| {
        format!(
            "[[build]]\nname = \"api\"\n[build.config]\ndockerfile = \"FROM scratch\"\n{version}"
        )
    };
    applied(&server, &with_version("version = \"1.4.2\"\n"));
    // A Komodo export leaves the version out: the stored one stays.
    applied(&server, &with_version(""));
    let build = server
        .http_blocking()
        .get(format!("{}/api/v1/builds/api", server.url()))
        .send()
        .expect("build")
        .text()
        .expect("body");
    assert!(build.contains("\"version\":\"1.4.2\""), "{build}");
    refused(
        &server,
        "",
        &with_version("version = \"1.0.0\"\n"),
        "build 'api': config.version: 1.0.0 is lower than the stored 1.4.2",
    );
    let (status, body) = sync(
        &server,
        "force_version=true",
        &with_version("version = \"1.0.0\"\n"),
    );
    assert_eq!(status, 200, "{body}");

    // The CLI says the same and takes --force-version.
    let file = tempfile::NamedTempFile::new().expect("file");
    std::fs::write(file.path(), with_version("version = \"0.9.0\"\n")).expect("write");
    let cli = |extra: &[&str]| {
        Command::new(kiln_bin().expect("kiln binary"))
            .args(["sync", "apply"])
            .arg(file.path())
            .args(["--url", server.url()])
            .args(extra)
            .env("KILN_API_KEY", server.api_key())
            .output()
            .expect("kiln sync apply")
    };
    let refused = cli(&[]);
    assert!(!refused.status.success());
    let stderr = String::from_utf8_lossy(&refused.stderr);
    assert!(
        stderr.contains("is lower than the stored 1.0.0"),
        "{stderr}"
    );
    assert!(cli(&["--force-version"]).status.success());
}
