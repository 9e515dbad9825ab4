//! The checks of one Build.

use super::{Report, ValidationError};
use crate::build_args_policy::{check_extra_args, Stage};
use crate::builder::{args_policy, LOCAL_BUILDER_NAME};
use crate::env_lines::parse_env_lines;
use crate::image::{
    check_tags, component_reason, image_paths, validate_registry_host, validate_repository,
    validate_tag,
};
use crate::paths::{build_paths, host_paths};
use crate::{Build, BuildConfig, Catalog, ImageRegistry, SourceKind};

/// Every problem with `build`, resolving its references against `catalog`
/// (builders, git and registry accounts, linked repos). Name uniqueness is
/// checked by [`super::validate_catalog`].
///
/// Includes every refusal of the engine's run plan that does not depend on
/// the builder host (files on disk, the accounts a caller passes), through
/// the same functions the engine calls: tags ([`check_tags`]), the paths of
/// UI and git builds ([`build_paths`]), image and registry paths, the
/// sandbox of `extra_args` ([`check_extra_args`], with the builder's
/// `allow_host_network`). A build
/// whose source is not chosen yet (no repo, blank Dockerfile) is a valid
/// draft.
pub fn validate_build(build: &Build, catalog: &Catalog) -> Vec<ValidationError> {
    let mut errors = Vec::new();
    let mut report = Report::new(format!("build '{}'", build.name), &mut errors);
    let config = &build.config;
    check_image_name(build, &mut report);
    check_image_tag(&config.image_tag, &mut report);
    if config.timeout_seconds == 0 {
        report.push("config.timeout_seconds", "must be at least 1 second");
    }
    check_tag_pattern(config, &mut report);
    if !config.builder.is_empty()
        && config.builder != LOCAL_BUILDER_NAME
        && !catalog
            .builders
            .iter()
            .any(|b| b.name.as_str() == config.builder)
    {
        report.push(
            "config.builder",
            format!("unknown builder '{}'", config.builder),
        );
    }
    check_git_account(
        catalog,
        &config.git_provider,
        &config.git_account,
        &mut report,
    );
    if !config.linked_repo.is_empty()
        && !catalog
            .repos
            .iter()
            .any(|r| r.name.as_str() == config.linked_repo)
    {
        report.push(
            "config.linked_repo",
            format!("unknown linked repo '{}'", config.linked_repo),
        );
    }
    check_tag_families(config, &mut report);
    let name_has_path = config.image_name.contains('/');
    let name_ok = validate_repository(&crate::image::image_name(build)).is_ok();
    let paths = image_paths(build);
    for (index, registry) in config.image_registry.iter().enumerate() {
        let before = report.count();
        check_registry(index, registry, name_has_path, catalog, &mut report);
        if let (true, true, Some(image)) = (name_ok, report.count() == before, paths.get(index)) {
            if let Err(message) = validate_repository(&image.path) {
                report.push(format!("config.image_registry[{index}].domain"), message);
            }
        }
    }
    for (field, text) in [
        ("config.build_args", &config.build_args),
        ("config.secret_args", &config.secret_args),
        ("config.labels", &config.labels),
    ] {
        if let Err(error) = parse_env_lines(text) {
            report.push(field, error.to_string());
        }
    }
    if !config.repo.is_empty() {
        if config.repo.trim().is_empty() {
            report.push(
                "config.repo",
                "is blank; name the repository, like owner/name",
            );
        }
        check_git_source(&config.git_provider, &config.branch, &mut report);
    }
    for (index, arg) in config.extra_args.iter().enumerate() {
        if arg.trim().is_empty() {
            report.push(format!("config.extra_args[{index}]"), "empty argument");
        }
    }
    let policy = args_policy(catalog, &config.builder);
    if let Err(error) = check_extra_args(&config.extra_args, policy, Stage::Saved) {
        report.push(
            format!("config.extra_args[{}]", error.entry()),
            error.to_string(),
        );
    }
    for (index, link) in config.links.iter().enumerate() {
        if link.trim().is_empty() {
            report.push(format!("config.links[{index}]"), "empty link");
        } else if !crate::build::is_web_link(link) {
            report.push(
                format!("config.links[{index}]"),
                "only http:// and https:// links (a quick link is opened from the build page)",
            );
        }
    }
    if config.dockerfile_path.is_empty() {
        report.push(
            "config.dockerfile_path",
            "must not be empty (the default is 'Dockerfile')",
        );
    }
    if config.build_path.is_empty() {
        report.push(
            "config.build_path",
            "must not be empty (the default is '.')",
        );
    }
    let problems = if config.source_kind() == SourceKind::FilesOnHost {
        host_paths(config)
    } else {
        build_paths(config).err().unwrap_or_default()
    };
    for problem in problems {
        report.push(format!("config.{}", problem.field), problem.message);
    }
    errors
}

/// At least one tag: the engine refuses a run with none. A build whose
/// source is not chosen yet may still become a git build, so its
/// `include_commit_tag` counts.
fn check_tag_families(config: &BuildConfig, report: &mut Report) {
    let commit_known = config.source_kind() == SourceKind::Git || !config.has_source();
    if let Err(message) = check_tags(config, commit_known) {
        report.push("config.include_latest_tag", message);
    }
}

/// `git_account` must name an account of the build's (or repo's) provider.
pub(crate) fn check_git_account(
    catalog: &Catalog,
    provider: &str,
    account: &str,
    report: &mut Report,
) {
    if !account.is_empty()
        && !catalog
            .git_accounts
            .iter()
            .any(|a| a.domain == provider && a.username == account)
    {
        report.push(
            "config.git_account",
            format!("unknown git account '{account}' on {provider}"),
        );
    }
}

/// A git source needs a provider (a blank one counts as empty, as in the
/// engine) and a branch.
pub(crate) fn check_git_source(provider: &str, branch: &str, report: &mut Report) {
    if provider.trim().is_empty() {
        report.push(
            "config.git_provider",
            "a git source needs a git provider, like github.com",
        );
    }
    if branch.is_empty() {
        report.push("config.branch", "a git source needs a branch");
    }
}

fn check_image_name(build: &Build, report: &mut Report) {
    let image_name = &build.config.image_name;
    if image_name.is_empty() {
        if let Err(message) = validate_repository(build.name.as_str()) {
            report.push("name", format!("{message}; set image_name"));
        }
    } else if let Err(message) = validate_repository(image_name) {
        report.push("config.image_name", message);
    }
}

/// Tag builds need a pattern without spaces or control characters (git
/// refuses those in tag names, so such a pattern could never match).
fn check_tag_pattern(config: &BuildConfig, report: &mut Report) {
    let pattern = &config.webhook_tag_pattern;
    if config.webhook_build_tags && pattern.is_empty() {
        report.push(
            "config.webhook_tag_pattern",
            "is empty; set which tags to build, like v*",
        );
    } else if pattern.chars().any(|c| c.is_whitespace() || c.is_control()) {
        report.push(
            "config.webhook_tag_pattern",
            format!("'{pattern}' contains spaces or control characters, which no git tag has"),
        );
    }
}

fn check_image_tag(image_tag: &str, report: &mut Report) {
    if image_tag.is_empty() {
        return;
    }
    let checked =
        validate_tag(image_tag).and_then(|()| validate_tag(&format!("latest-{image_tag}")));
    if let Err(message) = checked {
        report.push("config.image_tag", message);
    }
}

fn check_registry(
    index: usize,
    registry: &ImageRegistry,
    name_has_path: bool,
    catalog: &Catalog,
    report: &mut Report,
) {
    let field = |name: &str| format!("config.image_registry[{index}].{name}");
    let ImageRegistry {
        domain,
        account,
        organization,
    } = registry;
    if domain.is_empty() {
        report.push(
            field("domain"),
            "registry domain is empty, like ghcr.io or docker.io",
        );
    } else if let Err(message) = validate_registry_host(domain) {
        report.push(field("domain"), message);
    }
    if !account.is_empty()
        && !catalog
            .registry_accounts
            .iter()
            .any(|a| a.domain == *domain && a.username == *account)
    {
        report.push(
            field("account"),
            format!("unknown registry account '{account}' on {domain}"),
        );
    }
    if !organization.is_empty() {
        if let Some(reason) = component_reason(organization) {
            report.push(
                field("organization"),
                format!("'{organization}' is not a valid organization: {reason}"),
            );
        }
    } else if !account.is_empty() && !name_has_path {
        if let Some(reason) = component_reason(account) {
            report.push(
                field("account"),
                format!("'{account}' is used in the image path but {reason}; set organization"),
            );
        }
    }
}
