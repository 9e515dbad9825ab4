//! Reading Komodo-format sync files.

use crate::support::{parsed, KILN_ACCOUNTS, KOMODO_BUILDS, KOMODO_DOCS, KOMODO_REPOS};
use kiln_domain::sync::{parse, SyncError, SyncFile};
use kiln_domain::{
    parse_env_lines, AwsBuilderConfig, BuilderConfig, ImageRegistry, LocalBuilderConfig, PreBuild,
    RepoConfig, ServerBuilderConfig, Version,
};

const IGNORED_TAIL: &str = "Kiln manages builds, builders, variables and repos";

fn registry(domain: &str, account: &str, organization: &str) -> ImageRegistry {
    ImageRegistry {
        domain: domain.to_string(),
        account: account.to_string(),
        organization: organization.to_string(),
    }
}

fn strings(items: &[&str]) -> Vec<String> {
    items.iter().map(|item| item.to_string()).collect()
}

fn toml_error(text: &str) -> String {
    match parse(text) {
        Err(SyncError::Toml(message)) => message,
        other => panic!("expected a TOML error, got {other:?}"),
    }
}

#[test]
fn komodo_builds_fixture_builds() {
    let file = parsed(KOMODO_BUILDS);
    assert_eq!(file.builds.len(), 2);
    let core = &file.builds[0];
    assert_eq!(core.name.as_str(), "komodo-core");
    assert_eq!(core.description, "Builds the Komodo Core image");
    assert_eq!(core.tags, strings(&["komodo", "core"]));
    let config = &core.config;
    assert_eq!(config.builder, "builder-01");
    assert_eq!(config.version, Version::new(1, 4, 2));
    assert!(!config.auto_increment_version);
    assert_eq!(config.image_name, "komodo-core");
    assert_eq!(config.image_tag, "aarch64");
    assert_eq!(config.repo, "moghtech/komodo");
    assert_eq!(config.git_account, "mbecker20");
    assert_eq!(config.dockerfile_path, "bin/core/aarch64.Dockerfile");
    assert_eq!(
        config.image_registry,
        vec![registry("ghcr.io", "mbecker20", "moghtech")]
    );
    assert_eq!(
        config.pre_build,
        PreBuild {
            path: ".".to_string(),
            command: "# Comments are supported\ncargo fetch\necho prepared\n".to_string(),
            shell_mode: false,
        }
    );
    assert_eq!(
        config.build_args,
        "# the toolchain\nRUST_VERSION = 1.82\n\nAPP_ENV=production\nFEATURES = a=b,c\n"
    );
    let args = parse_env_lines(&config.build_args).expect("build args parse");
    let pairs: Vec<(&str, &str)> = args
        .iter()
        .map(|line| (line.key.as_str(), line.value.as_str()))
        .collect();
    assert_eq!(
        pairs,
        [
            ("RUST_VERSION", "1.82"),
            ("APP_ENV", "production"),
            ("FEATURES", "a=b,c")
        ]
    );
    assert_eq!(config.secret_args, "GITHUB_TOKEN = [[GITHUB_TOKEN]]\n");
    assert!(config
        .labels
        .starts_with("org.opencontainers.image.source = https://github.com/moghtech/komodo\n"));
    assert_eq!(config.extra_args, strings(&["--platform", "linux/arm64"]));
    assert_eq!(
        config.links,
        strings(&["https://github.com/moghtech/komodo"])
    );
    assert!(!config.webhook_enabled);

    let periphery = &file.builds[1].config;
    assert_eq!(
        periphery.builder, "periphery-url",
        "builder_id is an alias of builder"
    );
    assert_eq!(periphery.version, Version::new(1, 19, 5));
    assert_eq!(periphery.branch, "release");
    assert_eq!(
        periphery.image_registry,
        vec![
            registry("ghcr.io", "mbecker20", "moghtech"),
            registry("docker.io", "mbecker20", "")
        ]
    );
    assert!(!periphery.include_commit_tag);
}

#[test]
fn komodo_builds_fixture_builders_variables_and_warnings() {
    let file = parsed(KOMODO_BUILDS);
    assert_eq!(file.builders.len(), 2);
    assert_eq!(file.builders[0].name.as_str(), "builder-01");
    assert_eq!(file.builders[0].tags, strings(&["aws"]));
    assert_eq!(
        file.builders[0].config,
        BuilderConfig::Aws(AwsBuilderConfig {
            region: "us-east-2".to_string(),
            instance_type: "c5.4xlarge".to_string(),
            ami_id: "ami-0e9bd154667944680".to_string(),
            subnet_id: "subnet-0123456789abcdef0".to_string(),
            key_pair_name: "builder-key".to_string(),
            assign_public_ip: true,
            use_public_ip: true,
            security_group_ids: strings(&["sg-0123456789abcdef0", "sg-0fedcba9876543210"]),
            user_data: String::new(),
            volume_gb: 40,
            port: 8120,
            ..AwsBuilderConfig::default()
        })
    );
    let BuilderConfig::Server(url) = &file.builders[1].config else {
        panic!(
            "a Url builder reads as Server: {:?}",
            file.builders[1].config
        );
    };
    assert_eq!(url.address, "https://builder-2.internal:8120");
    assert_eq!(url.passkey.expose(), "url-builder-passkey");
    assert_eq!(url.server_id, "");

    assert_eq!(file.variables.len(), 2);
    assert_eq!(file.variables[0].name.as_str(), "OTLP_ENDPOINT");
    assert_eq!(
        file.variables[0].value.as_deref(),
        Some("http://localhost:4317")
    );
    assert_eq!(file.variables[0].description, "Where traces go");
    assert!(!file.variables[0].is_secret);
    assert_eq!(
        file.variables[1].value.as_deref(),
        Some("ghp_fixture_secret_value")
    );
    assert!(file.variables[1].is_secret);

    assert_eq!(
        file.warnings,
        [
            format!("ignored 1 [[server]] entry: {IGNORED_TAIL}"),
            format!("ignored 1 [[deployment]] entry: {IGNORED_TAIL}"),
            "builder 'builder-01': ignored Komodo params use_https, git_providers, docker_registries, secrets (Kiln's Aws builder does not use them)".to_string(),
            "builder 'periphery-url': Komodo's type \"Url\" is imported as a Server builder (a kiln-agent at params.address)".to_string(),
        ]
    );
}

#[test]
fn komodo_repos_fixture() {
    let file = parsed(KOMODO_REPOS);
    assert_eq!(file.repos.len(), 1);
    let repo = &file.repos[0];
    assert_eq!(repo.name.as_str(), "komodo-periphery");
    assert_eq!(repo.tags, strings(&["komodo"]));
    assert_eq!(
        repo.config,
        RepoConfig {
            git_provider: "git.mogh.tech".to_string(),
            git_https: false,
            repo: "moghtech/komodo".to_string(),
            branch: "develop".to_string(),
            git_account: "mbecker20".to_string(),
        }
    );
    let linked = &file.builds[0].config;
    assert_eq!(linked.linked_repo, "komodo-periphery");
    assert_eq!(linked.version, Version::new(2, 1, 0));
    assert_eq!(
        linked.extra_args,
        strings(&["--pull", "--label=a", "--label=b"]),
        "Komodo's string list form"
    );
    assert_eq!(
        file.warnings,
        [
            format!("ignored 2 [[stack]] entries: {IGNORED_TAIL}"),
            format!("ignored 1 [[procedure]] entry: {IGNORED_TAIL}"),
            "build 'linked': ignored Komodo keys deploy, after (Kiln does not use them)".to_string(),
            "repo 'komodo-periphery': ignored Komodo repo settings server_id, builder_id, path, on_clone, on_pull, links, webhook_enabled, environment, env_file_path, skip_secret_interp (Kiln repos are only sources for builds)".to_string(),
        ]
    );
    assert_eq!(file.user_groups.len(), 1);
    assert_eq!(file.user_groups[0].name, "groupo");
    assert_eq!(file.user_groups[0].users, strings(&["mbecker20"]));
    assert_eq!(
        file.user_groups[0].all,
        [(
            kiln_domain::sync::ResourceKind::Build,
            kiln_domain::access::Level::Execute
        )]
    );
}

#[test]
fn komodo_user_groups_are_read_with_what_kiln_skips_named() {
    use kiln_domain::access::Level;
    use kiln_domain::sync::{export_user_groups, ResourceKind};
    let file = parsed(
        r#"
[[user_group]]
name = "groupo"
everyone = false
users = ["mbecker20", "karamvirsingh98"]
all.Server = { level = "Write", specific = ["Attach", "Logs"] }
all.Build = "Execute"
all.Builder = { level = "Read", specific = ["Attach"] }
permissions = [
  { target.type = "Repo", target.id = "komodo-periphery", level = "Execute" },
  { target.type = "Server", target.id = "\\^(.+)-(.+)$\\", level = "Read" },
  { target.type = "Build", target.id = "\\^immich\\", level = "Execute" },
  { target.type = "GitAccount", target.id = "github.com/bot", level = "Read" },
]

[[user_group]]
name = "everyone-reads"
everyone = true
all.Build = "Read"
"#,
    );
    let groups = &file.user_groups;
    assert_eq!(groups.len(), 2);
    let groupo = &groups[0];
    assert_eq!(groupo.users, strings(&["mbecker20", "karamvirsingh98"]));
    assert_eq!(
        groupo.all,
        [
            (ResourceKind::Build, Level::Execute),
            (ResourceKind::Builder, Level::Read)
        ]
    );
    assert_eq!(
        groupo.permissions,
        [
            (
                ResourceKind::Repo,
                "komodo-periphery".to_string(),
                Level::Execute
            ),
            (
                ResourceKind::GitAccount,
                "github.com/bot".to_string(),
                Level::Read
            ),
        ]
    );
    assert!(groups[1].everyone);
    let warnings = file.warnings.join("\n");
    for skipped in [
        "all.Server: ignored (Kiln does not manage Server)",
        "all.Builder: ignored specific permissions [\"Attach\"]",
        "permissions[1]: ignored (Kiln does not manage Server)",
        "permissions[2]: ignored the regex target",
    ] {
        assert!(warnings.contains(skipped), "{skipped} not in:\n{warnings}");
    }
    // The export reads back the same.
    let again = parsed(&export_user_groups(groups));
    assert_eq!(&again.user_groups, groups);
    assert!(again.warnings.is_empty(), "{:?}", again.warnings);
    // A level Kiln cannot read is an error naming the place.
    let bad = kiln_domain::sync::parse("[[user_group]]\nname = \"g\"\nall.Build = \"Admin\"\n")
        .expect_err("an unknown level");
    assert!(
        bad.to_string()
            .contains("user_group 'g': all.Build: level 'Admin'"),
        "{bad}"
    );
}

#[test]
fn komodo_docs_example_with_dotted_type_and_legacy_registry() {
    let file = parsed(KOMODO_DOCS);
    let BuilderConfig::Aws(params) = &file.builders[0].config else {
        panic!("config.type = \"Aws\": {:?}", file.builders[0].config);
    };
    assert_eq!(params.region, "us-east-2");
    assert_eq!(params.instance_type, "c5.2xlarge", "Komodo's default");
    assert_eq!(params.security_group_ids.len(), 2);
    let build = &file.builds[0];
    assert_eq!(build.config.builder, "builder-01");
    assert_eq!(build.config.branch, "master");
    assert_eq!(
        build.config.image_registry,
        vec![registry("github.com", "your_username", "your_organization")]
    );
    assert_eq!(
        parse_env_lines(&build.config.labels).map(|lines| lines.len()),
        Ok(3)
    );
    assert_eq!(
        file.variables[0].value.as_deref(),
        Some("http://localhost:4317")
    );
    assert_eq!(
        file.warnings,
        [format!("ignored 2 [[deployment]] entries: {IGNORED_TAIL}")]
    );
}

#[test]
fn kiln_account_entries() {
    let file = parsed(KILN_ACCOUNTS);
    assert_eq!(file.git_accounts.len(), 2);
    assert_eq!(file.git_accounts[0].domain, "github.com");
    assert_eq!(file.git_accounts[0].username, "mbecker20");
    assert_eq!(
        file.git_accounts[0].token.as_deref(),
        Some("ghp_fixture_git_token")
    );
    assert_eq!(file.registry_accounts.len(), 3);
    let without_token = parsed("[[registry_account]]\ndomain = \"ghcr.io\"\nusername = \"bot\"\n");
    assert_eq!(without_token.registry_accounts[0].token, None);
}

#[test]
fn debug_output_redacts_secrets() {
    let file = parsed(&format!("{KOMODO_BUILDS}\n{KILN_ACCOUNTS}"));
    let debug = format!("{file:?}");
    for secret in [
        "ghp_fixture_secret_value",
        "ghp_fixture_git_token",
        "ghcr_fixture_token",
        "url-builder-passkey",
    ] {
        assert!(!debug.contains(secret), "{secret} in {debug}");
    }
    assert!(
        debug.contains("http://localhost:4317"),
        "plain variable values are shown"
    );
}

#[test]
fn empty_file_is_empty() {
    assert_eq!(parse(""), Ok(SyncFile::default()));
    assert_eq!(parse("# only comments\n"), Ok(SyncFile::default()));
}

#[test]
fn plural_array_names_are_accepted() {
    let file = parsed("[[builds]]\nname = \"api\"\n[[variables]]\nname = \"X\"\nvalue = \"1\"\n");
    assert_eq!(file.builds[0].name.as_str(), "api");
    assert_eq!(file.variables[0].name.as_str(), "X");
}

#[test]
fn registry_entries_without_domain_are_dropped_with_a_warning() {
    let text = "[[build]]\nname = \"api\"\n[build.config]\nimage_registry = [{ account = \"x\" }, { domain = \"ghcr.io\" }]\n";
    let file = parsed(text);
    assert_eq!(
        file.builds[0].config.image_registry,
        vec![registry("ghcr.io", "", "")]
    );
    assert_eq!(
        file.warnings,
        ["build 'api': dropped 1 image_registry entry without a domain (Komodo pushes nowhere for them)"]
    );
}

#[test]
fn legacy_registry_type_none_means_no_registry() {
    let file =
        parsed("[[build]]\nname = \"api\"\n[build.config]\nimage_registry.type = \"None\"\n");
    assert_eq!(file.builds[0].config.image_registry, Vec::new());
}

#[test]
fn registry_list_of_legacy_and_plain_entries() {
    let text = "[[build]]\nname = \"api\"\n[build.config]\nimage_registry = [\n  { type = \"Standard\", params = { domain = \"ghcr.io\" } },\n  { domain = \"docker.io\", account = \"bot\" },\n]\n";
    assert_eq!(
        parsed(text).builds[0].config.image_registry,
        vec![
            registry("ghcr.io", "", ""),
            registry("docker.io", "bot", "")
        ]
    );
}

#[test]
fn build_args_as_komodo_variable_list() {
    let text = "[[build]]\nname = \"api\"\n[build.config]\nbuild_args = [{ variable = \"A\", value = \"1\" }, { variable = \"B\", value = \"x=y\" }]\n";
    assert_eq!(parsed(text).builds[0].config.build_args, "A=1\nB=x=y\n");
}

#[test]
fn builder_type_local_without_params() {
    let file = parsed("[[builder]]\nname = \"here\"\n[builder.config]\ntype = \"Local\"\n");
    assert_eq!(
        file.builders[0].config,
        BuilderConfig::Local(LocalBuilderConfig::default())
    );
}

#[test]
fn builder_without_config_is_local() {
    let file = parsed("[[builder]]\nname = \"here\"\n");
    assert_eq!(
        file.builders[0].config,
        BuilderConfig::Local(LocalBuilderConfig::default())
    );
}

#[test]
fn server_builder_keeps_komodo_server_id() {
    let file = parsed("[[builder]]\nname = \"s\"\n[builder.config]\ntype = \"Server\"\nparams.server = \"server-01\"\n");
    assert_eq!(
        file.builders[0].config,
        BuilderConfig::Server(ServerBuilderConfig {
            server_id: "server-01".to_string(),
            ..ServerBuilderConfig::default()
        })
    );
}

#[test]
fn url_builder_without_address_gets_komodos_default() {
    let file = parsed("[[builder]]\nname = \"u\"\n[builder.config]\ntype = \"Url\"\n");
    let BuilderConfig::Server(params) = &file.builders[0].config else {
        panic!("Url reads as Server");
    };
    assert_eq!(params.address, "https://periphery:8120");
}

#[test]
fn params_before_type_are_read() {
    let file = parsed("[[builder]]\nname = \"a\"\n[builder.config]\nparams.region = \"eu-west-1\"\nparams.ami_id = \"ami-1\"\ntype = \"Aws\"\n");
    let BuilderConfig::Aws(params) = &file.builders[0].config else {
        panic!("Aws expected");
    };
    assert_eq!(params.region, "eu-west-1");
    assert_eq!(params.ami_id, "ami-1");
    assert_eq!(params.port, 8120);
}

#[test]
fn unknown_key_in_build_config_names_key_and_line() {
    let message = toml_error("[[build]]\nname = \"a\"\n[build.config]\nimage_nam = \"x\"\n");
    assert!(
        message.contains("TOML parse error at line 4, column 1"),
        "{message}"
    );
    assert!(message.contains("unknown field `image_nam`"), "{message}");
}

#[test]
fn unknown_resource_key_names_key_and_line() {
    let message = toml_error("[[build]]\nname = \"a\"\nnam = 1\n");
    assert!(message.contains("line 3"), "{message}");
    assert!(message.contains("unknown field `nam`"), "{message}");
}

#[test]
fn unknown_top_level_array_names_key_and_line() {
    let message = toml_error("[[build]]\nname = \"a\"\n\n[[widget]]\nname = \"w\"\n");
    assert!(message.contains("line 4"), "{message}");
    assert!(message.contains("unknown field `widget`"), "{message}");
}

#[test]
fn unknown_aws_param_names_key_and_line() {
    let message = toml_error(
        "[[builder]]\nname = \"a\"\n[builder.config]\ntype = \"Aws\"\nparams.regio = \"x\"\n",
    );
    assert!(message.contains("line 5"), "{message}");
    assert!(message.contains("unknown field `regio`"), "{message}");
}

#[test]
fn unknown_param_before_type_is_still_an_error() {
    let message = toml_error(
        "[[builder]]\nname = \"a\"\n[builder.config]\nparams.regio = \"x\"\ntype = \"Aws\"\n",
    );
    assert!(message.contains("line 3"), "{message}");
    assert!(message.contains("unknown field `regio`"), "{message}");
}

#[test]
fn unknown_builder_type_names_the_type_and_line() {
    let message = toml_error("[[builder]]\nname = \"a\"\n[builder.config]\ntype = \"Docker\"\n");
    assert!(message.contains("line 4"), "{message}");
    assert!(
        message
            .contains("unknown variant `Docker`, expected one of `Local`, `Server`, `Url`, `Aws`"),
        "{message}"
    );
}

#[test]
fn builder_config_without_type_is_an_error() {
    let message =
        toml_error("[[builder]]\nname = \"a\"\n[builder.config]\nparams.region = \"x\"\n");
    assert!(message.contains("missing field `type`"), "{message}");
    assert!(message.contains("line 3"), "{message}");
}

#[test]
fn type_error_names_the_line() {
    let message =
        toml_error("[[build]]\nname = \"a\"\n[build.config]\ninclude_latest_tag = \"yes\"\n");
    assert!(message.contains("line 4, column 22"), "{message}");
    assert!(message.contains("expected a boolean"), "{message}");
    let port = toml_error(
        "[[builder]]\nname = \"a\"\n[builder.config]\ntype = \"Aws\"\nparams.port = -1\n",
    );
    assert!(port.contains("line 5"), "{port}");
}

#[test]
fn bad_version_string_names_the_version_and_line() {
    let message = toml_error("[[build]]\nname = \"a\"\n[build.config]\nversion = \"1.x\"\n");
    assert!(message.contains("line 4"), "{message}");
    assert!(
        message.contains("invalid version '1.x': 'x' is not a number"),
        "{message}"
    );
}

#[test]
fn unknown_version_table_key_is_an_error() {
    let message =
        toml_error("[[build]]\nname = \"a\"\n[build.config]\nversion = { major = 1, build = 2 }\n");
    assert!(message.contains("line 4"), "{message}");
    assert!(message.contains("unknown field `build`"), "{message}");
}

#[test]
fn unknown_variable_key_is_an_error() {
    let message = toml_error("[[variable]]\nname = \"X\"\nsecret = true\n");
    assert!(message.contains("line 3"), "{message}");
    assert!(message.contains("unknown field `secret`"), "{message}");
}

#[test]
fn invalid_name_is_an_error() {
    let empty = toml_error("[[build]]\nname = \"\"\n");
    assert!(
        empty.contains("line 2") && empty.contains("name must not be empty"),
        "{empty}"
    );
    let missing = toml_error("[[repo]]\ndescription = \"no name\"\n");
    assert!(missing.contains("missing field `name`"), "{missing}");
}

#[test]
fn unknown_legacy_registry_type_is_an_error() {
    let message = toml_error(
        "[[build]]\nname = \"a\"\n[build.config]\nimage_registry = { type = \"Other\" }\n",
    );
    assert!(message.contains("line 4"), "{message}");
    assert!(
        message.contains("unknown image_registry type 'Other'"),
        "{message}"
    );
}

#[test]
fn broken_toml_is_an_error_with_line() {
    let message = toml_error("[[build]]\nname = \"a\n");
    assert!(message.contains("line 2"), "{message}");
}
