//! Finding the built site (wasm, JS, CSS) so `kiln serve` needs no set-up
//! after `scripts/build.sh`.

use std::path::{Path, PathBuf};

/// The first of: the configured dir, `LEPTOS_SITE_ROOT`, `site/` beside the
/// binary's profile dir (`target/site` for `target/debug/kiln`), the
/// workspace's `target/site`. `None` if none holds `pkg/`.
pub fn find_site_dir(configured: Option<&Path>) -> Option<PathBuf> {
    if let Some(dir) = configured {
        return Some(dir.to_path_buf());
    }
    let mut candidates: Vec<PathBuf> = Vec::new();
    if let Some(root) = std::env::var_os("LEPTOS_SITE_ROOT") {
        candidates.push(PathBuf::from(root));
    }
    if let Ok(exe) = std::env::current_exe() {
        if let Some(profile_dir) = exe.parent() {
            candidates.push(profile_dir.join("site"));
            if let Some(target_dir) = profile_dir.parent() {
                candidates.push(target_dir.join("site"));
            }
        }
    }
    candidates.push(Path::new(env!("CARGO_MANIFEST_DIR")).join("../target/site"));
    candidates.into_iter().find(|dir| dir.join("pkg").is_dir())
}
