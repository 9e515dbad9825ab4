//! Builder health: the Local builder's Docker engine and each Server
//! builder's kiln-agent, checked now and then periodically
//! (`check.rs`), recorded on the [`HealthBoard`] the builders list shows.

mod board;
mod check;

pub use board::HealthBoard;
pub use check::start;
