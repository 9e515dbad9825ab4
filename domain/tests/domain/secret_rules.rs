//! Secrets are not weakened by edits: long enough to mask, not made plain
//! or sent to a new address without being given again, not confirmed by a
//! dry run; and a build's version is not lowered by accident.

use crate::support::{build, builder, full_catalog, git_account, parsed, variable};
use kiln_domain::sync::{export, plan, plan_with, PlanOptions, SyncError};
use kiln_domain::{validate_change, BuilderConfig, Catalog, Secret, ServerBuilderConfig, Version};

fn server(address: &str, passkey: &str) -> BuilderConfig {
    BuilderConfig::Server(ServerBuilderConfig {
        address: address.to_string(),
        passkey: Secret::new(passkey),
        ..ServerBuilderConfig::default()
    })
}

#[test]
fn secrets_shorter_than_four_characters_are_refused_without_quoting_them() {
    let mut short_build = build("api");
    short_build.config.secret_args = "NPM_TOKEN=q7z\nOK=long-enough".to_string();
    short_build.config.webhook_secret = "w9x".to_string();
    let after = Catalog {
        builds: vec![short_build],
        builders: vec![builder("agent", server("https://agent:8120", "k2j"))],
        variables: vec![
            variable("TOKEN", "v5y", true),
            variable("PLAIN", "ab", false),
        ],
        git_accounts: vec![git_account("github.com", "bot", "g4h")],
        ..Catalog::default()
    };
    let errors = validate_change(&Catalog::default(), &after).expect_err("short secrets");
    let text = errors.to_string();
    for field in [
        "build 'api': config.secret_args: NPM_TOKEN: secret values need at least 4 characters",
        "build 'api': config.webhook_secret: secret values need at least 4",
        "builder 'agent': config.params.passkey: secret values need at least 4",
        "variable 'TOKEN': value: secret values need at least 4",
        "git account 'github.com/bot': token: secret values need at least 4",
    ] {
        assert!(text.contains(field), "{field} missing in\n{text}");
    }
    assert!(
        !text.contains("PLAIN"),
        "a plain variable may be short:\n{text}"
    );
    for secret in ["q7z", "w9x", "k2j", "v5y", "g4h"] {
        assert!(!text.contains(secret), "{secret} quoted in\n{text}");
    }
}

#[test]
fn a_secret_variable_becomes_plain_only_with_a_new_value() {
    let current = Catalog {
        variables: vec![variable("TOKEN", "stored-secret", true)],
        ..Catalog::default()
    };
    let kept = plan(
        &current,
        &parsed("[[variable]]\nname = \"TOKEN\"\nis_secret = false\n"),
        false,
    )
    .expect_err("would export the stored secret in clear");
    assert!(
        kept.to_string().contains(
            "variable 'TOKEN': is_secret: a secret variable becomes plain only with a new value"
        ),
        "{kept}"
    );
    let replaced = plan(
        &current,
        &parsed("[[variable]]\nname = \"TOKEN\"\nvalue = \"now-public\"\nis_secret = false\n"),
        false,
    )
    .expect("a new value may be plain");
    assert_eq!(replaced.target.variables[0].value.expose(), "now-public");
    assert!(!export(&replaced.target).contains("stored-secret"));
}

#[test]
fn a_server_builder_at_a_new_address_needs_its_passkey_again() {
    let current = Catalog {
        builders: vec![builder(
            "agent",
            server("https://agent-1:8120", "stored-passkey"),
        )],
        ..Catalog::default()
    };
    let moved = "[[builder]]\nname = \"agent\"\n[builder.config]\ntype = \"Server\"\nparams.address = \"https://elsewhere:8120\"\n";
    let error = plan(&current, &parsed(moved), false).expect_err("passkey kept for a new address");
    assert!(
        error
            .to_string()
            .contains("builder 'agent': config.params.passkey: params.address changed: give the passkey again"),
        "{error}"
    );
    let given = format!("{moved}params.passkey = \"stored-passkey\"\n");
    let planned = plan(&current, &parsed(&given), false).expect("passkey given again");
    let BuilderConfig::Server(params) = &planned.target.builders[0].config else {
        panic!("server builder");
    };
    assert_eq!(params.address, "https://elsewhere:8120");
    // The same address keeps the stored passkey when the file leaves it out.
    let same = "[[builder]]\nname = \"agent\"\n[builder.config]\ntype = \"Server\"\nparams.address = \"https://agent-1:8120\"\n";
    plan(&current, &parsed(same), false).expect("same address");
}

#[test]
fn a_dry_run_says_the_same_for_a_right_and_a_wrong_secret() {
    let current = Catalog {
        variables: vec![variable("TOKEN", "right-secret", true)],
        git_accounts: vec![git_account("github.com", "bot", "right-token")],
        ..Catalog::default()
    };
    let file = |value: &str, token: &str| {
        format!(
            "[[variable]]\nname = \"TOKEN\"\nvalue = \"{value}\"\nis_secret = true\n\
             [[git_account]]\ndomain = \"github.com\"\nusername = \"bot\"\ntoken = \"{token}\"\n"
        )
    };
    let right = plan(
        &current,
        &parsed(&file("right-secret", "right-token")),
        false,
    )
    .unwrap();
    let wrong = plan(
        &current,
        &parsed(&file("wrong-guess", "wrong-token")),
        false,
    )
    .unwrap();
    assert_eq!(right.render(), wrong.render());
    assert_eq!(right.changes, wrong.changes);
    assert_eq!(
        right.render(),
        "update variable 'TOKEN': value (set, value hidden)\nupdate git_account 'github.com/bot': token (set, value hidden)\n"
    );
}

#[test]
fn a_sync_without_version_keeps_the_stored_one_and_a_lower_one_needs_force() {
    let mut stored = build("api");
    stored.config.version = Version::new(1, 4, 2);
    let current = Catalog {
        builds: vec![stored],
        ..Catalog::default()
    };
    let versionless = "[[build]]\nname = \"api\"\n[build.config]\ndockerfile = \"FROM scratch\"\n";
    let kept = plan(&current, &parsed(versionless), false).expect("version kept");
    assert_eq!(kept.target.builds[0].config.version, Version::new(1, 4, 2));

    let lower = format!("{versionless}version = \"1.0.0\"\n");
    let error = plan(&current, &parsed(&lower), false).expect_err("version lowered");
    assert!(
        error
            .to_string()
            .contains("build 'api': config.version: 1.0.0 is lower than the stored 1.4.2"),
        "{error}"
    );
    let forced = plan_with(
        &current,
        &parsed(&lower),
        PlanOptions {
            delete: false,
            force_version: true,
        },
    )
    .expect("forced");
    assert_eq!(
        forced.target.builds[0].config.version,
        Version::new(1, 0, 0)
    );

    let mut raised = current.clone();
    raised.builds[0].config.version = Version::new(1, 5, 0);
    validate_change(&current, &raised).expect("raising is fine");
    let mut lowered = current.clone();
    lowered.builds[0].config.version = Version::new(1, 4, 1);
    validate_change(&current, &lowered).expect_err("lowering through any write");
}

#[test]
fn exports_hide_literal_secret_args_and_a_placeholder_needs_a_stored_value() {
    let mut catalog = full_catalog();
    catalog.builds[0].config.secret_args =
        "NPM_TOKEN = literal-npm-secret\nGITHUB=[[GITHUB_TOKEN]]\n".to_string();
    let text = export(&catalog);
    assert!(!text.contains("literal-npm-secret"), "{text}");
    assert!(text.contains("NPM_TOKEN=<NPM_TOKEN>"), "{text}");
    assert!(text.contains("GITHUB=[[GITHUB_TOKEN]]"), "{text}");
    let back = plan(&catalog, &parsed(&text), true).expect("round trip");
    assert_eq!(back.target, catalog);
    assert_eq!(back.changes, Vec::new());

    let error = plan(&Catalog::default(), &parsed(&text), true).expect_err("nothing stored");
    assert!(
        matches!(error, SyncError::Placeholder { ref key, .. } if key == "NPM_TOKEN"),
        "{error}"
    );
    assert!(
        error
            .to_string()
            .contains("NPM_TOKEN=<NPM_TOKEN> is a placeholder"),
        "{error}"
    );
}
