//! `[[alerter]]`: Komodo's layout read as far as it maps to builds, URLs
//! kept secret, exported and planned like the other resources.

use crate::support::{full_catalog, name, parsed};
use kiln_domain::alerter::{
    AlertType, AlerterConfig, AlerterEndpoint, EndpointParams, ResourceTarget,
};
use kiln_domain::sync::{export, parse, plan, ChangeAction, ResourceKind};
use kiln_domain::{validate_catalog, Alerter, Catalog, Secret};

const KOMODO_ALERTER: &str = r#"
[[alerter]]
name = "slack-builds"
description = "build failures to #ci"
tags = ["chat"]
[alerter.config]
enabled = true
endpoint.type = "Slack"
endpoint.params.url = "https://hooks.slack.com/services/T0/B0/komodo-url-secret"
alert_types = ["BuildFailed", "ServerUnreachable", "failure"]
resources = [{ type = "Build", id = "api" }, { type = "Server", id = "server-1" }]
except_resources = [{ type = "Build", id = "old" }]
maintenance_windows = []
"#;

fn alerter(raw_name: &str, endpoint: AlerterEndpoint) -> Alerter {
    Alerter {
        name: name(raw_name),
        description: String::new(),
        tags: Vec::new(),
        config: AlerterConfig {
            enabled: true,
            endpoint,
            ..AlerterConfig::default()
        },
    }
}

fn url(text: &str) -> EndpointParams {
    EndpointParams {
        url: Secret::new(text),
    }
}

#[test]
fn komodo_alerter_maps_builds_and_warns_about_the_rest() {
    let file = parsed(KOMODO_ALERTER);
    assert_eq!(
        file.alerters,
        [Alerter {
            name: name("slack-builds"),
            description: "build failures to #ci".to_string(),
            tags: vec!["chat".to_string()],
            config: AlerterConfig {
                enabled: true,
                endpoint: AlerterEndpoint::Slack(url(
                    "https://hooks.slack.com/services/T0/B0/komodo-url-secret"
                )),
                alert_types: vec![AlertType::BuildFailed],
                resources: vec![ResourceTarget::build("api")],
                except_resources: vec![ResourceTarget::build("old")],
            },
        }]
    );
    assert_eq!(
        file.warnings,
        [
            "alerter 'slack-builds': ignored Komodo keys maintenance_windows (Kiln does not use them)",
            "alerter 'slack-builds': ignored alert types ServerUnreachable (Kiln sends BuildSucceeded, BuildFailed and BuildCancelled)",
            "alerter 'slack-builds': ignored resources Server 'server-1' (Kiln alerts on builds only)",
        ]
    );
    assert!(
        !format!("{file:?}").contains("komodo-url-secret"),
        "Debug hides the URL"
    );
}

#[test]
fn alerters_that_would_alert_on_nothing_kiln_has_are_skipped() {
    let file = parsed(
        r#"
[[alerter]]
name = "ntfy"
[alerter.config]
endpoint = { type = "Ntfy", params = { url = "https://ntfy.example/kiln", email = "a@b.c" } }

[[alerter]]
name = "servers-only"
[alerter.config]
endpoint.params.url = "https://example.com/hook"
alert_types = ["ServerCpu"]

[[alerter]]
name = "stacks-only"
[alerter.config]
endpoint.params.url = "https://example.com/hook"
resources = [{ type = "Stack", id = "db" }]
"#,
    );
    assert_eq!(file.alerters, Vec::new());
    assert_eq!(
        file.warnings,
        [
            "alerter 'ntfy': skipped, Kiln cannot send to endpoint type \"Ntfy\" (it sends to Custom, Slack and Discord)",
            "alerter 'servers-only': ignored alert types ServerCpu (Kiln sends BuildSucceeded, BuildFailed and BuildCancelled)",
            "alerter 'servers-only': skipped, none of its alert types is one Kiln sends",
            "alerter 'stacks-only': ignored resources Stack 'db' (Kiln alerts on builds only)",
            "alerter 'stacks-only': skipped, its resources name no build",
        ]
    );
}

#[test]
fn endpoint_defaults_to_custom_and_unknown_types_are_errors() {
    let file = parsed(
        "[[alerter]]\nname = \"hook\"\n[alerter.config]\nendpoint.params.url = \"http://127.0.0.1:9/x\"\n",
    );
    assert_eq!(
        file.alerters[0].config,
        AlerterConfig {
            endpoint: AlerterEndpoint::Custom(url("http://127.0.0.1:9/x")),
            ..AlerterConfig::default()
        },
        "Komodo's defaults: Custom, and off until enabled"
    );
    let error = parse("[[alerter]]\nname = \"x\"\n[alerter.config]\nendpoint.type = \"Teams\"\n")
        .unwrap_err()
        .to_string();
    assert_eq!(
        error,
        "alerter 'x': unknown endpoint type \"Teams\", expected \"Custom\", \"Slack\" or \"Discord\""
    );
    let error =
        parse("[[alerter]]\nname = \"x\"\n[alerter.config]\nendpoint.params.token = \"t\"\n")
            .unwrap_err()
            .to_string();
    assert!(error.contains("unknown field `token`"), "{error}");
}

#[test]
fn export_leaves_the_url_out_and_sync_keeps_it() {
    let mut discord = alerter(
        "discord",
        AlerterEndpoint::Discord(url(
            "https://discord.example/api/webhooks/1/export-url-secret",
        )),
    );
    discord.config.alert_types = vec![AlertType::BuildSucceeded, AlertType::BuildFailed];
    discord.config.resources = vec![ResourceTarget::build("api")];
    let catalog = Catalog {
        alerters: vec![
            discord,
            alerter("plain", AlerterEndpoint::Custom(url("http://x/"))),
        ],
        ..Catalog::default()
    };
    let text = export(&catalog);
    assert!(
        text.ends_with(
            r#"
[[alerter]]
name = "discord"
[alerter.config]
enabled = true
endpoint.type = "Discord"
alert_types = ["BuildSucceeded", "BuildFailed"]
resources = [
  { type = "Build", id = "api" },
]

[[alerter]]
name = "plain"
[alerter.config]
enabled = true
"#
        ),
        "{text}"
    );
    assert!(!text.contains("url"), "{text}");
    let planned = plan(&catalog, &parsed(&text), true).unwrap();
    assert_eq!(planned.changes, Vec::new());
    assert_eq!(planned.target, catalog, "the URLs are kept");
}

#[test]
fn a_new_alerter_needs_a_url_and_a_changed_url_is_an_update() {
    let error = plan(
        &Catalog::default(),
        &parsed("[[alerter]]\nname = \"new\"\n[alerter.config]\nenabled = true\n"),
        false,
    )
    .unwrap_err();
    assert_eq!(
        error.to_string(),
        "new alerter 'new' has no `endpoint.params.url` in the sync file; add it to the file once or create it in the UI"
    );
    let current = full_catalog();
    let mut text = export(&current);
    text = text.replace(
        "endpoint.type = \"Slack\"",
        "endpoint.type = \"Slack\"\nendpoint.params.url = \"https://hooks.example.com/other\"",
    );
    let planned = plan(&current, &parsed(&text), true).unwrap();
    assert_eq!(planned.changes.len(), 1, "{:?}", planned.changes);
    assert_eq!(planned.changes[0].kind, ResourceKind::Alerter);
    assert_eq!(planned.changes[0].action, ChangeAction::Update);
    assert_eq!(
        planned.changes[0].fields,
        ["config.endpoint.params.url (set, value hidden)"]
    );
    assert_eq!(
        planned.render(),
        "update alerter 'team-chat': config.endpoint.params.url (set, value hidden)\n"
    );
}

#[test]
fn validation_checks_urls_targets_and_names() {
    let mut bad = alerter("bad", AlerterEndpoint::Slack(url("ftp://x")));
    bad.config.resources = vec![ResourceTarget::build(" ")];
    let catalog = Catalog {
        alerters: vec![
            bad,
            alerter("twice", AlerterEndpoint::Custom(url("http://a/"))),
            alerter("twice", AlerterEndpoint::Custom(url("http://b/"))),
        ],
        ..Catalog::default()
    };
    let errors: Vec<String> = validate_catalog(&catalog)
        .unwrap_err()
        .0
        .iter()
        .map(ToString::to_string)
        .collect();
    assert_eq!(
        errors,
        [
            "alerter 'twice': name: another alerter is also named 'twice'",
            "alerter 'bad': config.endpoint.params.url: must start with http:// or https://",
            "alerter 'bad': config.resources[0].id: empty build name",
        ]
    );
    let deleted_build_is_fine = Catalog {
        alerters: vec![{
            let mut a = alerter("a", AlerterEndpoint::Custom(url("http://a/")));
            a.config.resources = vec![ResourceTarget::build("gone")];
            a
        }],
        ..Catalog::default()
    };
    assert_eq!(validate_catalog(&deleted_build_is_fine), Ok(()));
}
