//! What a git push webhook asks of a build, decided from the push's `ref`
//! and the build's config. Pure logic: the server's listeners do the HTTP,
//! the signature check and the run.
//!
//! ```
//! use kiln_domain::webhook::{decide, PushAction};
//! use kiln_domain::{BuildConfig, Version};
//!
//! let config = BuildConfig { webhook_build_tags: true, ..BuildConfig::default() };
//! assert_eq!(decide(&config, "main", "refs/heads/main"), PushAction::BuildBranch);
//! assert_eq!(
//!     decide(&config, "main", "refs/tags/v1.4.0"),
//!     PushAction::BuildTag { tag: "v1.4.0".into(), version: Version::new(1, 4, 0) }
//! );
//! assert_eq!(
//!     decide(&config, "main", "refs/heads/dev"),
//!     PushAction::Ignore("branch dev".into())
//! );
//! ```

use crate::{Build, BuildConfig, Repo, Version};

/// What a push means for one build.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum PushAction {
    /// Build the head of the watched branch.
    BuildBranch,
    /// Build the pushed tag's commit with the tag's version.
    BuildTag { tag: String, version: Version },
    /// Nothing to build; the reason completes "ignored: ..." (e.g. `branch dev`).
    Ignore(String),
}

/// Decides what a push of `git_ref` (e.g. `refs/heads/main`,
/// `refs/tags/v1.4.0`) asks of a build whose webhook watches `branch`.
pub fn decide(config: &BuildConfig, branch: &str, git_ref: &str) -> PushAction {
    if let Some(pushed) = git_ref.strip_prefix("refs/heads/") {
        return if pushed == branch {
            PushAction::BuildBranch
        } else {
            PushAction::Ignore(format!("branch {pushed}"))
        };
    }
    let Some(tag) = git_ref.strip_prefix("refs/tags/") else {
        return PushAction::Ignore(format!("ref {git_ref} is neither a branch nor a tag"));
    };
    if !config.webhook_build_tags {
        return PushAction::Ignore(format!(
            "tag {tag} (this build does not build tags: webhook_build_tags is off)"
        ));
    }
    if !tag_matches(&config.webhook_tag_pattern, tag) {
        return PushAction::Ignore(format!(
            "tag {tag} does not match webhook_tag_pattern '{}'",
            config.webhook_tag_pattern
        ));
    }
    match Version::parse(tag) {
        Ok(version) => PushAction::BuildTag {
            tag: tag.to_string(),
            version,
        },
        Err(error) => PushAction::Ignore(format!("tag {tag} is not a version: {error}")),
    }
}

/// The branch a build's webhook watches: its linked repo's branch when it
/// has one (and the repo is in `repos`), else its own.
pub fn watched_branch<'a>(build: &'a Build, repos: &'a [Repo]) -> &'a str {
    let linked = &build.config.linked_repo;
    repos
        .iter()
        .find(|repo| !linked.is_empty() && repo.name.as_str() == linked)
        .map(|repo| repo.config.branch.as_str())
        .unwrap_or(build.config.branch.as_str())
}

/// Whether `tag` matches `pattern`, where `*` matches any run of characters
/// (also none) and `?` exactly one; everything else matches itself.
pub fn tag_matches(pattern: &str, tag: &str) -> bool {
    let pattern: Vec<char> = pattern.chars().collect();
    let text: Vec<char> = tag.chars().collect();
    let (mut p, mut t) = (0, 0);
    // Where the last `*` was, and where in the text it started matching.
    let mut star: Option<(usize, usize)> = None;
    while t < text.len() {
        match pattern.get(p) {
            Some('*') => {
                star = Some((p, t));
                p += 1;
            }
            Some(&c) if c == '?' || c == text[t] => {
                p += 1;
                t += 1;
            }
            _ => match star {
                Some((star_p, star_t)) => {
                    p = star_p + 1;
                    t = star_t + 1;
                    star = Some((star_p, star_t + 1));
                }
                None => return false,
            },
        }
    }
    pattern[p..].iter().all(|c| *c == '*')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn glob_matching() {
        for (pattern, tag) in [
            ("v*", "v1.4.0"),
            ("v*", "v"),
            ("*", "anything"),
            ("release-?.*", "release-1.2"),
            ("v*.*.*", "v1.2.3"),
            ("exact", "exact"),
            ("*-rc", "v1-rc"),
        ] {
            assert!(tag_matches(pattern, tag), "{pattern} should match {tag}");
        }
        for (pattern, tag) in [
            ("v*", "1.4.0"),
            ("v?", "v10"),
            ("v*.*.*", "v1.2"),
            ("exact", "exactly"),
            ("", "x"),
        ] {
            assert!(
                !tag_matches(pattern, tag),
                "{pattern} should not match {tag}"
            );
        }
    }

    #[test]
    fn tags_need_the_option_the_pattern_and_a_version() {
        let off = BuildConfig::default();
        assert!(matches!(
            decide(&off, "main", "refs/tags/v1.0.0"),
            PushAction::Ignore(reason) if reason.contains("webhook_build_tags is off")
        ));
        let on = BuildConfig {
            webhook_build_tags: true,
            webhook_tag_pattern: "release-*".into(),
            ..BuildConfig::default()
        };
        assert!(matches!(
            decide(&on, "main", "refs/tags/v1.0.0"),
            PushAction::Ignore(reason) if reason.contains("does not match webhook_tag_pattern 'release-*'")
        ));
        assert!(matches!(
            decide(&on, "main", "refs/tags/release-x"),
            PushAction::Ignore(reason) if reason.starts_with("tag release-x is not a version")
        ));
        let any = BuildConfig {
            webhook_build_tags: true,
            webhook_tag_pattern: "*".into(),
            ..BuildConfig::default()
        };
        assert_eq!(
            decide(&any, "main", "refs/tags/2.1"),
            PushAction::BuildTag {
                tag: "2.1".into(),
                version: Version::new(2, 1, 0)
            }
        );
    }

    #[test]
    fn other_refs_are_ignored() {
        let config = BuildConfig::default();
        assert_eq!(
            decide(&config, "main", "refs/pull/4/head"),
            PushAction::Ignore("ref refs/pull/4/head is neither a branch nor a tag".into())
        );
        assert_eq!(
            decide(&config, "release", "refs/heads/main"),
            PushAction::Ignore("branch main".into())
        );
    }
}
