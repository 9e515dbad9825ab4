//! Revisions, the history table, and a build's identity over rename and
//! delete, against a real SQLite file.

use kiln_domain::history::{Action, Author, Door};
use kiln_domain::sync::{parse, ResourceKind};
use kiln_domain::{Build, BuildConfig, ResourceName, Version};
use kiln_store::{sqlite_url_in, NewRun, SecretCipher, Store, StoreError};

fn build(name: &str) -> Build {
    Build {
        name: ResourceName::parse(name).unwrap(),
        description: String::new(),
        tags: vec![],
        config: BuildConfig::default(),
    }
}

async fn store(dir: &std::path::Path) -> Store {
    Store::connect(&sqlite_url_in(dir), SecretCipher::from_key(&[7; 32]))
        .await
        .unwrap()
}

#[tokio::test]
async fn every_write_bumps_the_revision_and_records_a_diff_without_secrets() {
    let dir = tempfile::tempdir().unwrap();
    let store = store(dir.path()).await;
    let ui = Author::new("anonymous", Door::Ui);
    let created = store.create_build(build("api"), &ui).await.unwrap();
    assert_eq!(created.revision, 1);

    let mut edited = build("api");
    edited.config.image_tag = "edge".into();
    edited.config.secret_args = "TOKEN=hunter22".into();
    let saved = store
        .update_build(edited.clone(), Some(1), &ui)
        .await
        .unwrap();
    assert_eq!((saved.id, saved.revision), (created.id, 2));
    let stale = store.update_build(edited, Some(1), &ui).await.unwrap_err();
    assert!(
        matches!(stale, StoreError::Stale { current: 2, .. }),
        "{stale}"
    );

    store
        .set_build_version(
            "api",
            Version::parse("1.0.1").unwrap(),
            &Author::new("system", Door::Run),
        )
        .await
        .unwrap();
    let history = store
        .history(ResourceKind::Build, created.id, 0)
        .await
        .unwrap();
    let revisions: Vec<i64> = history.iter().map(|h| h.revision).collect();
    assert_eq!(revisions, [3, 2, 1], "newest first");
    assert_eq!(history[0].door, Door::Run);
    assert_eq!(history[0].changes[0].field, "config.version");
    let update = &history[1];
    assert_eq!(update.action, Action::Update);
    let fields: Vec<&str> = update.changes.iter().map(|c| c.field.as_str()).collect();
    assert_eq!(fields, ["config.image_tag", "config.secret_args"]);
    assert!(update.changes[1].secret && update.changes[1].after.is_none());
    let raw = serde_json::to_string(&history).unwrap();
    assert!(!raw.contains("hunter22"), "{raw}");
    assert_eq!(
        store
            .history(ResourceKind::Build, created.id, 2)
            .await
            .unwrap()
            .len(),
        1,
        "only what came after revision 2"
    );

    let file = "[[variable]]\nname = \"TOKEN\"\nvalue = \"s3cr3t-value\"\nis_secret = true\n";
    store
        .sync(
            &parse(file).unwrap(),
            false,
            false,
            &Author::new("cli", Door::Sync),
        )
        .await
        .unwrap();
    let id = store
        .identity(ResourceKind::Variable, "TOKEN")
        .await
        .unwrap();
    let history = store
        .history(ResourceKind::Variable, id.id, 0)
        .await
        .unwrap();
    assert_eq!(history[0].door, Door::Sync);
    assert!(!serde_json::to_string(&history).unwrap().contains("s3cr3t"));
}

#[tokio::test]
async fn rename_keeps_id_runs_and_history_and_delete_takes_the_runs() {
    let dir = tempfile::tempdir().unwrap();
    let store = store(dir.path()).await;
    let author = Author::system();
    let api = store.create_build(build("api"), &author).await.unwrap();
    store.create_build(build("web"), &author).await.unwrap();
    let run = store
        .create_run(NewRun {
            build_id: api.id,
            build_name: "api".into(),
            builder: "local".into(),
            trigger: "ui".into(),
            version: Version::default(),
        })
        .await
        .unwrap();

    let to = ResourceName::parse("api-2").unwrap();
    let renamed = store.rename_build("api", &to, &author).await.unwrap();
    assert_eq!((renamed.id, renamed.revision), (api.id, 2));
    let runs = store.runs_of_build("api-2", 10).await.unwrap();
    assert_eq!(runs.len(), 1);
    assert_eq!(runs[0].build_name, "api-2");
    let history = store.history(ResourceKind::Build, api.id, 0).await.unwrap();
    assert_eq!(history[0].action, Action::Rename);
    let taken = ResourceName::parse("web").unwrap();
    assert!(matches!(
        store.rename_build("api-2", &taken, &author).await,
        Err(StoreError::AlreadyExists { .. })
    ));

    let deleted = store.delete_build("api-2", &author).await.unwrap();
    assert_eq!(deleted, [run.id]);
    assert!(
        store.run(run.id).await.is_err(),
        "the run went with its build"
    );
    let again = store.create_build(build("api-2"), &author).await.unwrap();
    assert_ne!(again.id, api.id, "ids are never reused");
    assert!(store.runs_of_build("api-2", 10).await.unwrap().is_empty());
    let history = store
        .history(ResourceKind::Build, again.id, 0)
        .await
        .unwrap();
    assert_eq!(history.len(), 1, "a new build starts a new history");
}
