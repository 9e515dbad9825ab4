//! sea-orm entities, one module per table. Only this crate sees them: the
//! rest of Kiln works with `kiln_domain` types.

pub mod alerter;
pub mod build;
pub mod builder;
pub mod ec2_instance;
pub mod git_account;
pub mod history;
pub mod registry_account;
pub mod repo;
pub mod run;
pub mod variable;
