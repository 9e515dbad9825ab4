//! The resource types as the store and the web app carry them: JSON.

use crate::support::full_catalog;
use kiln_domain::{Builder, BuilderConfig, Catalog, LocalBuilderConfig};

#[test]
fn catalog_round_trips_through_json() {
    let catalog = full_catalog();
    let json = serde_json::to_string(&catalog).expect("serializes");
    let back: Catalog = serde_json::from_str(&json).expect("deserializes");
    assert_eq!(back, catalog);
}

#[test]
fn builder_config_is_type_and_params() {
    let json = serde_json::to_value(&full_catalog().builders[0].config).expect("serializes");
    assert_eq!(json["type"], "Aws");
    assert_eq!(json["params"]["region"], "eu-west-1");
}

#[test]
fn builder_config_params_may_be_missing_or_come_first() {
    let local: Builder =
        serde_json::from_str(r#"{"name":"b","config":{"type":"Local"}}"#).expect("no params");
    assert_eq!(
        local.config,
        BuilderConfig::Local(LocalBuilderConfig::default())
    );
    let aws: BuilderConfig =
        serde_json::from_str(r#"{"params":{"region":"eu-north-1"},"type":"Aws"}"#)
            .expect("params first");
    let BuilderConfig::Aws(params) = aws else {
        panic!("Aws expected");
    };
    assert_eq!(params.region, "eu-north-1");
    assert_eq!(params.port, 8120);
    let error = serde_json::from_str::<BuilderConfig>(r#"{"params":{"regio":"x"},"type":"Aws"}"#)
        .expect_err("unknown param");
    assert!(
        error.to_string().contains("unknown field `regio`"),
        "{error}"
    );
}

#[test]
fn debug_never_shows_secrets() {
    let debug = format!("{:?}", full_catalog());
    for secret in crate::support::FULL_CATALOG_SECRETS
        .iter()
        .filter(|s| **s != "whsec-secret")
    {
        assert!(!debug.contains(secret), "{secret} in {debug}");
    }
}
