//! Planning a sync: creates, updates, deletes, secrets, idempotence.

use crate::support::{
    build, fixture_accounts, full_catalog, name, parsed, variable, KILN_ACCOUNTS, KOMODO_BUILDS,
    KOMODO_DOCS, KOMODO_REPOS,
};
use kiln_domain::sync::{
    plan, Change, ChangeAction, ResourceKind, SyncError, SyncPlan, HIDDEN_FIELD,
};
use kiln_domain::{BuilderConfig, Catalog, Version};

fn change(kind: ResourceKind, name: &str, action: ChangeAction, fields: &[&str]) -> Change {
    Change {
        kind,
        name: name.to_string(),
        action,
        fields: fields.iter().map(|f| f.to_string()).collect(),
    }
}

fn apply(current: &Catalog, text: &str, delete: bool) -> SyncPlan {
    plan(current, &parsed(text), delete).unwrap_or_else(|error| panic!("plan failed: {error}"))
}

#[test]
fn komodo_builds_fixture_creates_everything() {
    let text = format!("{KILN_ACCOUNTS}\n{KOMODO_BUILDS}");
    let first = apply(&Catalog::default(), &text, true);
    assert_eq!(
        first.render(),
        "create build 'komodo-core'\n\
         create build 'komodo-periphery'\n\
         create builder 'builder-01'\n\
         create builder 'periphery-url'\n\
         create variable 'OTLP_ENDPOINT'\n\
         create variable 'GITHUB_TOKEN'\n\
         create git_account 'github.com/mbecker20'\n\
         create git_account 'git.mogh.tech/mbecker20'\n\
         create registry_account 'ghcr.io/mbecker20'\n\
         create registry_account 'docker.io/mbecker20'\n\
         create registry_account 'github.com/your_username'\n\
         warning: ignored 1 [[server]] entry: Kiln manages builds, builders, variables and repos\n\
         warning: ignored 1 [[deployment]] entry: Kiln manages builds, builders, variables and repos\n\
         warning: builder 'builder-01': ignored Komodo params use_https, git_providers, docker_registries, secrets (Kiln's Aws builder does not use them)\n\
         warning: builder 'periphery-url': Komodo's type \"Url\" is imported as a Server builder (a kiln-agent at params.address)\n"
    );
    assert_eq!(first.target.builds.len(), 2);
    assert_eq!(
        first.target.variables[1].value.expose(),
        "ghp_fixture_secret_value"
    );
}

#[test]
fn komodo_files_resolve_against_existing_accounts() {
    let accounts = fixture_accounts();
    for fixture in [KOMODO_BUILDS, KOMODO_REPOS, KOMODO_DOCS] {
        let next = apply(&accounts, fixture, false);
        assert_eq!(next.target.git_accounts, accounts.git_accounts);
        assert!(next
            .changes
            .iter()
            .all(|change| change.action == ChangeAction::Create));
    }
    let error =
        plan(&Catalog::default(), &parsed(KOMODO_DOCS), false).expect_err("accounts missing");
    assert!(error.to_string().contains("build 'test_logger': config.git_account: unknown git account 'mbecker20' on github.com"), "{error}");
}

/// The second apply changes nothing; it lists only the secrets the file
/// gives, as set with their value hidden (as it would for a different
/// value: a plan never tells whether a secret equals the stored one).
#[test]
fn applying_the_same_file_twice_changes_nothing_but_names_given_secrets() {
    for fixture in [KOMODO_BUILDS, KOMODO_REPOS, KOMODO_DOCS] {
        let text = format!("{KILN_ACCOUNTS}\n{fixture}");
        let first = apply(&Catalog::default(), &text, true);
        assert!(!first.changes.is_empty());
        let second = apply(&first.target, &text, true);
        assert_eq!(second.target, first.target);
        for change in &second.changes {
            assert_eq!(change.action, ChangeAction::Update, "{change:?}");
            assert!(
                change.fields.iter().all(|f| f.ends_with(HIDDEN_FIELD)),
                "{change:?}"
            );
        }
    }
    let plain = "[[build]]\nname = \"api\"\n[build.config]\ndockerfile = \"FROM scratch\"\n";
    let first = apply(&Catalog::default(), plain, true);
    let second = apply(&first.target, plain, true);
    assert_eq!(second.render(), "no changes\n");
}

#[test]
fn render_without_changes_or_warnings() {
    assert_eq!(
        apply(&Catalog::default(), "", true).render(),
        "no changes\n"
    );
}

#[test]
fn update_lists_changed_fields() {
    let current = apply(
        &Catalog::default(),
        "[[build]]\nname = \"api\"\n[build.config]\nversion = \"1.0.0\"\nlabels = \"a=1\"\n",
        true,
    )
    .target;
    let next = apply(
        &current,
        "[[build]]\nname = \"api\"\n[build.config]\nversion = \"1.1.0\"\nlabels = \"a=2\"\n",
        true,
    );
    assert_eq!(
        next.changes,
        [change(
            ResourceKind::Build,
            "api",
            ChangeAction::Update,
            &["config.version", "config.labels"]
        )]
    );
    assert_eq!(
        next.render(),
        "update build 'api': config.version, config.labels\n"
    );
    assert_eq!(next.target.builds[0].config.version, Version::new(1, 1, 0));
}

#[test]
fn nested_fields_are_dotted_paths() {
    let current = apply(
        &Catalog::default(),
        "[[build]]\nname = \"api\"\ndescription = \"x\"\n[build.config]\npre_build.command = \"make\"\n",
        true,
    )
    .target;
    let next = apply(&current, "[[build]]\nname = \"api\"\ntags = [\"t\"]\n[build.config]\npre_build.command = \"make all\"\n", true);
    assert_eq!(
        next.changes,
        [change(
            ResourceKind::Build,
            "api",
            ChangeAction::Update,
            &["description", "tags", "config.pre_build.command"]
        )]
    );
    let aws =
        "[[builder]]\nname = \"b\"\n[builder.config]\ntype = \"Aws\"\nparams.ami_id = \"ami-1\"\n";
    let current = apply(&Catalog::default(), aws, true).target;
    let next = apply(&current, &aws.replace("ami-1", "ami-2"), true);
    assert_eq!(
        next.changes,
        [change(
            ResourceKind::Builder,
            "b",
            ChangeAction::Update,
            &["config.params.ami_id"]
        )]
    );
}

#[test]
fn fields_absent_from_the_file_take_defaults() {
    let current = apply(
        &Catalog::default(),
        "[[build]]\nname = \"api\"\n[build.config]\nimage_tag = \"arm\"\n",
        true,
    )
    .target;
    let next = apply(&current, "[[build]]\nname = \"api\"\n", true);
    assert_eq!(
        next.changes,
        [change(
            ResourceKind::Build,
            "api",
            ChangeAction::Update,
            &["config.image_tag"]
        )]
    );
    assert_eq!(next.target.builds[0].config.image_tag, "");
}

#[test]
fn delete_removes_every_kind_absent_from_the_file() {
    let full = full_catalog();
    let emptied = apply(&full, "", true);
    assert_eq!(emptied.target, Catalog::default());
    assert_eq!(
        emptied.changes,
        [
            change(ResourceKind::Build, "api", ChangeAction::Delete, &[]),
            change(ResourceKind::Builder, "aws-1", ChangeAction::Delete, &[]),
            change(ResourceKind::Builder, "agent-1", ChangeAction::Delete, &[]),
            change(
                ResourceKind::Builder,
                "big-local",
                ChangeAction::Delete,
                &[]
            ),
            change(
                ResourceKind::Variable,
                "REGISTRY_HOST",
                ChangeAction::Delete,
                &[]
            ),
            change(
                ResourceKind::Variable,
                "GITHUB_TOKEN",
                ChangeAction::Delete,
                &[]
            ),
            change(ResourceKind::Repo, "mono", ChangeAction::Delete, &[]),
            change(
                ResourceKind::GitAccount,
                "git.example.com/bot",
                ChangeAction::Delete,
                &[]
            ),
            change(
                ResourceKind::RegistryAccount,
                "ghcr.io/acme-bot",
                ChangeAction::Delete,
                &[]
            ),
            change(
                ResourceKind::RegistryAccount,
                "docker.io/acme-bot",
                ChangeAction::Delete,
                &[]
            ),
            change(
                ResourceKind::Alerter,
                "team-chat",
                ChangeAction::Delete,
                &[]
            ),
        ]
    );
    assert!(emptied
        .render()
        .contains("delete variable 'GITHUB_TOKEN'\n"));
}

#[test]
fn without_delete_absent_resources_are_kept() {
    let full = full_catalog();
    let kept = apply(
        &full,
        "[[variable]]\nname = \"NEW\"\nvalue = \"1\"\n",
        false,
    );
    assert_eq!(
        kept.changes,
        [change(
            ResourceKind::Variable,
            "NEW",
            ChangeAction::Create,
            &[]
        )]
    );
    assert_eq!(kept.target.builds, full.builds);
    assert_eq!(kept.target.variables.len(), 3);
    let deleting = apply(
        &Catalog {
            variables: vec![variable("OLD", "1", false)],
            ..Catalog::default()
        },
        "",
        true,
    );
    assert_eq!(deleting.render(), "delete variable 'OLD'\n");
}

#[test]
fn secrets_absent_from_the_file_are_kept() {
    let full = full_catalog();
    let text = "\
[[variable]]
name = \"GITHUB_TOKEN\"
description = \"for private clones\"
is_secret = true

[[git_account]]
domain = \"git.example.com\"
username = \"bot\"

[[builder]]
name = \"agent-1\"
[builder.config]
type = \"Server\"
params.address = \"https://agent.internal:8120\"
params.server_id = \"komodo-server-1\"
params.allow_build_host_powers = true
params.allow_host_network = true
";
    let next = apply(&full, text, false);
    assert_eq!(next.changes, Vec::new());
    assert_eq!(next.target.variables[1].value.expose(), "ghp-secret-value");
    assert_eq!(
        next.target.git_accounts[0].token.expose(),
        "git-token-secret"
    );
    let BuilderConfig::Server(server) = &next.target.builders[1].config else {
        panic!("agent-1 is a Server builder");
    };
    assert_eq!(server.passkey.expose(), "pk-secret");
}

#[test]
fn webhook_secret_absent_from_the_file_is_kept() {
    let mut current = Catalog {
        builds: vec![build("api")],
        ..Catalog::default()
    };
    current.builds[0].config.webhook_secret = "whsec".to_string();
    let next = apply(&current, "[[build]]\nname = \"api\"\n", true);
    assert_eq!(next.changes, Vec::new());
    assert_eq!(next.target.builds[0].config.webhook_secret, "whsec");
    let replaced = apply(
        &current,
        "[[build]]\nname = \"api\"\n[build.config]\nwebhook_secret = \"other\"\n",
        true,
    );
    assert_eq!(
        replaced.changes,
        [change(
            ResourceKind::Build,
            "api",
            ChangeAction::Update,
            &["config.webhook_secret (set, value hidden)"]
        )]
    );
}

#[test]
fn changed_secrets_are_named_never_shown() {
    let full = full_catalog();
    let text = "[[variable]]\nname = \"GITHUB_TOKEN\"\nvalue = \"brand-new-secret\"\ndescription = \"for private clones\"\nis_secret = true\n\
                [[registry_account]]\ndomain = \"ghcr.io\"\nusername = \"acme-bot\"\ntoken = \"new-registry-secret\"\n";
    let next = apply(&full, text, false);
    assert_eq!(
        next.changes,
        [
            change(
                ResourceKind::Variable,
                "GITHUB_TOKEN",
                ChangeAction::Update,
                &["value (set, value hidden)"]
            ),
            change(
                ResourceKind::RegistryAccount,
                "ghcr.io/acme-bot",
                ChangeAction::Update,
                &["token (set, value hidden)"]
            ),
        ]
    );
    let rendered = next.render();
    assert_eq!(rendered, "update variable 'GITHUB_TOKEN': value (set, value hidden)\nupdate registry_account 'ghcr.io/acme-bot': token (set, value hidden)\n");
    let json = serde_json::to_string(&next).expect("serializes");
    for secret in [
        "brand-new-secret",
        "new-registry-secret",
        "ghp-secret-value",
        "pk-secret",
    ] {
        assert!(!json.contains(secret), "{secret} in {json}");
    }
    assert_eq!(next.target.variables[1].value.expose(), "brand-new-secret");
}

#[test]
fn new_secret_variable_without_value_is_an_error() {
    let error = plan(
        &Catalog::default(),
        &parsed("[[variable]]\nname = \"NEW\"\nis_secret = true\n"),
        true,
    )
    .expect_err("no value to keep");
    assert_eq!(
        error,
        SyncError::Secret {
            kind: ResourceKind::Variable,
            name: "NEW".to_string()
        }
    );
    assert_eq!(
        error.to_string(),
        "new variable 'NEW' has no `value` in the sync file; add it to the file once or create it in the UI"
    );
}

#[test]
fn new_plain_variable_without_value_is_empty() {
    let next = apply(&Catalog::default(), "[[variable]]\nname = \"NEW\"\n", true);
    assert_eq!(next.target.variables[0].value.expose(), "");
}

#[test]
fn new_account_without_token_is_an_error() {
    let error = plan(
        &Catalog::default(),
        &parsed("[[git_account]]\ndomain = \"github.com\"\nusername = \"bot\"\n"),
        true,
    )
    .expect_err("no token to keep");
    assert_eq!(
        error,
        SyncError::Secret {
            kind: ResourceKind::GitAccount,
            name: "github.com/bot".to_string()
        }
    );
    assert_eq!(
        error.to_string(),
        "new git_account 'github.com/bot' has no `token` in the sync file; add it to the file once or create it in the UI"
    );
    let registry = plan(
        &Catalog::default(),
        &parsed("[[registry_account]]\ndomain = \"ghcr.io\"\nusername = \"bot\"\n"),
        true,
    )
    .expect_err("no token to keep");
    assert_eq!(
        registry,
        SyncError::Secret {
            kind: ResourceKind::RegistryAccount,
            name: "ghcr.io/bot".to_string()
        }
    );
}

#[test]
fn invalid_result_is_refused_with_every_error() {
    let error = plan(
        &Catalog::default(),
        &parsed("[[build]]\nname = \"api\"\n[build.config]\nbuilder = \"nope\"\nbuild_args = \"A=1\\nbroken\"\n"),
        true,
    )
    .expect_err("invalid");
    let SyncError::Invalid(errors) = &error else {
        panic!("expected Invalid, got {error:?}");
    };
    assert_eq!(errors.0.len(), 2);
    assert_eq!(
        error.to_string(),
        "the sync file would leave invalid resources:\n\
         build 'api': config.builder: unknown builder 'nope'\n\
         build 'api': config.build_args: line 2: missing '='"
    );
}

#[test]
fn duplicate_names_in_the_file_are_refused() {
    let error = plan(
        &Catalog::default(),
        &parsed("[[build]]\nname = \"api\"\n[[build]]\nname = \"api\"\n"),
        true,
    )
    .expect_err("duplicate");
    assert!(
        error
            .to_string()
            .contains("build 'api': name: another build is also named 'api'"),
        "{error}"
    );
}

#[test]
fn deleting_a_referenced_resource_is_refused() {
    let full = full_catalog();
    assert_eq!(full.builds[0].config.builder, "aws-1");
    let text = "[[build]]\nname = \"api\"\n[build.config]\nbuilder = \"aws-1\"\n";
    let error = plan(&full, &parsed(text), true).expect_err("aws-1 deleted while used");
    assert!(
        error
            .to_string()
            .contains("build 'api': config.builder: unknown builder 'aws-1'"),
        "{error}"
    );
}

#[test]
fn changes_serialize_in_snake_case_without_the_target() {
    let next = apply(
        &Catalog {
            variables: vec![variable("OLD", "1", false)],
            ..Catalog::default()
        },
        "[[git_account]]\ndomain = \"github.com\"\nusername = \"bot\"\ntoken = \"t0k3n\"\n",
        true,
    );
    let json = serde_json::to_value(&next).expect("serializes");
    assert_eq!(
        json,
        serde_json::json!({
            "changes": [
                { "kind": "variable", "name": "OLD", "action": "delete", "fields": [] },
                { "kind": "git_account", "name": "github.com/bot", "action": "create", "fields": [] },
            ],
            "warnings": [],
        })
    );
    let back: SyncPlan = serde_json::from_value(json).expect("deserializes");
    assert_eq!(back.changes, next.changes);
}

#[test]
fn resource_kind_names() {
    let kinds = [
        (ResourceKind::Build, "build"),
        (ResourceKind::Builder, "builder"),
        (ResourceKind::Variable, "variable"),
        (ResourceKind::Repo, "repo"),
        (ResourceKind::GitAccount, "git_account"),
        (ResourceKind::RegistryAccount, "registry_account"),
    ];
    for (kind, text) in kinds {
        assert_eq!(kind.as_str(), text);
        assert_eq!(
            serde_json::to_value(kind).expect("serializes"),
            serde_json::json!(text)
        );
    }
}

#[test]
fn renamed_resource_is_a_delete_and_a_create() {
    let current = Catalog {
        builds: vec![build("old-api")],
        ..Catalog::default()
    };
    let next = apply(&current, "[[build]]\nname = \"new-api\"\n", true);
    assert_eq!(
        next.changes,
        [
            change(ResourceKind::Build, "old-api", ChangeAction::Delete, &[]),
            change(ResourceKind::Build, "new-api", ChangeAction::Create, &[]),
        ]
    );
    assert_eq!(next.target.builds[0].name, name("new-api"));
}
