//! Users and their API keys. Admins manage users; every user manages their
//! own keys (admins anyone's).

use super::auth::{check_password, check_username, user_view};
use crate::auth::secrets::{hash_password, random_token, token_hash};
use crate::{now_ms, Actor, CoreError, Kiln};
use kiln_api::{ApiKeyView, CreatedApiKey, Me, NewApiKey, NewUser, UserChange, UserView};
use kiln_domain::access::Level;
use kiln_store::{ApiKeyRecord, User};

/// How an API key starts; what follows is 43 random base64url characters.
pub const API_KEY_PREFIX: &str = "kiln_";

fn key_view(record: ApiKeyRecord, username: &str) -> ApiKeyView {
    ApiKeyView {
        id: record.id,
        username: username.to_string(),
        name: record.name,
        prefix: record.prefix,
        level_cap: record.level_cap.map(|l| l.as_str().to_string()),
        created_at_ms: record.created_at_ms,
        expires_at_ms: record.expires_at_ms,
        last_used_ms: record.last_used_ms,
    }
}

impl Kiln {
    /// The signed-in user, with their session's CSRF token (empty for a key).
    pub async fn me(&self, actor: &Actor) -> Result<Me, CoreError> {
        let caller = actor
            .caller()
            .ok_or_else(|| CoreError::Unauthenticated("not signed in".into()))?;
        let user = self.store().user(caller.user_id()).await?;
        let csrf_token = match caller.credential() {
            crate::Credential::Session { csrf_token } => csrf_token.clone(),
            crate::Credential::ApiKey { .. } => String::new(),
        };
        Ok(Me {
            user: user_view(&user),
            csrf_token,
        })
    }

    /// Every user (admins only).
    pub async fn users(&self, actor: &Actor) -> Result<Vec<UserView>, CoreError> {
        self.require_admin(actor, "list users")?;
        Ok(self.store().users().await?.iter().map(user_view).collect())
    }

    /// Creates a user (admins, or Kiln itself for `kiln user create`). 409
    /// for a taken name, 422 for a bad name or password.
    pub async fn create_user(&self, actor: &Actor, new: NewUser) -> Result<UserView, CoreError> {
        self.require_admin(actor, "create users")?;
        check_username(&new.username)?;
        check_password(&new.password)?;
        let hash = hash_password(new.password)
            .await
            .map_err(|e| CoreError::internal(&e))?;
        let user = self
            .store()
            .create_user(&new.username, &hash, new.admin, now_ms())
            .await?;
        tracing::info!(user = %user.username, admin = user.admin, by = %actor.name(), "user created");
        Ok(user_view(&user))
    }

    /// Changes a user (admins only): a new password (their sessions end),
    /// admin, disabled (their sessions end and their keys stop at once).
    /// An admin cannot disable or demote themselves (so Kiln always keeps
    /// one admin who can undo it).
    pub async fn update_user(
        &self,
        actor: &Actor,
        username: &str,
        change: UserChange,
    ) -> Result<UserView, CoreError> {
        self.require_admin(actor, "change users")?;
        let user = self.user_named(username).await?;
        let own = actor.caller().is_some_and(|c| c.user_id() == user.id);
        if own && (change.disabled == Some(true) || change.admin == Some(false)) {
            return Err(CoreError::Invalid(
                "you cannot disable yourself or take away your own admin rights".into(),
            ));
        }
        if let Some(password) = change.password {
            check_password(&password)?;
            let hash = hash_password(password)
                .await
                .map_err(|e| CoreError::internal(&e))?;
            self.store().set_password(user.id, &hash).await?;
        }
        let user = self
            .store()
            .set_user_flags(user.id, change.admin, change.disabled)
            .await?;
        tracing::info!(user = %user.username, admin = user.admin, disabled = user.disabled, by = %actor.name(), "user changed");
        Ok(user_view(&user))
    }

    /// Deletes a user with their sessions, keys, memberships and grants
    /// (admins only; not oneself).
    pub async fn delete_user(&self, actor: &Actor, username: &str) -> Result<(), CoreError> {
        self.require_admin(actor, "delete users")?;
        let user = self.user_named(username).await?;
        if actor.caller().is_some_and(|c| c.user_id() == user.id) {
            return Err(CoreError::Invalid("you cannot delete yourself".into()));
        }
        self.store().delete_user(user.id).await?;
        tracing::info!(user = %username, by = %actor.name(), "user deleted");
        Ok(())
    }

    /// Changes the caller's own password, given the current one; every
    /// session of theirs ends (the caller signs in again).
    pub async fn change_own_password(
        &self,
        actor: &Actor,
        current: &str,
        new: &str,
    ) -> Result<(), CoreError> {
        let caller = actor
            .caller()
            .ok_or_else(|| CoreError::Unauthenticated("not signed in".into()))?;
        check_password(new)?;
        let found = self.store().user_by_name(caller.username()).await?;
        let Some((user, hash)) = found else {
            return Err(CoreError::Unauthenticated("not signed in".into()));
        };
        if !crate::auth::secrets::verify_password(current.to_string(), hash).await {
            return Err(CoreError::Invalid("the current password is wrong".into()));
        }
        let hash = hash_password(new.to_string())
            .await
            .map_err(|e| CoreError::internal(&e))?;
        Ok(self.store().set_password(user.id, &hash).await?)
    }

    pub(crate) async fn user_named(&self, username: &str) -> Result<User, CoreError> {
        match self.store().user_by_name(username).await? {
            Some((user, _)) => Ok(user),
            None => Err(CoreError::NotFound(format!("user '{username}' not found"))),
        }
    }

    /// Makes an API key for the caller (or, for admins and Kiln itself,
    /// for `new.username`); the key is in the answer only. 422 for an
    /// empty name, a past expiry or an unknown level.
    pub async fn create_api_key(
        &self,
        actor: &Actor,
        new: NewApiKey,
    ) -> Result<CreatedApiKey, CoreError> {
        let user = self.key_owner(actor, new.username.as_deref()).await?;
        let name = new.name.trim().to_string();
        if name.is_empty() || name.len() > 100 {
            return Err(CoreError::Invalid(
                "name: give the key a name of 1 to 100 characters".into(),
            ));
        }
        if new.expires_at_ms.is_some_and(|at| at <= now_ms()) {
            return Err(CoreError::Invalid(
                "expires_at_ms: the expiry is in the past".into(),
            ));
        }
        let level_cap = match new.level_cap.as_deref().map(str::trim) {
            None | Some("") => None,
            Some(text) => match Level::parse(text) {
                Some(Level::None) | None => {
                    return Err(CoreError::Invalid(
                        "level_cap: use Read, Execute or Write".into(),
                    ))
                }
                Some(level) => Some(level),
            },
        };
        let secret = random_token().map_err(|e| CoreError::internal(&e))?;
        let key = format!("{API_KEY_PREFIX}{secret}");
        let record = self
            .store()
            .create_api_key(
                kiln_store::NewApiKey {
                    user_id: user.id,
                    name,
                    key_hash: token_hash(&key),
                    prefix: key.chars().take(API_KEY_PREFIX.len() + 7).collect(),
                    level_cap,
                    expires_at_ms: new.expires_at_ms,
                },
                now_ms(),
            )
            .await?;
        tracing::info!(user = %user.username, key = %record.prefix, by = %actor.name(), "API key created");
        Ok(CreatedApiKey {
            key,
            listing: key_view(record, &user.username),
        })
    }

    /// The keys of the caller (or, for admins, of `username`), newest first.
    pub async fn api_keys(
        &self,
        actor: &Actor,
        username: Option<&str>,
    ) -> Result<Vec<ApiKeyView>, CoreError> {
        let user = self.key_owner(actor, username).await?;
        let keys = self.store().api_keys_of(user.id).await?;
        Ok(keys
            .into_iter()
            .map(|k| key_view(k, &user.username))
            .collect())
    }

    /// Revokes key `id` of the caller (or, for admins, of `username`); it
    /// stops working at once. 404 when there is no such key.
    pub async fn revoke_api_key(
        &self,
        actor: &Actor,
        username: Option<&str>,
        id: i64,
    ) -> Result<(), CoreError> {
        let user = self.key_owner(actor, username).await?;
        if self.store().delete_api_key(user.id, id).await? {
            tracing::info!(user = %user.username, key = id, by = %actor.name(), "API key revoked");
            Ok(())
        } else {
            Err(CoreError::NotFound(format!("API key {id} not found")))
        }
    }

    /// Whose keys an operation is about: the caller's own, or (admins and
    /// Kiln itself) the named user's.
    async fn key_owner(&self, actor: &Actor, username: Option<&str>) -> Result<User, CoreError> {
        let own = actor.caller().map(|c| c.username().to_string());
        match (username, own) {
            (Some(name), Some(own)) if own == name => self.user_named(&own).await,
            (Some(name), _) => {
                self.require_admin(actor, "manage other users' API keys")?;
                self.user_named(name).await
            }
            (None, Some(own)) => self.user_named(&own).await,
            (None, None) => Err(CoreError::Invalid("username: say whose key this is".into())),
        }
    }
}
