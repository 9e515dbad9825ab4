//! Real services for Kiln's integration tests, all bound to 127.0.0.1.
//!
//! * [`DockerEngine`]: a Docker engine (an existing one, or a `dockerd` shared by all
//!   test processes under `/var/tmp/kiln-testkit`; stop it with [`stop_shared_engine`]
//!   or `testkit/scripts/stop-services.sh`).
//! * [`base_image`]: the offline busybox image `kiln-test/base:1`.
//! * [`Registry`]: Debian's `docker-registry` with optional htpasswd auth.
//! * [`GitServer`]: `git http-backend` behind a small HTTP server, with optional Basic auth.
//! * [`agent::KilnAgent`]: the real `kiln-agent` binary on 127.0.0.1:0.
//! * [`moto::Moto`]: the moto EC2 emulator (installed into a venv on first use).
//! * [`SilentServer`]: accepts TCP connections and never answers (a hung server).
//! * [`free_port`] and [`wait_http`].
//!
//! Registries and git servers are stopped (process killed and reaped, temp dirs removed)
//! when their handle is dropped; dropping needs no async runtime.

pub mod agent;
mod engine;
mod git_cli;
mod git_server;
mod image;
pub mod kiln;
mod lock;
pub mod moto;
mod ports;
mod process;
mod registry;
mod silent;

pub use engine::{buildkit_cli, shared_engine_host, stop_shared_engine, DockerEngine, EngineKind};
pub use git_server::{GitServer, RepoHandle};
pub use image::{base_image, BASE_IMAGE};
pub use ports::{ensure_loopback, free_port, wait_http};
pub use registry::Registry;
pub use silent::SilentServer;
