//! `kiln-site-build`: builds the site `kiln serve` serves, into
//! `target/site` of the workspace it is run in.
//!
//! Usage: `kiln-site-build [--release] [--site DIR]` from the workspace root
//! (`scripts/build.sh` runs it after building `kiln` and `kiln-agent`).
//!
//! Steps, in order (see [`wasm`] and [`files`]):
//! 1. `cargo build -p kiln-frontend --target wasm32-unknown-unknown` (profile
//!    `wasm-release` with `--release`, else `dev`) into
//!    `$CARGO_TARGET_DIR/front`;
//! 2. split the wasm at the lazy routes into a main module and chunks
//!    (`pkg/chunk_*.wasm`, `pkg/split_*.wasm`, the loader
//!    `pkg/__wasm_split.*.js` and `pkg/__wasm_split_manifest.json`);
//! 3. bind the main module with wasm-bindgen (`pkg/kiln.js`, `pkg/kiln.wasm`,
//!    `pkg/snippets/`);
//! 4. with `--release`, `wasm-opt -Oz` every wasm file (binaryen's
//!    `wasm-opt` from PATH);
//! 5. `style/main.css` to `pkg/kiln.css`, and `assets/` into the site root.
//!
//! The output is what `cargo leptos build --split` produced before this tool
//! replaced it (the same file names, loader and manifest), without compiling
//! cargo-leptos's own ~600 crates on a first start.

mod files;
mod wasm;

use anyhow::{bail, Context, Result};
use std::path::PathBuf;
use std::time::Instant;

/// The file name stem of everything the page loads (`/pkg/kiln.js`,
/// `/pkg/kiln.wasm`, `/pkg/kiln.css`): the server's `LeptosOptions`
/// `output_name`, and `LEPTOS_OUTPUT_NAME` in `.cargo/config.toml`.
pub const OUTPUT_NAME: &str = "kiln";

/// What to build, from the command line.
struct Options {
    release: bool,
    root: PathBuf,
    site: PathBuf,
}

fn options() -> Result<Options> {
    let root = std::env::current_dir().context("reading the current directory")?;
    let mut release = false;
    let mut site = root.join("target/site");
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "--release" => release = true,
            "--site" => {
                let dir = args.next().context("--site needs a directory")?;
                site = root.join(dir);
            }
            other => bail!(
                "unknown argument '{other}' (usage: kiln-site-build [--release] [--site DIR])"
            ),
        }
    }
    if !root.join("frontend/Cargo.toml").is_file() {
        bail!(
            "{} is not Kiln's workspace root (no frontend/Cargo.toml): run kiln-site-build there",
            root.display()
        );
    }
    Ok(Options {
        release,
        root,
        site,
    })
}

/// Runs `step`, then prints how long it took.
fn timed<T>(name: &str, step: impl FnOnce() -> Result<T>) -> Result<T> {
    let start = Instant::now();
    let value = step().with_context(|| format!("site build: {name}"))?;
    eprintln!(
        "==> site: {name} took {:.1} s",
        start.elapsed().as_secs_f64()
    );
    Ok(value)
}

fn main() -> Result<()> {
    let opts = options()?;
    let pkg = opts.site.join("pkg");
    let wasm = timed("cargo build (wasm)", || {
        wasm::compile(&opts.root, opts.release)
    })?;
    files::clean_dir(&pkg)?;
    let chunks = timed("split at the lazy routes", || wasm::split(&wasm, &pkg))?;
    timed("wasm-bindgen", || wasm::bind(&chunks.main, &pkg))?;
    if opts.release {
        let mut all = chunks.chunks;
        all.push(pkg.join(format!("{OUTPUT_NAME}.wasm")));
        timed("wasm-opt -Oz", || wasm::optimise(&all))?;
    }
    timed("styles and assets", || {
        files::copy_file(
            &opts.root.join("style/main.css"),
            &pkg.join(format!("{OUTPUT_NAME}.css")),
        )?;
        files::copy_tree(&opts.root.join("assets"), &opts.site)
    })?;
    Ok(())
}
