//! The types that cross Kiln's front doors: what the JSON API answers, what
//! server functions send the browser, and what the application core
//! (`kiln-core`) returns. Wasm-safe: serde and `kiln-domain` only, so the UI
//! (both sides), the server and the core share one definition of each view.
//!
//! Architecture invariant: `kiln-api` depends on nothing but serde,
//! serde_json and `kiln-domain`; it never depends on the UI crate, the store
//! or the engine.

mod alerters;
mod build_page;
mod builders;
mod builds;
mod page_json;
mod resources;
mod revisions;
mod runs;
mod users;

pub use alerters::AlerterView;
pub use build_page::{AccountRef, BuildPageData, Choices, SaveAnswer, SourceDockerfile};
pub use builders::{BuilderHealth, BuilderRow, BuilderView, LOCAL_BUILDER};
pub use builds::{builder_label, source_label, BuildList, BuildSummary};
pub use page_json::PageJson;
pub use resources::{
    AccountKind, AccountList, AccountView, SyncAnswer, VariableList, VariableView,
};
pub use revisions::{BuildHistory, FieldConflict, Patch, Revised};
pub use runs::{RunBrief, RunJson, RunPageData, RunView, RunsOfBuild};
pub use users::{
    ApiKeyView, ApiKeysPage, CreatedApiKey, GrantView, GrantsPage, GroupView, GroupsPage, Me,
    NewApiKey, NewUser, UserChange, UserView, UsersPage,
};
