use crate::{ResourceName, Version};
use serde::{Deserialize, Serialize};

/// A Build: how to produce one Docker image and where to push it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Build {
    pub name: ResourceName,
    #[serde(default)]
    pub description: String,
    #[serde(default)]
    pub tags: Vec<String>,
    #[serde(default)]
    pub config: BuildConfig,
}

/// How long a run may take unless the build says otherwise: one hour.
pub const DEFAULT_TIMEOUT_SECONDS: u64 = 3600;

/// Which tags a build with `webhook_build_tags` builds unless it says otherwise.
pub const DEFAULT_TAG_PATTERN: &str = "v*";

/// Every configurable field of a Build, with Komodo's names and Kiln's defaults.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct BuildConfig {
    /// Builder name; "" means the default Local builder.
    #[serde(alias = "builder_id")]
    pub builder: String,
    pub version: Version,
    pub auto_increment_version: bool,
    pub image_name: String,
    pub image_tag: String,
    pub include_latest_tag: bool,
    pub include_version_tags: bool,
    pub include_commit_tag: bool,
    pub linked_repo: String,
    pub git_provider: String,
    pub git_https: bool,
    pub git_account: String,
    pub repo: String,
    pub branch: String,
    pub commit: String,
    pub files_on_host: bool,
    pub dockerfile: String,
    pub build_path: String,
    pub dockerfile_path: String,
    #[serde(deserialize_with = "crate::build::one_or_many")]
    pub image_registry: Vec<ImageRegistry>,
    /// Multiline `KEY=value` text (blank and `#` lines skipped).
    #[serde(deserialize_with = "crate::serde_forms::env_text")]
    pub build_args: String,
    /// Multiline `KEY=value` text passed as BuildKit secrets.
    #[serde(deserialize_with = "crate::serde_forms::env_text")]
    pub secret_args: String,
    pub skip_secret_interp: bool,
    #[serde(deserialize_with = "crate::serde_forms::string_list")]
    pub extra_args: Vec<String>,
    pub use_buildx: bool,
    pub pre_build: PreBuild,
    /// Multiline `KEY=value` text of image labels.
    #[serde(deserialize_with = "crate::serde_forms::env_text")]
    pub labels: String,
    pub webhook_enabled: bool,
    /// The HMAC key of this build's webhook ("" uses the server-wide one).
    /// A secret: never exported.
    pub webhook_secret: String,
    /// Kiln only: a webhook push of a tag matching `webhook_tag_pattern`
    /// starts a run of that tag's commit, versioned by the tag (`v1.4.0` →
    /// 1.4.0). Off by default (Komodo #255).
    pub webhook_build_tags: bool,
    /// Kiln only: which tags `webhook_build_tags` builds; `*` matches any
    /// run of characters and `?` one character (default `v*`).
    pub webhook_tag_pattern: String,
    #[serde(deserialize_with = "crate::serde_forms::string_list")]
    pub links: Vec<String>,
    /// Kiln only: a run taking longer than this fails (default one hour).
    pub timeout_seconds: u64,
}

impl Default for BuildConfig {
    fn default() -> Self {
        Self {
            builder: String::new(),
            version: Version::default(),
            auto_increment_version: true,
            image_name: String::new(),
            image_tag: String::new(),
            include_latest_tag: true,
            include_version_tags: true,
            include_commit_tag: true,
            linked_repo: String::new(),
            git_provider: "github.com".to_string(),
            git_https: true,
            git_account: String::new(),
            repo: String::new(),
            branch: "main".to_string(),
            commit: String::new(),
            files_on_host: false,
            dockerfile: String::new(),
            build_path: ".".to_string(),
            dockerfile_path: "Dockerfile".to_string(),
            image_registry: Vec::new(),
            build_args: String::new(),
            secret_args: String::new(),
            skip_secret_interp: false,
            extra_args: Vec::new(),
            use_buildx: false,
            pre_build: PreBuild::default(),
            labels: String::new(),
            webhook_enabled: true,
            webhook_secret: String::new(),
            webhook_build_tags: false,
            webhook_tag_pattern: DEFAULT_TAG_PATTERN.to_string(),
            links: Vec::new(),
            timeout_seconds: DEFAULT_TIMEOUT_SECONDS,
        }
    }
}

/// One registry to push to. An empty `account` pushes anonymously.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct ImageRegistry {
    pub domain: String,
    pub account: String,
    pub organization: String,
}

/// A command run in the checkout before `docker build`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct PreBuild {
    pub path: String,
    pub command: String,
    /// Run `command` as one shell script instead of joining its lines with ` && `.
    pub shell_mode: bool,
}

impl Default for PreBuild {
    fn default() -> Self {
        Self {
            path: ".".to_string(),
            command: String::new(),
            shell_mode: false,
        }
    }
}

/// Where a build's source comes from, derived from its config.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SourceKind {
    /// The Dockerfile typed in the UI (`dockerfile`), no repo.
    Ui,
    /// Files already on the builder host.
    FilesOnHost,
    /// A git repository (directly or through `linked_repo`).
    Git,
}

impl BuildConfig {
    /// Where the source comes from: files on host when `files_on_host`,
    /// else git when `repo` or `linked_repo` is set, else the UI Dockerfile.
    pub fn source_kind(&self) -> SourceKind {
        if self.files_on_host {
            SourceKind::FilesOnHost
        } else if self.repo.is_empty() && self.linked_repo.is_empty() {
            SourceKind::Ui
        } else {
            SourceKind::Git
        }
    }

    /// Whether a source is chosen: false only for a UI build whose
    /// `dockerfile` is blank (a draft; a run of it says "nothing to build").
    pub fn has_source(&self) -> bool {
        self.source_kind() != SourceKind::Ui || !self.dockerfile.trim().is_empty()
    }
}

/// Accepts one `{domain, account, organization}` table or a list of them,
/// each also in Komodo's older form `{ type = "Standard", params = { .. } }`
/// (`type = "None"` meaning no registry).
pub(crate) fn one_or_many<'de, D>(deserializer: D) -> Result<Vec<ImageRegistry>, D::Error>
where
    D: serde::Deserializer<'de>,
{
    struct Visitor;
    impl<'de> serde::de::Visitor<'de> for Visitor {
        type Value = Vec<ImageRegistry>;
        fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
            f.write_str("a registry table {domain, account, organization} or a list of them")
        }
        fn visit_seq<A: serde::de::SeqAccess<'de>>(
            self,
            mut seq: A,
        ) -> Result<Self::Value, A::Error> {
            let mut out = Vec::new();
            while let Some(entry) = seq.next_element::<RegistryEntry>()? {
                out.extend(entry.into_registry::<A::Error>()?);
            }
            Ok(out)
        }
        fn visit_map<A: serde::de::MapAccess<'de>>(self, map: A) -> Result<Self::Value, A::Error> {
            let entry =
                RegistryEntry::deserialize(serde::de::value::MapAccessDeserializer::new(map))?;
            Ok(entry.into_registry::<A::Error>()?.into_iter().collect())
        }
    }
    deserializer.deserialize_any(Visitor)
}

/// One `image_registry` entry as written in a file.
#[derive(Default, Deserialize)]
#[serde(default, deny_unknown_fields)]
struct RegistryEntry {
    domain: String,
    account: String,
    organization: String,
    #[serde(rename = "type")]
    kind: Option<String>,
    params: Option<ImageRegistry>,
}

impl RegistryEntry {
    fn into_registry<E: serde::de::Error>(self) -> Result<Option<ImageRegistry>, E> {
        let plain = ImageRegistry {
            domain: self.domain,
            account: self.account,
            organization: self.organization,
        };
        let has_plain = plain != ImageRegistry::default();
        match (self.kind.as_deref(), self.params) {
            (None, None) => Ok(Some(plain)),
            (None, Some(_)) => Err(E::custom("image_registry `params` needs `type = \"Standard\"`")),
            (Some(_), _) if has_plain => Err(E::custom(
                "image_registry: use either domain/account/organization or Komodo's type/params, not both",
            )),
            (Some("None"), None) => Ok(None),
            (Some("None"), Some(_)) => Err(E::custom("image_registry `type = \"None\"` takes no params")),
            (Some("Standard"), params) => Ok(Some(params.unwrap_or_default())),
            (Some(other), _) => {
                Err(E::custom(format!("unknown image_registry type '{other}', expected \"Standard\" or \"None\"")))
            }
        }
    }
}

/// Whether `link` is a quick link a page may open: an `http://` or
/// `https://` URL with a host and no whitespace or control characters
/// (never `javascript:`, `data:` or a relative path).
///
/// ```
/// use kiln_domain::build::is_web_link;
/// assert!(is_web_link("https://grafana.example/d/api"));
/// assert!(!is_web_link("javascript:alert(1)"));
/// assert!(!is_web_link("https://"));
/// ```
pub fn is_web_link(link: &str) -> bool {
    let lower = link.to_ascii_lowercase();
    let rest = lower
        .strip_prefix("https://")
        .or_else(|| lower.strip_prefix("http://"));
    rest.is_some_and(|rest| {
        !rest.is_empty()
            && !rest.starts_with('/')
            && !link.chars().any(|c| c.is_whitespace() || c.is_control())
    })
}
