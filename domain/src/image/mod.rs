//! Image names, registry paths and tags of a Build.
//!
//! A build pushes `{path}:{tag}` for every [`RegistryImage`] path and every
//! tag of [`tags`]; with no registry it only builds.

mod reference;

pub use reference::{validate_repository, validate_tag, MAX_NAME_LEN, MAX_TAG_LEN};

pub(crate) use reference::{component_reason, validate_registry_host};

use crate::{Build, BuildConfig, Version};
use serde::{Deserialize, Serialize};

/// One registry path an image is pushed to, with the account that pushes
/// (`""` pushes anonymously).
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct RegistryImage {
    pub domain: String,
    pub account: String,
    /// The full repository reference without tag, e.g. `ghcr.io/acme/api`.
    pub path: String,
}

/// The image name: `config.image_name` if set, else the build's name.
pub fn image_name(build: &Build) -> String {
    if build.config.image_name.is_empty() {
        build.name.as_str().to_string()
    } else {
        build.config.image_name.clone()
    }
}

/// One path per `image_registry` entry: `domain/organization/name` with an
/// organization, else `domain/account/name` with an account, else
/// `domain/name`. An image name containing `/` is the whole path under the
/// domain (no organization or account is inserted). No registries: empty.
pub fn image_paths(build: &Build) -> Vec<RegistryImage> {
    let name = image_name(build);
    build
        .config
        .image_registry
        .iter()
        .map(|registry| {
            let domain = &registry.domain;
            let path = if name.contains('/') {
                format!("{domain}/{name}")
            } else if !registry.organization.is_empty() {
                format!("{domain}/{}/{name}", registry.organization)
            } else if !registry.account.is_empty() {
                format!("{domain}/{}/{name}", registry.account)
            } else {
                format!("{domain}/{name}")
            };
            RegistryImage {
                domain: domain.clone(),
                account: registry.account.clone(),
                path,
            }
        })
        .collect()
}

/// The tags pushed for `version`, in Komodo's order. With `P` = `-{image_tag}`
/// when `image_tag` is set: `{image_tag}` (only when set), `latest{P}`
/// (`include_latest_tag`), `M.m.p{P}`, `M.m{P}`, `M{P}` (`include_version_tags`),
/// `{short_commit}{P}` (`include_commit_tag` and a commit is known).
pub fn tags(config: &BuildConfig, version: &Version, short_commit: Option<&str>) -> Vec<String> {
    let image_tag = config.image_tag.as_str();
    let postfix = if image_tag.is_empty() {
        String::new()
    } else {
        format!("-{image_tag}")
    };
    let Version {
        major,
        minor,
        patch,
    } = *version;
    let mut out = Vec::new();
    if !image_tag.is_empty() {
        out.push(image_tag.to_string());
    }
    if config.include_latest_tag {
        out.push(format!("latest{postfix}"));
    }
    if config.include_version_tags {
        out.push(format!("{major}.{minor}.{patch}{postfix}"));
        out.push(format!("{major}.{minor}{postfix}"));
        out.push(format!("{major}{postfix}"));
    }
    if let (true, Some(commit)) = (config.include_commit_tag, short_commit) {
        out.push(format!("{commit}{postfix}"));
    }
    out
}

/// Whether a run of `config` applies at least one tag; `Err` says what to
/// turn on. `commit_known`: the run knows a commit (git sources), so
/// `include_commit_tag` adds one; UI and files-on-host runs have none.
/// The version does not matter (every version gives the same number of
/// tags). One check for save-time validation and the engine.
///
/// The error starts with `no tags to apply` and names the settings:
/// `include_latest_tag`, `include_version_tags`, `include_commit_tag`,
/// `image_tag`.
pub fn check_tags(config: &BuildConfig, commit_known: bool) -> Result<(), String> {
    let placeholder_commit = commit_known.then_some("0000000");
    if !tags(config, &Version::default(), placeholder_commit).is_empty() {
        return Ok(());
    }
    Err(if config.include_commit_tag {
        "no tags to apply: include_commit_tag tags only git builds (they know their commit); \
         turn on include_latest_tag or include_version_tags, or set image_tag"
            .to_string()
    } else {
        "no tags to apply: turn on include_latest_tag, include_version_tags or \
         include_commit_tag (git builds), or set image_tag"
            .to_string()
    })
}

/// Every image path with its full list of tags: what a run at `version`
/// would push (the UI's tag preview).
pub fn planned_refs(
    build: &Build,
    version: &Version,
    short_commit: Option<&str>,
) -> Vec<(RegistryImage, Vec<String>)> {
    let tags = tags(&build.config, version, short_commit);
    image_paths(build)
        .into_iter()
        .map(|image| (image, tags.clone()))
        .collect()
}
