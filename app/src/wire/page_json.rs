use crate::components::parse_json;
use leptos::prelude::ServerFnError;
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
    pub fn encode<T: Serialize>(value: &T) -> Result<Self, ServerFnError> {
        serde_json::to_string(value)
            .map(Self)
            .map_err(|e| ServerFnError::new(format!("could not encode the page's data: {e}")))
    }

    pub fn decode<T: DeserializeOwned>(&self) -> Result<T, String> {
        parse_json(&self.0).map_err(|e| format!("could not read the page's data: {e}"))
    }
}
