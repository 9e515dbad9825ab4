//! One module per page.

mod accounts;
mod admin;
mod build;
mod builders;
mod builds;
mod keys;
mod lazy;
mod login;
mod run;
mod sync;
mod variables;

use accounts::AccountsPage;
use admin::{GroupsPage, PermissionsPage, UsersPage};
pub use build::BuildPage;
use build::{ConfigTab, DockerfileTab, HistoryTab, PermissionsTab, RunsTab};
use builders::BuildersPage;
pub use builds::BuildsPage;
use keys::KeysPage;
pub use lazy::{
    AccountsRoute, BuildersRoute, ConfigTabRoute, DockerfileTabRoute, GroupsRoute, HistoryTabRoute,
    KeysRoute, LoadingRoutes, PermissionsRoute, PermissionsTabRoute, RunRoute, RunsTabRoute,
    SyncRoute, UsersRoute, VariablesRoute,
};
pub use login::{LoginPage, SetupPage};
use run::RunPage;
use sync::SyncPage;
use variables::VariablesPage;
