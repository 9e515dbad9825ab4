//! Proving who one is: the one-time setup link that creates the first
//! admin, login and logout (server-side sessions), and checking a session
//! or an API key on every request.

use crate::auth::secrets::{
    hash_password, random_token, same_secret, token_hash, verify_password, DUMMY_HASH,
};
use crate::auth::{Blocked, Caller, Credential};
use crate::{now_ms, CoreError, Kiln};
use kiln_api::{Me, UserView};
use kiln_domain::access::Permissions;
use kiln_store::User;
use std::net::IpAddr;

/// A session just begun: the token for the cookie (shown to nobody else,
/// stored only as its SHA-256) and who it is for, with the CSRF token its
/// pages send back.
#[derive(Clone, Debug)]
pub struct NewSession {
    /// The `kiln_session` cookie's value.
    pub token: String,
    pub me: Me,
}

const WRONG_LOGIN: &str = "wrong username or password";

pub(crate) fn user_view(user: &User) -> UserView {
    UserView {
        username: user.username.clone(),
        admin: user.admin,
        disabled: user.disabled,
        created_at_ms: user.created_at_ms,
    }
}

/// Refuses a username Kiln cannot show or type safely: 1 to 64 of ASCII
/// letters, digits, `.`, `_`, `@` and `-`, not starting with `-`.
pub(crate) fn check_username(name: &str) -> Result<(), CoreError> {
    let ok = !name.is_empty()
        && name.len() <= 64
        && !name.starts_with('-')
        && name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '@' | '-'));
    if ok {
        Ok(())
    } else {
        Err(CoreError::Invalid(
            "username: use 1 to 64 letters, digits, '.', '_', '@' or '-' (not starting with '-')"
                .into(),
        ))
    }
}

/// Refuses a password under 8 or over 1024 characters.
pub(crate) fn check_password(password: &str) -> Result<(), CoreError> {
    let n = password.chars().count();
    if (8..=1024).contains(&n) {
        Ok(())
    } else {
        Err(CoreError::Invalid(
            "password: use 8 to 1024 characters".into(),
        ))
    }
}

fn blocked(blocked: Blocked) -> CoreError {
    let (whose, wait) = match blocked {
        Blocked::Account(wait) => ("this account", wait),
        Blocked::Address(wait) => ("your address", wait),
    };
    let minutes = wait.as_secs().div_ceil(60).max(1);
    CoreError::TooManyRequests {
        message: format!(
            "too many failed logins for {whose}; try again in {minutes} minute{}",
            if minutes == 1 { "" } else { "s" }
        ),
        retry_after_secs: wait.as_secs().max(1),
    }
}

impl Kiln {
    /// While Kiln has no user: makes (once) and answers the setup link's
    /// token, which only [`Kiln::complete_setup`] accepts. None once a user
    /// exists.
    pub async fn setup_token(&self) -> Result<Option<String>, CoreError> {
        if self.store().count_users().await? > 0 {
            return Ok(None);
        }
        let mut slot = self
            .inner
            .auth
            .setup_token
            .lock()
            .map_err(|_| CoreError::internal(&"setup token lock poisoned"))?;
        if slot.is_none() {
            *slot = Some(random_token().map_err(|e| CoreError::internal(&e))?);
        }
        Ok(slot.clone())
    }

    /// Whether Kiln still waits for its first admin (the login page then
    /// points at the setup link in the server log).
    pub async fn setup_pending(&self) -> Result<bool, CoreError> {
        Ok(self.store().count_users().await? == 0)
    }

    /// Creates the first admin through the setup link and signs them in.
    /// 401 for a wrong token, 409 once any user exists, 422 for a bad name
    /// or password.
    pub async fn complete_setup(
        &self,
        token: &str,
        username: &str,
        password: &str,
    ) -> Result<NewSession, CoreError> {
        check_username(username)?;
        check_password(password)?;
        if self.store().count_users().await? > 0 {
            return Err(CoreError::conflict(
                "Kiln is already set up; sign in instead",
            ));
        }
        let expected = self.setup_token().await?.unwrap_or_default();
        if expected.is_empty() || !same_secret(token, &expected) {
            return Err(CoreError::Unauthenticated(
                "this setup link is not valid; use the one in the Kiln server's log".into(),
            ));
        }
        let hash = hash_password(password.to_string())
            .await
            .map_err(|e| CoreError::internal(&e))?;
        let user = self
            .store()
            .create_user(username, &hash, true, now_ms())
            .await?;
        if let Ok(mut slot) = self.inner.auth.setup_token.lock() {
            *slot = None;
        }
        tracing::info!(user = %user.username, "first admin created through the setup link");
        self.begin_session(&user).await
    }

    /// Signs a user in with their password: a new session. 401 for a wrong
    /// name or password (the same answer, in about the same time) or a
    /// disabled user; 429 after too many failures for the account or the
    /// client `address`. The password is never logged.
    pub async fn login(
        &self,
        username: &str,
        password: &str,
        address: Option<IpAddr>,
    ) -> Result<NewSession, CoreError> {
        let limiter = &self.inner.auth.limiter;
        limiter.check(username, address).map_err(blocked)?;
        let found = self.store().user_by_name(username).await?;
        let (user, hash) = match found {
            Some((user, hash)) => (Some(user), hash),
            None => (None, DUMMY_HASH.to_string()),
        };
        let matches = verify_password(password.to_string(), hash).await;
        let Some(user) = user.filter(|_| matches) else {
            limiter.failed(username, address);
            tracing::info!(user = %username, ?address, "failed login");
            return Err(CoreError::Unauthenticated(WRONG_LOGIN.into()));
        };
        if user.disabled {
            return Err(CoreError::Unauthenticated(
                "this account is disabled; ask an admin".into(),
            ));
        }
        limiter.succeeded(username);
        self.begin_session(&user).await
    }

    async fn begin_session(&self, user: &User) -> Result<NewSession, CoreError> {
        let token = random_token().map_err(|e| CoreError::internal(&e))?;
        let csrf_token = random_token().map_err(|e| CoreError::internal(&e))?;
        self.store()
            .create_session(&token_hash(&token), user.id, &csrf_token, now_ms())
            .await?;
        Ok(NewSession {
            token,
            me: Me {
                user: user_view(user),
                csrf_token,
            },
        })
    }

    /// Ends the session whose cookie token is `token` (nothing if none).
    pub async fn logout(&self, token: &str) -> Result<(), CoreError> {
        Ok(self.store().delete_session(&token_hash(token)).await?)
    }

    /// Who the session with cookie token `token` belongs to. 401 when there
    /// is no such session, it has been idle or alive too long (it is then
    /// deleted), or its user is disabled.
    pub async fn authenticate_session(&self, token: &str) -> Result<Caller, CoreError> {
        let hash = token_hash(token);
        let Some(session) = self.store().session(&hash).await? else {
            return Err(CoreError::Unauthenticated(
                "not signed in (or the session ended); sign in again".into(),
            ));
        };
        let now = now_ms();
        let settings = &self.inner.auth.settings;
        let idle = now - session.last_seen_ms > millis(settings.session_idle);
        let old = now - session.created_at_ms > millis(settings.session_max);
        if idle || old {
            self.store().delete_session(&hash).await?;
            return Err(CoreError::Unauthenticated(
                "your session expired; sign in again".into(),
            ));
        }
        if now - session.last_seen_ms > 60_000 {
            self.store().touch_session(&hash, now).await?;
        }
        let user = self.store().user(session.user_id).await?;
        self.caller_of(
            user,
            None,
            Credential::Session {
                csrf_token: session.csrf_token,
            },
        )
        .await
    }

    /// Who the API key `key` belongs to, with the key's level cap. 401 for
    /// an unknown, revoked or expired key, or a disabled user.
    pub async fn authenticate_key(&self, key: &str) -> Result<Caller, CoreError> {
        let Some(record) = self.store().api_key_by_hash(&token_hash(key)).await? else {
            return Err(CoreError::Unauthenticated(
                "this API key is not valid (unknown or revoked)".into(),
            ));
        };
        let now = now_ms();
        if record.expires_at_ms.is_some_and(|at| at <= now) {
            return Err(CoreError::Unauthenticated(
                "this API key has expired".into(),
            ));
        }
        if record.last_used_ms.is_none_or(|at| now - at > 60_000) {
            self.store().touch_api_key(record.id, now).await?;
        }
        let user = self.store().user(record.user_id).await?;
        self.caller_of(
            user,
            record.level_cap,
            Credential::ApiKey { key_id: record.id },
        )
        .await
    }

    async fn caller_of(
        &self,
        user: User,
        cap: Option<kiln_domain::access::Level>,
        credential: Credential,
    ) -> Result<Caller, CoreError> {
        if user.disabled {
            return Err(CoreError::Unauthenticated(
                "this account is disabled; ask an admin".into(),
            ));
        }
        let grants = self.store().grants_for_user(user.id).await?;
        let permissions = Permissions::new(user.admin, grants).capped(cap);
        Ok(Caller::new(user.id, user.username, permissions, credential))
    }
}

fn millis(duration: std::time::Duration) -> i64 {
    i64::try_from(duration.as_millis()).unwrap_or(i64::MAX)
}
