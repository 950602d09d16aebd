//! `medsite watch`: build, then rebuild on every change to the site.
//!
//! Three parts, as in mdBook and Zola: a debounce ([`notify`] events
//! gathered until the file system is quiet, shorter once the events say
//! every save is complete: `watch/quiet.rs`), a filter for editors'
//! temporary files, and a pure classifier ([`classify`]) that turns
//! changed paths into a [`Change`] for [`Rebuilder`]. Folders are watched,
//! not files, so atomic saves (write a temporary file, rename it over) and
//! new folders are seen; the classifier never trusts an event's kind (the
//! debounce reads it only to tell when to stop waiting), because the
//! rebuild re-checks each path on disk (missing = deleted). The output
//! folder is never watched.
//!
//! `serve` runs this loop and hears about each build through the callback.

use std::collections::BTreeSet;
use std::path::{Component, Path, PathBuf};
use std::sync::mpsc;
use std::time::{Duration, Instant};

use notify::RecursiveMode;

use crate::build::BuildOptions;
use crate::content::{is_editor_temporary, is_skipped_static};
use crate::failure::Failure;
use crate::rebuild::{Change, Outcome, Rebuilder};

mod quiet;
use quiet::Batch;
pub use quiet::{QUIET, SETTLED_QUIET};

/// The folders of a site that are watched recursively; the site folder
/// itself is watched without recursion, for `site.toml`.
pub const WATCHED_FOLDERS: [&str; 7] = [
    "content",
    "data",
    "themes",
    "templates",
    "static",
    "schemas",
    "archetypes",
];

/// How often `--poll` looks at every file. Polling compares contents, not
/// only modification times, which notify keeps to the second: an edit in
/// the same second as the previous one would be missed.
pub const POLL_INTERVAL: Duration = Duration::from_millis(1000);

/// Options of `medsite watch`, free of any CLI library.
#[derive(Debug, Clone, Default)]
pub struct WatchOptions {
    /// What every build of the watch builds, and where.
    pub build: BuildOptions,
    /// Poll the file system instead of asking it for events.
    pub poll: bool,
}

/// Turns changed paths into what to rebuild. `root` and `output` are
/// resolved (absolute, no symbolic links), like the paths notify reports.
/// Paths outside the site, inside the output, or made by editors (swap,
/// backup, lock and probe files) are dropped.
pub fn classify(root: &Path, output: &Path, paths: &[PathBuf]) -> Change {
    let mut change = Change::default();
    for path in paths {
        if path.starts_with(output) {
            continue;
        }
        let Ok(relative) = path.strip_prefix(root) else {
            continue;
        };
        let parts: Vec<String> = relative
            .components()
            .filter_map(|c| match c {
                Component::Normal(name) => Some(name.to_string_lossy().into_owned()),
                _ => None,
            })
            .collect();
        let part = |i: usize| parts.get(i).map(String::as_str);
        // Static files follow the rule of the build's static walk, which
        // publishes a few dot-files (`.well-known/`, `.htaccess`, ...).
        let in_static =
            part(0) == Some("static") || (part(0) == Some("themes") && part(2) == Some("static"));
        let skipped = if in_static {
            parts.iter().any(|part| is_skipped_static(part))
        } else {
            parts.iter().any(|part| is_editor_temporary(part))
        };
        if skipped {
            continue;
        }
        match (part(0), part(2)) {
            (Some("site.toml"), _) if parts.len() == 1 => change.everything = true,
            (Some("content"), _) => {
                change.content.insert(parts[1..].join("/"));
                change.paths.insert(relative.to_path_buf());
            }
            (Some("templates"), _) | (Some("themes"), Some("templates")) => change.templates = true,
            (Some("data"), _) => change.data = true,
            (Some("static"), _) | (Some("themes"), Some("static")) => {
                change.paths.insert(relative.to_path_buf());
            }
            // A theme appearing or going, or its other files.
            (Some("themes" | "schemas" | "archetypes"), _) => change.everything = true,
            _ => {}
        }
    }
    change
}

/// The file-system watcher, by events or by polling; its events go to
/// the channel it was made with, unbatched (see [`quiet`]).
enum Watcher {
    Events(notify::RecommendedWatcher),
    Poll(notify::PollWatcher),
}

impl Watcher {
    fn new(
        poll: bool,
        sender: mpsc::Sender<notify::Result<notify::Event>>,
    ) -> notify::Result<Watcher> {
        Ok(if poll {
            let config = notify::Config::default()
                .with_poll_interval(POLL_INTERVAL)
                .with_compare_contents(true);
            Watcher::Poll(notify::PollWatcher::new(sender, config)?)
        } else {
            Watcher::Events(notify::recommended_watcher(sender)?)
        })
    }

    fn watch(&mut self, path: &Path, mode: RecursiveMode) -> notify::Result<()> {
        use notify::Watcher as _;
        match self {
            Watcher::Events(watcher) => watcher.watch(path, mode),
            Watcher::Poll(watcher) => watcher.watch(path, mode),
        }
    }
}

/// Watches the site's folders that exist and are not yet watched.
fn watch_folders(
    watcher: &mut Watcher,
    root: &Path,
    output: &Path,
    watched: &mut BTreeSet<PathBuf>,
) -> Result<(), Failure> {
    for name in WATCHED_FOLDERS {
        let folder = root.join(name);
        if folder.is_dir() && !watched.contains(&folder) && !output.starts_with(&folder) {
            watcher
                .watch(&folder, RecursiveMode::Recursive)
                .map_err(|error| {
                    Failure::Io(format!("cannot watch `{}`: {error}", folder.display()))
                })?;
            watched.insert(folder);
        }
    }
    // A watched folder that was deleted is no longer watched by the system.
    watched.retain(|folder| folder.is_dir());
    Ok(())
}

/// Reports a build on the terminal: diagnostics on stderr, a one-line
/// summary on stdout unless `quiet`. Each line is flushed at once: tests
/// and tools wait for it.
pub fn print(options: &WatchOptions, result: &Result<Outcome, Failure>) {
    use std::io::Write;
    match result {
        Ok(outcome) => {
            eprint!("{}", crate::diagnostics::Report(&outcome.warnings));
            if !options.build.quiet {
                println!("{outcome}");
                let _ = std::io::stdout().flush();
            }
        }
        Err(failure) => {
            eprint!("{}", failure.describe("build"));
            eprintln!("(the output folder keeps the last good build)");
        }
    }
}

/// Builds the site, then rebuilds it after every change until the watcher
/// fails; `on_build` hears about every build, good or bad. Returns only on
/// an error that stops the watch (a bad option, a watcher that cannot start).
pub fn run(
    options: &WatchOptions,
    mut on_build: impl FnMut(&Result<Outcome, Failure>),
) -> Result<(), Failure> {
    let mut rebuilder = Rebuilder::new(options.build.clone())?;
    let root =
        crate::fs::canonicalize(&options.build.root).map_err(|e| Failure::Io(e.to_string()))?;
    let output = rebuilder.output_dir().to_path_buf();
    let (sender, receiver) = mpsc::channel();
    let mut watcher = Watcher::new(options.poll, sender)
        .map_err(|error| Failure::Io(format!("cannot watch files: {error}")))?;
    let mut watched = BTreeSet::new();
    watcher
        .watch(&root, RecursiveMode::NonRecursive)
        .map_err(|error| Failure::Io(format!("cannot watch `{}`: {error}", root.display())))?;
    watch_folders(&mut watcher, &root, &output, &mut watched)?;

    on_build(&rebuilder.rebuild(Change {
        everything: true,
        ..Change::default()
    }));
    // The paths that `classify` keeps: only those hold a batch back.
    let matters = |path: &Path| !classify(&root, &output, &[path.to_path_buf()]).is_empty();
    while let Some(batch) = next_batch(&receiver, &mut rebuilder, &mut on_build, &matters) {
        for error in &batch.errors {
            eprintln!("warning: file watcher: {error}");
        }
        let change = if batch.rescan {
            Change {
                everything: true,
                ..Change::default()
            }
        } else {
            classify(&root, &output, &batch.paths)
        };
        watch_folders(&mut watcher, &root, &output, &mut watched)?;
        if change.is_empty() {
            continue;
        }
        on_build(&rebuilder.rebuild(change));
    }
    Err(Failure::Io("the file watcher stopped".into()))
}

/// How often the loop looks whether the search index made after a rebuild
/// is ready to be written.
const SEARCH_POLL: Duration = Duration::from_millis(10);

/// The next batch of file events, once the file system is quiet (see
/// [`quiet`]); meanwhile, writes the search index as soon as a worker has
/// made it. `None` when the watcher stopped.
fn next_batch(
    receiver: &mpsc::Receiver<notify::Result<notify::Event>>,
    rebuilder: &mut Rebuilder,
    on_build: &mut impl FnMut(&Result<Outcome, Failure>),
    matters: &impl Fn(&Path) -> bool,
) -> Option<Batch> {
    let mut batch = Batch::default();
    loop {
        let wait = match batch.deadline() {
            Some(deadline) => deadline.saturating_duration_since(Instant::now()),
            None if rebuilder.search_pending() => SEARCH_POLL,
            None => {
                let event = receiver.recv().ok()?;
                batch.add(event, Instant::now(), matters);
                continue;
            }
        };
        match receiver.recv_timeout(wait) {
            Ok(event) => batch.add(event, Instant::now(), matters),
            Err(mpsc::RecvTimeoutError::Disconnected) => return None,
            Err(mpsc::RecvTimeoutError::Timeout) if batch.is_empty() => {
                if let Some(result) = rebuilder.finish_search(false) {
                    on_build(&result);
                }
            }
            Err(mpsc::RecvTimeoutError::Timeout) => {
                if batch.deadline().is_some_and(|d| d <= Instant::now()) {
                    return Some(batch);
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn change_of(paths: &[&str]) -> Change {
        let root = Path::new("/site");
        let paths: Vec<PathBuf> = paths.iter().map(|p| root.join(p)).collect();
        classify(root, &root.join("dist"), &paths)
    }

    #[test]
    fn published_static_dot_files_are_watched_and_other_dot_files_are_not() {
        for path in [
            "static/.well-known/security.txt",
            "static/.htaccess",
            "themes/t/static/.nojekyll",
        ] {
            assert_eq!(change_of(&[path]).paths.len(), 1, "{path}");
        }
        for path in [
            "static/.DS_Store",
            "static/.well-known/.security.txt.swp",
            "content/.htaccess",
        ] {
            assert!(change_of(&[path]).is_empty(), "{path}");
        }
    }

    /// Encoding an image writes into the site's `.medsite/cache/`: a
    /// rebuild for it would encode nothing and write nothing, forever.
    #[test]
    fn the_image_cache_is_not_watched() {
        let cached = ".medsite/cache/images/0123-480.webp";
        assert!(change_of(&[cached, ".medsite/cache/images/x.tmp-12"]).is_empty());
    }

    #[test]
    fn a_page_edit_is_a_content_change() {
        let change = change_of(&["content/careers/x.md"]);
        assert_eq!(change.content.iter().collect::<Vec<_>>(), ["careers/x.md"]);
        assert!(!change.everything && !change.templates);
    }

    #[test]
    fn editor_temporaries_and_the_output_are_ignored() {
        for path in [
            "content/.x.md.swp",
            "content/x.md~",
            "content/4913",
            "content/x.md___jb_tmp___",
            "content/x.md___jb_old___",
            "content/.#x.md",
            "content/#x.md#",
            "content/.hidden/x.md",
            "dist/index.html",
            "README.md",
            "site.toml~",
        ] {
            assert!(change_of(&[path]).is_empty(), "{path} was not ignored");
        }
    }

    #[test]
    fn site_toml_schemas_and_archetypes_rebuild_everything() {
        for path in ["site.toml", "schemas/career.json", "archetypes/page.md"] {
            assert!(change_of(&[path]).everything, "{path}");
        }
    }

    #[test]
    fn templates_of_the_site_and_of_a_theme_are_template_changes() {
        for path in ["templates/page.html", "themes/default/templates/base.html"] {
            let change = change_of(&[path]);
            assert!(change.templates && !change.everything, "{path}");
        }
    }

    #[test]
    fn data_files_are_data_changes() {
        for path in ["data/careers.csv", "data/states/ca.yaml", "data/states"] {
            let change = change_of(&[path]);
            assert!(
                change.data && !change.everything && !change.templates,
                "{path}"
            );
            assert!(
                change.content.is_empty() && change.paths.is_empty(),
                "{path}"
            );
        }
        assert!(change_of(&["data/.careers.csv.swp"]).is_empty());
    }

    #[test]
    fn static_files_are_copied_again() {
        let change = change_of(&["themes/default/static/style.css", "static/logo.svg"]);
        assert_eq!(change.paths.len(), 2);
        assert!(!change.everything && !change.templates && change.content.is_empty());
    }
}
