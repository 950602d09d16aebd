//! The site's content as data: pages, sections and taxonomy terms, loaded
//! from `content/` and checked, before any template sees them.
//!
//! Loading, in named stages: `walk` lists `content/`, `parse` reads
//! and parses each Markdown file, `cache` keeps both between builds
//! (`ContentCache`), and `assemble` builds the [`Site`] one step per
//! function (sections, schema checks, pages, assets, URLs, order,
//! `links` and Markdown, `terms`, static files). Every problem becomes
//! a [`crate::diagnostics::Diagnostic`]; all are returned together.

mod assemble;
mod cache;
mod front_edit;
pub mod front_matter;
pub mod generate;
mod links;
mod parse;
pub mod paths;
mod terms;
mod walk;

use std::collections::BTreeMap;
use std::path::PathBuf;
use std::sync::Arc;

pub use cache::{BodyEdit, ContentCache, LoadOptions, load};
pub use front_edit::FrontEdit;
pub use front_matter::FrontMatter;
pub use links::linked_source;
pub use walk::{is_editor_temporary, is_skipped_static};

use crate::config::Config;
use crate::markdown::Rendered;

/// A Markdown file, or a record of a data file, that becomes one page.
#[derive(Debug, Clone)]
pub struct Page {
    /// Path relative to `content/`, `/`-separated: `careers/x.md`.
    pub source: String,
    /// Path relative to the site root, for diagnostics: `content/careers/x.md`.
    pub display: String,
    pub front: Arc<FrontMatter>,
    pub title: String,
    pub date: Option<jiff::civil::Date>,
    pub updated: Option<jiff::civil::Date>,
    /// Site path of the page, always ending with `/`: `careers/x/`.
    pub path: String,
    pub slug: String,
    /// Index of the section the page is listed in.
    pub section: usize,
    /// Files copied beside the page (page bundles): site path -> source file.
    pub assets: Vec<(String, PathBuf)>,
    pub rendered: Arc<Rendered>,
    /// Site paths of the previous and next page in the section's order.
    pub previous: Option<usize>,
    pub next: Option<usize>,
    /// The page's terms, resolved once at load: (taxonomy index, term
    /// indexes in front-matter order), in the site's taxonomy order.
    pub terms: Vec<(usize, Vec<usize>)>,
    /// For a page made from data (`generate`), its record; then `source`
    /// is `data/<file>#/<path>` and `display` the data file.
    pub record: Option<generate::RecordRef>,
}

/// A folder of pages, made by `_index.md` (the root always exists).
#[derive(Debug, Clone)]
pub struct Section {
    /// `careers/_index.md`, or the folder with `/_index.md` when the file is absent.
    pub source: String,
    pub display: String,
    /// Folder relative to `content/`: `careers`, `` for the root.
    pub folder: String,
    pub front: Arc<FrontMatter>,
    pub title: String,
    pub path: String,
    pub parent: Option<usize>,
    /// Pages in display order.
    pub pages: Vec<usize>,
    pub subsections: Vec<usize>,
    pub assets: Vec<(String, PathBuf)>,
    pub rendered: Arc<Rendered>,
}

/// One value of a taxonomy, with the pages that carry it.
#[derive(Debug, Clone)]
pub struct Term {
    pub name: String,
    /// `name` as a heading shows it (see [`Term::title_of`]).
    pub title: String,
    pub slug: String,
    pub path: String,
    pub pages: Vec<usize>,
}

impl Term {
    /// A term name as a heading shows it: its first letter capitalised,
    /// the rest as the writer wrote it ("dental office" -> "Dental office",
    /// "EMS station" unchanged), as Hugo titles its term pages.
    pub fn title_of(name: &str) -> String {
        let mut chars = name.chars();
        match chars.next() {
            Some(first) => first.to_uppercase().chain(chars).collect(),
            None => String::new(),
        }
    }
}

/// A taxonomy declared in `site.toml`, with its terms in name order.
#[derive(Debug, Clone)]
pub struct TaxonomyTerms {
    pub name: String,
    pub title: String,
    pub path: String,
    /// Pages per list page of each term, from `site.toml`.
    pub paginate_by: Option<usize>,
    pub terms: Vec<Term>,
}

/// Everything `render` needs, and nothing it has to read from disk.
#[derive(Debug, Clone)]
pub struct Site {
    pub config: Config,
    pub root: PathBuf,
    pub pages: Vec<Page>,
    /// `sections[0]` is the home page.
    pub sections: Vec<Section>,
    pub taxonomies: Vec<TaxonomyTerms>,
    /// Files from the theme's and the site's `static/`: site path -> file.
    pub static_files: Vec<(String, PathBuf)>,
    /// The files of `data/`, read by `data::load` beside the content.
    pub data: Arc<crate::data::DataFiles>,
    /// The fingerprints of the `.css` and `.js` files among them, by site
    /// path (see [`crate::assets`]).
    pub fingerprints: BTreeMap<String, crate::assets::Fingerprint>,
    /// The images shown, made ready after loading (see [`crate::images`]).
    pub images: Arc<crate::images::Images>,
}

impl Site {
    /// Pages newest first, for feeds: dated pages only.
    pub fn pages_by_date(&self) -> Vec<usize> {
        self.newest_first(0..self.pages.len())
    }

    /// The dated pages among `pages`, newest first (by `updated`, else
    /// `date`), ties broken by path so that feeds are deterministic.
    pub fn newest_first(&self, pages: impl IntoIterator<Item = usize>) -> Vec<usize> {
        let mut dated: Vec<usize> = pages
            .into_iter()
            .filter(|&i| self.pages[i].date.is_some())
            .collect();
        dated.sort_by(|&a, &b| {
            let (a, b) = (&self.pages[a], &self.pages[b]);
            b.updated
                .or(b.date)
                .cmp(&a.updated.or(a.date))
                .then_with(|| a.path.cmp(&b.path))
        });
        dated
    }

    pub fn permalink(&self, path: &str) -> Option<String> {
        self.config
            .base_url
            .as_ref()
            .map(|base| format!("{base}{path}"))
    }
}

/// A site assembled from Markdown files in memory, `(path in content/,
/// text)`, with `site.toml` as `config`: for unit tests of what follows
/// loading. Nothing is read from disk (the site's root does not exist).
#[cfg(test)]
pub(crate) fn site_from_texts(config: &str, files: &[(&str, &str)]) -> Site {
    let entries = files
        .iter()
        .map(|(source, text)| {
            let parsed = parse::parse_text(source, format!("content/{source}"), text.to_string());
            let parsed = parsed.unwrap_or_else(|error| panic!("{source}: {error:?}"));
            (
                walk::WalkKey(source.to_string()),
                walk::Entry::Markdown(Ok(Arc::new(parsed))),
            )
        })
        .collect();
    let mut cache = ContentCache {
        root: PathBuf::from("/nonexistent/medsite-test-site"),
        entries,
        markdown: std::collections::HashMap::new(),
        build: None,
    };
    let config = Config::parse(config).unwrap_or_else(|errors| panic!("site.toml: {errors:?}"));
    match cache.assemble_entries(config, &LoadOptions::default(), None) {
        Ok((site, _warnings)) => site,
        Err(errors) => panic!("{errors:#?}"),
    }
}

#[cfg(test)]
mod tests {
    use super::Term;

    #[test]
    fn a_term_title_capitalises_only_the_first_letter() {
        assert_eq!(Term::title_of("dental office"), "Dental office");
        assert_eq!(Term::title_of("EMS station"), "EMS station");
        assert_eq!(Term::title_of("bachelor's degree"), "Bachelor's degree");
        assert_eq!(Term::title_of("été"), "Été");
        assert_eq!(Term::title_of(""), "");
    }
}
