//! Walking `content/`: which files there are, in the order a sorted walk
//! visits them, and which names are never content (editors' files).
//! Markdown files are listed unread; [`super::parse`] reads them.

use std::cmp::Ordering;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use walkdir::WalkDir;

use super::parse::ParsedFile;
use crate::diagnostics::{self, Diagnostic};

/// Dot-files a static host reads, published from `static/` although
/// other dot-files are skipped: `.well-known/` (RFC 8615: `security.txt`,
/// domain verification), Apache's `.htaccess`, GitHub Pages' `.nojekyll`.
const PUBLISHED_DOT_FILES: [&str; 3] = [".well-known", ".htaccess", ".nojekyll"];

/// Whether a file or folder named `name` in `static/` stays out of the
/// output: editors' files, and dot-files other than the published ones.
pub fn is_skipped_static(name: &str) -> bool {
    is_editor_temporary(name) && !PUBLISHED_DOT_FILES.contains(&name)
}

/// Editors' temporary and backup files, never content.
pub fn is_editor_temporary(name: &str) -> bool {
    name.starts_with('.')
        || name.starts_with('#')
        || name.ends_with('~')
        || name.ends_with(".swp")
        || name.ends_with(".swx")
        || name.ends_with(".tmp")
        || name.ends_with("___jb_tmp___")
        || name.ends_with("___jb_old___")
        || name == "4913"
}

/// A path relative to `content/`, ordered as a sorted walk visits it:
/// component by component, so `a/b.md` comes before `a-b.md`. Keeping the
/// walk's order makes a rebuild list pages exactly as a fresh build does.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct WalkKey(pub(super) String);

impl Ord for WalkKey {
    fn cmp(&self, other: &Self) -> Ordering {
        self.0.split('/').cmp(other.0.split('/'))
    }
}

impl PartialOrd for WalkKey {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

/// One entry of `content/` as the walk found it.
#[derive(Debug, Clone)]
pub(super) enum Entry {
    /// A Markdown file, parsed, or the reason it could not be.
    Markdown(Result<Arc<ParsedFile>, Diagnostic>),
    /// Any other file: a bundle's or a section's asset.
    Other(PathBuf),
    /// Reported and left out (a symbolic link, an unreadable folder).
    Skipped(Diagnostic),
}

/// Lists files under `dir` (a folder or a single file) as entries to
/// insert; Markdown files are returned unread.
pub(super) fn walk(
    root: &Path,
    dir: &Path,
    follow_root: bool,
) -> Vec<(String, Result<Entry, PathBuf>)> {
    let content_dir = root.join("content");
    let mut found = Vec::new();
    let walker = WalkDir::new(dir)
        .follow_root_links(follow_root)
        .sort_by_file_name()
        .into_iter()
        .filter_entry(|entry| {
            entry.depth() == 0 || !is_editor_temporary(&entry.file_name().to_string_lossy())
        });
    for entry in walker {
        let entry = match entry {
            Ok(entry) => entry,
            Err(error) => {
                let file = error.path().map_or("content".to_string(), |p| {
                    diagnostics::display_path(root, p)
                });
                let key = error.path().map_or(String::new(), |p| {
                    diagnostics::display_path(&content_dir, p)
                });
                found.push((
                    key,
                    Ok(Entry::Skipped(Diagnostic::error(
                        file,
                        "walk",
                        error.to_string(),
                    ))),
                ));
                continue;
            }
        };
        let relative = diagnostics::display_path(&content_dir, entry.path());
        if entry.file_type().is_dir() {
            continue;
        }
        if entry.file_type().is_symlink() {
            let display = diagnostics::display_path(root, entry.path());
            match std::fs::canonicalize(entry.path()) {
                Ok(target)
                    if target.starts_with(crate::fs::canonicalize(root).unwrap_or_default())
                        && target.is_file() => {}
                Ok(target) if target.is_dir() => {
                    found.push((
                        relative,
                        Ok(Entry::Skipped(Diagnostic::warning(
                            display,
                            "symlink",
                            "symbolic links to folders are not followed",
                        ))),
                    ));
                    continue;
                }
                _ => {
                    found.push((
                        relative,
                        Ok(Entry::Skipped(Diagnostic::error(
                            display,
                            "symlink",
                            "symbolic link points outside the site or nowhere; medsite reads only files inside the site",
                        ))),
                    ));
                    continue;
                }
            }
        }
        if relative.ends_with(".md") {
            found.push((relative, Err(entry.into_path())));
        } else {
            found.push((relative, Ok(Entry::Other(entry.into_path()))));
        }
    }
    found
}
