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
use admin::AccessPages;
pub use build::BuildPage;
use build::{ConfigTab, DockerfileTab, HistoryTab, RunsTab};
use builders::BuildersPage;
pub use builds::BuildsPage;
pub use lazy::{
    AccessRoute, AccountsRoute, BuildersRoute, ConfigTabRoute, DockerfileTabRoute, HistoryTabRoute,
    LoadingRoutes, RunRoute, RunsTabRoute, SignInRoute, SyncRoute, VariablesRoute,
};
use run::RunPage;
use sync::SyncPage;
use variables::VariablesPage;
