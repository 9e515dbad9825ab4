//! Single-resource writes used by the web UI: variables and accounts, each
//! validated against the whole catalog.

use kiln_domain::history::Author;
use kiln_domain::{Build, BuildConfig, ImageRegistry, ResourceName, Secret, Variable};
use kiln_store::{sqlite_url_in, Account, AccountKind, SecretCipher, Store, VariableEdit};

async fn store(dir: &tempfile::TempDir) -> Store {
    Store::connect(&sqlite_url_in(dir.path()), SecretCipher::from_key(&[7; 32]))
        .await
        .unwrap()
}

fn variable(name: &str, value: &str, is_secret: bool) -> Variable {
    Variable {
        name: ResourceName::parse(name).unwrap(),
        value: Secret::new(value),
        description: String::new(),
        is_secret,
    }
}

#[tokio::test]
async fn variables_are_created_edited_and_deleted_with_validation() {
    let dir = tempfile::tempdir().unwrap();
    let store = store(&dir).await;
    store
        .create_variable(variable("NPM_TOKEN", "tok-1", true), &Author::system())
        .await
        .unwrap();
    let dup = store
        .create_variable(variable("NPM_TOKEN", "x", false), &Author::system())
        .await
        .unwrap_err();
    assert!(dup.to_string().contains("already exists"), "{dup}");
    let bad = store
        .create_variable(variable("9lives", "x", false), &Author::system())
        .await
        .unwrap_err();
    assert!(
        bad.to_string().contains("cannot be used as [[9lives]]"),
        "{bad}"
    );

    let keep = VariableEdit {
        description: "npm".into(),
        is_secret: true,
        value: None,
    };
    store
        .update_variable("NPM_TOKEN", keep, &Author::system())
        .await
        .unwrap();
    let listed = store.list_variables().await.unwrap();
    assert_eq!(listed.len(), 1);
    assert_eq!(
        listed[0].value.expose(),
        "tok-1",
        "no value keeps the old one"
    );
    assert_eq!(listed[0].description, "npm");

    let replace = VariableEdit {
        description: String::new(),
        is_secret: false,
        value: Some(Secret::new("plain")),
    };
    store
        .update_variable("NPM_TOKEN", replace, &Author::system())
        .await
        .unwrap();
    assert_eq!(
        store.list_variables().await.unwrap()[0].value.expose(),
        "plain"
    );

    store
        .delete_variable("NPM_TOKEN", &Author::system())
        .await
        .unwrap();
    assert!(store.list_variables().await.unwrap().is_empty());
    assert!(store
        .delete_variable("NPM_TOKEN", &Author::system())
        .await
        .is_err());
}

#[tokio::test]
async fn an_account_in_use_by_a_build_cannot_be_deleted() {
    let dir = tempfile::tempdir().unwrap();
    let store = store(&dir).await;
    let account = Account {
        domain: "127.0.0.1:5000".into(),
        username: "kiln".into(),
        token: Secret::new("pass-1"),
    };
    store
        .create_account(AccountKind::Registry, account.clone(), &Author::system())
        .await
        .unwrap();
    assert!(store
        .create_account(AccountKind::Registry, account.clone(), &Author::system())
        .await
        .is_err());
    store
        .create_build(
            Build {
                name: ResourceName::parse("api").unwrap(),
                description: String::new(),
                tags: Vec::new(),
                config: BuildConfig {
                    image_registry: vec![ImageRegistry {
                        domain: "127.0.0.1:5000".into(),
                        account: "kiln".into(),
                        organization: String::new(),
                    }],
                    ..BuildConfig::default()
                },
            },
            &Author::system(),
        )
        .await
        .unwrap();
    let refused = store
        .delete_account(
            AccountKind::Registry,
            "127.0.0.1:5000",
            "kiln",
            &Author::system(),
        )
        .await
        .unwrap_err();
    assert!(
        refused
            .to_string()
            .contains("unknown registry account 'kiln'"),
        "{refused}"
    );

    store
        .set_account_token(
            AccountKind::Registry,
            "127.0.0.1:5000",
            "kiln",
            Secret::new("pass-2"),
            &Author::system(),
        )
        .await
        .unwrap();
    let listed = store.list_accounts(AccountKind::Registry).await.unwrap();
    assert_eq!(listed[0].token.expose(), "pass-2");
    assert!(store
        .list_accounts(AccountKind::Git)
        .await
        .unwrap()
        .is_empty());

    store.delete_build("api", &Author::system()).await.unwrap();
    store
        .delete_account(
            AccountKind::Registry,
            "127.0.0.1:5000",
            "kiln",
            &Author::system(),
        )
        .await
        .unwrap();
    assert!(store
        .list_accounts(AccountKind::Registry)
        .await
        .unwrap()
        .is_empty());
}
