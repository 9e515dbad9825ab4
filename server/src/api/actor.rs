//! Who calls the JSON API: the [`Caller`] the identify layer found (a
//! session or an API key), as the CLI's actor when the `kiln` command line
//! says so with the `x-kiln-client: cli` header (its door in the history and
//! the trigger of the runs it starts), else as the API's. Without a caller
//! the request is refused (401). Request bodies never choose a run's
//! trigger.

use super::ApiError;
use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use kiln_core::{Actor, Caller, CoreError};

/// The header the CLI sends.
pub const CLIENT_HEADER: &str = "x-kiln-client";

/// The [`Actor`] of a JSON API request: [`Actor::Cli`] or [`Actor::Api`].
#[derive(Clone, Debug)]
pub struct ApiActor(pub Actor);

impl<S: Send + Sync> FromRequestParts<S> for ApiActor {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, _state: &S) -> Result<Self, ApiError> {
        let Some(caller) = parts.extensions.get::<Caller>().cloned() else {
            return Err(ApiError::Core(CoreError::Unauthenticated(
                "sign in, or send an API key (Authorization: Bearer kiln_…)".into(),
            )));
        };
        let cli = parts
            .headers
            .get(CLIENT_HEADER)
            .is_some_and(|v| v.as_bytes() == b"cli");
        Ok(Self(if cli {
            Actor::Cli(caller)
        } else {
            Actor::Api(caller)
        }))
    }
}
