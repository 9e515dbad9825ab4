//! The Kiln server and command-line client as a library: `kiln serve`
//! (axum: the JSON API, the Leptos UI and its server functions, the git
//! webhook listeners) and the `kiln build`/`kiln sync` commands that talk to
//! a running server. The `kiln` binary (`main.rs`) only parses arguments and
//! calls [`cli::run`].

pub mod agent_download;
pub mod api;
pub mod auth;
pub mod body_limit;
pub mod cli;
pub mod client;
pub mod client_credentials;
pub mod config;
pub mod host_admin;
pub mod serve;
pub mod site;
pub mod webhooks;
