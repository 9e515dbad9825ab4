//! Variables, git and registry accounts, and alerters: secret values,
//! tokens and URLs never leave.

use crate::{Actor, CoreError, Kiln};
use kiln_api::{AccountKind, AccountView, AlerterView, VariableView};
use kiln_domain::access::Level;
use kiln_domain::sync::ResourceKind;
use kiln_domain::{Alerter, Secret, Variable};
use kiln_store::{Account, VariableEdit};

impl Kiln {
    /// Every variable; secret values stay in the core.
    /// Only the variables `actor` may read.
    pub async fn variables(&self, actor: &Actor) -> Result<Vec<VariableView>, CoreError> {
        let readable = self.readable(actor, ResourceKind::Variable).await?;
        let mut variables = self.store().list_variables().await?;
        variables.retain(|v| readable.allows(v.name.as_str()));
        let revisions = self.store().revisions(ResourceKind::Variable).await?;
        Ok(variables
            .into_iter()
            .map(|v| VariableView {
                revision: revisions.get(v.name.as_str()).copied().unwrap_or(0),
                name: v.name.to_string(),
                value: (!v.is_secret).then(|| v.value.expose().to_string()),
                description: v.description,
                is_secret: v.is_secret,
            })
            .collect())
    }

    /// Creates a variable.
    pub async fn create_variable(
        &self,
        actor: &Actor,
        variable: Variable,
    ) -> Result<(), CoreError> {
        self.require_kind(actor, ResourceKind::Variable, Level::Write)?;
        Ok(self
            .store()
            .create_variable(variable, &actor.author())
            .await?)
    }

    /// Changes a variable; `value: None` keeps the stored value.
    pub async fn update_variable(
        &self,
        actor: &Actor,
        name: &str,
        description: String,
        is_secret: bool,
        value: Option<Secret>,
    ) -> Result<(), CoreError> {
        self.require(actor, ResourceKind::Variable, name, Level::Write)
            .await?;
        let edit = VariableEdit {
            description,
            is_secret,
            value,
        };
        Ok(self
            .store()
            .update_variable(name, edit, &actor.author())
            .await?)
    }

    /// Deletes a variable.
    pub async fn delete_variable(&self, actor: &Actor, name: &str) -> Result<(), CoreError> {
        self.require(actor, ResourceKind::Variable, name, Level::Write)
            .await?;
        Ok(self.store().delete_variable(name, &actor.author()).await?)
    }

    /// The accounts of one kind, without tokens.
    pub async fn accounts(
        &self,
        actor: &Actor,
        kind: AccountKind,
    ) -> Result<Vec<AccountView>, CoreError> {
        let resource = resource_kind(kind);
        let readable = self.readable(actor, resource).await?;
        let mut accounts = self.store().list_accounts(store_kind(kind)).await?;
        accounts.retain(|a| readable.allows(&format!("{}/{}", a.domain, a.username)));
        let revisions = self.store().revisions(resource).await?;
        Ok(accounts
            .into_iter()
            .map(|a| AccountView {
                revision: revisions
                    .get(&format!("{}/{}", a.domain, a.username))
                    .copied()
                    .unwrap_or(0),
                has_token: !a.token.is_empty(),
                domain: a.domain,
                username: a.username,
            })
            .collect())
    }

    /// Creates an account (domain and username trimmed).
    pub async fn create_account(
        &self,
        actor: &Actor,
        kind: AccountKind,
        domain: &str,
        username: &str,
        token: Secret,
    ) -> Result<(), CoreError> {
        self.require_kind(actor, resource_kind(kind), Level::Write)?;
        let account = Account {
            domain: domain.trim().to_string(),
            username: username.trim().to_string(),
            token,
        };
        Ok(self
            .store()
            .create_account(store_kind(kind), account, &actor.author())
            .await?)
    }

    /// Replaces an account's token.
    pub async fn set_account_token(
        &self,
        actor: &Actor,
        kind: AccountKind,
        domain: &str,
        username: &str,
        token: Secret,
    ) -> Result<(), CoreError> {
        let key = format!("{domain}/{username}");
        self.require(actor, resource_kind(kind), &key, Level::Write)
            .await?;
        Ok(self
            .store()
            .set_account_token(store_kind(kind), domain, username, token, &actor.author())
            .await?)
    }

    /// Deletes an account (refused while a build or repo uses it).
    pub async fn delete_account(
        &self,
        actor: &Actor,
        kind: AccountKind,
        domain: &str,
        username: &str,
    ) -> Result<(), CoreError> {
        let key = format!("{domain}/{username}");
        self.require(actor, resource_kind(kind), &key, Level::Write)
            .await?;
        Ok(self
            .store()
            .delete_account(store_kind(kind), domain, username, &actor.author())
            .await?)
    }

    /// Every alerter, its URL reduced to the host.
    /// Only the alerters `actor` may read.
    pub async fn alerters(&self, actor: &Actor) -> Result<Vec<AlerterView>, CoreError> {
        let readable = self.readable(actor, ResourceKind::Alerter).await?;
        let mut alerters = self.store().list_alerters().await?;
        alerters.retain(|a| readable.allows(a.name.as_str()));
        let revisions = self.store().revisions(ResourceKind::Alerter).await?;
        Ok(alerters
            .into_iter()
            .map(|a| {
                let revision = revisions.get(a.name.as_str()).copied().unwrap_or(0);
                alerter_view(a, revision)
            })
            .collect())
    }
}

fn resource_kind(kind: AccountKind) -> ResourceKind {
    match kind {
        AccountKind::Git => ResourceKind::GitAccount,
        AccountKind::Registry => ResourceKind::RegistryAccount,
    }
}

fn store_kind(kind: AccountKind) -> kiln_store::AccountKind {
    match kind {
        AccountKind::Git => kiln_store::AccountKind::Git,
        AccountKind::Registry => kiln_store::AccountKind::Registry,
    }
}

fn alerter_view(alerter: Alerter, revision: i64) -> AlerterView {
    let config = alerter.config;
    AlerterView {
        revision,
        name: alerter.name.to_string(),
        description: alerter.description,
        tags: alerter.tags,
        enabled: config.enabled,
        endpoint_type: config.endpoint.kind().to_string(),
        url_host: url_host(config.endpoint.params().url.expose()),
        alert_types: config.alert_types,
        resources: config.resources,
        except_resources: config.except_resources,
    }
}

/// The host (and port) of `scheme://[user@]host[:port]/...`, without any
/// user info.
fn url_host(url: &str) -> String {
    let rest = url.split_once("://").map_or(url, |(_, rest)| rest);
    let authority = rest.split(['/', '?', '#']).next().unwrap_or_default();
    authority
        .rsplit_once('@')
        .map_or(authority, |(_, host)| host)
        .to_string()
}

#[cfg(test)]
mod tests {
    use super::url_host;

    #[test]
    fn only_the_host_is_shown() {
        assert_eq!(
            url_host("https://hooks.slack.com/services/T0/B0/secret"),
            "hooks.slack.com"
        );
        assert_eq!(
            url_host("http://user:pw@127.0.0.1:9000/x?token=y"),
            "127.0.0.1:9000"
        );
        assert_eq!(url_host("https://h.example?token=y"), "h.example");
    }
}
