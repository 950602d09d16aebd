//! The stamp of a build's inputs: one hash over the path, size, times and
//! inode of every file a build can read (`site.toml`, `content/`, `schemas/`, `data/`,
//! `templates/`, `static/`, `themes/`), the build options and the medsite
//! binary itself. It never reads a file's contents, so taking it costs one
//! `stat` per file.
//!
//! `build` stores the stamp with the output it wrote; when the next build
//! finds the same stamp and an intact output, nothing can have changed and
//! it stops there. Like Git's "racily clean" index entries, a file touched
//! within the last [`SETTLE`] might change again without its time moving
//! (file systems count time in coarse ticks), so then there is no stamp and
//! the build runs in full.
//!
//! Only Unix gives the change time and inode this needs; elsewhere (Windows)
//! there is never a stamp, and every build runs (still writing only the
//! files that changed).

use std::hash::Hasher;
use std::path::Path;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use walkdir::WalkDir;
use xxhash_rust::xxh3::Xxh3;

/// How old every input must be for its times to be trusted.
pub const SETTLE: Duration = Duration::from_secs(2);

/// The inputs of a build besides the site's files.
#[derive(Debug, Clone, Default)]
pub struct StampOptions<'a> {
    pub drafts: bool,
    pub base_url: Option<&'a str>,
}

/// The stamp of the site at `root`, or `None` when an input changed too
/// recently to be trusted or a file could not be inspected.
pub fn of_inputs(root: &Path, options: &StampOptions<'_>) -> Option<String> {
    let now = SystemTime::now().duration_since(UNIX_EPOCH).ok()?;
    let settled = now.checked_sub(SETTLE)?.as_nanos() as i128;
    let mut hasher = Xxh3::new();
    hasher.update(env!("CARGO_PKG_VERSION").as_bytes());
    // A rebuilt medsite may render differently: its own file counts too.
    let binary = std::env::current_exe().ok()?;
    add_file(&mut hasher, b"", &std::fs::metadata(binary).ok()?, settled)?;
    hasher.update(&[u8::from(options.drafts)]);
    hasher.update(options.base_url.unwrap_or("").as_bytes());
    hasher.update(b"\0");
    for input in [
        "site.toml",
        "content",
        "templates",
        "static",
        "themes",
        "schemas",
        "data",
    ] {
        let path = root.join(input);
        if !path.exists() {
            hasher.update(b"absent\0");
            continue;
        }
        for entry in WalkDir::new(&path).sort_by_file_name() {
            let entry = entry.ok()?;
            if entry.file_type().is_dir() {
                continue;
            }
            let relative = entry.path().strip_prefix(root).ok()?;
            // Follows symbolic links: what matters is the file read.
            let metadata = std::fs::metadata(entry.path()).ok()?;
            add_file(
                &mut hasher,
                relative.as_os_str().as_encoded_bytes(),
                &metadata,
                settled,
            )?;
        }
    }
    Some(format!("{:032x}", hasher.digest128()))
}

/// Adds one file to the stamp; `None` when it changed after `settled`.
fn add_file(
    hasher: &mut Xxh3,
    name: &[u8],
    metadata: &std::fs::Metadata,
    settled: i128,
) -> Option<()> {
    let [modified, changed, inode, device] = identity(metadata)?;
    if modified > settled || changed > settled {
        return None;
    }
    hasher.update(name);
    hasher.update(b"\0");
    for number in [metadata.len() as i128, modified, changed, inode, device] {
        hasher.write_i128(number);
    }
    Some(())
}

/// Modification and change times (nanoseconds) and the inode and device
/// of a file. The change time moves on every write and cannot be set back
/// by hand.
#[cfg(unix)]
fn identity(metadata: &std::fs::Metadata) -> Option<[i128; 4]> {
    use std::os::unix::fs::MetadataExt;
    let nanos =
        |seconds: i64, nanoseconds: i64| seconds as i128 * 1_000_000_000 + nanoseconds as i128;
    Some([
        nanos(metadata.mtime(), metadata.mtime_nsec()),
        nanos(metadata.ctime(), metadata.ctime_nsec()),
        metadata.ino() as i128,
        metadata.dev() as i128,
    ])
}

/// Without a change time a file could change unseen: no stamp.
#[cfg(not(unix))]
fn identity(_metadata: &std::fs::Metadata) -> Option<[i128; 4]> {
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_file_changed_just_now_gives_no_stamp() {
        let site = tempfile::tempdir().unwrap();
        std::fs::write(site.path().join("site.toml"), "title = \"x\"\n").unwrap();
        assert_eq!(of_inputs(site.path(), &StampOptions::default()), None);
    }
}
