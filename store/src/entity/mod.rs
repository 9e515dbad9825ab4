//! sea-orm entities, one module per table. Only this crate sees them: the
//! rest of Kiln works with `kiln_domain` types.

pub mod access_grant;
pub mod alerter;
pub mod api_key;
pub mod build;
pub mod builder;
pub mod ec2_instance;
pub mod git_account;
pub mod group_member;
pub mod history;
pub mod kiln_user;
pub mod registry_account;
pub mod repo;
pub mod run;
pub mod user_group;
pub mod user_session;
pub mod variable;
