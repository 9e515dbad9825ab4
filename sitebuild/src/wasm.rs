//! The browser wasm: compiled by cargo, split at the lazy routes, bound by
//! wasm-bindgen, optimised by binaryen's `wasm-opt`.

use crate::OUTPUT_NAME;
use anyhow::{anyhow, bail, Context, Result};
use std::path::{Path, PathBuf};
use std::process::Command;
use wasm_bindgen_cli_support::Bindgen;

/// The name the split main module's generated glue imports the chunk loader
/// by, relative to `pkg/` (what cargo-leptos named it, so a site built either
/// way looks the same).
const SPLIT_LOADER: &str = "./__wasm_split.______________________.js";

/// Compiles `kiln-frontend` to wasm (profile `wasm-release` when `release`,
/// else `dev`) into `$CARGO_TARGET_DIR/front` (default `target/front`), and
/// answers the path of the `.wasm` it wrote.
///
/// The flags the split needs (`-Clink-args=--emit-relocs`, beside `--cfg
/// erase_components`) come from `.cargo/config.toml`'s
/// `[target.wasm32-unknown-unknown]`, so every wasm build agrees.
pub fn compile(root: &Path, release: bool) -> Result<PathBuf> {
    let target_dir = match std::env::var_os("CARGO_TARGET_DIR") {
        Some(dir) => root.join(dir),
        None => root.join("target"),
    }
    .join("front");
    let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
    let mut cmd = Command::new(cargo);
    cmd.current_dir(root).args([
        "build",
        "--package=kiln-frontend",
        "--lib",
        "--target=wasm32-unknown-unknown",
    ]);
    cmd.arg("--target-dir").arg(&target_dir);
    if release {
        cmd.arg("--profile=wasm-release");
    }
    let status = cmd.status().context("starting cargo")?;
    if !status.success() {
        bail!("cargo build of kiln-frontend failed ({status})");
    }
    let profile_dir = if release { "wasm-release" } else { "debug" };
    let wasm = target_dir
        .join("wasm32-unknown-unknown")
        .join(profile_dir)
        .join("kiln_frontend.wasm");
    if !wasm.is_file() {
        bail!("cargo reported success but left no {}", wasm.display());
    }
    Ok(wasm)
}

/// What [`split`] wrote.
pub struct Split {
    /// The main module, still to be bound by wasm-bindgen (beside the input).
    pub main: PathBuf,
    /// The chunks in `pkg/`, loaded on demand (already final but for
    /// `wasm-opt`).
    pub chunks: Vec<PathBuf>,
}

/// Splits `wasm` at its lazy routes: chunks, the loader and
/// `__wasm_split_manifest.json` (route → chunk stems) into `pkg`, the main
/// module beside `wasm` as `*_split.wasm`.
pub fn split(wasm: &Path, pkg: &Path) -> Result<Split> {
    let input = std::fs::read(wasm).with_context(|| format!("reading {}", wasm.display()))?;
    let main = wasm.with_file_name("kiln_frontend_split.wasm");
    let main_module = format!("./{OUTPUT_NAME}.js");
    let mut opts = wasm_split_cli_support::Options::new(&input);
    opts.output_dir = pkg;
    opts.main_out_path = &main;
    opts.main_module = &main_module;
    opts.link_name = SPLIT_LOADER;
    let split = wasm_split_cli_support::transform(opts).map_err(|e| anyhow!("{e:#}"))?;
    let manifest = serde_json::to_string_pretty(&split.prefetch_map)
        .context("serialising the split manifest")?;
    let manifest_path = pkg.join("__wasm_split_manifest.json");
    std::fs::write(&manifest_path, manifest)
        .with_context(|| format!("writing {}", manifest_path.display()))?;
    Ok(Split {
        main,
        chunks: split.split_modules,
    })
}

/// Binds the split main module for the browser (`--target web`, keeping the
/// linker's exports the chunks call and their mangled names) into
/// `pkg/kiln.js` and `pkg/kiln.wasm` (renamed from wasm-bindgen's
/// `kiln_bg.wasm`: Leptos's hydration script loads `/pkg/kiln.wasm`).
pub fn bind(main: &Path, pkg: &Path) -> Result<()> {
    let mut bindgen = Bindgen::new();
    bindgen.web(true).map_err(|e| anyhow!("{e:#}"))?;
    bindgen
        .input_path(main)
        .out_name(OUTPUT_NAME)
        .keep_lld_exports(true)
        .demangle(false)
        .typescript(false)
        .omit_default_module_path(false);
    bindgen.generate(pkg).map_err(|e| anyhow!("{e:#}"))?;
    let bound = pkg.join(format!("{OUTPUT_NAME}_bg.wasm"));
    let served = pkg.join(format!("{OUTPUT_NAME}.wasm"));
    std::fs::rename(&bound, &served)
        .with_context(|| format!("renaming {} to {}", bound.display(), served.display()))
}

/// Runs `wasm-opt -Oz` over each file in place, as many at a time as there
/// are cores.
pub fn optimise(files: &[PathBuf]) -> Result<()> {
    let width = std::thread::available_parallelism().map_or(1, usize::from);
    for batch in files.chunks(width) {
        let children = batch
            .iter()
            .map(|file| {
                Command::new("wasm-opt")
                    .args(["-Oz", "--enable-bulk-memory", "--enable-nontrapping-float-to-int"])
                    .arg(file)
                    .arg("-o")
                    .arg(file)
                    .spawn()
                    .context("starting wasm-opt (binaryen 132 on PATH; scripts/install-deps.sh installs it)")
                    .map(|child| (file, child))
            })
            .collect::<Result<Vec<_>>>()?;
        for (file, mut child) in children {
            let status = child.wait().context("waiting for wasm-opt")?;
            if !status.success() {
                bail!("wasm-opt failed on {} ({status})", file.display());
            }
        }
    }
    Ok(())
}
