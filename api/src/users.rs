//! Users, API keys, groups and grants as the doors show them (no password
//! hashes, no keys but once, when made). Times are Unix milliseconds.

use serde::{Deserialize, Serialize};

/// A user.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct UserView {
    pub username: String,
    pub admin: bool,
    pub disabled: bool,
    pub created_at_ms: i64,
}

/// Who is signed in, for the user menu: the user, and the CSRF token the
/// browser sends back with every change (`x-csrf-token`; empty for an API
/// key, which needs none).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Me {
    pub user: UserView,
    pub csrf_token: String,
}

/// A new user (`POST /api/v1/users`).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct NewUser {
    pub username: String,
    pub password: String,
    #[serde(default)]
    pub admin: bool,
}

/// A change to a user (`PATCH /api/v1/users/{name}`): each field given is
/// set; a new password ends the user's sessions, `disabled = true` ends
/// their sessions and stops their keys.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct UserChange {
    #[serde(default)]
    pub password: Option<String>,
    #[serde(default)]
    pub admin: Option<bool>,
    #[serde(default)]
    pub disabled: Option<bool>,
}

/// An API key as listed (never the key itself).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ApiKeyView {
    pub id: i64,
    pub username: String,
    pub name: String,
    /// The key's first characters (`kiln_AbCdEfG`).
    pub prefix: String,
    /// `"Read"`, `"Execute"` or `"Write"`: the key never exceeds it (None:
    /// the user's own permissions).
    pub level_cap: Option<String>,
    pub created_at_ms: i64,
    pub expires_at_ms: Option<i64>,
    pub last_used_ms: Option<i64>,
}

/// A new API key (`POST /api/v1/api-keys`).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct NewApiKey {
    /// Whose key (admins only; default: the caller's own).
    #[serde(default)]
    pub username: Option<String>,
    pub name: String,
    /// When the key stops working (None: never).
    #[serde(default)]
    pub expires_at_ms: Option<i64>,
    /// A narrower level than the user's (`"Read"`, `"Execute"`, `"Write"`).
    #[serde(default)]
    pub level_cap: Option<String>,
}

/// A key just made: the key itself, shown this once, and its listing.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct CreatedApiKey {
    pub key: String,
    pub listing: ApiKeyView,
}

/// A group of users.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct GroupView {
    pub name: String,
    /// Every user is a member.
    #[serde(default)]
    pub everyone: bool,
    /// Usernames.
    #[serde(default)]
    pub members: Vec<String>,
}

/// A grant (`PUT /api/v1/grants` sets one; level `"None"` removes it).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct GrantView {
    /// `"user"` or `"group"`.
    pub subject_type: String,
    /// The user's or group's name.
    pub subject: String,
    /// `"build"`, `"builder"`, `"variable"`, `"repo"`, `"git_account"`,
    /// `"registry_account"` or `"alerter"`.
    pub kind: String,
    /// One resource by name (accounts: `domain/username`); None: every
    /// resource of the kind.
    #[serde(default)]
    pub resource: Option<String>,
    /// `"None"`, `"Read"`, `"Execute"` or `"Write"`.
    pub level: String,
}

/// The API keys page: the user's keys, newest first, and the server's clock.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ApiKeysPage {
    pub keys: Vec<ApiKeyView>,
    pub now_ms: i64,
}

/// The admin's Users page: every user, and who is looking (they cannot
/// disable or demote themselves).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct UsersPage {
    pub users: Vec<UserView>,
    pub me: String,
}

/// The admin's Groups page: every group, and every username (members to
/// choose from).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct GroupsPage {
    pub groups: Vec<GroupView>,
    pub users: Vec<String>,
}

/// The admin's Permissions page (every grant) or a resource's Permissions
/// panel (the grants on it and on its whole kind), with the users and
/// groups a new grant may name.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct GrantsPage {
    pub grants: Vec<GrantView>,
    pub users: Vec<String>,
    pub groups: Vec<String>,
}
