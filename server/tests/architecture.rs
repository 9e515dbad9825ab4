//! The crate rules ARCHITECTURE.md states, checked: the UI crate is a leaf
//! no server-side crate depends on, `kiln-api` stays wasm-safe, and only the
//! application core touches the store (and, through it, the run manager).
//! Reads the workspace's Cargo.toml files and sources; needs no service.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("the workspace root")
        .to_path_buf()
}

/// Every workspace member's package name → the names of its dependencies
/// (normal, dev and build; optional ones included).
fn members() -> BTreeMap<String, Vec<String>> {
    let workspace: toml::Value =
        toml::from_str(&std::fs::read_to_string(root().join("Cargo.toml")).unwrap()).unwrap();
    let mut out = BTreeMap::new();
    for member in workspace["workspace"]["members"].as_array().unwrap() {
        let path = root().join(member.as_str().unwrap()).join("Cargo.toml");
        let manifest: toml::Value = toml::from_str(&std::fs::read_to_string(&path).unwrap())
            .unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        let name = manifest["package"]["name"].as_str().unwrap().to_string();
        let mut deps = Vec::new();
        for section in ["dependencies", "dev-dependencies", "build-dependencies"] {
            if let Some(table) = manifest.get(section).and_then(|t| t.as_table()) {
                deps.extend(table.keys().cloned());
            }
        }
        out.insert(name, deps);
    }
    out
}

fn deps_of<'a>(members: &'a BTreeMap<String, Vec<String>>, name: &str) -> &'a [String] {
    members
        .get(name)
        .unwrap_or_else(|| panic!("{name} is a workspace member"))
}

#[test]
fn core_and_api_do_not_depend_on_the_ui_crate() {
    let members = members();
    for name in [
        "kiln-core",
        "kiln-api",
        "kiln-domain",
        "kiln-store",
        "kiln-engine",
    ] {
        assert!(
            !deps_of(&members, name).iter().any(|d| d == "kiln-app"),
            "{name} depends on kiln-app"
        );
    }
}

#[test]
fn api_depends_on_serde_and_the_domain_only() {
    let members = members();
    let allowed = ["serde", "serde_json", "kiln-domain"];
    for dep in deps_of(&members, "kiln-api") {
        assert!(
            allowed.contains(&dep.as_str()),
            "kiln-api depends on {dep}; it may depend on {allowed:?} only (it compiles to wasm)"
        );
    }
}

#[test]
fn only_the_core_depends_on_the_store() {
    // The store's own migrations, and the test and benchmark harnesses
    // (which may read a data dir), are the only other crates allowed.
    let allowed = ["kiln-core", "kiln-testkit", "kiln-bench", "kiln-migrations"];
    for (name, deps) in members() {
        if deps.iter().any(|d| d == "kiln-store") {
            assert!(
                allowed.contains(&name.as_str()),
                "{name} depends on kiln-store; only kiln-core may (front doors go through kiln_core::Kiln)"
            );
        }
    }
}

/// Every `.rs` file under `dir`.
fn sources(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    for entry in std::fs::read_dir(dir).unwrap().flatten() {
        let path = entry.path();
        if path.is_dir() {
            out.extend(sources(&path));
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
    out
}

fn files_mentioning(dir: &str, needle: &str) -> Vec<String> {
    sources(&root().join(dir))
        .into_iter()
        .filter(|path| std::fs::read_to_string(path).unwrap().contains(needle))
        .map(|path| path.strip_prefix(root()).unwrap().display().to_string())
        .collect()
}

#[test]
fn front_doors_never_name_the_store_or_the_run_manager() {
    for dir in ["server/src", "app/src"] {
        for needle in ["kiln_store::", "RunManager", "RunControl"] {
            assert_eq!(
                files_mentioning(dir, needle),
                Vec::<String>::new(),
                "{needle} appears under {dir}; front doors call kiln_core::Kiln"
            );
        }
    }
}

#[test]
fn the_server_imports_the_ui_crate_only_to_serve_it() {
    assert_eq!(
        files_mentioning("server/src", "kiln_app"),
        ["server/src/serve.rs"],
        "only serve.rs mounts the UI; shared types come from kiln_api"
    );
}
