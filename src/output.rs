//! The only module that writes into the output folder.
//!
//! A build is written to a staging folder beside the output and swapped in
//! only when every file is there, so a failed build leaves the previous
//! output as it was. Files whose bytes did not change are hard-linked from
//! the previous output, so they keep their modification time and a
//! sync-based deploy uploads nothing for them. Dot-files at the top of the
//! output (such as `.git`) are carried over. medsite replaces a folder only
//! if it made it (the marker file) or the folder is empty.
//!
//! `watch` rewrites a few files per edit, where a staging swap of the whole
//! site would be too slow: [`update`] writes each changed file atomically
//! (a temporary file beside it, then a rename) and deletes removed ones.
//! It too runs only after the whole rebuild rendered without errors.

use std::path::{Component, Path, PathBuf};

use rayon::prelude::*;

use crate::fs::{self, FsError};
use crate::render::{Content, Output};

/// Written into every output folder medsite makes.
pub const MARKER: &str = ".medsite-output";
const MARKER_TEXT: &str = "This folder is written by medsite; it is replaced on every build.\n";

/// Counts of a write.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct WriteReport {
    /// Files in the output.
    pub files: usize,
    /// Files new or changed since the previous output.
    pub written: usize,
}

#[derive(Debug)]
pub enum OutputError {
    /// The folder may not be used as output; nothing was touched.
    Refused(String),
    Io(FsError),
}

impl std::fmt::Display for OutputError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            OutputError::Refused(message) => f.write_str(message),
            OutputError::Io(error) => write!(f, "{error}"),
        }
    }
}

impl From<FsError> for OutputError {
    fn from(error: FsError) -> Self {
        OutputError::Io(error)
    }
}

/// Makes `path` absolute and resolves `.`/`..` and symbolic links of the
/// part that exists.
fn resolve(path: &Path) -> PathBuf {
    let absolute = if path.is_absolute() {
        path.to_path_buf()
    } else {
        std::env::current_dir().unwrap_or_default().join(path)
    };
    let mut existing = absolute.clone();
    let mut rest = Vec::new();
    while !existing.exists() {
        match (existing.file_name(), existing.parent()) {
            (Some(name), Some(parent)) => {
                rest.push(name.to_os_string());
                existing = parent.to_path_buf();
            }
            _ => break,
        }
    }
    let mut resolved = std::fs::canonicalize(&existing).unwrap_or(existing);
    for name in rest.into_iter().rev() {
        match Path::new(&name).components().next() {
            Some(Component::ParentDir) => {
                resolved.pop();
            }
            Some(Component::CurDir) | None => {}
            _ => resolved.push(name),
        }
    }
    resolved
}

/// Refuses output folders that would destroy the site or a user's files.
pub fn check_output_folder(root: &Path, output: &Path) -> Result<PathBuf, OutputError> {
    let out = resolve(output);
    let root = resolve(root);
    let refuse = |why: &str| {
        Err(OutputError::Refused(format!(
            "refusing to use `{}` as the output folder: {why}",
            output.display()
        )))
    };
    if out.parent().is_none() {
        return refuse("it is the file-system root");
    }
    if root.starts_with(&out) {
        return refuse("it is or contains the site root");
    }
    for protected in ["content", "themes", "templates", "static"] {
        if out.starts_with(root.join(protected)) {
            return refuse(&format!("it is inside the site's `{protected}/` folder"));
        }
    }
    if let Some(home) = std::env::var_os("HOME")
        .map(PathBuf::from)
        .map(|h| resolve(&h))
        && home.starts_with(&out)
    {
        return refuse("it is or contains your home folder");
    }
    if out.exists() {
        if !out.is_dir() {
            return refuse("it is a file");
        }
        let made_by_us = out.join(MARKER).is_file();
        let has_visible = fs::read_dir(&out)?
            .iter()
            .any(|entry| !entry.file_name().to_string_lossy().starts_with('.'));
        if has_visible && !made_by_us {
            return refuse(&format!(
                "it holds files medsite did not write (no `{MARKER}` marker); empty it or choose another folder"
            ));
        }
    }
    Ok(out)
}

/// Writes `output` into `dir` (already checked with [`check_output_folder`]).
pub fn write(output: &Output, dir: &Path) -> Result<WriteReport, OutputError> {
    let parent = dir.parent().expect("checked: not the file-system root");
    let name = dir
        .file_name()
        .expect("checked: has a name")
        .to_string_lossy()
        .into_owned();
    fs::create_dir_all(parent)?;
    let staging = parent.join(format!(".{name}.staging-{}", std::process::id()));
    if staging.exists() {
        fs::remove_dir_all(&staging)?;
    }
    fs::create_dir_all(&staging)?;
    let result = fill(output, dir, &staging).and_then(|report| {
        swap(dir, &staging, parent, &name)?;
        Ok(report)
    });
    if result.is_err() && staging.exists() {
        let _ = std::fs::remove_dir_all(&staging);
    }
    result
}

fn fill(output: &Output, previous: &Path, staging: &Path) -> Result<WriteReport, OutputError> {
    for path in output.files.keys() {
        if let Some((folder, _)) = path.rsplit_once('/') {
            fs::create_dir_all(&staging.join(folder))?;
        }
    }
    let written: Result<Vec<bool>, FsError> = output
        .files
        .par_iter()
        .map(|(path, content)| {
            let target = staging.join(path);
            let old = previous.join(path);
            let bytes = match content {
                Content::Bytes(bytes) => std::borrow::Cow::Borrowed(bytes.as_slice()),
                Content::Copy(source) => std::borrow::Cow::Owned(fs::read(source)?),
            };
            let unchanged = std::fs::metadata(&old)
                .map(|m| m.is_file() && m.len() == bytes.len() as u64)
                .unwrap_or(false)
                && std::fs::read(&old).is_ok_and(|old_bytes| old_bytes == *bytes);
            if unchanged && fs::hard_link(&old, &target).is_ok() {
                return Ok(false);
            }
            fs::write(&target, &bytes)?;
            Ok(true)
        })
        .collect();
    let written = written?;
    fs::write(&staging.join(MARKER), MARKER_TEXT.as_bytes())?;
    Ok(WriteReport {
        files: output.files.len(),
        written: written.iter().filter(|&&w| w).count(),
    })
}

fn swap(dir: &Path, staging: &Path, parent: &Path, name: &str) -> Result<(), OutputError> {
    if !dir.exists() {
        fs::rename(staging, dir)?;
        return Ok(());
    }
    let old = parent.join(format!(".{name}.old-{}", std::process::id()));
    fs::rename(dir, &old)?;
    if let Err(error) = fs::rename(staging, dir) {
        let _ = std::fs::rename(&old, dir);
        return Err(error.into());
    }
    // Keep the user's dot-files (`.git`, `.nojekyll`, ...) across builds.
    // If one cannot be moved, the previous output stays where it is so
    // that nothing is lost, and the error says where.
    for entry in fs::read_dir(&old)? {
        let file_name = entry.file_name();
        let shown = file_name.to_string_lossy();
        if shown.starts_with('.') && shown != MARKER && !dir.join(&file_name).exists() {
            fs::rename(&entry.path(), &dir.join(&file_name)).map_err(|error| {
                OutputError::Refused(format!(
                    "{error}; the previous output, with your dot-files, is kept in `{}`",
                    old.display()
                ))
            })?;
        }
    }
    fs::remove_dir_all(&old)?;
    Ok(())
}

/// What an incremental [`update`] did, as relative output paths.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Changes {
    /// Files new or different from what was there.
    pub written: Vec<String>,
    /// Files deleted.
    pub removed: Vec<String>,
}

/// Brings an output folder written by [`write`] up to date: each file of
/// `changed` whose bytes differ from the file on disk is replaced
/// atomically, and every path of `removed` is deleted along with folders
/// left empty. Readers (a browser, the dev server) see either the old or
/// the new file, never a half-written one.
pub fn update(changed: &Output, removed: &[String], dir: &Path) -> Result<Changes, OutputError> {
    for path in changed.files.keys().chain(removed) {
        if !crate::content::paths::is_contained(path) {
            return Err(OutputError::Refused(format!(
                "refusing to write `{path}` outside the output folder"
            )));
        }
    }
    let mut changes = Changes::default();
    for path in removed {
        let target = dir.join(path);
        match std::fs::remove_file(&target) {
            Ok(()) => changes.removed.push(path.clone()),
            Err(error) if error.kind() == std::io::ErrorKind::NotFound => {}
            Err(source) => {
                return Err(OutputError::Io(FsError {
                    action: "remove",
                    path: target,
                    source,
                }));
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
    }
    let written: Result<Vec<Option<String>>, FsError> = changed
        .files
        .par_iter()
        .map(|(path, content)| {
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
                return Ok(None);
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
            Ok(Some(path.clone()))
        })
        .collect();
    changes.written = written?.into_iter().flatten().collect();
    if !dir.join(MARKER).is_file() {
        fs::write(&dir.join(MARKER), MARKER_TEXT.as_bytes())?;
    }
    Ok(changes)
}
