//! One test per validation error, asserting the message text.

use crate::support::{
    build, builder, full_catalog, git_account, name, registry_account, repo, variable,
};
use kiln_domain::{
    validate_build, validate_catalog, AwsBuilderConfig, Build, BuilderConfig, Catalog,
    ImageRegistry, LocalBuilderConfig, ServerBuilderConfig, ValidationError, ValidationErrors,
};

/// Every error of `catalog`, one display line each.
fn errors(catalog: &Catalog) -> Vec<String> {
    match validate_catalog(catalog) {
        Ok(()) => Vec::new(),
        Err(ValidationErrors(errors)) => errors.iter().map(ToString::to_string).collect(),
    }
}

fn with_build(build: Build) -> Catalog {
    Catalog {
        builds: vec![build],
        ..Catalog::default()
    }
}

fn build_with(edit: impl FnOnce(&mut Build)) -> Catalog {
    let mut api = build("api");
    edit(&mut api);
    with_build(api)
}

fn registry(domain: &str, account: &str, organization: &str) -> ImageRegistry {
    ImageRegistry {
        domain: domain.to_string(),
        account: account.to_string(),
        organization: organization.to_string(),
    }
}

#[test]
fn a_default_build_and_the_full_catalog_are_valid() {
    assert_eq!(errors(&with_build(build("api"))), Vec::<String>::new());
    assert_eq!(errors(&full_catalog()), Vec::<String>::new());
}

#[test]
fn errors_display_one_per_line() {
    let catalog = build_with(|b| {
        b.config.builder = "nope".to_string();
        b.config.linked_repo = "gone".to_string();
    });
    let error = validate_catalog(&catalog).expect_err("two errors");
    assert_eq!(
        error.to_string(),
        "build 'api': config.builder: unknown builder 'nope'\nbuild 'api': config.linked_repo: unknown linked repo 'gone'"
    );
    assert_eq!(
        error.0[0],
        ValidationError {
            resource: "build 'api'".to_string(),
            field: "config.builder".to_string(),
            message: "unknown builder 'nope'".to_string(),
        }
    );
}

#[test]
fn validate_build_reports_what_validate_catalog_reports_for_that_build() {
    let catalog = build_with(|b| b.config.build_args = "A=1\nB=2\nbroken\n".to_string());
    let from_build: Vec<String> = validate_build(&catalog.builds[0], &catalog)
        .iter()
        .map(ToString::to_string)
        .collect();
    assert_eq!(from_build, errors(&catalog));
    assert_eq!(
        from_build,
        ["build 'api': config.build_args: line 3: missing '='"]
    );
}

// Duplicate names.

#[test]
fn duplicate_build_names() {
    let catalog = Catalog {
        builds: vec![build("api"), build("web"), build("api")],
        ..Catalog::default()
    };
    assert_eq!(
        errors(&catalog),
        ["build 'api': name: another build is also named 'api'"]
    );
}

#[test]
fn duplicate_builder_names() {
    let local = || BuilderConfig::Local(LocalBuilderConfig::default());
    let catalog = Catalog {
        builders: vec![builder("b", local()), builder("b", local())],
        ..Catalog::default()
    };
    assert_eq!(
        errors(&catalog),
        ["builder 'b': name: another builder is also named 'b'"]
    );
}

#[test]
fn duplicate_variable_names() {
    let catalog = Catalog {
        variables: vec![variable("X", "1", false), variable("X", "2", false)],
        ..Catalog::default()
    };
    assert_eq!(
        errors(&catalog),
        ["variable 'X': name: another variable is also named 'X'"]
    );
}

#[test]
fn duplicate_repo_names() {
    let catalog = Catalog {
        repos: vec![repo("r", "a/b"), repo("r", "c/d")],
        ..Catalog::default()
    };
    assert_eq!(
        errors(&catalog),
        ["repo 'r': name: another repo is also named 'r'"]
    );
}

#[test]
fn duplicate_git_accounts() {
    let catalog = Catalog {
        git_accounts: vec![
            git_account("github.com", "bot", "token-1"),
            git_account("gitlab.com", "bot", "token-2"),
            git_account("github.com", "bot", "token-3"),
        ],
        ..Catalog::default()
    };
    assert_eq!(
        errors(&catalog),
        ["git account 'github.com/bot': username: another git account has domain 'github.com' and username 'bot'"]
    );
}

#[test]
fn duplicate_registry_accounts() {
    let catalog = Catalog {
        registry_accounts: vec![
            registry_account("ghcr.io", "bot", "token-1"),
            registry_account("ghcr.io", "other", "token-2"),
            registry_account("ghcr.io", "bot", "token-3"),
        ],
        ..Catalog::default()
    };
    assert_eq!(
        errors(&catalog),
        ["registry account 'ghcr.io/bot': username: another registry account has domain 'ghcr.io' and username 'bot'"]
    );
}

// Builds: image name and tag.

#[test]
fn build_name_unusable_as_image_name() {
    assert_eq!(
        errors(&with_build(build("My App"))),
        ["build 'My App': name: 'My App' is not a valid image name: uppercase letters and spaces are not allowed; set image_name"]
    );
    let mut named = build("My App");
    named.config.image_name = "my-app".to_string();
    assert_eq!(errors(&with_build(named)), Vec::<String>::new());
}

#[test]
fn invalid_image_name() {
    assert_eq!(
        errors(&build_with(|b| b.config.image_name = "Acme/API".to_string())),
        ["build 'api': config.image_name: 'Acme/API' is not a valid image name: uppercase letters are not allowed"]
    );
}

#[test]
fn image_name_with_slashes_is_checked_as_a_whole_path() {
    assert_eq!(
        errors(&build_with(
            |b| b.config.image_name = "team/tools/api".to_string()
        )),
        Vec::<String>::new()
    );
    assert_eq!(
        errors(&build_with(|b| b.config.image_name = "team//api".to_string())),
        ["build 'api': config.image_name: 'team//api' is not a valid image name: empty path component (leading, trailing or double '/')"]
    );
}

#[test]
fn invalid_image_tag() {
    assert_eq!(
        errors(&build_with(|b| b.config.image_tag = "-arm".to_string())),
        ["build 'api': config.image_tag: '-arm' is not a valid image tag: it must not start with '.' or '-'"]
    );
}

#[test]
fn image_tag_too_long_for_latest_prefix() {
    let tag = "t".repeat(125);
    let catalog = build_with(|b| b.config.image_tag = tag.clone());
    assert_eq!(
        errors(&catalog),
        [format!("build 'api': config.image_tag: 'latest-{tag}' is not a valid image tag: it is longer than 128 characters")]
    );
    assert_eq!(
        errors(&build_with(|b| b.config.image_tag = "t".repeat(121))),
        Vec::<String>::new()
    );
}

// Builds: references.

#[test]
fn unknown_builder() {
    assert_eq!(
        errors(&build_with(|b| b.config.builder = "x".to_string())),
        ["build 'api': config.builder: unknown builder 'x'"]
    );
}

#[test]
fn builder_local_and_empty_mean_the_built_in_one() {
    assert_eq!(
        errors(&build_with(|b| b.config.builder = "local".to_string())),
        Vec::<String>::new()
    );
    assert_eq!(
        errors(&build_with(|b| b.config.builder = String::new())),
        Vec::<String>::new()
    );
    let mut catalog = build_with(|b| b.config.builder = "x".to_string());
    catalog.builders.push(builder(
        "x",
        BuilderConfig::Local(LocalBuilderConfig::default()),
    ));
    assert_eq!(errors(&catalog), Vec::<String>::new());
}

#[test]
fn unknown_git_account() {
    let mut catalog = build_with(|b| {
        b.config.repo = "acme/api".to_string();
        b.config.git_account = "bot".to_string();
    });
    catalog
        .git_accounts
        .push(git_account("gitlab.com", "bot", "token-t"));
    assert_eq!(
        errors(&catalog),
        ["build 'api': config.git_account: unknown git account 'bot' on github.com"]
    );
    catalog
        .git_accounts
        .push(git_account("github.com", "bot", "token-t"));
    assert_eq!(errors(&catalog), Vec::<String>::new());
}

#[test]
fn unknown_linked_repo() {
    let mut catalog = build_with(|b| b.config.linked_repo = "mono".to_string());
    assert_eq!(
        errors(&catalog),
        ["build 'api': config.linked_repo: unknown linked repo 'mono'"]
    );
    catalog.repos.push(repo("mono", "acme/mono"));
    assert_eq!(errors(&catalog), Vec::<String>::new());
}

// Builds: registries.

#[test]
fn empty_registry_domain() {
    assert_eq!(
        errors(&build_with(|b| b.config.image_registry = vec![registry("", "", "")])),
        ["build 'api': config.image_registry[0].domain: registry domain is empty, like ghcr.io or docker.io"]
    );
}

#[test]
fn invalid_registry_domain() {
    let catalog = build_with(|b| {
        b.config.image_registry = vec![
            registry("ghcr.io", "", ""),
            registry("https://ghcr.io", "", ""),
            registry("ghcr.io/acme", "", ""),
        ]
    });
    assert_eq!(
        errors(&catalog),
        [
            "build 'api': config.image_registry[1].domain: 'https://ghcr.io' is not a valid registry host: leave out the scheme (https://)",
            "build 'api': config.image_registry[2].domain: 'ghcr.io/acme' is not a valid registry host: a registry host has no '/'; put the path in organization or image_name",
        ]
    );
    assert_eq!(
        errors(&build_with(|b| b.config.image_registry = vec![registry("my_registry", "", "")])),
        ["build 'api': config.image_registry[0].domain: 'my_registry' is not a valid registry host: '_' is not allowed in a host name"]
    );
}

#[test]
fn unknown_registry_account() {
    let mut catalog = build_with(|b| {
        b.config.image_registry = vec![registry("docker.io", "", ""), registry("ghcr.io", "x", "")];
    });
    catalog
        .registry_accounts
        .push(registry_account("docker.io", "x", "token-t"));
    assert_eq!(errors(&catalog), ["build 'api': config.image_registry[1].account: unknown registry account 'x' on ghcr.io"]);
    catalog
        .registry_accounts
        .push(registry_account("ghcr.io", "x", "token-t"));
    assert_eq!(errors(&catalog), Vec::<String>::new());
}

#[test]
fn anonymous_registry_is_valid() {
    assert_eq!(
        errors(&build_with(
            |b| b.config.image_registry = vec![registry("registry.local:5000", "", "team")]
        )),
        Vec::<String>::new()
    );
}

#[test]
fn invalid_organization() {
    assert_eq!(
        errors(&build_with(|b| b.config.image_registry = vec![registry("ghcr.io", "", "My Org")])),
        ["build 'api': config.image_registry[0].organization: 'My Org' is not a valid organization: uppercase letters and spaces are not allowed"]
    );
    assert_eq!(
        errors(&build_with(|b| b.config.image_registry = vec![registry("ghcr.io", "", "acme/team")])),
        ["build 'api': config.image_registry[0].organization: 'acme/team' is not a valid organization: '/' is not allowed here"]
    );
}

#[test]
fn account_placed_in_the_path_must_be_a_valid_component() {
    let mut catalog =
        build_with(|b| b.config.image_registry = vec![registry("ghcr.io", "MyUser", "")]);
    catalog
        .registry_accounts
        .push(registry_account("ghcr.io", "MyUser", "token-t"));
    assert_eq!(
        errors(&catalog),
        ["build 'api': config.image_registry[0].account: 'MyUser' is used in the image path but uppercase letters are not allowed; set organization"]
    );
    catalog.builds[0].config.image_registry[0].organization = "myuser".to_string();
    assert_eq!(errors(&catalog), Vec::<String>::new());
}

// Builds: KEY=value fields.

#[test]
fn build_args_error_names_field_and_line() {
    assert_eq!(
        errors(&build_with(
            |b| b.config.build_args = "A=1\n# c\nbroken\n".to_string()
        )),
        ["build 'api': config.build_args: line 3: missing '='"]
    );
}

#[test]
fn secret_args_error_names_field_and_line_without_the_value() {
    let found = errors(&build_with(|b| {
        b.config.secret_args = "TOKEN hunter2".to_string()
    }));
    assert_eq!(
        found,
        ["build 'api': config.secret_args: line 1: missing '='"]
    );
}

#[test]
fn labels_error_names_field_and_line() {
    assert_eq!(
        errors(&build_with(
            |b| b.config.labels = "a=1\nbad key = 2\n".to_string()
        )),
        ["build 'api': config.labels: line 2: key 'bad key' contains whitespace"]
    );
}

// Builds: source and paths.

#[test]
fn git_source_needs_a_branch() {
    assert_eq!(
        errors(&build_with(|b| {
            b.config.repo = "acme/api".to_string();
            b.config.branch = String::new();
        })),
        ["build 'api': config.branch: a git source needs a branch"]
    );
    assert_eq!(
        errors(&build_with(|b| b.config.branch = String::new())),
        Vec::<String>::new(),
        "no repo, no branch needed"
    );
}

#[test]
fn git_source_needs_a_provider() {
    assert_eq!(
        errors(&build_with(|b| {
            b.config.repo = "acme/api".to_string();
            b.config.git_provider = String::new();
        })),
        ["build 'api': config.git_provider: a git source needs a git provider, like github.com"]
    );
}

#[test]
fn empty_extra_arg() {
    assert_eq!(
        errors(&build_with(
            |b| b.config.extra_args = vec!["--pull".to_string(), " ".to_string()]
        )),
        ["build 'api': config.extra_args[1]: empty argument"]
    );
}

#[test]
fn empty_link() {
    assert_eq!(
        errors(&build_with(|b| b.config.links = vec![String::new()])),
        ["build 'api': config.links[0]: empty link"]
    );
}

#[test]
fn empty_dockerfile_path() {
    assert_eq!(
        errors(&build_with(|b| b.config.dockerfile_path = String::new())),
        ["build 'api': config.dockerfile_path: must not be empty (the default is 'Dockerfile')"]
    );
}

#[test]
fn empty_build_path() {
    assert_eq!(
        errors(&build_with(|b| b.config.build_path = String::new())),
        ["build 'api': config.build_path: must not be empty (the default is '.')"]
    );
}

// Builders.

fn with_builder(config: BuilderConfig) -> Catalog {
    Catalog {
        builders: vec![builder("b1", config)],
        ..Catalog::default()
    }
}

fn server(address: &str, server_id: &str) -> BuilderConfig {
    BuilderConfig::Server(ServerBuilderConfig {
        address: address.to_string(),
        server_id: server_id.to_string(),
        ..ServerBuilderConfig::default()
    })
}

fn aws(edit: impl FnOnce(&mut AwsBuilderConfig)) -> BuilderConfig {
    let mut params = AwsBuilderConfig {
        ami_id: "ami-1".to_string(),
        ..AwsBuilderConfig::default()
    };
    edit(&mut params);
    BuilderConfig::Aws(params)
}

#[test]
fn builder_named_local_is_refused() {
    for reserved in ["local", "Local"] {
        let catalog = Catalog {
            builders: vec![builder(
                reserved,
                BuilderConfig::Local(LocalBuilderConfig::default()),
            )],
            ..Catalog::default()
        };
        assert_eq!(
            errors(&catalog),
            [format!(
                "builder '{reserved}': name: '{reserved}' is reserved for the built-in Local builder; choose another name"
            )]
        );
    }
}

#[test]
fn local_builder_needs_max_parallel() {
    let catalog = with_builder(BuilderConfig::Local(LocalBuilderConfig {
        max_parallel: 0,
        ..LocalBuilderConfig::default()
    }));
    assert_eq!(
        errors(&catalog),
        ["builder 'b1': config.params.max_parallel: must be at least 1"]
    );
}

#[test]
fn server_builder_with_only_komodo_server_id() {
    assert_eq!(
        errors(&with_builder(server("", "server-01"))),
        ["builder 'b1': config.params.address: Kiln needs params.address, the kiln-agent's URL: Komodo's server_id 'server-01' names a Komodo Server, which Kiln does not have"]
    );
}

#[test]
fn server_builder_without_address() {
    assert_eq!(
        errors(&with_builder(server("", ""))),
        ["builder 'b1': config.params.address: is empty; set the kiln-agent's URL, like https://builder-1:8120"]
    );
}

#[test]
fn server_builder_address_needs_http_scheme() {
    assert_eq!(
        errors(&with_builder(server("builder-1:8120", ""))),
        ["builder 'b1': config.params.address: 'builder-1:8120' must start with http:// or https://"]
    );
    assert_eq!(
        errors(&with_builder(server("http://builder-1:8120", ""))),
        Vec::<String>::new()
    );
}

#[test]
fn aws_builder_needs_region() {
    assert_eq!(
        errors(&with_builder(aws(|p| p.region = String::new()))),
        ["builder 'b1': config.params.region: is empty; set the AWS region, like us-east-1"]
    );
}

#[test]
fn aws_builder_needs_instance_type() {
    assert_eq!(
        errors(&with_builder(aws(|p| p.instance_type = String::new()))),
        ["builder 'b1': config.params.instance_type: is empty; set the EC2 instance type, like c5.2xlarge"]
    );
}

#[test]
fn aws_builder_needs_ami_id() {
    assert_eq!(
        errors(&with_builder(aws(|p| p.ami_id = String::new()))),
        ["builder 'b1': config.params.ami_id: is empty; set the id of an AMI that starts the kiln-agent"]
    );
}

#[test]
fn aws_builder_needs_port() {
    assert_eq!(
        errors(&with_builder(aws(|p| p.port = 0))),
        ["builder 'b1': config.params.port: must be greater than 0"]
    );
}

#[test]
fn aws_builder_needs_volume() {
    assert_eq!(
        errors(&with_builder(aws(|p| p.volume_gb = 0))),
        ["builder 'b1': config.params.volume_gb: must be greater than 0"]
    );
}

// Variables.

#[test]
fn variable_name_must_work_inside_brackets() {
    for bad in ["my-var", "1ST", "a.b"] {
        let catalog = Catalog {
            variables: vec![variable(bad, "v", false)],
            ..Catalog::default()
        };
        assert_eq!(
            errors(&catalog),
            [format!(
                "variable '{bad}': name: '{bad}' cannot be used as [[{bad}]]: use letters, digits and '_', not starting with a digit"
            )]
        );
    }
    let good = Catalog {
        variables: vec![variable("_X", "v", false), variable("abc_123", "", false)],
        ..Catalog::default()
    };
    assert_eq!(errors(&good), Vec::<String>::new());
}

#[test]
fn secret_variable_needs_a_value() {
    let catalog = Catalog {
        variables: vec![variable("TOKEN", "", true)],
        ..Catalog::default()
    };
    assert_eq!(
        errors(&catalog),
        ["variable 'TOKEN': value: a secret variable needs a value"]
    );
}

// Accounts.

#[test]
fn account_needs_domain() {
    let catalog = Catalog {
        git_accounts: vec![git_account("", "bot", "token-t")],
        ..Catalog::default()
    };
    assert_eq!(
        errors(&catalog),
        ["git account '/bot': domain: is empty; set the provider or registry host, like github.com"]
    );
}

#[test]
fn account_needs_username() {
    let catalog = Catalog {
        registry_accounts: vec![registry_account("ghcr.io", "", "token-t")],
        ..Catalog::default()
    };
    assert_eq!(
        errors(&catalog),
        ["registry account 'ghcr.io/': username: is empty"]
    );
}

// Repos.

#[test]
fn repo_needs_repo() {
    let catalog = Catalog {
        repos: vec![repo("mono", "")],
        ..Catalog::default()
    };
    assert_eq!(
        errors(&catalog),
        ["repo 'mono': config.repo: is empty; set the repository, like owner/name"]
    );
}

#[test]
fn repo_needs_branch() {
    let mut mono = repo("mono", "acme/mono");
    mono.config.branch = String::new();
    let catalog = Catalog {
        repos: vec![mono],
        ..Catalog::default()
    };
    assert_eq!(
        errors(&catalog),
        ["repo 'mono': config.branch: a git source needs a branch"]
    );
}

#[test]
fn repo_git_account_must_resolve() {
    let mut mono = repo("mono", "acme/mono");
    mono.config.git_provider = "git.example.com".to_string();
    mono.config.git_account = "bot".to_string();
    let mut catalog = Catalog {
        repos: vec![mono],
        ..Catalog::default()
    };
    catalog
        .git_accounts
        .push(git_account("github.com", "bot", "token-t"));
    assert_eq!(
        errors(&catalog),
        ["repo 'mono': config.git_account: unknown git account 'bot' on git.example.com"]
    );
    catalog
        .git_accounts
        .push(git_account("git.example.com", "bot", "token-t"));
    assert_eq!(errors(&catalog), Vec::<String>::new());
}

#[test]
fn errors_never_contain_secret_values() {
    let mut catalog = full_catalog();
    catalog.builds[0].config.secret_args = "TOKEN hunter2-secret".to_string();
    catalog.builders[1].name = name("local");
    let all = errors(&catalog).join("\n");
    assert!(!all.contains("hunter2-secret"), "{all}");
    assert!(!all.contains("pk-secret"), "{all}");
}

#[test]
fn tag_builds_need_a_usable_pattern() {
    let catalog = build_with(|b| {
        b.config.webhook_build_tags = true;
        b.config.webhook_tag_pattern = String::new();
    });
    assert_eq!(
        errors(&catalog),
        ["build 'api': config.webhook_tag_pattern: is empty; set which tags to build, like v*"]
    );
    let catalog = build_with(|b| b.config.webhook_tag_pattern = "v *".to_string());
    assert_eq!(
        errors(&catalog),
        ["build 'api': config.webhook_tag_pattern: 'v *' contains spaces or control characters, which no git tag has"]
    );
    let catalog = build_with(|b| b.config.webhook_tag_pattern = String::new());
    assert_eq!(
        errors(&catalog),
        Vec::<String>::new(),
        "an empty pattern is fine while tag builds are off"
    );
}
