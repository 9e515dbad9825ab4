//! Users, their sessions and their API keys. The store keeps hashes only:
//! the password as the core's argon2id PHC string, session tokens and API
//! keys as their SHA-256 (the core hashes; the store never sees a token).
//! Times are Unix milliseconds.

use crate::entity::{api_key, group_member, kiln_user, user_session};
use crate::{Store, StoreError};
use kiln_domain::access::Level;
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter,
    QueryOrder,
};

/// A user as Kiln shows it (no password hash).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct User {
    pub id: i64,
    pub username: String,
    /// May do anything, including managing users and permissions.
    pub admin: bool,
    /// A disabled user's sessions and keys stop working at once.
    pub disabled: bool,
    pub created_at_ms: i64,
}

/// A session: whose, its CSRF token, when it began and was last used.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SessionRecord {
    pub user_id: i64,
    pub csrf_token: String,
    pub created_at_ms: i64,
    pub last_seen_ms: i64,
}

/// An API key as listed (never the key itself).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ApiKeyRecord {
    pub id: i64,
    pub user_id: i64,
    pub name: String,
    /// The key's first characters, to recognise it in a list.
    pub prefix: String,
    /// A level the key never exceeds (None: the user's own).
    pub level_cap: Option<Level>,
    pub created_at_ms: i64,
    pub expires_at_ms: Option<i64>,
    pub last_used_ms: Option<i64>,
}

/// A new API key to record.
#[derive(Clone, Debug)]
pub struct NewApiKey {
    pub user_id: i64,
    pub name: String,
    /// Lowercase hex SHA-256 of the key.
    pub key_hash: String,
    pub prefix: String,
    pub level_cap: Option<Level>,
    pub expires_at_ms: Option<i64>,
}

fn user_of(model: kiln_user::Model) -> User {
    User {
        id: model.id,
        username: model.username,
        admin: model.admin,
        disabled: model.disabled,
        created_at_ms: model.created_at_ms,
    }
}

fn key_of(model: api_key::Model) -> ApiKeyRecord {
    ApiKeyRecord {
        id: model.id,
        user_id: model.user_id,
        name: model.name,
        prefix: model.prefix,
        level_cap: model.level_cap.as_deref().and_then(Level::parse),
        created_at_ms: model.created_at_ms,
        expires_at_ms: model.expires_at_ms,
        last_used_ms: model.last_used_ms,
    }
}

fn user_not_found(name: impl Into<String>) -> StoreError {
    StoreError::NotFound {
        kind: "user",
        name: name.into(),
    }
}

impl Store {
    /// How many users exist (0: Kiln waits for its first admin).
    pub async fn count_users(&self) -> Result<u64, StoreError> {
        Ok(kiln_user::Entity::find().count(&self.db).await?)
    }

    /// Records a new user; `AlreadyExists` when the name is taken.
    pub async fn create_user(
        &self,
        username: &str,
        password_hash: &str,
        admin: bool,
        now_ms: i64,
    ) -> Result<User, StoreError> {
        let _guard = self.write_lock.lock().await;
        if self.user_by_name(username).await?.is_some() {
            return Err(StoreError::AlreadyExists {
                kind: "user",
                name: username.to_string(),
            });
        }
        let model = kiln_user::ActiveModel {
            username: Set(username.to_string()),
            password_hash: Set(password_hash.to_string()),
            admin: Set(admin),
            disabled: Set(false),
            created_at_ms: Set(now_ms),
            ..Default::default()
        }
        .insert(&self.db)
        .await?;
        Ok(user_of(model))
    }

    /// The user called `username` with their password hash, if any.
    pub async fn user_by_name(&self, username: &str) -> Result<Option<(User, String)>, StoreError> {
        let model = kiln_user::Entity::find()
            .filter(kiln_user::Column::Username.eq(username))
            .one(&self.db)
            .await?;
        Ok(model.map(|m| {
            let hash = m.password_hash.clone();
            (user_of(m), hash)
        }))
    }

    /// The user with id `id`.
    pub async fn user(&self, id: i64) -> Result<User, StoreError> {
        kiln_user::Entity::find_by_id(id)
            .one(&self.db)
            .await?
            .map(user_of)
            .ok_or_else(|| user_not_found(format!("#{id}")))
    }

    /// Every user, by name.
    pub async fn users(&self) -> Result<Vec<User>, StoreError> {
        let models = kiln_user::Entity::find()
            .order_by_asc(kiln_user::Column::Username)
            .all(&self.db)
            .await?;
        Ok(models.into_iter().map(user_of).collect())
    }

    /// Changes a user's password hash and ends every session of theirs.
    pub async fn set_password(&self, user_id: i64, password_hash: &str) -> Result<(), StoreError> {
        let model = kiln_user::Entity::find_by_id(user_id)
            .one(&self.db)
            .await?
            .ok_or_else(|| user_not_found(format!("#{user_id}")))?;
        let mut active: kiln_user::ActiveModel = model.into();
        active.password_hash = Set(password_hash.to_string());
        active.update(&self.db).await?;
        self.delete_sessions_of(user_id).await
    }

    /// Sets a user's admin and/or disabled flag. Disabling ends every
    /// session of theirs (their keys stop working because the core checks
    /// the flag on every request).
    pub async fn set_user_flags(
        &self,
        user_id: i64,
        admin: Option<bool>,
        disabled: Option<bool>,
    ) -> Result<User, StoreError> {
        let model = kiln_user::Entity::find_by_id(user_id)
            .one(&self.db)
            .await?
            .ok_or_else(|| user_not_found(format!("#{user_id}")))?;
        let mut active: kiln_user::ActiveModel = model.into();
        if let Some(admin) = admin {
            active.admin = Set(admin);
        }
        if let Some(disabled) = disabled {
            active.disabled = Set(disabled);
        }
        let model = active.update(&self.db).await?;
        if model.disabled {
            self.delete_sessions_of(user_id).await?;
        }
        Ok(user_of(model))
    }

    /// Deletes a user with their sessions, keys, group memberships and
    /// grants. Their history entries keep their name.
    pub async fn delete_user(&self, user_id: i64) -> Result<(), StoreError> {
        self.delete_sessions_of(user_id).await?;
        api_key::Entity::delete_many()
            .filter(api_key::Column::UserId.eq(user_id))
            .exec(&self.db)
            .await?;
        group_member::Entity::delete_many()
            .filter(group_member::Column::UserId.eq(user_id))
            .exec(&self.db)
            .await?;
        self.delete_grants_of(kiln_domain::access::Subject::User(user_id))
            .await?;
        kiln_user::Entity::delete_by_id(user_id)
            .exec(&self.db)
            .await?;
        Ok(())
    }

    /// Records a session for `user_id` under the SHA-256 of its token.
    pub async fn create_session(
        &self,
        token_hash: &str,
        user_id: i64,
        csrf_token: &str,
        now_ms: i64,
    ) -> Result<(), StoreError> {
        user_session::ActiveModel {
            token_hash: Set(token_hash.to_string()),
            user_id: Set(user_id),
            csrf_token: Set(csrf_token.to_string()),
            created_at_ms: Set(now_ms),
            last_seen_ms: Set(now_ms),
        }
        .insert(&self.db)
        .await?;
        Ok(())
    }

    /// The session recorded under `token_hash`, if any.
    pub async fn session(&self, token_hash: &str) -> Result<Option<SessionRecord>, StoreError> {
        let model = user_session::Entity::find_by_id(token_hash.to_string())
            .one(&self.db)
            .await?;
        Ok(model.map(|m| SessionRecord {
            user_id: m.user_id,
            csrf_token: m.csrf_token,
            created_at_ms: m.created_at_ms,
            last_seen_ms: m.last_seen_ms,
        }))
    }

    /// Marks a session used at `now_ms`.
    pub async fn touch_session(&self, token_hash: &str, now_ms: i64) -> Result<(), StoreError> {
        user_session::Entity::update_many()
            .col_expr(
                user_session::Column::LastSeenMs,
                sea_orm::sea_query::Expr::value(now_ms),
            )
            .filter(user_session::Column::TokenHash.eq(token_hash))
            .exec(&self.db)
            .await?;
        Ok(())
    }

    /// Ends one session (logout, expiry).
    pub async fn delete_session(&self, token_hash: &str) -> Result<(), StoreError> {
        user_session::Entity::delete_by_id(token_hash.to_string())
            .exec(&self.db)
            .await?;
        Ok(())
    }

    /// Ends every session of a user.
    pub async fn delete_sessions_of(&self, user_id: i64) -> Result<(), StoreError> {
        user_session::Entity::delete_many()
            .filter(user_session::Column::UserId.eq(user_id))
            .exec(&self.db)
            .await?;
        Ok(())
    }

    /// Deletes sessions idle since before `idle_before_ms` or begun before
    /// `created_before_ms`; answers how many.
    pub async fn delete_expired_sessions(
        &self,
        idle_before_ms: i64,
        created_before_ms: i64,
    ) -> Result<u64, StoreError> {
        let done = user_session::Entity::delete_many()
            .filter(
                sea_orm::Condition::any()
                    .add(user_session::Column::LastSeenMs.lt(idle_before_ms))
                    .add(user_session::Column::CreatedAtMs.lt(created_before_ms)),
            )
            .exec(&self.db)
            .await?;
        Ok(done.rows_affected)
    }

    /// Records a new API key.
    pub async fn create_api_key(
        &self,
        key: NewApiKey,
        now_ms: i64,
    ) -> Result<ApiKeyRecord, StoreError> {
        let model = api_key::ActiveModel {
            user_id: Set(key.user_id),
            name: Set(key.name),
            key_hash: Set(key.key_hash),
            prefix: Set(key.prefix),
            level_cap: Set(key.level_cap.map(|l| l.as_str().to_string())),
            created_at_ms: Set(now_ms),
            expires_at_ms: Set(key.expires_at_ms),
            last_used_ms: Set(None),
            ..Default::default()
        }
        .insert(&self.db)
        .await?;
        Ok(key_of(model))
    }

    /// The key recorded under `key_hash`, if any.
    pub async fn api_key_by_hash(
        &self,
        key_hash: &str,
    ) -> Result<Option<ApiKeyRecord>, StoreError> {
        let model = api_key::Entity::find()
            .filter(api_key::Column::KeyHash.eq(key_hash))
            .one(&self.db)
            .await?;
        Ok(model.map(key_of))
    }

    /// Every key of a user, newest first.
    pub async fn api_keys_of(&self, user_id: i64) -> Result<Vec<ApiKeyRecord>, StoreError> {
        let models = api_key::Entity::find()
            .filter(api_key::Column::UserId.eq(user_id))
            .order_by_desc(api_key::Column::Id)
            .all(&self.db)
            .await?;
        Ok(models.into_iter().map(key_of).collect())
    }

    /// Marks a key used at `now_ms`.
    pub async fn touch_api_key(&self, id: i64, now_ms: i64) -> Result<(), StoreError> {
        api_key::Entity::update_many()
            .col_expr(
                api_key::Column::LastUsedMs,
                sea_orm::sea_query::Expr::value(Some(now_ms)),
            )
            .filter(api_key::Column::Id.eq(id))
            .exec(&self.db)
            .await?;
        Ok(())
    }

    /// Revokes (deletes) key `id` of `user_id`; false when there is none.
    pub async fn delete_api_key(&self, user_id: i64, id: i64) -> Result<bool, StoreError> {
        let done = api_key::Entity::delete_many()
            .filter(api_key::Column::Id.eq(id))
            .filter(api_key::Column::UserId.eq(user_id))
            .exec(&self.db)
            .await?;
        Ok(done.rows_affected > 0)
    }
}
