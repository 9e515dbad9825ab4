//! The store against a real SQLite file.

use kiln_domain::history::Author;
use kiln_domain::sync::{parse, ChangeAction};
use kiln_domain::{Build, BuildConfig, ResourceName};
use kiln_store::{sqlite_url_in, SecretCipher, Store, StoreError};

fn cipher() -> SecretCipher {
    SecretCipher::from_key(&[42; 32])
}

fn build(name: &str) -> Build {
    Build {
        name: ResourceName::parse(name).unwrap(),
        description: String::new(),
        tags: vec![],
        config: BuildConfig::default(),
    }
}

#[tokio::test]
async fn migrations_run_on_an_empty_database_and_again_on_reopen() {
    let dir = tempfile::tempdir().unwrap();
    let url = sqlite_url_in(dir.path());
    let store = Store::connect(&url, cipher()).await.unwrap();
    assert_eq!(store.backend_name(), "sqlite");
    assert!(store.list_builds().await.unwrap().is_empty());
    store
        .create_build(build("kept"), &Author::system())
        .await
        .unwrap();
    assert!(
        dir.path().join("kiln.db-wal").exists(),
        "SQLite runs in WAL mode"
    );
    drop(store);

    let reopened = Store::connect(&url, cipher()).await.unwrap();
    let names: Vec<String> = reopened
        .list_builds()
        .await
        .unwrap()
        .iter()
        .map(|b| b.name.to_string())
        .collect();
    assert_eq!(names, ["kept"]);
}

#[tokio::test]
async fn create_validates_and_refuses_duplicates() {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::connect(&sqlite_url_in(dir.path()), cipher())
        .await
        .unwrap();
    store
        .create_build(build("api"), &Author::system())
        .await
        .unwrap();
    let dup = store
        .create_build(build("api"), &Author::system())
        .await
        .unwrap_err();
    assert!(matches!(dup, StoreError::AlreadyExists { .. }), "{dup}");

    let mut unknown_builder = build("other");
    unknown_builder.config.builder = "nowhere".into();
    let err = store
        .create_build(unknown_builder, &Author::system())
        .await
        .unwrap_err();
    assert!(
        err.to_string().contains("unknown builder 'nowhere'"),
        "{err}"
    );
    assert_eq!(store.list_builds().await.unwrap().len(), 1);

    store.delete_build("api", &Author::system()).await.unwrap();
    let missing = store
        .delete_build("api", &Author::system())
        .await
        .unwrap_err();
    assert_eq!(missing.to_string(), "build 'api' not found");
}

#[tokio::test]
async fn sync_is_atomic_and_idempotent() {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::connect(&sqlite_url_in(dir.path()), cipher())
        .await
        .unwrap();
    let file = parse(
        r#"
[[variable]]
name = "TOKEN"
value = "s3cret"
is_secret = true

[[builder]]
name = "remote"
[builder.config]
type = "Url"
params.address = "https://agent.example:8120"
params.passkey = "abc-key"

[[build]]
name = "one"
[build.config]
builder = "remote"
version = "2.1"
"#,
    )
    .unwrap();

    let dry = store
        .sync(&file, true, false, &Author::system())
        .await
        .unwrap();
    assert!(!dry.applied);
    assert_eq!(dry.plan.changes.len(), 3);
    assert!(
        store.catalog().await.unwrap().builds.is_empty(),
        "dry run wrote nothing"
    );

    let applied = store
        .sync(&file, false, false, &Author::system())
        .await
        .unwrap();
    assert!(applied.applied);
    assert!(applied
        .plan
        .changes
        .iter()
        .all(|c| c.action == ChangeAction::Create));
    let catalog = store.catalog().await.unwrap();
    assert_eq!(catalog.builds[0].config.version.to_string(), "2.1.0");
    assert_eq!(catalog.variables[0].value.expose(), "s3cret");

    // Applying it again changes nothing; the secrets the file gives are
    // listed as set with their values hidden (equal or not).
    let again = store
        .sync(&file, false, false, &Author::system())
        .await
        .unwrap();
    assert!(
        again
            .plan
            .changes
            .iter()
            .all(|c| c.fields.iter().all(|f| f.ends_with(" (set, value hidden)"))),
        "{:?}",
        again.plan.changes
    );
    assert_eq!(store.catalog().await.unwrap(), catalog);

    let broken =
        parse("[[build]]\nname = \"two\"\n[build.config]\nbuilder = \"missing\"\n").unwrap();
    assert!(store
        .sync(&broken, false, false, &Author::system())
        .await
        .is_err());
    assert_eq!(
        store.catalog().await.unwrap().builds.len(),
        1,
        "a refused sync writes nothing"
    );

    let only_build = parse(
        "[[build]]\nname = \"one\"\n[build.config]\nbuilder = \"remote\"\nversion = \"2.1\"\n",
    )
    .unwrap();
    let pruned = store
        .sync(&only_build, false, true, &Author::system())
        .await;
    let err = pruned.unwrap_err().to_string();
    assert!(
        err.contains("unknown builder 'remote'"),
        "deleting a builder still in use is refused: {err}"
    );
    assert_eq!(store.catalog().await.unwrap().builders.len(), 1);
}

#[tokio::test]
async fn secrets_never_reach_the_database_file_in_clear() {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::connect(&sqlite_url_in(dir.path()), cipher())
        .await
        .unwrap();
    let file = parse(
        r#"
[[variable]]
name = "API_TOKEN"
value = "var-secret-0451"
is_secret = true

[[git_account]]
domain = "git.example"
username = "ci"
token = "git-secret-0451"

[[registry_account]]
domain = "registry.example"
username = "ci"
token = "registry-secret-0451"

[[builder]]
name = "agent"
[builder.config]
type = "Server"
params.address = "https://agent.example:8120"
params.passkey = "passkey-secret-0451"

[[build]]
name = "app"
[build.config]
secret_args = "NPM_TOKEN=npm-secret-0451"
webhook_secret = "hook-secret-0451"
"#,
    )
    .unwrap();
    store
        .sync(&file, false, false, &Author::system())
        .await
        .unwrap();
    let catalog = store.catalog().await.unwrap();
    assert_eq!(catalog.variables[0].value.expose(), "var-secret-0451");
    assert_eq!(catalog.git_accounts[0].token.expose(), "git-secret-0451");
    assert_eq!(
        catalog.builds[0].config.secret_args,
        "NPM_TOKEN=npm-secret-0451"
    );
    drop(store);

    let mut bytes = Vec::new();
    for entry in std::fs::read_dir(dir.path()).unwrap() {
        bytes.extend(std::fs::read(entry.unwrap().path()).unwrap());
    }
    let text = String::from_utf8_lossy(&bytes);
    assert!(text.contains("app"), "the scan reads the database");
    for secret in [
        "var-secret",
        "git-secret",
        "registry-secret",
        "passkey-secret",
        "npm-secret",
        "hook-secret",
    ] {
        assert!(
            !text.contains(secret),
            "{secret} found in the database files"
        );
    }

    let wrong_key = Store::connect(&sqlite_url_in(dir.path()), SecretCipher::from_key(&[1; 32]))
        .await
        .unwrap();
    let err = wrong_key.catalog().await.unwrap_err().to_string();
    assert!(err.contains("wrong secret.key"), "{err}");
}
