//! Resources and catalogs shared by the tests.

use kiln_domain::alerter::{
    AlertType, AlerterConfig, AlerterEndpoint, EndpointParams, ResourceTarget,
};
use kiln_domain::sync::{parse, SyncFile};
use kiln_domain::{
    Alerter, AwsBuilderConfig, Build, BuildConfig, Builder, BuilderConfig, Catalog, GitAccount,
    ImageRegistry, LocalBuilderConfig, PreBuild, RegistryAccount, Repo, RepoConfig, ResourceName,
    Secret, ServerBuilderConfig, Variable, Version,
};

pub const KOMODO_BUILDS: &str = include_str!("../fixtures/komodo-builds.toml");
pub const KOMODO_REPOS: &str = include_str!("../fixtures/komodo-repos.toml");
pub const KOMODO_DOCS: &str = include_str!("../fixtures/komodo-docs-example.toml");
pub const KILN_ACCOUNTS: &str = include_str!("../fixtures/kiln-accounts.toml");

pub fn name(raw: &str) -> ResourceName {
    ResourceName::parse(raw).expect("test names are valid")
}

pub fn parsed(text: &str) -> SyncFile {
    parse(text).unwrap_or_else(|error| panic!("fixture should parse: {error}"))
}

pub fn build(raw_name: &str) -> Build {
    Build {
        name: name(raw_name),
        description: String::new(),
        tags: Vec::new(),
        config: BuildConfig::default(),
    }
}

pub fn builder(raw_name: &str, config: BuilderConfig) -> Builder {
    Builder {
        name: name(raw_name),
        description: String::new(),
        tags: Vec::new(),
        config,
    }
}

pub fn repo(raw_name: &str, repo: &str) -> Repo {
    Repo {
        name: name(raw_name),
        description: String::new(),
        tags: Vec::new(),
        config: RepoConfig {
            repo: repo.to_string(),
            ..RepoConfig::default()
        },
    }
}

pub fn variable(raw_name: &str, value: &str, is_secret: bool) -> Variable {
    Variable {
        name: name(raw_name),
        value: Secret::new(value),
        description: String::new(),
        is_secret,
    }
}

pub fn git_account(domain: &str, username: &str, token: &str) -> GitAccount {
    GitAccount {
        domain: domain.to_string(),
        username: username.to_string(),
        token: Secret::new(token),
    }
}

pub fn registry_account(domain: &str, username: &str, token: &str) -> RegistryAccount {
    RegistryAccount {
        domain: domain.to_string(),
        username: username.to_string(),
        token: Secret::new(token),
    }
}

/// The accounts of `kiln-accounts.toml`, which the Komodo fixtures refer to.
pub fn fixture_accounts() -> Catalog {
    Catalog {
        git_accounts: vec![
            git_account("github.com", "mbecker20", "ghp_fixture_git_token"),
            git_account("git.mogh.tech", "mbecker20", "fixture_gitea_token"),
        ],
        registry_accounts: vec![
            registry_account("ghcr.io", "mbecker20", "ghcr_fixture_token"),
            registry_account("docker.io", "mbecker20", "dockerhub_fixture_token"),
            registry_account("github.com", "your_username", "docs_fixture_token"),
        ],
        ..Catalog::default()
    }
}

/// Secret values of [`full_catalog`]; none may appear in an export.
pub const FULL_CATALOG_SECRETS: [&str; 7] = [
    "ghp-secret-value",
    "git-token-secret",
    "ghcr-token-secret",
    "hub-token-secret",
    "pk-secret",
    "whsec-secret",
    "alerter-url-secret",
];

/// A valid catalog where every field of every resource differs from its
/// default, with text that needs escaping.
pub fn full_catalog() -> Catalog {
    let aws = AwsBuilderConfig {
        region: "eu-west-1".to_string(),
        instance_type: "c6i.xlarge".to_string(),
        ami_id: "ami-0123".to_string(),
        subnet_id: "subnet-0123".to_string(),
        key_pair_name: "builders".to_string(),
        assign_public_ip: true,
        use_public_ip: true,
        security_group_ids: vec!["sg-1".to_string(), "sg-2".to_string()],
        user_data: "#!/bin/bash\necho 'start agent'\nsystemctl start kiln-agent\n".to_string(),
        volume_gb: 64,
        port: 9000,
        allow_build_host_powers: false,
        allow_host_network: true,
    };
    let server = ServerBuilderConfig {
        address: "https://agent.internal:8120".to_string(),
        passkey: Secret::new("pk-secret"),
        cert_fingerprint: String::new(),
        server_id: "komodo-server-1".to_string(),
        allow_build_host_powers: true,
        allow_host_network: true,
    };
    let local = LocalBuilderConfig {
        docker_cli: "/usr/local/bin/docker".to_string(),
        extra_args: vec!["--network".to_string(), "none".to_string()],
        max_parallel: 4,
        allow_host_network: true,
    };
    let config = BuildConfig {
        builder: "aws-1".to_string(),
        version: Version::new(1, 2, 3),
        auto_increment_version: false,
        image_name: "acme/api".to_string(),
        image_tag: "arm64".to_string(),
        include_latest_tag: false,
        include_version_tags: false,
        include_commit_tag: false,
        linked_repo: "mono".to_string(),
        git_provider: "git.example.com".to_string(),
        git_https: false,
        git_account: "bot".to_string(),
        repo: "acme/api".to_string(),
        branch: "release".to_string(),
        commit: "abc1234".to_string(),
        files_on_host: true,
        dockerfile: "FROM alpine:3.20\nRUN echo \"hi\" \\\n  && echo 'there'\n\tCMD [\"sh\"]\n"
            .to_string(),
        build_path: "services/api".to_string(),
        dockerfile_path: "docker/Dockerfile".to_string(),
        image_registry: vec![
            ImageRegistry {
                domain: "ghcr.io".to_string(),
                account: "acme-bot".to_string(),
                organization: "acme".to_string(),
            },
            ImageRegistry {
                domain: "docker.io".to_string(),
                account: "acme-bot".to_string(),
                organization: String::new(),
            },
        ],
        build_args: "A=1\n# a comment\nB = two words\nC='''quoted'''\n".to_string(),
        secret_args: "TOKEN=[[GITHUB_TOKEN]]\n".to_string(),
        skip_secret_interp: true,
        extra_args: vec!["--pull".to_string(), "--label=x=y".to_string()],
        use_buildx: true,
        pre_build: PreBuild {
            path: "scripts".to_string(),
            command: "make deps\nmake gen".to_string(),
            shell_mode: true,
        },
        labels: "org.opencontainers.image.title = api\n".to_string(),
        webhook_enabled: false,
        webhook_secret: "whsec-secret".to_string(),
        webhook_build_tags: true,
        webhook_tag_pattern: "release-*".to_string(),
        links: vec!["https://example.com/api".to_string()],
        timeout_seconds: 600,
    };
    Catalog {
        builds: vec![Build {
            name: name("api"),
            description: "The \"api\" service\nsecond line with a backslash \\ and a tab\t"
                .to_string(),
            tags: vec!["backend".to_string(), "prod".to_string()],
            config,
        }],
        builders: vec![
            Builder {
                name: name("aws-1"),
                description: "EC2 builders".to_string(),
                tags: vec!["aws".to_string()],
                config: BuilderConfig::Aws(aws),
            },
            Builder {
                name: name("agent-1"),
                description: String::new(),
                tags: Vec::new(),
                config: BuilderConfig::Server(server),
            },
            builder("big-local", BuilderConfig::Local(local)),
        ],
        variables: vec![
            Variable {
                name: name("REGISTRY_HOST"),
                value: Secret::new("ghcr.io"),
                description: "where images go".to_string(),
                is_secret: false,
            },
            Variable {
                name: name("GITHUB_TOKEN"),
                value: Secret::new("ghp-secret-value"),
                description: "for private clones".to_string(),
                is_secret: true,
            },
        ],
        git_accounts: vec![git_account("git.example.com", "bot", "git-token-secret")],
        registry_accounts: vec![
            registry_account("ghcr.io", "acme-bot", "ghcr-token-secret"),
            registry_account("docker.io", "acme-bot", "hub-token-secret"),
        ],
        repos: vec![Repo {
            name: name("mono"),
            description: "the monorepo".to_string(),
            tags: vec!["git".to_string()],
            config: RepoConfig {
                git_provider: "git.example.com".to_string(),
                git_https: false,
                repo: "acme/mono".to_string(),
                branch: "trunk".to_string(),
                git_account: "bot".to_string(),
            },
        }],
        alerters: vec![Alerter {
            name: name("team-chat"),
            description: "build news".to_string(),
            tags: vec!["chat".to_string()],
            config: AlerterConfig {
                enabled: true,
                endpoint: AlerterEndpoint::Slack(EndpointParams {
                    url: Secret::new("https://hooks.example.com/services/alerter-url-secret"),
                }),
                alert_types: vec![AlertType::BuildFailed, AlertType::BuildCancelled],
                resources: vec![ResourceTarget::build("api")],
                except_resources: vec![ResourceTarget::build("old")],
            },
        }],
    }
}
