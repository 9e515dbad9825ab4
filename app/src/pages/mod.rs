//! One module per page.

mod accounts;
mod build;
mod builders;
mod builds;
mod lazy;
mod login;
mod run;
mod sync;
mod variables;

use accounts::AccountsPage;
pub use build::BuildPage;
use build::{ConfigTab, DockerfileTab, HistoryTab, RunsTab};
use builders::BuildersPage;
pub use builds::BuildsPage;
pub use lazy::{
    AccountsRoute, BuildersRoute, ConfigTabRoute, DockerfileTabRoute, HistoryTabRoute,
    LoadingRoutes, RunRoute, RunsTabRoute, SyncRoute, VariablesRoute,
};
pub use login::{LoginPage, SetupPage};
use run::RunPage;
use sync::SyncPage;
use variables::VariablesPage;
