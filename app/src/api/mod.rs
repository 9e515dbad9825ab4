//! Server functions: the UI's only door to data. Each is a thin adapter over
//! the application core (`kiln_core::Kiln`, from Leptos context) as
//! `Actor::Ui` carrying the signed-in user (`ssr::actor`); validation lives in `kiln-domain`.

mod access;
mod builds;
mod config;
mod resources;
mod runs;
mod sync;

pub use access::*;
pub use builds::*;
pub use config::*;
pub use resources::*;
pub use runs::*;
pub use sync::*;

use leptos::prelude::ServerFnError;

/// The message inside a server function error, without Leptos's prefix.
pub fn error_text(err: &ServerFnError) -> String {
    match err {
        ServerFnError::ServerError(msg) => msg.clone(),
        other => other.to_string(),
    }
}

/// A page's data as [`kiln_api::PageJson`], or the error saying why not.
#[cfg(feature = "ssr")]
fn page<T: serde::Serialize>(value: &T) -> Result<kiln_api::PageJson, ServerFnError> {
    kiln_api::PageJson::encode(value).map_err(ServerFnError::new)
}
