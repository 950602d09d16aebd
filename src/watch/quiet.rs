//! The debounce of `watch`: file events are gathered into one [`Batch`]
//! until the file system has been quiet for a while, then rebuilt at once.
//!
//! How long depends on what the events say. A save is complete when the
//! last event of every path that matters closed a file written
//! (`close_write` on Linux) or renamed a file onto it: then
//! [`SETTLED_QUIET`] of quiet is enough to catch what editors do right
//! after (vim sets the file's mode and removes its backup within
//! microseconds of the close). Anything else (a write not yet closed, a
//! file created, removed or renamed away, a new folder, a lost event, a
//! system that reports no closes, polling) waits [`QUIET`], as long as
//! before. A batch never waits more than [`MAX_WAIT`] in all, so a file
//! written without pause still rebuilds.
//!
//! Paths that `watch` ignores (editors' temporaries and backups, the
//! output folder) are gathered but never hold a batch back: vim's backup
//! `x.md~` renamed away and VS Code's temporary file are not waited for.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use notify::event::{AccessKind, AccessMode, EventKind, ModifyKind, RenameMode};

/// Quiet before a rebuild while a path's save may be under way.
pub const QUIET: Duration = Duration::from_millis(20);

/// Quiet before a rebuild once every path's last event finished a save.
pub const SETTLED_QUIET: Duration = Duration::from_millis(3);

/// The longest a batch waits from its first event.
pub const MAX_WAIT: Duration = Duration::from_millis(1000);

/// Events gathered since the last rebuild.
#[derive(Debug, Default)]
pub struct Batch {
    /// Every path named by an event that may change the site, in order.
    pub paths: Vec<PathBuf>,
    /// The watcher lost track (a queue overflow, an error): read
    /// everything again.
    pub rescan: bool,
    /// The watcher's errors, to report.
    pub errors: Vec<String>,
    /// For each path that matters, whether its last event finished it.
    finished: BTreeMap<PathBuf, bool>,
    first: Option<Instant>,
    last: Option<Instant>,
}

/// What an event says of its path.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Effect {
    /// Nothing changed (a file opened or read).
    None,
    /// A save may be under way.
    Started,
    /// A save is complete: the file was closed after writing, or renamed
    /// into place.
    Finished,
    /// The path changed but its save state did not (its mode, its times).
    Same,
}

fn effect(kind: &EventKind) -> Effect {
    match kind {
        EventKind::Access(AccessKind::Close(AccessMode::Write)) => Effect::Finished,
        // Opening or reading a file changes nothing (and medsite's own
        // reads would otherwise trigger rebuilds forever).
        EventKind::Access(_) | EventKind::Other => Effect::None,
        EventKind::Modify(ModifyKind::Name(RenameMode::To)) => Effect::Finished,
        EventKind::Modify(ModifyKind::Metadata(_)) => Effect::Same,
        _ => Effect::Started,
    }
}

impl Batch {
    /// Adds an event that arrived `at`; `matters` tells the paths that
    /// `watch` rebuilds for from those it ignores.
    pub fn add(
        &mut self,
        event: notify::Result<notify::Event>,
        at: Instant,
        matters: impl Fn(&Path) -> bool,
    ) {
        let event = match event {
            Ok(event) => event,
            Err(error) => {
                self.errors.push(error.to_string());
                self.rescan = true;
                self.heard(at);
                return;
            }
        };
        if event.need_rescan() {
            self.rescan = true;
            self.heard(at);
        }
        let both = matches!(
            event.kind,
            EventKind::Modify(ModifyKind::Name(RenameMode::Both))
        );
        for (i, path) in event.paths.into_iter().enumerate() {
            // A rename's source is gone, its target finished.
            let effect = match (both, i) {
                (true, 0) => Effect::Started,
                (true, _) => Effect::Finished,
                _ => effect(&event.kind),
            };
            self.add_path(path, (effect, at), &matters);
        }
    }

    /// An event that changes something arrived `at`.
    fn heard(&mut self, at: Instant) {
        self.first.get_or_insert(at);
        self.last = Some(at);
    }

    fn add_path(
        &mut self,
        path: PathBuf,
        (effect, at): (Effect, Instant),
        matters: &impl Fn(&Path) -> bool,
    ) {
        if effect == Effect::None {
            return;
        }
        self.heard(at);
        if matters(&path) {
            let finished = self.finished.entry(path.clone()).or_insert(false);
            match effect {
                Effect::Started => *finished = false,
                Effect::Finished => *finished = true,
                Effect::Same | Effect::None => {}
            }
        }
        self.paths.push(path);
    }

    /// Whether no event that changes anything was gathered.
    pub fn is_empty(&self) -> bool {
        self.first.is_none()
    }

    /// When the batch is ready to rebuild, if no other event comes first;
    /// `None` while it is empty.
    pub fn deadline(&self) -> Option<Instant> {
        let (first, last) = (self.first?, self.last?);
        let settled = !self.rescan && self.finished.values().all(|&finished| finished);
        let quiet = if settled { SETTLED_QUIET } else { QUIET };
        Some((last + quiet).min(first + MAX_WAIT))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use notify::event::{CreateKind, DataChange, MetadataKind, RemoveKind};

    fn at(start: Instant, ms: u64) -> Instant {
        start + Duration::from_millis(ms)
    }

    /// Everything matters but editors' backups (`~`) and vim's probe.
    fn matters(path: &Path) -> bool {
        let name = path.to_string_lossy();
        !name.ends_with('~') && !name.ends_with("4913")
    }

    fn event(kind: EventKind, paths: &[&str]) -> notify::Result<notify::Event> {
        let event = notify::Event::new(kind);
        Ok(paths
            .iter()
            .fold(event, |e, p| e.add_path(PathBuf::from(p))))
    }

    fn batch_of(events: Vec<(u64, notify::Result<notify::Event>)>, start: Instant) -> Batch {
        let mut batch = Batch::default();
        for (ms, event) in events {
            batch.add(event, at(start, ms), matters);
        }
        batch
    }

    const WRITTEN: EventKind = EventKind::Access(AccessKind::Close(AccessMode::Write));
    const DATA: EventKind = EventKind::Modify(ModifyKind::Data(DataChange::Any));
    const OPENED: EventKind = EventKind::Access(AccessKind::Open(notify::event::AccessMode::Any));

    #[test]
    fn an_empty_batch_has_no_deadline() {
        assert!(Batch::default().deadline().is_none());
        assert!(Batch::default().is_empty());
    }

    /// A file truncated, written and closed (most editors, `echo >`): the
    /// close finishes it, and the batch is ready after the short quiet.
    #[test]
    fn a_write_closed_waits_only_the_settled_quiet() {
        let start = Instant::now();
        let batch = batch_of(
            vec![
                (0, event(DATA, &["/s/content/a.md"])),
                (0, event(OPENED, &["/s/content/a.md"])),
                (1, event(DATA, &["/s/content/a.md"])),
                (1, event(WRITTEN, &["/s/content/a.md"])),
            ],
            start,
        );
        assert_eq!(batch.deadline(), Some(at(start, 1) + SETTLED_QUIET));
        assert!(
            batch
                .paths
                .iter()
                .all(|p| p == Path::new("/s/content/a.md"))
        );
        assert_eq!(batch.paths.len(), 3, "the open is no change");
    }

    /// Files opened and read (by medsite's own rebuild, by a viewer)
    /// make no batch.
    #[test]
    fn opening_and_reading_files_makes_no_batch() {
        let start = Instant::now();
        let read = EventKind::Access(AccessKind::Close(AccessMode::Read));
        let batch = batch_of(
            vec![
                (0, event(OPENED, &["/s/content/a.md"])),
                (0, event(read, &["/s/content/a.md"])),
            ],
            start,
        );
        assert!(batch.is_empty());
        assert!(batch.deadline().is_none());
    }

    /// While a file is being written (not yet closed), the batch waits
    /// the whole quiet, so that a slow save is not read half-way.
    #[test]
    fn a_write_not_yet_closed_waits_the_whole_quiet() {
        let start = Instant::now();
        let batch = batch_of(vec![(0, event(DATA, &["/s/content/a.md"]))], start);
        assert_eq!(batch.deadline(), Some(at(start, 0) + QUIET));
        let mut batch = batch;
        batch.add(event(WRITTEN, &["/s/content/a.md"]), at(start, 15), matters);
        assert_eq!(batch.deadline(), Some(at(start, 15) + SETTLED_QUIET));
    }

    /// vim's save: its probe file, the file renamed to a backup, written
    /// anew, closed, its mode set, the backup removed. The file is
    /// finished at its close; the mode keeps it so; the backup and the
    /// probe are not waited for. Every path is in the one batch.
    #[test]
    fn a_vim_save_is_one_batch_ready_after_the_settled_quiet() {
        let start = Instant::now();
        let mode = EventKind::Modify(ModifyKind::Metadata(MetadataKind::Permissions));
        let file = EventKind::Create(CreateKind::File);
        let batch = batch_of(
            vec![
                (0, event(file, &["/s/content/4913"])),
                (0, event(WRITTEN, &["/s/content/4913"])),
                (
                    0,
                    event(EventKind::Remove(RemoveKind::File), &["/s/content/4913"]),
                ),
                (
                    1,
                    event(
                        EventKind::Modify(ModifyKind::Name(RenameMode::From)),
                        &["/s/content/a.md"],
                    ),
                ),
                (
                    1,
                    event(
                        EventKind::Modify(ModifyKind::Name(RenameMode::To)),
                        &["/s/content/a.md~"],
                    ),
                ),
                (
                    1,
                    event(
                        EventKind::Modify(ModifyKind::Name(RenameMode::Both)),
                        &["/s/content/a.md", "/s/content/a.md~"],
                    ),
                ),
                (1, event(file, &["/s/content/a.md"])),
                (2, event(DATA, &["/s/content/a.md"])),
                (2, event(WRITTEN, &["/s/content/a.md"])),
                (2, event(mode, &["/s/content/a.md"])),
                (
                    2,
                    event(EventKind::Remove(RemoveKind::File), &["/s/content/a.md~"]),
                ),
            ],
            start,
        );
        assert_eq!(batch.deadline(), Some(at(start, 2) + SETTLED_QUIET));
        assert!(batch.paths.contains(&PathBuf::from("/s/content/a.md")));
    }

    /// Had vim stopped after renaming the file away, the file would be
    /// missing: the batch waits the whole quiet for it to come back.
    #[test]
    fn a_file_renamed_away_or_removed_waits_the_whole_quiet() {
        let start = Instant::now();
        let from = EventKind::Modify(ModifyKind::Name(RenameMode::From));
        let batch = batch_of(vec![(1, event(from, &["/s/content/a.md"]))], start);
        assert_eq!(batch.deadline(), Some(at(start, 1) + QUIET));
        let removed = EventKind::Remove(RemoveKind::File);
        let batch = batch_of(vec![(1, event(removed, &["/s/content/a.md"]))], start);
        assert_eq!(batch.deadline(), Some(at(start, 1) + QUIET));
    }

    /// A temporary file renamed over the page (VS Code, `sed -i`): the
    /// rename finishes the page; the temporary, gone, is another path
    /// that matters, so the batch waits as long as before for it.
    #[test]
    fn a_rename_onto_the_file_finishes_it() {
        let start = Instant::now();
        let both = EventKind::Modify(ModifyKind::Name(RenameMode::Both));
        let to = EventKind::Modify(ModifyKind::Name(RenameMode::To));
        let batch = batch_of(vec![(1, event(to, &["/s/content/a.md"]))], start);
        assert_eq!(batch.deadline(), Some(at(start, 1) + SETTLED_QUIET));
        let batch = batch_of(
            vec![(1, event(both, &["/s/content/a.tmp", "/s/content/a.md"]))],
            start,
        );
        assert_eq!(batch.deadline(), Some(at(start, 1) + QUIET));
        let batch = batch_of(
            vec![(1, event(both, &["/s/content/a.md~", "/s/content/a.md"]))],
            start,
        );
        assert_eq!(batch.deadline(), Some(at(start, 1) + SETTLED_QUIET));
    }

    /// Two files saved 2 ms apart (less than the settled quiet): one
    /// batch. Each new event moves the deadline on, and a second file
    /// still being written holds back the first one's rebuild.
    #[test]
    fn events_within_the_quiet_coalesce_into_one_batch() {
        let start = Instant::now();
        let mut batch = batch_of(vec![(0, event(WRITTEN, &["/s/content/a.md"]))], start);
        batch.add(event(DATA, &["/s/content/b.md"]), at(start, 2), matters);
        assert_eq!(batch.deadline(), Some(at(start, 2) + QUIET));
        batch.add(event(WRITTEN, &["/s/content/b.md"]), at(start, 4), matters);
        assert_eq!(batch.deadline(), Some(at(start, 4) + SETTLED_QUIET));
        assert_eq!(batch.paths.len(), 3);
    }

    /// Metadata alone (a `chmod`, a `touch` of the times) says nothing of
    /// a save: the whole quiet.
    #[test]
    fn a_metadata_change_alone_waits_the_whole_quiet() {
        let start = Instant::now();
        let times = EventKind::Modify(ModifyKind::Metadata(MetadataKind::WriteTime));
        let batch = batch_of(vec![(0, event(times, &["/s/content/a.md"]))], start);
        assert_eq!(batch.deadline(), Some(at(start, 0) + QUIET));
        assert_eq!(batch.paths.len(), 1);
    }

    /// A lost event or an error: everything is read again, after the
    /// whole quiet.
    #[test]
    fn a_rescan_or_an_error_waits_the_whole_quiet_and_reads_everything() {
        let start = Instant::now();
        let rescan = notify::Event::new(EventKind::Other).set_flag(notify::event::Flag::Rescan);
        let batch = batch_of(vec![(0, Ok(rescan))], start);
        assert!(batch.rescan);
        assert_eq!(batch.deadline(), Some(at(start, 0) + QUIET));
        let error = Err(notify::Error::generic("queue overflow"));
        let batch = batch_of(
            vec![(0, event(WRITTEN, &["/s/content/a.md"])), (0, error)],
            start,
        );
        assert!(batch.rescan);
        assert_eq!(batch.errors, ["queue overflow"]);
        assert_eq!(batch.deadline(), Some(at(start, 0) + QUIET));
    }

    /// A file written without pause still rebuilds once the batch is
    /// [`MAX_WAIT`] old.
    #[test]
    fn a_batch_never_waits_longer_than_the_maximum() {
        let start = Instant::now();
        let mut batch = Batch::default();
        for ms in (0..1000).step_by(10) {
            batch.add(event(DATA, &["/s/content/log.md"]), at(start, ms), matters);
        }
        assert_eq!(batch.deadline(), Some(at(start, 0) + MAX_WAIT));
    }
}
