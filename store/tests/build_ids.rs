//! Builds found by the numeric id of webhook URLs or by name.

use kiln_domain::history::Author;
use kiln_domain::{Build, BuildConfig, ResourceName};
use kiln_store::{sqlite_url_in, SecretCipher, Store, StoreError};

fn build(name: &str) -> Build {
    Build {
        name: ResourceName::parse(name).unwrap(),
        description: String::new(),
        tags: vec![],
        config: BuildConfig::default(),
    }
}

#[tokio::test]
async fn builds_are_found_by_id_or_by_name() {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::connect(&sqlite_url_in(dir.path()), SecretCipher::from_key(&[3; 32]))
        .await
        .unwrap();
    store
        .create_build(build("api"), &Author::system())
        .await
        .unwrap();
    store
        .create_build(build("web"), &Author::system())
        .await
        .unwrap();

    let (web_id, web) = store.build_by_id_or_name("web").await.unwrap();
    assert_eq!(web.name.as_str(), "web");
    let (api_id, api) = store.build_by_id_or_name("api").await.unwrap();
    assert_eq!(api.name.as_str(), "api");
    assert_ne!(web_id, api_id);

    let (id, by_id) = store
        .build_by_id_or_name(&web_id.to_string())
        .await
        .unwrap();
    assert_eq!((id, by_id.name.as_str()), (web_id, "web"));

    for missing in ["nope", "999999", "-1", "+1"] {
        let err = store.build_by_id_or_name(missing).await.unwrap_err();
        assert!(
            matches!(err, StoreError::NotFound { .. }),
            "{missing}: {err}"
        );
    }
}
