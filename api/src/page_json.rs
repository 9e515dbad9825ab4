//! A page's data as JSON text.

use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};

/// A page's data as JSON text. The server functions that feed a page answer
/// with this rather than the typed value, so every page loads through one
/// resource type and the wasm carries Leptos's resource, hydration and
/// Suspense code once instead of once per page. Each such function names
/// the type inside in its documentation.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(transparent)]
pub struct PageJson(String);

impl PageJson {
    /// `value` as JSON text.
    pub fn encode<T: Serialize>(value: &T) -> Result<Self, String> {
        serde_json::to_string(value)
            .map(Self)
            .map_err(|e| format!("could not encode the page's data: {e}"))
    }

    /// The value back, through the byte-slice decoder server function
    /// answers use in the browser (one decoder per type in the wasm).
    pub fn decode<T: DeserializeOwned>(&self) -> Result<T, String> {
        serde_json::from_slice(self.0.as_bytes())
            .map_err(|e| format!("could not read the page's data: {e}"))
    }
}
