//! The cache of `check --external`, `.medsite/cache/external-links.json`
//! under the site: each URL that answered well, with when it was fetched,
//! so that the next run within `[check.external] cache_hours` fetches only
//! new and expired URLs. Failures are never kept: they are fetched again
//! on every run.
//!
//! The file is medsite's own: written whole to a temporary file beside it
//! and renamed over it, so a killed run leaves the old cache or the new
//! one; `.medsite/.gitignore` (`*`) keeps the folder out of git without
//! touching the site's own `.gitignore`. A cache that cannot be read is a
//! warning, and is rewritten after the run.

use std::collections::BTreeMap;
use std::path::Path;

use jiff::{SignedDuration, Timestamp};
use serde::{Deserialize, Serialize};

use super::outcome::{Outcome, Verdict};
use crate::diagnostics::Diagnostic;

/// medsite's own folder under the site.
pub const FOLDER: &str = ".medsite";

/// The cache file, relative to the site.
pub const FILE: &str = ".medsite/cache/external-links.json";

/// The format's version; a file of another version is ignored.
const VERSION: u32 = 1;

#[derive(Debug, Serialize, Deserialize)]
struct CacheFile {
    version: u32,
    entries: BTreeMap<String, Entry>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
struct Entry {
    /// When the URL was fetched, RFC 3339 (`2026-12-03T14:36:13Z`).
    checked: String,
    #[serde(flatten)]
    outcome: Outcome,
}

/// The URLs that answered well, by URL.
#[derive(Debug, Default)]
pub struct Cache {
    entries: BTreeMap<String, Entry>,
}

impl Cache {
    /// The cache of the site at `root`: empty when there is none, and
    /// with a warning when the file cannot be read or is not a cache.
    pub fn load(root: &Path) -> (Cache, Option<Diagnostic>) {
        let path = root.join(FILE);
        let text = match std::fs::read_to_string(&path) {
            Ok(text) => text,
            Err(error) if error.kind() == std::io::ErrorKind::NotFound => {
                return (Cache::default(), None);
            }
            Err(error) => {
                let message = format!("could not read the cache of external links: {error}");
                return (Cache::default(), Some(unusable(message)));
            }
        };
        match Cache::parse(&text) {
            Ok(cache) => (cache, None),
            Err(error) => {
                let message = format!("the cache of external links is not valid: {error}");
                let at = unusable(message);
                (
                    Cache::default(),
                    Some(at.at(&text, error.line(), error.column())),
                )
            }
        }
    }

    fn parse(text: &str) -> Result<Cache, serde_json::Error> {
        // Read the version first, so that another version's format is
        // dropped quietly rather than reported as broken.
        #[derive(Deserialize)]
        struct Version {
            version: u32,
        }
        if serde_json::from_str::<Version>(text)?.version != VERSION {
            return Ok(Cache::default());
        }
        let file: CacheFile = serde_json::from_str(text)?;
        Ok(Cache {
            entries: file.entries,
        })
    }

    /// The outcome kept for `url`, when it was fetched less than `expiry`
    /// before `now`.
    pub fn fresh(&self, url: &str, now: Timestamp, expiry: SignedDuration) -> Option<&Outcome> {
        let entry = self.entries.get(url)?;
        is_fresh(entry, now, expiry).then_some(&entry.outcome)
    }

    /// Keeps `outcome` for `url` when it is good; forgets `url` otherwise.
    pub fn record(&mut self, url: &str, outcome: &Outcome, now: Timestamp) {
        if outcome.verdict == Verdict::Ok {
            let entry = Entry {
                checked: now.to_string(),
                outcome: outcome.clone(),
            };
            self.entries.insert(url.to_string(), entry);
        } else {
            self.entries.remove(url);
        }
    }

    /// Writes the entries still fresh at `now` to the site at `root`,
    /// atomically; a failure is a warning (the check itself is done).
    pub fn save(
        mut self,
        root: &Path,
        now: Timestamp,
        expiry: SignedDuration,
    ) -> Result<(), Diagnostic> {
        self.entries.retain(|_, entry| is_fresh(entry, now, expiry));
        let file = CacheFile {
            version: VERSION,
            entries: self.entries,
        };
        let mut json = serde_json::to_string_pretty(&file).expect("the cache always serializes");
        json.push('\n');
        write_atomically(root, json.as_bytes())
            .map_err(|error| Diagnostic::warning(FILE, "external-cache", error.to_string()))
    }
}

fn unusable(message: String) -> Diagnostic {
    Diagnostic::warning(
        FILE,
        "external-cache",
        format!("{message}; every URL is fetched again, and the cache is rewritten"),
    )
}

fn is_fresh(entry: &Entry, now: Timestamp, expiry: SignedDuration) -> bool {
    let Ok(checked) = entry.checked.parse::<Timestamp>() else {
        return false;
    };
    let age = now.duration_since(checked);
    !age.is_negative() && age < expiry
}

/// The cache file, written beside itself and renamed over; the folder's
/// `.gitignore` written first when missing.
fn write_atomically(root: &Path, bytes: &[u8]) -> Result<(), crate::fs::FsError> {
    let path = root.join(FILE);
    let folder = path.parent().expect("the cache file is in a folder");
    crate::fs::create_dir_all(folder)?;
    let ignore = root.join(FOLDER).join(".gitignore");
    if !ignore.exists() {
        match crate::fs::create_new(
            &ignore,
            b"# medsite's own files: caches, never committed\n*\n",
        ) {
            Err(error) if error.source.kind() != std::io::ErrorKind::AlreadyExists => {
                return Err(error);
            }
            _ => {}
        }
    }
    let temporary = folder.join(format!("external-links.json.{}.tmp", std::process::id()));
    crate::fs::write(&temporary, bytes)?;
    crate::fs::rename(&temporary, &path).inspect_err(|_| {
        let _ = std::fs::remove_file(&temporary);
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    const HOUR: SignedDuration = SignedDuration::from_hours(1);

    fn now() -> Timestamp {
        "2026-12-03T12:00:00Z".parse().unwrap()
    }

    #[test]
    fn good_outcomes_are_kept_until_they_expire_and_failures_never() {
        let dir = tempfile::tempdir().unwrap();
        let mut cache = Cache::default();
        cache.record("https://a.org/", &Outcome::new(Verdict::Ok), now());
        cache.record("https://b.org/", &Outcome::new(Verdict::Gone), now());
        cache.save(dir.path(), now(), HOUR * 24).unwrap();
        assert_eq!(
            std::fs::read_to_string(dir.path().join(".medsite/.gitignore")).unwrap(),
            "# medsite's own files: caches, never committed\n*\n"
        );
        let (cache, warning) = Cache::load(dir.path());
        assert_eq!(warning, None);
        let ok = Some(Outcome::new(Verdict::Ok));
        assert_eq!(cache.fresh("https://a.org/", now(), HOUR * 24), ok.as_ref());
        assert_eq!(cache.fresh("https://b.org/", now(), HOUR * 24), None);
        let later = now() + HOUR * 24;
        assert_eq!(cache.fresh("https://a.org/", later, HOUR * 24), None);
        assert_eq!(
            cache.fresh("https://a.org/", now(), SignedDuration::ZERO),
            None
        );
    }

    #[test]
    fn a_corrupt_cache_is_a_warning_at_its_position_and_is_ignored() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir_all(dir.path().join(".medsite/cache")).unwrap();
        std::fs::write(dir.path().join(FILE), "{\"version\": 1,\n\"entries\": [}\n").unwrap();
        let (cache, warning) = Cache::load(dir.path());
        assert!(cache.entries.is_empty());
        assert_eq!(
            warning.unwrap().to_string(),
            ".medsite/cache/external-links.json:2:13: warning: the cache of external links is not valid: expected value at line 2 column 13; every URL is fetched again, and the cache is rewritten\n  |\n2 | \"entries\": [}\n  |             ^"
        );
    }

    #[test]
    fn another_version_is_dropped_quietly() {
        let cache = Cache::parse("{\"version\": 99, \"entries\": 3}").unwrap();
        assert!(cache.entries.is_empty());
    }
}
