//! What only a browser can do (EventSource, localStorage, Monaco, files),
//! behind one interface: the `hydrate` build does it, the server build does
//! nothing (these are only ever called from effects and event handlers,
//! which do not run on the server).

#[cfg(feature = "hydrate")]
mod log_follower;
#[cfg(feature = "hydrate")]
mod monaco;
#[cfg(feature = "hydrate")]
mod web;

#[cfg(feature = "hydrate")]
pub use log_follower::{follow_log, LogFollower};
#[cfg(feature = "hydrate")]
pub use monaco::{mount_editor, Editor};
#[cfg(feature = "hydrate")]
pub use web::{
    draft_clear, draft_load, draft_save, mark_hydrated, now_ms, read_file_text, scroll_to_end,
    signed_in_admin, signed_in_user,
};

#[cfg(not(feature = "hydrate"))]
mod server_side;
#[cfg(not(feature = "hydrate"))]
pub use server_side::*;
