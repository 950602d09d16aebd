//! The search index of a watched site, made again off the edit's path.
//!
//! pagefind has no incremental API: every page is indexed again, which
//! takes seconds on a large site. The first build makes the index before
//! it writes, like `build`. After that, a rebuild writes its pages with the
//! previous index kept, so the browser reloads at once, and hands the index
//! to a worker thread ([`SearchIndex::start`]). The worker reads every page
//! from the output folder (the rebuild has written them), tells whether
//! their HTML is what the index on disk was made from
//! ([`search::fingerprint`]), and if not, indexes them. The rebuild thread
//! then writes the new index ([`Rebuilder::finish_search`]): first its
//! files named by their contents, then the entry file that names them,
//! then the removal of the previous index's files, so a reader who finds
//! the new entry finds every file it names.
//!
//! One worker at a time: a rebuild that changes pages while one works
//! marks its index stale; when it ends, its index is dropped and the next
//! one starts from what the output holds then.

use std::path::{Path, PathBuf};
use std::sync::mpsc;
use std::time::Instant;

use super::{Outcome, Rebuilder};
use crate::content::Site;
use crate::diagnostics::Diagnostic;
use crate::failure::Failure;
use crate::output;
use crate::plan::{Job, Owner, Plan, Target};
use crate::render::{Content, Output};
use crate::search;

/// The search index in the output folder, and what is kept to rebuild it.
#[derive(Default)]
pub(super) struct SearchIndex {
    /// Made on first use: only sites with `search = true` need one. Lent
    /// to the worker while it runs.
    indexer: Option<search::Indexer>,
    /// [`search::fingerprint`] of what the index in the output folder was
    /// made from; `None` when unknown (no index yet, or a failed write).
    pub(super) fingerprint: Option<u128>,
    worker: Option<Worker>,
    /// Pages changed since the worker started: its index is out of date.
    stale: bool,
}

/// An index being made on another thread.
struct Worker {
    done: mpsc::Receiver<Made>,
}

/// A new index: its [`search::fingerprint`] and its files.
type NewIndex = (u128, Vec<(String, Vec<u8>)>);

/// What a worker returns: the indexer, and the new index, `None` when the
/// pages are what the index on disk was made from.
struct Made {
    indexer: Option<search::Indexer>,
    index: Result<Option<NewIndex>, Diagnostic>,
}

/// A page or section to index: its site path and its output file.
struct Document {
    path: String,
    file: PathBuf,
}

impl SearchIndex {
    /// The indexer, made on first use (for the first build, made on this
    /// thread).
    pub(super) fn indexer(&mut self) -> Result<&search::Indexer, Diagnostic> {
        match &mut self.indexer {
            Some(indexer) => Ok(indexer),
            slot => Ok(slot.insert(search::Indexer::new()?)),
        }
    }

    /// An index is being made.
    pub(super) fn pending(&self) -> bool {
        self.worker.is_some()
    }

    /// Indexes the pages and sections of `jobs` as the output folder holds
    /// them, on a worker thread; when one is already at work, marks its
    /// index stale instead ([`Rebuilder::finish_search`] starts again).
    pub(super) fn start(&mut self, site: &Site, jobs: &[Job], output_dir: &Path) {
        if self.worker.is_some() {
            self.stale = true;
            return;
        }
        let documents: Vec<Document> = jobs
            .iter()
            .filter(|job| matches!(job.target, Target::Page(_) | Target::Section(_)))
            .map(|job| Document {
                path: job.path.clone(),
                file: output_dir.join(&job.output),
            })
            .collect();
        let language = site.config.language.clone();
        let previous = self.fingerprint;
        let indexer = self.indexer.take();
        let (sender, done) = mpsc::channel();
        std::thread::Builder::new()
            .name("medsite-index".into())
            .spawn(move || {
                let made = make_index(indexer, &language, &documents, previous);
                let _ = sender.send(made);
            })
            .expect("a thread can be started");
        self.worker = Some(Worker { done });
    }

    /// The worker's result, once it is done (`wait`: block until then).
    fn take_done(&mut self, wait: bool) -> Option<Made> {
        let worker = self.worker.as_ref()?;
        let made = if wait {
            worker.done.recv().ok()?
        } else {
            worker.done.try_recv().ok()?
        };
        self.worker = None;
        Some(made)
    }
}

/// The worker's job: read the pages, compare, index.
fn make_index(
    indexer: Option<search::Indexer>,
    language: &str,
    documents: &[Document],
    previous: Option<u128>,
) -> Made {
    let texts: Vec<(&str, String)> = documents
        .iter()
        .filter_map(|d| Some((d.path.as_str(), std::fs::read_to_string(&d.file).ok()?)))
        .collect();
    let documents: Vec<search::Document<'_>> = texts
        .iter()
        .map(|(path, html)| search::Document { path, html })
        .collect();
    let fingerprint = search::fingerprint(language, &documents);
    if previous == Some(fingerprint) {
        return Made {
            indexer,
            index: Ok(None),
        };
    }
    let indexer = match indexer {
        Some(indexer) => indexer,
        None => match search::Indexer::new() {
            Ok(indexer) => indexer,
            Err(diagnostic) => {
                return Made {
                    indexer: None,
                    index: Err(diagnostic),
                };
            }
        },
    };
    let index = indexer
        .index(language, &documents)
        .map(|files| Some((fingerprint, files)));
    Made {
        indexer: Some(indexer),
        index,
    }
}

impl Rebuilder {
    /// An index is being made on a worker thread; call
    /// [`Rebuilder::finish_search`] to write it once it is ready.
    pub fn search_pending(&self) -> bool {
        self.search.pending()
    }

    /// Writes the search index that the worker made, once it is ready
    /// (`wait`: blocks until then). `None` when there is nothing to write:
    /// no worker, not ready yet, the pages were what the index on disk was
    /// made from, or its index was stale (then another worker starts). The
    /// outcome has `index_only` set: no page changed.
    pub fn finish_search(&mut self, wait: bool) -> Option<Result<Outcome, Failure>> {
        let started = Instant::now();
        let made = self.search.take_done(wait)?;
        if made.indexer.is_some() {
            self.search.indexer = made.indexer;
        }
        let built = self.built.as_mut()?;
        if !built.site.config.search {
            return None;
        }
        if std::mem::take(&mut self.search.stale) {
            self.search
                .start(&built.site, &built.plan.jobs, &self.output_dir);
            return if wait { self.finish_search(true) } else { None };
        }
        let (fingerprint, files) = match made.index {
            Ok(Some(index)) => index,
            Ok(None) => return None,
            Err(diagnostic) => return Some(Err(Failure::Content(vec![diagnostic]))),
        };
        let before: Vec<String> = index_files(&built.plan.owners).cloned().collect();
        let mut errors = built
            .plan
            .add_search_index(&built.site, files.iter().map(|(path, _)| path));
        if !errors.is_empty() {
            crate::diagnostics::sort(&mut errors);
            return Some(Err(Failure::Content(errors)));
        }
        // Unknown until the whole index is written.
        self.search.fingerprint = None;
        let written = write_index(
            files,
            before,
            &built.plan,
            (&self.output_dir, &mut self.marker),
        );
        if written.is_ok() {
            self.search.fingerprint = Some(fingerprint);
        }
        Some(written.map(|changes| Outcome {
            written: changes.written,
            removed: changes.removed,
            indexed: true,
            index_only: true,
            files: built.plan.owners.len(),
            elapsed: started.elapsed(),
            ..Outcome::default()
        }))
    }
}

/// Writes a new index over the previous one (`before`: its paths), the
/// entry file after the files it names, the previous files removed last.
fn write_index(
    files: Vec<(String, Vec<u8>)>,
    before: Vec<String>,
    plan: &Plan,
    (output_dir, marker): (&Path, &mut output::MarkerSeen),
) -> Result<output::Changes, Failure> {
    let (entry, named): (Vec<_>, Vec<_>) = files
        .into_iter()
        .partition(|(path, _)| path == search::ENTRY);
    let removed: Vec<String> = before
        .into_iter()
        .filter(|path| !plan.owners.contains_key(path))
        .collect();
    let mut changes = output::Changes::default();
    for (files, removed) in [
        (named, Vec::new()),
        (entry, Vec::new()),
        (Vec::new(), removed),
    ] {
        let output = Output {
            files: files
                .into_iter()
                .map(|(path, bytes)| (path, Content::Bytes(bytes)))
                .collect(),
        };
        let done = output::update(&output, &removed, output_dir, marker)
            .map_err(|error| Failure::Io(error.to_string()))?;
        changes.written.extend(done.written);
        changes.removed.extend(done.removed);
    }
    Ok(changes)
}

/// The paths of an index's files among an output's owners.
pub(super) fn index_files(
    owners: &std::collections::BTreeMap<String, Owner>,
) -> impl Iterator<Item = &String> {
    owners
        .iter()
        .filter(|(_, owner)| **owner == Owner::SearchIndex)
        .map(|(path, _)| path)
}
