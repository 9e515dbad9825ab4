//! Exporting: Komodo layout, no secrets, and exact round trips.

use crate::support::{
    build, builder, full_catalog, parsed, variable, FULL_CATALOG_SECRETS, KILN_ACCOUNTS,
    KOMODO_BUILDS, KOMODO_DOCS, KOMODO_REPOS,
};
use kiln_domain::sync::{export, parse, plan};
use kiln_domain::{BuilderConfig, Catalog, GitAccount, LocalBuilderConfig, Secret, Version};

/// `plan(c, parse(export(c)), true)` must change nothing and give back `c`.
fn assert_round_trip(catalog: &Catalog) {
    let text = export(catalog);
    let file = parse(&text).unwrap_or_else(|error| panic!("export should parse: {error}\n{text}"));
    let planned = plan(catalog, &file, true)
        .unwrap_or_else(|error| panic!("export should plan: {error}\n{text}"));
    assert_eq!(planned.changes, Vec::new(), "{text}");
    assert_eq!(&planned.target, catalog, "{text}");
}

#[test]
fn full_catalog_round_trips() {
    assert_round_trip(&full_catalog());
}

#[test]
fn export_never_contains_secrets() {
    let text = export(&full_catalog());
    for secret in FULL_CATALOG_SECRETS {
        assert!(!text.contains(secret), "{secret} in\n{text}");
    }
    for key in ["passkey =", "token =", "webhook_secret ="] {
        assert!(!text.contains(key), "{key} in\n{text}");
    }
    assert!(
        text.contains(
            "name = \"GITHUB_TOKEN\"\ndescription = \"for private clones\"\nis_secret = true\n"
        ),
        "{text}"
    );
    assert!(
        text.contains("name = \"REGISTRY_HOST\"\nvalue = \"ghcr.io\"\n"),
        "{text}"
    );
}

#[test]
fn exact_layout_of_a_small_catalog() {
    let mut api = build("api");
    api.description = "the API".to_string();
    api.tags = vec!["backend".to_string()];
    api.config.version = Version::new(1, 4, 2);
    api.config.builder = "aws".to_string();
    api.config.build_args = "# comment\nA = 1\n".to_string();
    api.config.image_registry = vec![kiln_domain::ImageRegistry {
        domain: "ghcr.io".to_string(),
        account: "bot".to_string(),
        organization: "acme".to_string(),
    }];
    api.config.pre_build.command = "make".to_string();
    api.config.webhook_secret = "hidden".to_string();
    let mut aws = kiln_domain::AwsBuilderConfig {
        ami_id: "ami-1".to_string(),
        ..Default::default()
    };
    aws.security_group_ids = vec!["sg-1".to_string()];
    let catalog = Catalog {
        builds: vec![api, build("plain")],
        builders: vec![
            builder("aws", BuilderConfig::Aws(aws)),
            builder("here", BuilderConfig::Local(LocalBuilderConfig::default())),
        ],
        variables: vec![
            variable("HOST", "ghcr.io", false),
            variable("TOKEN", "s3cret", true),
        ],
        git_accounts: vec![GitAccount {
            domain: "github.com".to_string(),
            username: "bot".to_string(),
            token: Secret::new("token"),
        }],
        registry_accounts: vec![kiln_domain::RegistryAccount {
            domain: "ghcr.io".to_string(),
            username: "bot".to_string(),
            token: Secret::new("token"),
        }],
        repos: Vec::new(),
        alerters: Vec::new(),
    };
    let expected = r#"# Kiln resources, in Komodo's resource-sync layout.
# Secrets are not exported: secret variable values, account tokens, builder
# passkeys, webhook secrets and alerter URLs are left out (syncing this file
# keeps them).

[[variable]]
name = "HOST"
value = "ghcr.io"

[[variable]]
name = "TOKEN"
is_secret = true

[[git_account]]
domain = "github.com"
username = "bot"

[[registry_account]]
domain = "ghcr.io"
username = "bot"

[[builder]]
name = "aws"
[builder.config]
type = "Aws"
params.ami_id = "ami-1"
params.security_group_ids = ["sg-1"]

[[builder]]
name = "here"
[builder.config]
type = "Local"

[[build]]
name = "api"
description = "the API"
tags = ["backend"]
[build.config]
builder = "aws"
version = "1.4.2"
image_registry = [
  { domain = "ghcr.io", account = "bot", organization = "acme" },
]
build_args = '''
# comment
A = 1
'''
pre_build.command = "make"

[[build]]
name = "plain"
"#;
    assert_eq!(export(&catalog), expected);
    assert_round_trip(&catalog);
}

#[test]
fn strings_that_need_escaping_round_trip() {
    let mut odd = build("Odd Build ü");
    odd.config.image_name = "odd".to_string();
    odd.description = "ends with a quote'".to_string();
    odd.tags = vec![
        "a \"quoted\" tag".to_string(),
        "back\\slash".to_string(),
        String::new(),
    ];
    odd.config.dockerfile =
        "FROM x\nRUN echo '''triple''' \\\n  && echo \"\"\"basic\"\"\"\n".to_string();
    odd.config.build_args = "A=1\r\nB=2\n".to_string();
    odd.config.labels = "a=\u{1}control\nb=é\n".to_string();
    odd.config.pre_build.command = "echo 'last'\necho 'quote'".to_string();
    odd.config.commit = "tab\there".to_string();
    odd.config.links = vec!["line one\nline two".to_string()];
    let catalog = Catalog {
        builds: vec![odd],
        variables: vec![
            variable("MULTI", "first\nsecond\n", false),
            variable("EMPTY", "", false),
        ],
        ..Catalog::default()
    };
    assert_round_trip(&catalog);
}

#[test]
fn default_resources_round_trip() {
    let catalog = Catalog {
        builds: vec![build("api")],
        builders: vec![builder(
            "here",
            BuilderConfig::Local(LocalBuilderConfig::default()),
        )],
        repos: vec![crate::support::repo("mono", "acme/mono")],
        ..Catalog::default()
    };
    assert_round_trip(&catalog);
}

#[test]
fn imported_komodo_fixtures_round_trip() {
    for fixture in [KOMODO_BUILDS, KOMODO_REPOS, KOMODO_DOCS] {
        let imported = plan(
            &Catalog::default(),
            &parsed(&format!("{KILN_ACCOUNTS}\n{fixture}")),
            true,
        )
        .unwrap_or_else(|error| panic!("fixture should plan: {error}"))
        .target;
        assert_round_trip(&imported);
    }
}

#[test]
fn imported_secrets_are_not_exported() {
    let imported = plan(
        &Catalog::default(),
        &parsed(&format!("{KILN_ACCOUNTS}\n{KOMODO_BUILDS}")),
        true,
    )
    .unwrap_or_else(|error| panic!("fixture should plan: {error}"))
    .target;
    let text = export(&imported);
    for secret in [
        "ghp_fixture_secret_value",
        "ghp_fixture_git_token",
        "url-builder-passkey",
        "ghcr_fixture_token",
    ] {
        assert!(!text.contains(secret), "{secret} in\n{text}");
    }
    assert!(text.contains("version = \"1.4.2\""), "{text}");
    assert!(text.contains("[[build]]\nname = \"komodo-core\""), "{text}");
}

#[test]
fn export_is_readable_by_an_empty_catalog_except_for_secrets() {
    let text = export(&full_catalog());
    let error = plan(&Catalog::default(), &parse(&text).expect("parses"), true)
        .expect_err("secrets are missing");
    assert_eq!(error.to_string(), "new variable 'GITHUB_TOKEN' has no `value` in the sync file; add it to the file once or create it in the UI");
}
