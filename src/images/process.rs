//! One source image made ready: read, hashed, probed, and every width it
//! needs encoded into the cache unless the cache already holds it.
//!
//! The cache is `.medsite/cache/images/` inside the site. A file's name is
//! the hash of the source's bytes and of [`VERSION`] (the encoders'
//! settings), then the width and format: a source that did not change
//! finds every file it needs there, and nothing is encoded again. Each file
//! is written beside its final name and renamed, so a killed build leaves
//! no half-written file that the next one would trust.

use std::path::{Path, PathBuf};

use xxhash_rust::xxh3::xxh3_128;

use super::codec::{self, Probe, Request};
use super::{Format, ImageSettings};

/// Changes whenever medsite's encoders or their settings change, so that
/// older cached files are not reused.
const VERSION: &[u8] = b"medsite-images-1\0";

/// The cache folder of the site at `root`.
pub fn cache_dir(root: &Path) -> PathBuf {
    root.join(".medsite").join("cache").join("images")
}

/// One published file of a responsive image.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Candidate {
    /// Site path, e.g. `blog/post/photo.480w.1a2b3c4d.jpg`.
    pub path: String,
    pub width: u32,
    /// The cached file it is copied from; `None` for the original itself.
    pub cached: Option<PathBuf>,
}

/// A source image, ready to be shown.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Processed {
    /// Site path of the original, e.g. `blog/post/photo.jpg`.
    pub path: String,
    pub probe: Probe,
    /// In the original's format, narrowest first, the original last. Empty
    /// for an image published as it is (a GIF, an animated PNG or WebP).
    pub original: Vec<Candidate>,
    /// WebP versions (of PNG sources), narrowest first.
    pub webp: Vec<Candidate>,
}

impl Processed {
    /// The derived files: (site path, cached file).
    pub fn derived(&self) -> impl Iterator<Item = (&String, &PathBuf)> {
        self.original
            .iter()
            .chain(&self.webp)
            .filter_map(|c| c.cached.as_ref().map(|file| (&c.path, file)))
    }
}

/// What a source needs and whether it must be encoded: the plan for one
/// source before any encoding.
pub struct Prepared {
    pub processed: Processed,
    /// The source, as errors name it: `content/blog/photo.jpg`.
    display: String,
    bytes: Vec<u8>,
    /// Candidates missing from the cache.
    missing: Vec<(Request, PathBuf)>,
}

impl Prepared {
    pub fn needs_encoding(&self) -> bool {
        !self.missing.is_empty()
    }
}

/// Reads and probes `file`, published at `path`, and lists what it needs.
pub fn prepare(
    root: &Path,
    path: &str,
    file: &Path,
    settings: &ImageSettings,
) -> Result<Prepared, String> {
    let display = crate::diagnostics::display_path(root, file);
    let bytes = crate::fs::read(file).map_err(|error| error.to_string())?;
    let format = codec::sniff(&bytes).map_err(|cause| format!("`{display}` {cause}"))?;
    check_extension(path, &display, format)?;
    let probe = codec::probe(&bytes, format).map_err(|cause| format!("`{display}` {cause}"))?;
    let hash = format!("{:032x}", xxh3_128(&[VERSION, &bytes].concat()));
    let mut processed = Processed {
        path: path.to_string(),
        probe,
        original: Vec::new(),
        webp: Vec::new(),
    };
    let mut missing = Vec::new();
    if !probe.animated {
        let cache = cache_dir(root);
        let mut add = |width: u32, format: Format, list: &mut Vec<Candidate>| {
            let cached = cache.join(format!("{hash}-{width}.{}", format.extension()));
            if !cached.is_file() {
                missing.push((Request { width, format }, cached.clone()));
            }
            list.push(Candidate {
                path: derived_path(path, &hash, width, format),
                width,
                cached: Some(cached),
            });
        };
        let widths = settings.widths_for(probe.width);
        for &width in widths.iter().filter(|&&w| w < probe.width) {
            add(width, probe.format, &mut processed.original);
        }
        if probe.format == Format::Png {
            for &width in &widths {
                add(width, Format::WebP, &mut processed.webp);
            }
        }
        processed.original.push(Candidate {
            path: path.to_string(),
            width: probe.width,
            cached: None,
        });
    }
    Ok(Prepared {
        processed,
        display,
        bytes,
        missing,
    })
}

/// Encodes what the cache is missing and returns the source, ready.
pub fn encode(root: &Path, prepared: Prepared) -> Result<Processed, String> {
    if prepared.missing.is_empty() {
        return Ok(prepared.processed);
    }
    let display = &prepared.display;
    let requests: Vec<Request> = prepared.missing.iter().map(|(r, _)| *r).collect();
    let encoded = codec::encode(&prepared.bytes, &prepared.processed.probe, &requests)
        .map_err(|cause| format!("`{display}` {cause}"))?;
    let cache = cache_dir(root);
    crate::fs::create_dir_all(&cache).map_err(|error| error.to_string())?;
    for ((_, target), bytes) in prepared.missing.iter().zip(encoded) {
        let temporary = target.with_extension(format!("tmp-{}", std::process::id()));
        crate::fs::write(&temporary, &bytes).map_err(|error| error.to_string())?;
        crate::fs::rename(&temporary, target).map_err(|error| error.to_string())?;
    }
    Ok(prepared.processed)
}

/// A file whose name says another format than its bytes is refused: a
/// server would send it with the wrong type.
fn check_extension(path: &str, display: &str, format: Format) -> Result<(), String> {
    let named = Format::from_path(path);
    if named == Some(format) {
        return Ok(());
    }
    let stem = path.rsplit('/').next().unwrap_or(path);
    let stem = stem.rsplit_once('.').map_or(stem, |(stem, _)| stem);
    let said = named.map_or("another format", Format::name);
    Err(format!(
        "`{display}` is a {} image, but its name says {said}: rename it to `{stem}.{}`",
        format.name(),
        format.extension()
    ))
}

/// `blog/photo.jpg` at 480 px -> `blog/photo.480w.1a2b3c4d.jpg`: the hash
/// gives each content its own name, so hosts may cache it for a year.
fn derived_path(path: &str, hash: &str, width: u32, format: Format) -> String {
    let stem = path.rsplit_once('.').map_or(path, |(stem, _)| stem);
    format!("{stem}.{width}w.{}.{}", &hash[..8], format.extension())
}
