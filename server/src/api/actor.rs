//! Who calls the JSON API: the `kiln` command line says so with the
//! `x-kiln-client: cli` header (its door in the history and the trigger of
//! the runs it starts); every other client is the API. Request bodies never
//! choose a run's trigger.

use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use kiln_core::Actor;
use std::convert::Infallible;

/// The header the CLI sends.
pub const CLIENT_HEADER: &str = "x-kiln-client";

/// The [`Actor`] of a JSON API request: [`Actor::Cli`] or [`Actor::Api`].
#[derive(Clone, Debug)]
pub struct ApiActor(pub Actor);

impl<S: Send + Sync> FromRequestParts<S> for ApiActor {
    type Rejection = Infallible;

    async fn from_request_parts(parts: &mut Parts, _state: &S) -> Result<Self, Infallible> {
        let cli = parts
            .headers
            .get(CLIENT_HEADER)
            .is_some_and(|v| v.as_bytes() == b"cli");
        Ok(Self(if cli { Actor::Cli } else { Actor::Api }))
    }
}
