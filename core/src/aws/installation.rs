//! This Kiln installation's id, kept in the data dir. Every EC2 instance is
//! tagged with it, so the orphan sweep only touches this Kiln's instances.

use std::path::Path;

use anyhow::Context;

/// The tag key holding the installation id.
pub const INSTALLATION_TAG: &str = "kiln-installation";

/// Reads `<data dir>/installation-id`, creating it (16 random hex digits)
/// on first start.
pub fn load_or_create(data_dir: &Path) -> anyhow::Result<String> {
    let path = data_dir.join("installation-id");
    match std::fs::read_to_string(&path) {
        Ok(text) if !text.trim().is_empty() => return Ok(text.trim().to_string()),
        Ok(_) => {}
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
        Err(e) => return Err(e).with_context(|| format!("reading {}", path.display())),
    }
    let key = kiln_protocol::generate_key()
        .map_err(|e| anyhow::anyhow!("generating the installation id: {e}"))?;
    let id = format!("kiln-{}", &key[..16]);
    std::fs::write(&path, format!("{id}\n"))
        .with_context(|| format!("writing {}", path.display()))?;
    Ok(id)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_id_is_created_once_and_kept() {
        let dir = tempfile::tempdir().unwrap();
        let first = load_or_create(dir.path()).unwrap();
        assert!(first.starts_with("kiln-") && first.len() == 21, "{first}");
        assert_eq!(load_or_create(dir.path()).unwrap(), first);
    }
}
