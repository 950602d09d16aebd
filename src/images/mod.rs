//! Responsive images: a local image in Markdown (`![alt](photo.jpg)`) or a
//! call to `image(path=..., alt=...)` in a template becomes a `<picture>`
//! with WebP and original-format `srcset`s at the widths of `[images]` in
//! `site.toml`, its intrinsic `width` and `height` (no layout shift), and
//! lazy loading for all but the first image of a page.
//!
//! The stages: Markdown rendering leaves a placeholder for each local
//! image ([`markdown`]); after loading, [`prepare`] reads every image
//! that is shown (every image of the site when a template calls `image`),
//! encodes the widths the cache lacks in parallel (`process`, the codecs
//! in `codec`), and puts each image's HTML ([`html`]) in place of its
//! placeholders. The derived files are copied into the output from the
//! cache like static files ([`crate::plan::copies`]); rendering stays free
//! of I/O.
//!
//! A file medsite cannot use stops the build with an error naming it (and
//! the Markdown line that shows it): unreadable or truncated, a name whose
//! extension says another format than its bytes, more pixels than
//! 50 megapixels. A GIF, an animated PNG or an animated WebP is
//! published as it is, with its size but no other widths.

mod codec;
pub mod html;
pub mod markdown;
mod process;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use rayon::prelude::*;
use serde::Deserialize;

pub use process::{Candidate, Processed, cache_dir};

use crate::content::{Site, paths};
use crate::diagnostics::Diagnostic;
use crate::progress::Progress;

/// The name of the template function.
pub const FUNCTION: &str = "image";
/// How templates that call it are found ([`crate::templates::Templates::calling`]).
pub const CALL: &str = "image(";

/// An image format medsite reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Format {
    Png,
    Jpeg,
    WebP,
    Gif,
}

impl Format {
    pub fn extension(self) -> &'static str {
        match self {
            Format::Png => "png",
            Format::Jpeg => "jpg",
            Format::WebP => "webp",
            Format::Gif => "gif",
        }
    }

    pub fn name(self) -> &'static str {
        match self {
            Format::Png => "PNG",
            Format::Jpeg => "JPEG",
            Format::WebP => "WebP",
            Format::Gif => "GIF",
        }
    }

    pub fn mime(self) -> &'static str {
        match self {
            Format::Png => "image/png",
            Format::Jpeg => "image/jpeg",
            Format::WebP => "image/webp",
            Format::Gif => "image/gif",
        }
    }

    /// The format a file name says, by its extension.
    pub fn from_path(path: &str) -> Option<Format> {
        let (_, extension) = path.rsplit_once('.')?;
        match extension.to_ascii_lowercase().as_str() {
            "png" => Some(Format::Png),
            "jpg" | "jpeg" => Some(Format::Jpeg),
            "webp" => Some(Format::WebP),
            "gif" => Some(Format::Gif),
            _ => None,
        }
    }

    #[cfg(feature = "images")]
    fn image_format(self) -> image::ImageFormat {
        match self {
            Format::Png => image::ImageFormat::Png,
            Format::Jpeg => image::ImageFormat::Jpeg,
            Format::WebP => image::ImageFormat::WebP,
            Format::Gif => image::ImageFormat::Gif,
        }
    }
}

/// `[images]` in site.toml.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ImageSettings {
    /// Widths in pixels to publish each image at (never wider than the
    /// original, which is always one of them).
    #[serde(default = "default_widths")]
    pub widths: Vec<u32>,
    /// The `sizes` attribute: how wide the image is shown.
    #[serde(default = "default_sizes")]
    pub sizes: String,
}

fn default_widths() -> Vec<u32> {
    vec![480, 960, 1600]
}

fn default_sizes() -> String {
    "(min-width: 48rem) 48rem, 100vw".to_string()
}

impl Default for ImageSettings {
    fn default() -> Self {
        ImageSettings {
            widths: default_widths(),
            sizes: default_sizes(),
        }
    }
}

impl ImageSettings {
    /// The widths for an image `original` pixels wide: those narrower, and
    /// the original's, in order.
    pub fn widths_for(&self, original: u32) -> Vec<u32> {
        let mut widths: Vec<u32> = self
            .widths
            .iter()
            .copied()
            .filter(|&w| w < original)
            .collect();
        widths.sort_unstable();
        widths.dedup();
        widths.push(original);
        widths
    }

    /// What is wrong with the settings, if anything.
    pub fn problem(&self) -> Option<String> {
        if self.widths.is_empty() {
            return Some("`widths` is empty: give at least one width, e.g. `[480, 960]`".into());
        }
        self.widths
            .iter()
            .find(|&&w| w == 0 || w > codec::MAX_SIDE)
            .map(|w| format!("width {w} is out of range (1 to {})", codec::MAX_SIDE))
    }
}

/// How an image's alt text was written.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Alt {
    /// `![](x.png)`: an error.
    Missing,
    /// `![""](x.png)`: decoration, `alt=""`.
    Decorative,
    Text(String),
}

impl Alt {
    pub fn text(&self) -> &str {
        match self {
            Alt::Text(text) => text,
            Alt::Missing | Alt::Decorative => "",
        }
    }
}

/// A local image in a page's Markdown.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ImageCall {
    /// Byte offset of the `![` in the Markdown body.
    pub offset: usize,
    /// The destination as written.
    pub destination: String,
    pub alt: Alt,
    pub title: String,
    /// Where errors about it are reported, filled in by the content
    /// loader, which knows the file.
    pub at: Option<Diagnostic>,
}

/// Starts and ends the placeholder for image N in rendered HTML (other
/// characters than the components' placeholders).
const OPEN: char = '\u{3}';
const CLOSE: char = '\u{4}';

/// The placeholder left in the HTML for image `number` of a page.
pub fn placeholder(number: usize) -> String {
    format!("{OPEN}{number}{CLOSE}")
}

/// Whether raw HTML in rendered Markdown is an image's placeholder.
pub fn is_placeholder(html: &str) -> bool {
    html.starts_with(OPEN) && html.ends_with(CLOSE)
}

/// Whether a Markdown image destination names a local PNG, JPEG, WebP or
/// GIF file (not a URL, no query).
pub fn is_local_image(destination: &str) -> bool {
    let lower = destination.to_ascii_lowercase();
    !lower.contains(':')
        && !lower.starts_with("//")
        && !lower.contains(['?', '#'])
        && Format::from_path(&lower).is_some()
}

/// One source image: its file, what the file was when read, and the result.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Entry {
    file: PathBuf,
    identity: Option<Identity>,
    result: Result<Arc<Processed>, String>,
}

/// Size and modification time of a file, to tell whether `watch` may reuse
/// what an earlier rebuild made of it.
type Identity = (u64, std::time::SystemTime);

fn identity(file: &Path) -> Option<Identity> {
    let metadata = std::fs::metadata(file).ok()?;
    Some((metadata.len(), metadata.modified().ok()?))
}

/// Every image of a site made ready, by the site path of its original.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Images {
    entries: BTreeMap<String, Entry>,
}

impl Images {
    /// The image published at `path`: ready, or why not; `None` when the
    /// site publishes no image there.
    pub fn get(&self, path: &str) -> Option<&Result<Arc<Processed>, String>> {
        self.entries.get(path).map(|entry| &entry.result)
    }

    /// Every derived file to publish: (site path, cached file).
    pub fn derived(&self) -> impl Iterator<Item = (&String, &PathBuf)> {
        self.entries
            .values()
            .filter_map(|entry| entry.result.as_ref().ok())
            .flat_map(|processed| processed.derived())
    }

    /// These images without the entries whose source `changed`, for the
    /// next rebuild to read again.
    pub fn without(&self, changed: impl Fn(&Path) -> bool) -> Images {
        let mut images = self.clone();
        images.entries.retain(|_, entry| !changed(&entry.file));
        images
    }
}

/// Reads, encodes (what the cache lacks) and places every image the site
/// shows; `all` adds every image it publishes (a template calls `image`).
/// `previous` lends what an earlier rebuild made of unchanged files.
pub fn prepare(
    site: &mut Site,
    all: bool,
    previous: Option<&Images>,
    progress: &Progress,
) -> Vec<Diagnostic> {
    let published = published(site);
    let shown = shown(site, &published);
    let mut wanted: BTreeMap<String, PathBuf> = shown
        .iter()
        .flatten()
        .filter_map(|(_, path)| path.clone())
        .map(|path| {
            let file = published[&path].clone();
            (path, file)
        })
        .collect();
    if all {
        wanted.extend(
            published
                .iter()
                .filter(|(path, _)| Format::from_path(path).is_some())
                .map(|(path, file)| (path.clone(), file.clone())),
        );
    }
    let images = Images {
        entries: process_all(&site.root, &site.config.images, wanted, previous, progress),
    };
    let errors = html::expand(site, &images, &shown);
    site.images = Arc::new(images);
    errors
}

/// Every file the site publishes as it is, by site path: static files,
/// section and page assets.
fn published(site: &Site) -> BTreeMap<String, PathBuf> {
    let assets = site
        .sections
        .iter()
        .flat_map(|s| &s.assets)
        .chain(site.pages.iter().flat_map(|p| &p.assets));
    site.static_files.iter().chain(assets).cloned().collect()
}

/// For each page, then each section (in site order), its image calls with
/// the site path of the file each shows (`None`: no such file published).
pub type Shown = Vec<Vec<(usize, Option<String>)>>;

fn shown(site: &Site, published: &BTreeMap<String, PathBuf>) -> Shown {
    let by_file: BTreeMap<&Path, &String> = published
        .iter()
        .map(|(path, file)| (file.as_path(), path))
        .collect();
    let content = site.root.join("content");
    let sources = site
        .pages
        .iter()
        .map(|p| (&p.source, &p.rendered))
        .chain(site.sections.iter().map(|s| (&s.source, &s.rendered)));
    sources
        .map(|(source, rendered)| {
            let folder = paths::parent_folder(source);
            rendered
                .images
                .iter()
                .enumerate()
                .map(|(number, call)| {
                    let found =
                        source_path(&call.destination, &folder, &content).and_then(|target| {
                            match target {
                                Target::Site(path) => published.contains_key(&path).then_some(path),
                                Target::File(file) => {
                                    by_file.get(file.as_path()).map(|p| (*p).clone())
                                }
                            }
                        });
                    (number, found)
                })
                .collect()
        })
        .collect()
}

/// What an image destination names.
enum Target {
    /// `/img/x.png`: a site path.
    Site(String),
    /// `x.png` beside the Markdown file: a file in `content/`.
    File(PathBuf),
}

fn source_path(destination: &str, folder: &str, content: &Path) -> Option<Target> {
    let decoded = percent_encoding::percent_decode_str(destination)
        .decode_utf8()
        .ok()?;
    match decoded.strip_prefix('/') {
        Some(absolute) => paths::normalise(absolute).map(Target::Site),
        None => paths::normalise(&format!("{folder}/{decoded}"))
            .map(|relative| Target::File(content.join(relative))),
    }
}

/// Makes every wanted image ready, in parallel, reusing `previous`
/// entries of files that did not change.
fn process_all(
    root: &Path,
    settings: &ImageSettings,
    wanted: BTreeMap<String, PathBuf>,
    previous: Option<&Images>,
    progress: &Progress,
) -> BTreeMap<String, Entry> {
    let (kept, fresh): (Vec<_>, Vec<_>) = wanted.into_iter().partition(|(path, file)| {
        previous
            .and_then(|images| images.entries.get(path))
            .is_some_and(|entry| {
                &entry.file == file && entry.identity.is_some() && entry.identity == identity(file)
            })
    });
    let mut entries: BTreeMap<String, Entry> = kept
        .into_iter()
        .filter_map(|(path, _)| {
            let entry = previous?.entries.get(&path)?.clone();
            Some((path, entry))
        })
        .collect();
    let prepared: Vec<_> = fresh
        .into_par_iter()
        .map(|(path, file)| {
            let identity = identity(&file);
            let result = process::prepare(root, &path, &file, settings);
            (path, file, identity, result)
        })
        .collect();
    let total = prepared
        .iter()
        .filter(|(.., r)| r.as_ref().is_ok_and(process::Prepared::needs_encoding))
        .count();
    let done = AtomicUsize::new(0);
    let encoded: Vec<_> = prepared
        .into_par_iter()
        .map(|(path, file, identity, result)| {
            let needs = result.as_ref().is_ok_and(process::Prepared::needs_encoding);
            let result = result.and_then(|p| process::encode(root, p)).map(Arc::new);
            if needs {
                let done = done.fetch_add(1, Ordering::Relaxed) + 1;
                progress.message(format!("encoding images ({done} of {total})"));
            }
            (
                path,
                Entry {
                    file,
                    identity,
                    result,
                },
            )
        })
        .collect();
    entries.extend(encoded);
    entries
}
