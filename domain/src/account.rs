use crate::Secret;
use serde::{Deserialize, Serialize};

/// Credentials for a git provider, named by (domain, username).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct GitAccount {
    pub domain: String,
    pub username: String,
    pub token: Secret,
}

/// Credentials for an image registry, named by (domain, username).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct RegistryAccount {
    pub domain: String,
    pub username: String,
    pub token: Secret,
}
