//! [`update`]: `watch`'s few files per edit, written one by one into an
//! output folder that a full [`write`](super::write()) made, where a
//! staging swap of the whole site would be too slow.
//!
//! After writing, the folder must still be medsite's: its marker must name
//! it (or one is written that does, vouching for no file). Reading the
//! marker means reading and parsing the manifest of every file of the
//! site, about 9 ms at 10,000 pages, on every edit; [`MarkerSeen`] keeps
//! what the last update found, so that while neither the folder nor its
//! marker changed (one `stat` each) it is not read again.

use std::path::Path;

use rayon::prelude::*;

use super::{FsError, Manifest, OutputError, folder_identity, marker_path, mtime_nanos};
use crate::fs;
use crate::render::{Content, Output};

/// What an incremental [`update`] did, as relative output paths.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Changes {
    /// Files new or different from what was there.
    pub written: Vec<String>,
    /// Files deleted.
    pub removed: Vec<String>,
}

/// The output folder and its marker as the last [`update`] found them
/// (the folder's identity, the marker's length and modification time),
/// once the marker was read and named the folder. Keep one per output
/// folder between updates.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct MarkerSeen(Option<(String, u64, u128)>);

impl MarkerSeen {
    /// The folder and its marker now; `None` without either.
    fn look(dir: &Path) -> Option<(String, u64, u128)> {
        let identity = folder_identity(dir)?;
        let marker = std::fs::symlink_metadata(marker_path(dir)).ok()?;
        marker
            .is_file()
            .then(|| (identity, marker.len(), mtime_nanos(&marker)))
    }
}

/// Brings an output folder written by [`write()`](super::write()) up to
/// date: each file of `changed` whose bytes differ from the file on disk
/// is replaced atomically, and every path of `removed` is deleted along
/// with folders left empty. Readers (a browser, the dev server) see
/// either the old or the new file, never a half-written one. `seen` is
/// what the last update of `dir` found of its marker.
pub fn update(
    changed: &Output,
    removed: &[String],
    dir: &Path,
    seen: &mut MarkerSeen,
) -> Result<Changes, OutputError> {
    for path in changed.files.keys().chain(removed) {
        if !crate::content::paths::is_contained(path) {
            return Err(OutputError::Refused(format!(
                "refusing to write `{path}` outside the output folder"
            )));
        }
    }
    let mut changes = Changes::default();
    for path in removed {
        if remove(dir, path)? {
            changes.removed.push(path.clone());
        }
    }
    let written: Result<Vec<Option<String>>, FsError> = changed
        .files
        .par_iter()
        .map(|(path, content)| {
            let written = replace(dir, path, content)?;
            Ok(written.then(|| path.clone()))
        })
        .collect();
    changes.written = written?.into_iter().flatten().collect();
    claim(dir, seen)?;
    Ok(changes)
}

/// Deletes `path` of `dir`, and the folders it leaves empty; false if it
/// was not there.
fn remove(dir: &Path, path: &str) -> Result<bool, FsError> {
    let target = dir.join(path);
    match std::fs::remove_file(&target) {
        Ok(()) => {}
        Err(error) if error.kind() == std::io::ErrorKind::NotFound => return Ok(false),
        Err(source) => {
            return Err(FsError {
                action: "remove",
                path: target,
                source,
            });
        }
    }
    // Fresh builds hold no empty folders, so neither may a rebuild.
    let mut folder = target.parent();
    while let Some(current) = folder.filter(|f| *f != dir && f.starts_with(dir)) {
        if std::fs::remove_dir(current).is_err() {
            break;
        }
        folder = current.parent();
    }
    Ok(true)
}

/// Writes `content` to `path` of `dir` through a temporary file and a
/// rename, unless the file there holds these bytes already; true if it
/// wrote.
fn replace(dir: &Path, path: &str, content: &Content) -> Result<bool, FsError> {
    let target = dir.join(path);
    let bytes = match content {
        Content::Bytes(bytes) => std::borrow::Cow::Borrowed(bytes.as_slice()),
        Content::Copy(source) => std::borrow::Cow::Owned(fs::read(source)?),
    };
    let unchanged = std::fs::metadata(&target)
        .map(|m| m.is_file() && m.len() == bytes.len() as u64)
        .unwrap_or(false)
        && std::fs::read(&target).is_ok_and(|old| old == *bytes);
    if unchanged {
        return Ok(false);
    }
    let folder = target.parent().expect("a joined path has a parent");
    fs::create_dir_all(folder)?;
    let name = target
        .file_name()
        .expect("contained paths end with a name")
        .to_string_lossy();
    let temporary = folder.join(format!(".{name}.medsite-{}.tmp", std::process::id()));
    fs::write(&temporary, &bytes)?;
    if let Err(error) = fs::rename(&temporary, &target) {
        let _ = std::fs::remove_file(&temporary);
        return Err(error);
    }
    Ok(true)
}

/// Makes sure that `dir` stays medsite's: unless the folder and its
/// marker are as `seen` last found them, reads the marker, and where none
/// names the folder writes one that does (a folder made by `update`
/// alone, vouching for no file).
fn claim(dir: &Path, seen: &mut MarkerSeen) -> Result<(), FsError> {
    let now = MarkerSeen::look(dir);
    if now.is_some() && now == seen.0 {
        return Ok(());
    }
    if Manifest::read(dir).is_none() {
        let manifest = Manifest {
            folder: folder_identity(dir),
            ..Manifest::default()
        };
        fs::write(&marker_path(dir), manifest.text().as_bytes())?;
    }
    seen.0 = MarkerSeen::look(dir);
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn page(text: &str) -> Output {
        Output {
            files: [("index.html".to_string(), Content::Bytes(text.into()))].into(),
        }
    }

    fn marker_vouches(dir: &Path) -> bool {
        Manifest::read(dir).is_some()
    }

    /// The marker is read once, then trusted while it stays as it was; a
    /// marker deleted or damaged between updates is noticed and written
    /// again.
    #[test]
    fn an_update_writes_the_marker_again_when_it_changed_since_the_last() {
        let parent = tempfile::tempdir().unwrap();
        let dir = parent.path().join("dist");
        std::fs::create_dir(&dir).unwrap();
        let mut seen = MarkerSeen::default();
        update(&page("one"), &[], &dir, &mut seen).unwrap();
        assert!(marker_vouches(&dir));
        assert!(seen.0.is_some());

        std::fs::remove_file(marker_path(&dir)).unwrap();
        update(&page("two"), &[], &dir, &mut seen).unwrap();
        assert!(marker_vouches(&dir), "a deleted marker is written again");

        std::fs::write(marker_path(&dir), "damaged\n# folder elsewhere\n").unwrap();
        let changes = update(&page("three"), &[], &dir, &mut seen).unwrap();
        assert!(
            marker_vouches(&dir),
            "a marker naming another folder is replaced"
        );
        assert_eq!(changes.written, ["index.html"]);
        assert_eq!(
            std::fs::read_to_string(dir.join("index.html")).unwrap(),
            "three"
        );
    }

    /// A folder put in the place of the output (another identity) is
    /// looked at again, even though the marker did not change.
    #[test]
    fn an_update_looks_again_when_the_folder_was_replaced() {
        let parent = tempfile::tempdir().unwrap();
        let dir = parent.path().join("dist");
        std::fs::create_dir(&dir).unwrap();
        let mut seen = MarkerSeen::default();
        update(&page("one"), &[], &dir, &mut seen).unwrap();
        let before = seen.clone();
        std::fs::rename(&dir, parent.path().join("old")).unwrap();
        std::fs::create_dir(&dir).unwrap();
        update(&page("two"), &[], &dir, &mut seen).unwrap();
        assert_ne!(seen, before);
        assert!(marker_vouches(&dir));
    }
}
