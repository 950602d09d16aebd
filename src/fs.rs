//! Every file-system call whose error reaches the user goes through here,
//! so that every such I/O error names the path it happened on.
//!
//! Probes whose failure is itself the answer (`exists`, `is_file`, a
//! metadata look-up that means "not there") and best-effort clean-ups whose
//! errors are deliberately ignored call `std::fs` directly.

use std::fmt;
use std::io;
use std::path::{Path, PathBuf};

/// An I/O error together with the path and the operation that failed.
#[derive(Debug)]
pub struct FsError {
    pub action: &'static str,
    pub path: PathBuf,
    pub source: io::Error,
}

impl fmt::Display for FsError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "could not {} `{}`: {}",
            self.action,
            self.path.display(),
            self.source
        )
    }
}

impl std::error::Error for FsError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        Some(&self.source)
    }
}

pub type FsResult<T> = Result<T, FsError>;

fn wrap<T>(action: &'static str, path: &Path, result: io::Result<T>) -> FsResult<T> {
    result.map_err(|source| FsError {
        action,
        path: path.to_path_buf(),
        source,
    })
}

pub fn read(path: &Path) -> FsResult<Vec<u8>> {
    wrap("read", path, std::fs::read(path))
}

pub fn read_to_string(path: &Path) -> FsResult<String> {
    wrap("read", path, std::fs::read_to_string(path))
}

pub fn write(path: &Path, bytes: &[u8]) -> FsResult<()> {
    wrap("write", path, std::fs::write(path, bytes))
}

/// Creates (or truncates) the file, writes `bytes`, and returns the
/// metadata of what was written without looking the path up again.
pub fn write_file(path: &Path, bytes: &[u8]) -> FsResult<std::fs::Metadata> {
    use std::io::Write;
    let result = std::fs::File::create(path).and_then(|mut file| {
        file.write_all(bytes)?;
        file.metadata()
    });
    wrap("write", path, result)
}

/// Writes a new file; fails if `path` exists, even if it appeared a
/// moment ago (no check-then-write race).
pub fn create_new(path: &Path, bytes: &[u8]) -> FsResult<()> {
    use std::io::Write;
    let result = std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(path)
        .and_then(|mut file| file.write_all(bytes));
    wrap("create", path, result)
}

pub fn create_dir_all(path: &Path) -> FsResult<()> {
    wrap("create folder", path, std::fs::create_dir_all(path))
}

pub fn remove_file(path: &Path) -> FsResult<()> {
    wrap("remove", path, std::fs::remove_file(path))
}

pub fn remove_dir_all(path: &Path) -> FsResult<()> {
    wrap("remove folder", path, std::fs::remove_dir_all(path))
}

pub fn rename(from: &Path, to: &Path) -> FsResult<()> {
    wrap("move", from, std::fs::rename(from, to))
}

pub fn hard_link(from: &Path, to: &Path) -> FsResult<()> {
    wrap("link", to, std::fs::hard_link(from, to))
}

pub fn read_dir(path: &Path) -> FsResult<Vec<std::fs::DirEntry>> {
    let entries = wrap("list", path, std::fs::read_dir(path))?;
    entries
        .map(|entry| wrap("list", path, entry))
        .collect::<FsResult<Vec<_>>>()
}

pub fn canonicalize(path: &Path) -> FsResult<PathBuf> {
    wrap("resolve", path, std::fs::canonicalize(path))
}
