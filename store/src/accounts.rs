//! Git and registry accounts one at a time (the UI's Accounts page), each
//! write validated against the whole catalog (a build may name an account).

use crate::write::account_key;
use crate::{Store, StoreError};
use kiln_domain::history::Author;
use kiln_domain::sync::{Change, ChangeAction, ResourceKind};
use kiln_domain::{Catalog, GitAccount, RegistryAccount, Secret};

/// Which kind of account.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum AccountKind {
    Git,
    Registry,
}

impl AccountKind {
    fn resource(self) -> ResourceKind {
        match self {
            Self::Git => ResourceKind::GitAccount,
            Self::Registry => ResourceKind::RegistryAccount,
        }
    }

    fn label(self) -> &'static str {
        match self {
            Self::Git => "git account",
            Self::Registry => "registry account",
        }
    }
}

/// One account as stored: (domain, username) and its token.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Account {
    pub domain: String,
    pub username: String,
    pub token: Secret,
}

impl Store {
    /// The accounts of one kind, ordered by domain then username.
    pub async fn list_accounts(&self, kind: AccountKind) -> Result<Vec<Account>, StoreError> {
        let catalog = self.catalog().await?;
        Ok(accounts_of(&catalog, kind))
    }

    /// Creates an account after validating the catalog with it.
    pub async fn create_account(
        &self,
        kind: AccountKind,
        new: Account,
        author: &Author,
    ) -> Result<(), StoreError> {
        let _guard = self.write_lock.lock().await;
        let mut catalog = self.catalog().await?;
        let before = catalog.clone();
        let key = account_key(&new.domain, &new.username);
        if accounts_of(&catalog, kind)
            .iter()
            .any(|a| a.domain == new.domain && a.username == new.username)
        {
            return Err(StoreError::AlreadyExists {
                kind: kind.label(),
                name: key,
            });
        }
        match kind {
            AccountKind::Git => catalog.git_accounts.push(GitAccount {
                domain: new.domain,
                username: new.username,
                token: new.token,
            }),
            AccountKind::Registry => catalog.registry_accounts.push(RegistryAccount {
                domain: new.domain,
                username: new.username,
                token: new.token,
            }),
        }
        let change = change(kind, key, ChangeAction::Create);
        self.write_catalog(&before, &catalog, &[change], author)
            .await
            .map(|_| ())
    }

    /// Replaces an account's token.
    pub async fn set_account_token(
        &self,
        kind: AccountKind,
        domain: &str,
        username: &str,
        token: Secret,
        author: &Author,
    ) -> Result<(), StoreError> {
        let _guard = self.write_lock.lock().await;
        let mut catalog = self.catalog().await?;
        let before = catalog.clone();
        let slot = match kind {
            AccountKind::Git => catalog
                .git_accounts
                .iter_mut()
                .find(|a| a.domain == domain && a.username == username)
                .map(|a| &mut a.token),
            AccountKind::Registry => catalog
                .registry_accounts
                .iter_mut()
                .find(|a| a.domain == domain && a.username == username)
                .map(|a| &mut a.token),
        };
        let key = account_key(domain, username);
        let Some(slot) = slot else {
            return Err(StoreError::NotFound {
                kind: kind.label(),
                name: key,
            });
        };
        *slot = token;
        let change = change(kind, key, ChangeAction::Update);
        self.write_catalog(&before, &catalog, &[change], author)
            .await
            .map(|_| ())
    }

    /// Deletes an account; refused while a build or repo still uses it.
    pub async fn delete_account(
        &self,
        kind: AccountKind,
        domain: &str,
        username: &str,
        author: &Author,
    ) -> Result<(), StoreError> {
        let _guard = self.write_lock.lock().await;
        let mut catalog = self.catalog().await?;
        let before = catalog.clone();
        let keep = |d: &str, u: &str| !(d == domain && u == username);
        match kind {
            AccountKind::Git => catalog
                .git_accounts
                .retain(|a| keep(&a.domain, &a.username)),
            AccountKind::Registry => catalog
                .registry_accounts
                .retain(|a| keep(&a.domain, &a.username)),
        }
        let change = change(kind, account_key(domain, username), ChangeAction::Delete);
        self.write_catalog(&before, &catalog, &[change], author)
            .await
            .map(|_| ())
    }
}

fn accounts_of(catalog: &Catalog, kind: AccountKind) -> Vec<Account> {
    match kind {
        AccountKind::Git => catalog
            .git_accounts
            .iter()
            .map(|a| Account {
                domain: a.domain.clone(),
                username: a.username.clone(),
                token: a.token.clone(),
            })
            .collect(),
        AccountKind::Registry => catalog
            .registry_accounts
            .iter()
            .map(|a| Account {
                domain: a.domain.clone(),
                username: a.username.clone(),
                token: a.token.clone(),
            })
            .collect(),
    }
}

fn change(kind: AccountKind, name: String, action: ChangeAction) -> Change {
    Change {
        kind: kind.resource(),
        name,
        action,
        fields: Vec::new(),
    }
}
