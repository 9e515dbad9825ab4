//! Integration tests of kiln-domain, one module per area, in one binary.

mod build_args;
mod defaults;
mod env_lines;
mod image;
mod json;
mod save_time;
mod secret_rules;
mod support;
mod sync_alerter;
mod sync_export;
mod sync_parse;
mod sync_plan;
mod validation;
mod version;
