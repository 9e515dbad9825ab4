//! Alerters in the store: created, updated and deleted by sync in one
//! transaction, their URLs sealed at rest and kept when a file leaves them out.

use kiln_domain::alerter::{AlertType, AlerterEndpoint};
use kiln_domain::history::Author;
use kiln_domain::sync::{export, parse};
use kiln_store::{sqlite_url_in, SecretCipher, Store};

const ALERTERS: &str = r#"
[[alerter]]
name = "chat"
[alerter.config]
enabled = true
endpoint.type = "Slack"
endpoint.params.url = "https://hooks.example/services/alerter-secret-7710"
alert_types = ["BuildFailed"]
resources = [{ type = "Build", id = "api" }]

[[alerter]]
name = "json"
[alerter.config]
endpoint.params.url = "http://127.0.0.1:9/json-secret-7710"
"#;

#[tokio::test]
async fn alerters_sync_with_sealed_urls() {
    let dir = tempfile::tempdir().unwrap();
    let url = sqlite_url_in(dir.path());
    let store = Store::connect(&url, SecretCipher::from_key(&[5; 32]))
        .await
        .unwrap();
    let outcome = store
        .sync(&parse(ALERTERS).unwrap(), false, false, &Author::system())
        .await
        .unwrap();
    assert_eq!(
        outcome.plan.render(),
        "create alerter 'chat'\ncreate alerter 'json'\n"
    );
    let alerters = store.list_alerters().await.unwrap();
    assert_eq!(alerters.len(), 2);
    assert_eq!(alerters[0].name.as_str(), "chat");
    assert!(matches!(
        alerters[0].config.endpoint,
        AlerterEndpoint::Slack(_)
    ));
    assert_eq!(
        alerters[0].config.endpoint.params().url.expose(),
        "https://hooks.example/services/alerter-secret-7710"
    );
    assert_eq!(alerters[0].config.alert_types, [AlertType::BuildFailed]);
    assert!(!alerters[1].config.enabled);

    let exported = export(&store.catalog().await.unwrap());
    assert!(!exported.contains("secret-7710"), "{exported}");
    let outcome = store
        .sync(
            &parse(&exported.replace("[\"BuildFailed\"]", "[\"BuildFailed\", \"BuildCancelled\"]"))
                .unwrap(),
            false,
            true,
            &Author::system(),
        )
        .await
        .unwrap();
    assert_eq!(
        outcome.plan.render(),
        "update alerter 'chat': config.alert_types\n"
    );
    let chat = &store.list_alerters().await.unwrap()[0];
    assert_eq!(
        chat.config.endpoint.params().url.expose(),
        "https://hooks.example/services/alerter-secret-7710",
        "a file without the URL keeps it"
    );

    let outcome = store
        .sync(&parse("").unwrap(), false, true, &Author::system())
        .await
        .unwrap();
    assert_eq!(
        outcome.plan.render(),
        "delete alerter 'chat'\ndelete alerter 'json'\n"
    );
    assert!(store.list_alerters().await.unwrap().is_empty());
    store
        .sync(&parse(ALERTERS).unwrap(), false, false, &Author::system())
        .await
        .unwrap();
    drop(store);

    let mut bytes = Vec::new();
    for entry in std::fs::read_dir(dir.path()).unwrap() {
        bytes.extend(std::fs::read(entry.unwrap().path()).unwrap());
    }
    let text = String::from_utf8_lossy(&bytes);
    assert!(text.contains("chat"), "the scan reads the database");
    assert!(
        !text.contains("secret-7710"),
        "an alerter URL is in the database files"
    );
}
