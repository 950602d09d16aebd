//! The only module that writes into the output folder.
//!
//! A build is written to a staging folder beside the output and swapped in
//! only when every file is there, so a failed build leaves the previous
//! output as it was. The staging folder is named after the process writing
//! it (`.dist.staging-<pid>`), so that the next build removes those of
//! builds killed while writing; the marker beside the output (below) is
//! not one of them. Files whose bytes did not change are hard-linked from
//! the previous output, so they keep their modification time and a
//! sync-based deploy uploads nothing for them. Dot-files at the top of the
//! output (such as `.git`) are carried over. medsite replaces a folder only
//! if it made it (the marker names that very folder) or the folder is empty.
//!
//! The marker lives beside the output folder, never in it (`dist` ->
//! `.dist.medsite`), so that a deploy of the folder publishes nothing of
//! medsite's own. It proves that medsite made the folder by recording the
//! folder's identity (device and inode on Unix, its creation time
//! elsewhere), which a rename keeps and a folder made anew does not: a
//! marker left beside a folder the user replaced vouches for nothing. A
//! marker inside the folder (`.medsite-output`, from older versions) is
//! still accepted, and the next build leaves it out.
//!
//! `watch` rewrites a few files per edit, where a staging swap of the whole
//! site would be too slow: [`update`] writes each changed file atomically
//! (a temporary file beside it, then a rename) and deletes removed ones
//! (`output/update.rs`).
//! It too runs only after the whole rebuild rendered without errors.
//!
//! The marker also holds a manifest: the length, content hash and
//! modification time of every file written. The next build compares
//! hashes instead of reading the old files back, checks with one `stat`
//! per file that nobody touched them, and when nothing changed it writes
//! nothing at all: no staging folder, no swap.

use std::collections::HashMap;
use std::io::ErrorKind;
use std::path::{Component, Path, PathBuf};
use std::time::UNIX_EPOCH;

use rayon::prelude::*;

use crate::fs::{self, FsError};
use crate::render::Output;

mod update;
mod writer;
pub use update::{Changes, MarkerSeen, update};
pub use writer::Writer;

/// The marker older versions wrote inside the output folder: still proof
/// that medsite made the folder; never carried into a new output.
pub const LEGACY_MARKER: &str = ".medsite-output";
const MARKER_TEXT: &str =
    "The folder beside this file is written by medsite; it is replaced on every build.\n";
const FOLDER_PREFIX: &str = "# folder ";

/// Where the marker of the output folder `dir` lives: beside it, as
/// `.<name>.medsite` (`dist` -> `.dist.medsite`).
pub fn marker_path(dir: &Path) -> PathBuf {
    let name = dir.file_name().map_or_else(
        || "output".to_string(),
        |name| name.to_string_lossy().into_owned(),
    );
    dir.with_file_name(format!(".{name}.medsite"))
}

/// The marker's next version, written before a swap and renamed over the
/// marker after it.
fn pending_marker_path(dir: &Path) -> PathBuf {
    let mut path = marker_path(dir).into_os_string();
    path.push(".new");
    PathBuf::from(path)
}

/// What tells this folder from one made later in its place: a rename keeps
/// it. Device, inode and (where the file system records it) creation time
/// on Unix: file systems reuse a freed inode at once.
#[cfg(unix)]
fn folder_identity(dir: &Path) -> Option<String> {
    use std::os::unix::fs::MetadataExt;
    let metadata = std::fs::symlink_metadata(dir).ok()?;
    let created = metadata
        .created()
        .ok()
        .and_then(|time| time.duration_since(UNIX_EPOCH).ok())
        .map_or_else(|| "-".to_string(), |time| time.as_nanos().to_string());
    metadata
        .is_dir()
        .then(|| format!("{}:{}:{created}", metadata.dev(), metadata.ino()))
}

/// Elsewhere, the folder's creation time, in nanoseconds.
#[cfg(not(unix))]
fn folder_identity(dir: &Path) -> Option<String> {
    let metadata = std::fs::symlink_metadata(dir).ok()?;
    let created = metadata.created().ok()?.duration_since(UNIX_EPOCH).ok()?;
    metadata
        .is_dir()
        .then(|| format!("created:{}", created.as_nanos()))
}
const MANIFEST_HEADER: &str = "# What medsite wrote here, so that the next build can tell what changed without reading it back:\n";
const STAMP_PREFIX: &str = "# stamp ";

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
        let made_by_us = Manifest::read(&out).is_some();
        let has_visible = fs::read_dir(&out)?
            .iter()
            .any(|entry| !entry.file_name().to_string_lossy().starts_with('.'));
        if has_visible && !made_by_us {
            return refuse(&format!(
                "it holds files medsite did not write (no `{}` marker beside it naming this folder); empty it or choose another folder",
                marker_path(&out).display()
            ));
        }
    }
    Ok(out)
}

/// One file as the previous build left it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct FileRecord {
    len: u64,
    /// xxh3-128 of the bytes.
    hash: u128,
    /// Modification time in nanoseconds since 1970, to notice hand edits.
    mtime: u128,
}

/// What the marker file says about the output folder.
#[derive(Debug, Default)]
struct Manifest {
    /// The identity of the folder it describes (see [`folder_identity`]);
    /// `None` in a marker of older versions, inside the folder.
    folder: Option<String>,
    /// An opaque line the build stores with its output (see [`write_stamped`]).
    stamp: Option<String>,
    files: HashMap<String, FileRecord>,
}

/// The first component of an output path: the entry at the output's top.
fn top_level_name(path: &str) -> &str {
    path.split('/').next().unwrap_or(path)
}

impl Manifest {
    /// The top-level entries of the output that the recorded build wrote.
    fn top_level_names(&self) -> std::collections::HashSet<&str> {
        self.files.keys().map(|path| top_level_name(path)).collect()
    }

    /// The marker of the output folder `dir`, if there is one that names
    /// this very folder (beside it, or pending after an interrupted swap),
    /// or one of older versions inside it. `None`: medsite did not make
    /// the folder, or it does not exist.
    fn read(dir: &Path) -> Option<Manifest> {
        let identity = folder_identity(dir)?;
        for path in [marker_path(dir), pending_marker_path(dir)] {
            if let Ok(text) = std::fs::read_to_string(path) {
                let manifest = Manifest::parse(&text);
                if manifest.folder.as_deref() == Some(&identity) && manifest.vouches_for(dir) {
                    return Some(manifest);
                }
            }
        }
        let text = std::fs::read_to_string(dir.join(LEGACY_MARKER)).ok()?;
        Some(Manifest {
            folder: None,
            ..Manifest::parse(&text)
        })
    }

    /// Whether a marker that names `dir` still describes it: it records no
    /// file, or one of its files is still there as written. A folder the
    /// user made anew, which the identity failed to tell apart (a file
    /// system without creation times), holds none of them.
    fn vouches_for(&self, dir: &Path) -> bool {
        self.files.is_empty()
            || self
                .files
                .iter()
                .any(|(path, record)| is_as_recorded(dir, path, record))
    }

    /// The marker of `dir`, or an empty one (which vouches for nothing).
    fn read_or_empty(dir: &Path) -> Manifest {
        Manifest::read(dir).unwrap_or_default()
    }

    fn parse(text: &str) -> Manifest {
        let mut manifest = Manifest::default();
        for line in text.lines().skip(1) {
            if let Some(folder) = line.strip_prefix(FOLDER_PREFIX) {
                manifest.folder = Some(folder.to_string());
                continue;
            }
            if let Some(stamp) = line.strip_prefix(STAMP_PREFIX) {
                manifest.stamp = Some(stamp.to_string());
                continue;
            }
            if line.starts_with('#') {
                continue;
            }
            let mut parts = line.splitn(4, ' ');
            let record = (|| {
                let hash = u128::from_str_radix(parts.next()?, 16).ok()?;
                let len = parts.next()?.parse().ok()?;
                let mtime = parts.next()?.parse().ok()?;
                Some((parts.next()?.to_string(), FileRecord { len, hash, mtime }))
            })();
            match record {
                Some((path, record)) => {
                    manifest.files.insert(path, record);
                }
                // A damaged manifest vouches for no file (the folder is
                // still medsite's).
                None => {
                    return Manifest {
                        folder: manifest.folder,
                        ..Manifest::default()
                    };
                }
            }
        }
        manifest
    }

    fn text(&self) -> String {
        let mut paths: Vec<&String> = self.files.keys().collect();
        paths.sort();
        let mut text = String::with_capacity(MARKER_TEXT.len() + paths.len() * 96);
        text.push_str(MARKER_TEXT);
        text.push_str(MANIFEST_HEADER);
        if let Some(folder) = &self.folder {
            text.push_str(&format!("{FOLDER_PREFIX}{folder}\n"));
        }
        if let Some(stamp) = &self.stamp {
            text.push_str(&format!("{STAMP_PREFIX}{stamp}\n"));
        }
        for path in paths {
            let record = &self.files[path];
            text.push_str(&format!(
                "{:032x} {} {} {path}\n",
                record.hash, record.len, record.mtime
            ));
        }
        text
    }
}

fn mtime_nanos(metadata: &std::fs::Metadata) -> u128 {
    metadata
        .modified()
        .ok()
        .and_then(|time| time.duration_since(UNIX_EPOCH).ok())
        .map_or(0, |duration| duration.as_nanos())
}

/// True when `path` in `dir` is still the file `record` describes.
fn is_as_recorded(dir: &Path, path: &str, record: &FileRecord) -> bool {
    std::fs::symlink_metadata(dir.join(path)).is_ok_and(|metadata| {
        metadata.is_file() && metadata.len() == record.len && mtime_nanos(&metadata) == record.mtime
    })
}

/// True when every visible entry at the top of `dir` is something medsite
/// wrote (dot-files belong to the user and are kept anyway).
fn top_level_is_ours(dir: &Path, manifest: &Manifest) -> bool {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return false;
    };
    let ours = manifest.top_level_names();
    entries.filter_map(Result::ok).all(|entry| {
        let name = entry.file_name();
        let name = name.to_string_lossy();
        name.starts_with('.') || ours.contains(name.as_ref())
    })
}

/// The stamp stored by the build that wrote `dir`, if every file it wrote
/// is still there as it was written. A build whose inputs have the same
/// stamp has nothing to do.
pub fn intact_stamp(dir: &Path) -> Option<String> {
    let manifest = Manifest::read(dir)?;
    let stamp = manifest.stamp.clone()?;
    let intact = manifest
        .files
        .par_iter()
        .all(|(path, record)| is_as_recorded(dir, path, record))
        && top_level_is_ours(dir, &manifest);
    intact.then_some(stamp)
}

/// The output keeps the user's top-level dot-files (`.git`, ...) across
/// builds. When the site itself now publishes one of the same name (from
/// `static/`, e.g. `.well-known/`), writing would replace the user's: refuse,
/// naming both, before anything is touched.
fn refuse_replacing_users_dot_files(
    published: &std::collections::BTreeSet<String>,
    dir: &Path,
    previous: &Manifest,
) -> Result<(), OutputError> {
    let written_before = previous.top_level_names();
    for name in published {
        let existing = dir.join(name);
        if !written_before.contains(name.as_str()) && existing.symlink_metadata().is_ok() {
            return Err(OutputError::Refused(format!(
                "`{}` is not from a build, and the site now publishes its own `{name}` (from static/): move one of them so that neither is lost",
                existing.display()
            )));
        }
    }
    Ok(())
}

/// Writes `output` into `dir` (already checked with [`check_output_folder`]).
pub fn write(output: &Output, dir: &Path) -> Result<WriteReport, OutputError> {
    write_stamped(output, dir, None)
}

/// Like [`write()`], and stores `stamp` (one line) with the output for
/// [`intact_stamp`] to return.
pub fn write_stamped(
    output: &Output,
    dir: &Path,
    stamp: Option<&str>,
) -> Result<WriteReport, OutputError> {
    let writer = Writer::new(dir)?;
    output
        .files
        .par_iter()
        .try_for_each(|(path, content)| writer.put(path, content))?;
    writer.finish(stamp)
}

/// The start of the name of a staging folder of the output folder `name`;
/// the id of the process that writes it follows.
fn staging_prefix(name: &str) -> String {
    format!(".{name}.staging-")
}

/// Removes the staging folders beside the output that builds killed while
/// writing (power loss, `kill -9`, out of memory) left behind: those whose
/// process is no longer running. A folder whose process is alive, or
/// whose liveness cannot be told (no `/proc`), is left alone: it may be a
/// build still writing. A process id reused since only delays the removal.
/// Best effort: a folder that cannot be removed is left for the next build.
fn remove_stale_staging(parent: &Path, name: &str) {
    let prefix = staging_prefix(name);
    let Ok(entries) = std::fs::read_dir(parent) else {
        return;
    };
    for entry in entries.flatten() {
        let file_name = entry.file_name();
        let Some(pid) = file_name
            .to_str()
            .and_then(|shown| shown.strip_prefix(&prefix))
            .and_then(|pid| pid.parse::<u32>().ok())
        else {
            continue;
        };
        if pid != std::process::id() && process_is_gone(pid) {
            let _ = std::fs::remove_dir_all(entry.path());
        }
    }
}

/// Whether no process `pid` runs, as far as this system can tell: only
/// where `/proc` lists the running processes (Linux).
fn process_is_gone(pid: u32) -> bool {
    let proc = Path::new("/proc");
    proc.join("self").exists() && !proc.join(pid.to_string()).exists()
}

/// Runs `action` on `staging/path`, creating the file's folder if it is
/// still missing.
fn in_folder<T>(
    staging: &Path,
    path: &str,
    action: impl Fn(&Path) -> Result<T, FsError>,
) -> Result<T, FsError> {
    let target = staging.join(path);
    match action(&target) {
        Err(error) if error.source.kind() == ErrorKind::NotFound => {
            if let Some((folder, _)) = path.rsplit_once('/') {
                fs::create_dir_all(&staging.join(folder))?;
            }
            action(&target)
        }
        other => other,
    }
}

fn swap(
    dir: &Path,
    staging: &Path,
    parent: &Path,
    name: &str,
    previous: &Manifest,
) -> Result<(), OutputError> {
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
    // Keep the user's dot-files (`.git`, `.nojekyll`, ...) across builds,
    // but not those the previous build wrote itself (from `static/`): when
    // they leave `static/`, they leave the output.
    // If one cannot be moved, the previous output stays where it is so
    // that nothing is lost, and the error says where.
    let written_before = previous.top_level_names();
    let mut leftovers = Vec::new();
    for entry in fs::read_dir(&old)? {
        let file_name = entry.file_name();
        let shown = file_name.to_string_lossy();
        if shown.starts_with('.')
            && shown != LEGACY_MARKER
            && !written_before.contains(shown.as_ref())
            && !dir.join(&file_name).exists()
        {
            fs::rename(&entry.path(), &dir.join(&file_name)).map_err(|error| {
                OutputError::Refused(format!(
                    "{error}; the previous output, with your dot-files, is kept in `{}`",
                    old.display()
                ))
            })?;
        } else {
            leftovers.push(entry);
        }
    }
    // Removing a large tree is many unlinks; spread them over the cores.
    leftovers.par_iter().try_for_each(|entry| {
        let path = entry.path();
        if entry.file_type().is_ok_and(|kind| kind.is_dir()) {
            fs::remove_dir_all(&path)
        } else {
            fs::remove_file(&path)
        }
    })?;
    fs::remove_dir_all(&old)?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Where the identity cannot tell a new folder from the old one (an
    /// inode reused, no creation time), the manifest's files still do.
    #[test]
    fn a_marker_naming_the_folder_but_none_of_its_files_vouches_for_nothing() {
        let parent = tempfile::tempdir().unwrap();
        let dir = parent.path().join("dist");
        std::fs::create_dir(&dir).unwrap();
        std::fs::write(dir.join("notes.txt"), "my notes").unwrap();
        let record = FileRecord {
            len: 3,
            hash: 1,
            mtime: 1,
        };
        let manifest = Manifest {
            folder: folder_identity(&dir),
            stamp: None,
            files: HashMap::from([("index.html".to_string(), record)]),
        };
        std::fs::write(marker_path(&dir), manifest.text()).unwrap();
        assert!(Manifest::read(&dir).is_none());
        assert!(matches!(
            check_output_folder(parent.path(), &dir),
            Err(OutputError::Refused(_))
        ));
        // With no file recorded (a folder `watch` made), the identity is enough.
        let manifest = Manifest {
            files: HashMap::new(),
            ..manifest
        };
        std::fs::write(marker_path(&dir), manifest.text()).unwrap();
        assert!(Manifest::read(&dir).is_some());
    }
}
