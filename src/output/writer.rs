//! [`Writer`]: a build's output written file by file as it is rendered,
//! so that no more than the files being rendered are held in memory.
//!
//! Each file is hashed as it comes. One the previous build wrote with the
//! same bytes, and that nobody touched since, is only remembered (by
//! path): it is hard-linked from the previous output at the end. Any other
//! file goes into the staging folder at once, and the first one makes
//! that folder, so a build in which nothing changed makes none and writes
//! nothing. [`Writer::finish`] links the unchanged files, writes the
//! marker and swaps the staging folder in; a writer dropped before that
//! (a template error, an I/O error) removes its staging folder, and the
//! output folder is never touched before the swap.

use std::collections::{BTreeSet, HashMap};
use std::path::{Path, PathBuf};
use std::sync::Mutex;

use rayon::prelude::*;

use super::{
    FileRecord, Manifest, OutputError, WriteReport, folder_identity, in_folder, is_as_recorded,
    marker_path, mtime_nanos, pending_marker_path, refuse_replacing_users_dot_files,
    remove_stale_staging, staging_prefix, swap, top_level_is_ours, top_level_name,
};
use crate::fs::{self, FsError};
use crate::render::Content;

/// The output of one build on its way into the output folder (see the
/// module documentation). Shared by the rendering threads: every method
/// takes `&self` but [`Writer::finish`].
pub struct Writer {
    dir: PathBuf,
    parent: PathBuf,
    name: String,
    previous: Manifest,
    staging: PathBuf,
    /// Whether the staging folder is made (by the first changed file).
    staged: Mutex<bool>,
    /// Files written into the staging folder, with what was written.
    written: Mutex<Vec<(String, FileRecord)>>,
    /// Files with the bytes of the previous output, linked at the end.
    unchanged: Mutex<Vec<String>>,
    /// Top-level names of the output starting with a dot.
    dot_names: Mutex<BTreeSet<String>>,
}

impl Writer {
    /// Starts the output of a build into `dir` (already checked with
    /// [`super::check_output_folder`]); nothing is written yet.
    pub fn new(dir: &Path) -> Result<Writer, OutputError> {
        let parent = dir.parent().expect("checked: not the file-system root");
        let name = dir
            .file_name()
            .expect("checked: has a name")
            .to_string_lossy()
            .into_owned();
        let staging = parent.join(format!("{}{}", staging_prefix(&name), std::process::id()));
        Ok(Writer {
            dir: dir.to_path_buf(),
            parent: parent.to_path_buf(),
            name,
            previous: Manifest::read_or_empty(dir),
            staging,
            staged: Mutex::new(false),
            written: Mutex::new(Vec::new()),
            unchanged: Mutex::new(Vec::new()),
            dot_names: Mutex::new(BTreeSet::new()),
        })
    }

    /// How many files were put so far.
    pub fn files(&self) -> usize {
        lock(&self.written).len() + lock(&self.unchanged).len()
    }

    /// Adds one output file: bytes, or a file to copy (read now).
    pub fn put(&self, path: &str, content: &Content) -> Result<(), OutputError> {
        match content {
            Content::Bytes(bytes) => self.put_bytes(path, bytes),
            Content::Copy(source) => self.put_bytes(path, &fs::read(source)?),
        }
    }

    /// Adds one output file with these bytes; each path is put once.
    pub fn put_bytes(&self, path: &str, bytes: &[u8]) -> Result<(), OutputError> {
        if path.starts_with('.') {
            lock(&self.dot_names).insert(top_level_name(path).to_string());
        }
        let hash = xxhash_rust::xxh3::xxh3_128(bytes);
        let unchanged = self.previous.files.get(path).is_some_and(|record| {
            record.len == bytes.len() as u64
                && record.hash == hash
                && is_as_recorded(&self.dir, path, record)
        });
        if unchanged {
            lock(&self.unchanged).push(path.to_string());
            return Ok(());
        }
        self.make_staging()?;
        let metadata = in_folder(&self.staging, path, |target| fs::write_file(target, bytes))?;
        let record = FileRecord {
            len: bytes.len() as u64,
            hash,
            mtime: mtime_nanos(&metadata),
        };
        lock(&self.written).push((path.to_string(), record));
        Ok(())
    }

    /// Makes the staging folder, once, removing those of killed builds.
    fn make_staging(&self) -> Result<(), FsError> {
        let mut staged = lock(&self.staged);
        if !*staged {
            fs::create_dir_all(&self.parent)?;
            remove_stale_staging(&self.parent, &self.name);
            if self.staging.exists() {
                fs::remove_dir_all(&self.staging)?;
            }
            fs::create_dir_all(&self.staging)?;
            *staged = true;
        }
        Ok(())
    }

    /// Completes the output: when nothing changed, writes nothing (but the
    /// marker when `stamp` differs); otherwise links the unchanged files,
    /// writes the marker as pending, swaps the staging folder in and makes
    /// the marker current. Stores `stamp` (one line) for
    /// [`super::intact_stamp`].
    pub fn finish(self, stamp: Option<&str>) -> Result<WriteReport, OutputError> {
        let stamp = stamp.filter(|s| !s.contains('\n')).map(str::to_string);
        let dot_names = std::mem::take(&mut *lock(&self.dot_names));
        refuse_replacing_users_dot_files(&dot_names, &self.dir, &self.previous)?;
        let files = self.files();
        // A marker of older versions inside the output is left out by a build.
        let nothing_changed = lock(&self.written).is_empty()
            && self.previous.files.len() == files
            && self.previous.folder.is_some()
            && top_level_is_ours(&self.dir, &self.previous);
        if nothing_changed {
            if self.previous.stamp != stamp {
                let manifest = Manifest {
                    stamp,
                    folder: self.previous.folder.clone(),
                    files: self.previous.files.clone(),
                };
                let pending = pending_marker_path(&self.dir);
                fs::write(&pending, manifest.text().as_bytes())?;
                fs::rename(&pending, &marker_path(&self.dir))?;
            }
            return Ok(WriteReport { files, written: 0 });
        }
        self.make_staging()?;
        let pending = pending_marker_path(&self.dir);
        let result = self.swap_in(stamp, &pending, files);
        if result.is_err() {
            // Kept only if it names the folder now in place (swapped, then
            // the rename failed); otherwise it names a folder that is gone.
            let pending_folder = std::fs::read_to_string(&pending)
                .ok()
                .and_then(|text| Manifest::parse(&text).folder);
            if pending_folder.is_none() || pending_folder != folder_identity(&self.dir) {
                let _ = std::fs::remove_file(&pending);
            }
        }
        result
    }

    /// Links the unchanged files, then writes the marker naming the
    /// staging folder as pending, swaps, and makes it the marker: an
    /// interruption in between leaves a pending marker that still names
    /// the folder in place.
    fn swap_in(
        &self,
        stamp: Option<String>,
        pending: &Path,
        files: usize,
    ) -> Result<WriteReport, OutputError> {
        let linked = self.link_unchanged()?;
        let mut records: HashMap<String, FileRecord> = HashMap::with_capacity(files);
        let mut written = 0;
        for (path, record, fresh) in linked.into_iter().chain(
            std::mem::take(&mut *lock(&self.written))
                .into_iter()
                .map(|(path, record)| (path, record, true)),
        ) {
            written += usize::from(fresh);
            // A path with a line break cannot be recorded; it is simply
            // written again next time.
            if !path.contains('\n') {
                records.insert(path, record);
            }
        }
        let manifest = Manifest {
            folder: folder_identity(&self.staging),
            stamp,
            files: records,
        };
        fs::write(pending, manifest.text().as_bytes())?;
        swap(
            &self.dir,
            &self.staging,
            &self.parent,
            &self.name,
            &self.previous,
        )?;
        fs::rename(pending, &marker_path(&self.dir))?;
        Ok(WriteReport { files, written })
    }

    /// Hard-links every unchanged file from the previous output into the
    /// staging folder, so it keeps its modification time; where a link
    /// fails, copies it (then it counts as written).
    fn link_unchanged(&self) -> Result<Vec<(String, FileRecord, bool)>, FsError> {
        let mut unchanged = std::mem::take(&mut *lock(&self.unchanged));
        // In path order, so that a folder's files are linked together.
        unchanged.par_sort_unstable();
        unchanged
            .into_par_iter()
            .map(|path| {
                let old = self.dir.join(&path);
                let record = self.previous.files[&path];
                if in_folder(&self.staging, &path, |target| fs::hard_link(&old, target)).is_ok() {
                    return Ok((path, record, false));
                }
                let bytes = fs::read(&old)?;
                let metadata = in_folder(&self.staging, &path, |target| {
                    fs::write_file(target, &bytes)
                })?;
                let record = FileRecord {
                    mtime: mtime_nanos(&metadata),
                    ..record
                };
                Ok((path, record, true))
            })
            .collect()
    }
}

impl Drop for Writer {
    /// A writer not finished (a failed build) leaves nothing behind; after
    /// a swap the staging folder is the output and no longer there.
    fn drop(&mut self) {
        if *lock(&self.staged) && self.staging.exists() {
            let _ = std::fs::remove_dir_all(&self.staging);
        }
    }
}

/// The lock's value, even if a thread panicked while holding it.
fn lock<T>(mutex: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    mutex
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner)
}
