use crate::{ResourceName, Secret};
use serde::{Deserialize, Serialize};

/// A named value interpolated as `[[NAME]]`. Secret values are write-only
/// outside the server: never exported, shown or logged.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Variable {
    pub name: ResourceName,
    pub value: Secret,
    #[serde(default)]
    pub description: String,
    #[serde(default)]
    pub is_secret: bool,
}
