//! One module per page.

mod accounts;
mod build;
mod builders;
mod builds;
mod run;
mod sync;
mod variables;

pub use accounts::AccountsPage;
pub use build::{BuildPage, ConfigTab, DockerfileTab, RunsTab};
pub use builders::BuildersPage;
pub use builds::BuildsPage;
pub use run::RunPage;
pub use sync::SyncPage;
pub use variables::VariablesPage;
