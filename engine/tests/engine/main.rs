//! kiln-engine against the real services of kiln-testkit: a Docker engine,
//! registries with and without auth, and a git HTTP server with Basic auth.

mod args;
mod cancel;
mod errors;
mod git;
mod hung;
mod network;
mod registry;
mod secrets;
mod support;
mod ui;
