//! Entity rows ↔ domain types. JSON columns hold serde forms of domain
//! config; config columns, variable values and tokens are sealed with the
//! store's [`SecretCipher`].

use crate::cipher::SecretCipher;
use crate::entity::{alerter, build, builder, git_account, registry_account, repo, variable};
use crate::StoreError;
use kiln_domain::{
    Alerter, Build, Builder, GitAccount, RegistryAccount, Repo, ResourceName, Secret, Variable,
};
use serde::de::DeserializeOwned;

/// The columns shared by builds, builders and repos.
pub struct ConfiguredRow {
    pub name: String,
    pub description: String,
    pub tags: String,
    pub config: String,
}

fn decode<T: DeserializeOwned>(
    kind: &'static str,
    name: &str,
    json: &str,
) -> Result<T, StoreError> {
    serde_json::from_str(json).map_err(|e| StoreError::Corrupt {
        kind,
        name: name.to_string(),
        reason: e.to_string(),
    })
}

fn encode<T: serde::Serialize>(
    kind: &'static str,
    name: &str,
    value: &T,
) -> Result<String, StoreError> {
    serde_json::to_string(value).map_err(|e| StoreError::Corrupt {
        kind,
        name: name.to_string(),
        reason: e.to_string(),
    })
}

fn name(kind: &'static str, raw: &str) -> Result<ResourceName, StoreError> {
    ResourceName::parse(raw).map_err(|e| StoreError::Corrupt {
        kind,
        name: raw.to_string(),
        reason: e.to_string(),
    })
}

/// Converts rows and domain values, sealing and opening secrets.
#[derive(Clone, Debug)]
pub struct Codec {
    cipher: SecretCipher,
}

impl Codec {
    pub fn new(cipher: SecretCipher) -> Self {
        Self { cipher }
    }

    /// A sealed value for a secret column.
    pub fn seal(&self, plain: &str) -> String {
        self.cipher.seal(plain)
    }

    fn open_text(
        &self,
        kind: &'static str,
        name: &str,
        stored: &str,
    ) -> Result<String, StoreError> {
        self.cipher.open(stored).map_err(|e| StoreError::Corrupt {
            kind,
            name: name.to_string(),
            reason: e.to_string(),
        })
    }

    fn open(&self, kind: &'static str, name: &str, stored: &str) -> Result<Secret, StoreError> {
        self.open_text(kind, name, stored).map(Secret::new)
    }

    pub fn build_from(&self, m: build::Model) -> Result<Build, StoreError> {
        Ok(Build {
            name: name("build", &m.name)?,
            description: m.description,
            tags: decode("build", &m.name, &m.tags)?,
            config: decode(
                "build",
                &m.name,
                &self.open_text("build", &m.name, &m.config)?,
            )?,
        })
    }

    pub fn builder_from(&self, m: builder::Model) -> Result<Builder, StoreError> {
        Ok(Builder {
            name: name("builder", &m.name)?,
            description: m.description,
            tags: decode("builder", &m.name, &m.tags)?,
            config: decode(
                "builder",
                &m.name,
                &self.open_text("builder", &m.name, &m.config)?,
            )?,
        })
    }

    pub fn repo_from(&self, m: repo::Model) -> Result<Repo, StoreError> {
        Ok(Repo {
            name: name("repo", &m.name)?,
            description: m.description,
            tags: decode("repo", &m.name, &m.tags)?,
            config: decode(
                "repo",
                &m.name,
                &self.open_text("repo", &m.name, &m.config)?,
            )?,
        })
    }

    pub fn variable_from(&self, m: variable::Model) -> Result<Variable, StoreError> {
        Ok(Variable {
            name: name("variable", &m.name)?,
            value: self.open("variable", &m.name, &m.value)?,
            description: m.description,
            is_secret: m.is_secret,
        })
    }

    pub fn git_account_from(&self, m: git_account::Model) -> Result<GitAccount, StoreError> {
        let token = self.open("git_account", &m.username, &m.token)?;
        Ok(GitAccount {
            domain: m.domain,
            username: m.username,
            token,
        })
    }

    pub fn registry_account_from(
        &self,
        m: registry_account::Model,
    ) -> Result<RegistryAccount, StoreError> {
        let token = self.open("registry_account", &m.username, &m.token)?;
        Ok(RegistryAccount {
            domain: m.domain,
            username: m.username,
            token,
        })
    }

    pub fn build_row(&self, b: &Build) -> Result<ConfiguredRow, StoreError> {
        self.configured_row("build", b.name.as_str(), &b.description, &b.tags, &b.config)
    }

    pub fn builder_row(&self, b: &Builder) -> Result<ConfiguredRow, StoreError> {
        self.configured_row(
            "builder",
            b.name.as_str(),
            &b.description,
            &b.tags,
            &b.config,
        )
    }

    /// An alerter; its config (with the endpoint URL) is sealed.
    pub fn alerter_from(&self, m: alerter::Model) -> Result<Alerter, StoreError> {
        Ok(Alerter {
            name: name("alerter", &m.name)?,
            description: m.description,
            tags: decode("alerter", &m.name, &m.tags)?,
            config: decode(
                "alerter",
                &m.name,
                &self.open_text("alerter", &m.name, &m.config)?,
            )?,
        })
    }

    pub fn alerter_row(&self, a: &Alerter) -> Result<ConfiguredRow, StoreError> {
        self.configured_row(
            "alerter",
            a.name.as_str(),
            &a.description,
            &a.tags,
            &a.config,
        )
    }

    pub fn repo_row(&self, r: &Repo) -> Result<ConfiguredRow, StoreError> {
        self.configured_row("repo", r.name.as_str(), &r.description, &r.tags, &r.config)
    }

    fn configured_row<C: serde::Serialize>(
        &self,
        kind: &'static str,
        name: &str,
        description: &str,
        tags: &[String],
        config: &C,
    ) -> Result<ConfiguredRow, StoreError> {
        Ok(ConfiguredRow {
            name: name.to_string(),
            description: description.to_string(),
            tags: encode(kind, name, &tags)?,
            config: self.cipher.seal(&encode(kind, name, config)?),
        })
    }
}
