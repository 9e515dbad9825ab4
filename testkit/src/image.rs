//! The offline base image `kiln-test/base:1`: busybox and a few applet links.

use std::path::Path;
use std::time::Duration;

use anyhow::{bail, Context};
use bollard::query_parameters::CreateImageOptionsBuilder;
use futures_util::StreamExt;

use crate::engine::DockerEngine;
use crate::lock::{state_subdir, FileLock};

/// The reference of the base image made by [`base_image`].
pub const BASE_IMAGE: &str = "kiln-test/base:1";

/// Makes sure the engine has [`BASE_IMAGE`] and returns its reference.
///
/// The image is imported offline from a tar holding `/bin/busybox` (from the Debian
/// package `busybox-static`), links for common applets (`sh`, `echo`, `cat`, `ls`, …),
/// `/usr/bin/env`, `/tmp` and a minimal `/etc/passwd`. Idempotent; concurrent callers in
/// several processes serialise on a file lock.
pub async fn base_image(engine: &DockerEngine) -> anyhow::Result<String> {
    let docker = engine.docker();
    if docker.inspect_image(BASE_IMAGE).await.is_ok() {
        return Ok(BASE_IMAGE.to_owned());
    }
    let dir = state_subdir("images")?;
    let _lock = FileLock::acquire(&dir.join("base.lock"), LOCK_TIMEOUT).await?;
    if docker.inspect_image(BASE_IMAGE).await.is_ok() {
        return Ok(BASE_IMAGE.to_owned());
    }
    let tar = base_tar(Path::new(BUSYBOX))?;
    let (repo, tag) = BASE_IMAGE
        .rsplit_once(':')
        .context("BASE_IMAGE has no tag")?;
    let options = CreateImageOptionsBuilder::default()
        .from_src("-")
        .repo(repo)
        .tag(tag)
        .changes(vec![
            "ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin".to_owned(),
            "CMD [\"/bin/sh\"]".to_owned(),
        ])
        .build();
    let mut progress =
        docker.create_image(Some(options), Some(bollard::body_full(tar.into())), None);
    while let Some(item) = progress.next().await {
        item.with_context(|| format!("importing {BASE_IMAGE}"))?;
    }
    docker
        .inspect_image(BASE_IMAGE)
        .await
        .with_context(|| format!("{BASE_IMAGE} is missing after the import"))?;
    Ok(BASE_IMAGE.to_owned())
}

/// Where Debian's `busybox-static` installs the binary.
const BUSYBOX: &str = "/bin/busybox";
/// How long to wait for another process importing the image.
const LOCK_TIMEOUT: Duration = Duration::from_secs(120);
/// Applets linked into `/bin`.
const APPLETS: &[&str] = &[
    "sh", "echo", "cat", "ls", "mkdir", "sleep", "env", "sed", "grep", "true", "false", "wc",
    "head", "tail", "touch", "rm", "cp", "mv", "printf", "test", "id", "date", "chmod", "pwd",
    "uname", "whoami", "tr", "sort", "find", "xargs", "ln", "basename", "dirname", "[",
];

/// Builds the root file system tar in memory.
fn base_tar(busybox: &Path) -> anyhow::Result<Vec<u8>> {
    let binary = std::fs::read(busybox).with_context(|| {
        format!(
            "reading {}: install the Debian package busybox-static",
            busybox.display()
        )
    })?;
    if has_interpreter(&binary) {
        bail!(
            "{} is dynamically linked: install busybox-static",
            busybox.display()
        );
    }
    let mut builder = tar::Builder::new(Vec::new());
    for (dir, mode) in [
        ("bin", 0o755),
        ("etc", 0o755),
        ("tmp", 0o1777),
        ("usr", 0o755),
        ("usr/bin", 0o755),
    ] {
        append_dir(&mut builder, dir, mode)?;
    }
    append_file(&mut builder, "bin/busybox", &binary, 0o755)?;
    append_file(
        &mut builder,
        "etc/passwd",
        b"root:x:0:0:root:/root:/bin/sh\nnobody:x:65534:65534:nobody:/:/bin/false\n",
        0o644,
    )?;
    append_file(
        &mut builder,
        "etc/group",
        b"root:x:0:\nnogroup:x:65534:\n",
        0o644,
    )?;
    for applet in APPLETS {
        append_symlink(&mut builder, &format!("bin/{applet}"), "busybox")?;
    }
    append_symlink(&mut builder, "usr/bin/env", "/bin/busybox")?;
    builder.into_inner().context("finishing the base image tar")
}

fn append_dir(builder: &mut tar::Builder<Vec<u8>>, path: &str, mode: u32) -> anyhow::Result<()> {
    let mut header = header(tar::EntryType::Directory, mode, 0);
    builder
        .append_data(&mut header, path, std::io::empty())
        .with_context(|| format!("adding {path} to the tar"))
}

fn append_file(
    builder: &mut tar::Builder<Vec<u8>>,
    path: &str,
    contents: &[u8],
    mode: u32,
) -> anyhow::Result<()> {
    let size = u64::try_from(contents.len()).context("file too large")?;
    let mut header = header(tar::EntryType::Regular, mode, size);
    builder
        .append_data(&mut header, path, contents)
        .with_context(|| format!("adding {path} to the tar"))
}

fn append_symlink(
    builder: &mut tar::Builder<Vec<u8>>,
    path: &str,
    target: &str,
) -> anyhow::Result<()> {
    let mut header = header(tar::EntryType::Symlink, 0o777, 0);
    builder
        .append_link(&mut header, path, target)
        .with_context(|| format!("adding the link {path} to the tar"))
}

fn header(kind: tar::EntryType, mode: u32, size: u64) -> tar::Header {
    let mut header = tar::Header::new_gnu();
    header.set_entry_type(kind);
    header.set_mode(mode);
    header.set_size(size);
    header.set_uid(0);
    header.set_gid(0);
    header.set_mtime(0);
    header
}

/// True when the ELF file has a `PT_INTERP` program header (it is dynamically linked).
fn has_interpreter(elf: &[u8]) -> bool {
    const PT_INTERP: u32 = 3;
    let read_u16 = |at: usize| {
        elf.get(at..at + 2)
            .and_then(|b| b.try_into().ok())
            .map(u16::from_le_bytes)
    };
    let read_u32 = |at: usize| {
        elf.get(at..at + 4)
            .and_then(|b| b.try_into().ok())
            .map(u32::from_le_bytes)
    };
    let read_u64 = |at: usize| {
        elf.get(at..at + 8)
            .and_then(|b| b.try_into().ok())
            .map(u64::from_le_bytes)
    };
    // 64-bit little-endian ELF only; anything else is left to `docker run` to judge.
    if elf.get(..6) != Some(b"\x7fELF\x02\x01".as_slice()) {
        return false;
    }
    let (Some(phoff), Some(phentsize), Some(phnum)) =
        (read_u64(0x20), read_u16(0x36), read_u16(0x38))
    else {
        return false;
    };
    let Ok(phoff) = usize::try_from(phoff) else {
        return false;
    };
    (0..usize::from(phnum)).any(|i| read_u32(phoff + i * usize::from(phentsize)) == Some(PT_INTERP))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn busybox_static_has_no_interpreter() {
        let binary = std::fs::read(BUSYBOX).expect("busybox-static is installed");
        assert!(!has_interpreter(&binary));
    }

    #[test]
    fn dynamic_binaries_have_an_interpreter() {
        let binary = std::fs::read("/bin/ls").expect("/bin/ls exists");
        assert!(has_interpreter(&binary));
    }
}
