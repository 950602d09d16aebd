//! `ContentCache::assemble`: the [`Site`] built from what the cache holds,
//! one function per step, in the order they run:
//!
//! 1. [`sort_entries`]: what the walk found, as sections, pages and other
//!    files (drafts left out unless asked for);
//! 2. [`sections`] and [`link_sections`]: the section tree;
//! 3. [`check_schemas`]: every page's front matter against its section's
//!    schema, before any other step can skip the page;
//! 4. [`pages`]: each page's URL, section, title and dates; then the
//!    pages sections generate from data files
//!    ([`generated_pages`](super::generate::generated_pages)), after the
//!    Markdown pages;
//! 5. [`place_assets`]: the other files, beside their bundle or section;
//! 6. [`claim_urls`]: every URL has one source;
//! 7. [`order`]: pages and subsections in display order, neighbours linked;
//! 8. `render_markdown`: Markdown with links resolved, reusing every
//!    cached rendering still valid;
//! 9. [`taxonomies`](super::terms::taxonomies): terms and their pages;
//! 10. [`static_files`]: the theme's `static/`, then the site's;
//! 11. [`fingerprint_static_files`]: the fingerprints of their `.css` and
//!     `.js` files, for `asset` (see [`crate::assets`]).
//!
//! Every step adds what it finds to one [`Problems`], so one run reports
//! everything.

use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};
use std::sync::Arc;

use rayon::prelude::*;
use walkdir::WalkDir;

use super::cache::{ContentCache, LoadOptions};
use super::generate::{generated_pages, misplaced};
use super::links::{CachedMarkdown, render_markdown};
use super::parse::{ParsedFile, parse_date};
use super::paths::{self, folder_path, page_folder, parent_folder};
use super::walk::{Entry, WalkKey, is_skipped_static};
use super::{Page, Section, Site};
use crate::config::Config;
use crate::data::DataFiles;
use crate::data::records::RecordLocator;
use crate::diagnostics::{self, Diagnostic};
use crate::locate::FieldPath;
use crate::schema::Schemas;

/// The errors and warnings found so far.
#[derive(Debug, Default)]
pub(super) struct Problems {
    pub(super) errors: Vec<Diagnostic>,
    pub(super) warnings: Vec<Diagnostic>,
}

impl Problems {
    fn add(&mut self, diagnostic: Diagnostic) {
        if diagnostic.is_error() {
            self.errors.push(diagnostic);
        } else {
            self.warnings.push(diagnostic);
        }
    }

    /// The site with its warnings, or every problem (warnings too: one run
    /// shows everything it found) when there is an error.
    fn finish(mut self, site: Site) -> Result<(Site, Vec<Diagnostic>), Vec<Diagnostic>> {
        diagnostics::sort(&mut self.warnings);
        if self.errors.is_empty() {
            return Ok((site, self.warnings));
        }
        self.errors.append(&mut self.warnings);
        diagnostics::sort(&mut self.errors);
        self.errors.dedup();
        Err(self.errors)
    }
}

/// The walk's entries sorted by what they become.
#[derive(Debug, Default)]
struct Walked {
    /// `_index.md` files.
    sections: Vec<Arc<ParsedFile>>,
    pages: Vec<Arc<ParsedFile>>,
    /// Files that are not Markdown: (path relative to `content/`, file).
    others: Vec<(String, PathBuf)>,
    /// Markdown files that could not be read or parsed (already reported).
    failed: Vec<String>,
}

impl ContentCache {
    /// Builds the site from what is cached; see the module doc for the steps.
    /// `data` is the site's data files, for the pages sections generate
    /// from them; `None` when they had errors (reported by `data::load`),
    /// and then no page is generated.
    pub fn assemble(
        &mut self,
        config: Config,
        options: &LoadOptions,
        data: Option<&DataFiles>,
    ) -> Result<(Site, Vec<Diagnostic>), Vec<Diagnostic>> {
        if !self.root.join("content").is_dir() {
            return Err(vec![Diagnostic::error(
                "content",
                "content-missing",
                "the site has no `content/` folder",
            )]);
        }
        self.assemble_entries(config, options, data)
    }

    /// [`ContentCache::assemble`] once `content/` is known to exist: only
    /// schemas and static files are read from disk.
    pub(super) fn assemble_entries(
        &mut self,
        config: Config,
        options: &LoadOptions,
        data: Option<&DataFiles>,
    ) -> Result<(Site, Vec<Diagnostic>), Vec<Diagnostic>> {
        let root = self.root.clone();
        let content_dir = root.join("content");
        let mut problems = Problems::default();
        let schemas = Schemas::load(&root, &config).unwrap_or_else(|found| {
            problems.errors.extend(found);
            Schemas::default()
        });
        let walked = sort_entries(&self.entries, options, &mut problems);
        let (mut sections, section_texts) = sections(walked.sections, &config);
        let folders = SectionFolders::new(&sections);
        link_sections(&mut sections, &folders);
        check_schema_folders(&schemas, &content_dir, &mut problems);
        let all_texts = walked.pages.iter().chain(section_texts.iter().flatten());
        check_schemas(&schemas, all_texts, &mut problems);
        let bundles = bundle_folders(&walked.pages);
        let mut failed = walked.failed;
        let (mut pages, page_texts) = pages(walked.pages, &folders, &mut problems, &mut failed);
        // `page_texts[i]` is the file of `pages[i]`; generated pages follow.
        let locator = RecordLocator::new(&root);
        pages.extend(generated_pages(
            &sections,
            &section_texts,
            data,
            &config,
            &locator,
            &mut problems,
        ));
        place_assets(
            walked.others,
            &bundles,
            &folders,
            &mut pages,
            &mut sections,
            &mut problems,
        );
        let sources = Sources {
            texts: &page_texts,
            locator: &locator,
        };
        claim_urls(&sections, &pages, sources, &config, &mut problems);
        order(&mut pages, &mut sections);
        let texts = Texts {
            pages: &page_texts,
            sections: &section_texts,
            failed: &failed,
        };
        self.render_markdown(&mut pages, &mut sections, texts, &config, &mut problems);
        let taxonomies = super::terms::taxonomies(&config, &mut pages, &page_texts, &mut problems);
        let static_files = static_files(&root, &config, &mut problems);
        let fingerprints = fingerprint_static_files(&root, &static_files, &mut problems);
        problems.finish(Site {
            config,
            root,
            pages,
            sections,
            taxonomies,
            static_files,
            fingerprints,
            data: Default::default(),
            images: Default::default(),
        })
    }
}

/// Step 1: Markdown files as sections and pages (drafts only with
/// `options.drafts`), other files aside; walk problems reported.
fn sort_entries(
    entries: &BTreeMap<WalkKey, Entry>,
    options: &LoadOptions,
    problems: &mut Problems,
) -> Walked {
    let mut walked = Walked::default();
    for (key, entry) in entries {
        match entry {
            Entry::Markdown(Ok(file)) if is_section_file(&file.source) => {
                walked.sections.push(Arc::clone(file));
            }
            Entry::Markdown(Ok(file)) if options.drafts || !file.front.draft => {
                walked.pages.push(Arc::clone(file));
            }
            Entry::Markdown(Ok(_)) => {}
            Entry::Markdown(Err(diagnostic)) => {
                problems.errors.push(diagnostic.clone());
                walked.failed.push(key.0.clone());
            }
            Entry::Other(path) => walked.others.push((key.0.clone(), path.clone())),
            Entry::Skipped(diagnostic) => problems.add(diagnostic.clone()),
        }
    }
    walked
}

fn is_section_file(source: &str) -> bool {
    source == "_index.md" || source.ends_with("/_index.md")
}

fn is_bundle_file(source: &str) -> bool {
    source == "index.md" || source.ends_with("/index.md")
}

/// Step 2: one section per `_index.md`, parents before children, and the
/// root (made up when `content/_index.md` is missing). Returns each
/// section's file, if it has one.
fn sections(
    mut files: Vec<Arc<ParsedFile>>,
    config: &Config,
) -> (Vec<Section>, Vec<Option<Arc<ParsedFile>>>) {
    let mut sections = Vec::new();
    let mut texts = Vec::new();
    if !files.iter().any(|f| f.source == "_index.md") {
        sections.push(section(
            "_index.md",
            "content/_index.md",
            "",
            Arc::default(),
            config,
        ));
        texts.push(None);
    }
    files.sort_by(|a, b| a.source.cmp(&b.source));
    for file in files {
        let folder = parent_folder(&file.source);
        sections.push(section(
            &file.source,
            &file.display,
            &folder,
            file.front.clone(),
            config,
        ));
        texts.push(Some(file));
    }
    (sections, texts)
}

fn section(
    source: &str,
    display: &str,
    folder: &str,
    front: Arc<super::FrontMatter>,
    config: &Config,
) -> Section {
    let title = front.title.clone().unwrap_or_else(|| {
        if folder.is_empty() {
            config.title.clone()
        } else {
            folder.rsplit('/').next().unwrap_or("").to_string()
        }
    });
    Section {
        source: source.to_string(),
        display: display.to_string(),
        folder: folder.to_string(),
        front,
        title,
        path: folder_path(folder),
        parent: None,
        pages: Vec::new(),
        subsections: Vec::new(),
        assets: Vec::new(),
        rendered: Default::default(),
    }
}

/// Which section a content folder belongs to: its own, else its nearest
/// ancestor's, else the root.
pub(super) struct SectionFolders(HashMap<String, usize>);

impl SectionFolders {
    pub(super) fn new(sections: &[Section]) -> SectionFolders {
        SectionFolders(
            sections
                .iter()
                .enumerate()
                .map(|(i, s)| (s.folder.clone(), i))
                .collect(),
        )
    }

    fn nearest(&self, folder: &str) -> usize {
        let mut current = folder.to_string();
        loop {
            if let Some(&index) = self.0.get(&current) {
                return index;
            }
            if current.is_empty() {
                return 0;
            }
            current = parent_folder(&current);
        }
    }
}

/// Step 2b: each section's parent and subsections.
fn link_sections(sections: &mut [Section], folders: &SectionFolders) {
    for index in 1..sections.len() {
        let parent = folders.nearest(&parent_folder(&sections[index].folder));
        sections[index].parent = Some(parent);
        sections[parent].subsections.push(index);
    }
}

/// Step 3a: a schema for a folder that does not exist is a mistake in
/// `site.toml`.
fn check_schema_folders(schemas: &Schemas, content_dir: &Path, problems: &mut Problems) {
    for folder in schemas.folders() {
        if !content_dir.join(folder).is_dir() {
            problems.errors.push(Diagnostic::error(
                crate::config::CONFIG_FILE,
                "schema-invalid",
                format!(
                    "`[sections.{folder}]` has a schema, but there is no folder `content/{folder}/`"
                ),
            ));
        }
    }
}

/// Step 3: each page's whole front matter against its section's schema,
/// before anything else can skip the page, so that one run reports every
/// violation. Placeholders left by `medsite new` warn; one the schema
/// already refuses (a year, a URL) is reported once, as that error.
fn check_schemas<'a>(
    schemas: &Schemas,
    files: impl Iterator<Item = &'a Arc<ParsedFile>>,
    problems: &mut Problems,
) {
    for file in files {
        let is_page = !file.source.ends_with("_index.md");
        let violations = match schemas.for_folder(&page_folder(&file.source)) {
            Some(schema) if is_page => schema.validate(&file.value),
            _ => Vec::new(),
        };
        for path in &file.placeholders {
            if !violations.iter().any(|v| v.at == *path) {
                let message = format!(
                    "{}: placeholder left by `medsite new`: replace it with a sourced value, or remove the key if it is optional",
                    FieldPath(path.clone())
                );
                let mut diagnostic = file.at_path(path, "placeholder", message);
                diagnostic.severity = crate::diagnostics::Severity::Warning;
                problems.warnings.push(diagnostic);
            }
        }
        for violation in violations {
            problems
                .errors
                .push(file.at_path(&violation.at, "schema", violation.message));
        }
    }
}

/// The folders of page bundles (`a/b/index.md` -> `a/b`).
fn bundle_folders(files: &[Arc<ParsedFile>]) -> Vec<String> {
    files
        .iter()
        .filter(|f| is_bundle_file(&f.source))
        .map(|f| parent_folder(&f.source))
        .collect()
}

/// Step 4: a page for each file that makes a valid one, with the file it
/// came from (same index); the sources of the others join `failed`.
fn pages(
    files: Vec<Arc<ParsedFile>>,
    folders: &SectionFolders,
    problems: &mut Problems,
    failed: &mut Vec<String>,
) -> (Vec<Page>, Vec<Arc<ParsedFile>>) {
    let mut pages = Vec::new();
    let mut texts = Vec::new();
    for file in files {
        if let Some(diagnostic) = misplaced(&file) {
            problems.errors.push(diagnostic);
            continue;
        }
        match page(&file, folders) {
            Ok(page) => {
                pages.push(page);
                texts.push(file);
            }
            Err(diagnostic) => {
                problems.errors.push(diagnostic);
                failed.push(file.source.clone());
            }
        }
    }
    (pages, texts)
}

/// The page `file` makes: URL, section, title and dates.
pub(super) fn page(file: &ParsedFile, folders: &SectionFolders) -> Result<Page, Diagnostic> {
    let (folder, default_slug) = if is_bundle_file(&file.source) {
        let bundle = parent_folder(&file.source);
        if bundle.is_empty() {
            return Err(Diagnostic::error(
                &file.display,
                "page-bundle",
                "`content/index.md` would replace the home page: name it `_index.md`",
            ));
        }
        let name = bundle.rsplit('/').next().unwrap_or("").to_string();
        (parent_folder(&bundle), name)
    } else {
        let name = file.source.rsplit('/').next().unwrap_or("");
        (
            parent_folder(&file.source),
            name.trim_end_matches(".md").to_string(),
        )
    };
    let slug = match &file.front.slug {
        Some(slug) => paths::page_slug(slug)
            .map_err(|message| file.at_key(&["slug"], "unsafe-path", message))?,
        None => paths::segment(&default_slug),
    };
    let Some(title) = file.front.title.clone().filter(|t| !t.trim().is_empty()) else {
        return Err(Diagnostic::error(
            &file.display,
            "front-matter-missing",
            "the page has no `title` in its front matter",
        )
        .at(&file.full_text(), 1, 1));
    };
    let date = parse_date(file, "date", file.front.date.as_deref())?;
    let updated = parse_date(file, "updated", file.front.updated.as_deref())?;
    Ok(Page {
        source: file.source.clone(),
        display: file.display.clone(),
        front: file.front.clone(),
        title,
        date,
        updated,
        path: format!("{}{slug}/", folder_path(&folder)),
        slug,
        section: folders.nearest(&folder),
        assets: Vec::new(),
        rendered: Default::default(),
        previous: None,
        next: None,
        terms: Vec::new(),
        record: None,
    })
}

/// Step 5: a file that is not Markdown goes beside its page bundle (a
/// bundle left out, such as a draft, takes its files with it), else beside
/// its section.
fn place_assets(
    others: Vec<(String, PathBuf)>,
    bundles: &[String],
    folders: &SectionFolders,
    pages: &mut [Page],
    sections: &mut [Section],
    problems: &mut Problems,
) {
    for (relative, file) in others {
        let folder = parent_folder(&relative);
        let bundle = bundles
            .iter()
            .filter(|b| folder == **b || folder.starts_with(&format!("{b}/")))
            .max_by_key(|b| b.len());
        if let Some(bundle) = bundle {
            let bundle_source = if bundle.is_empty() {
                "index.md".to_string()
            } else {
                format!("{bundle}/index.md")
            };
            if let Some(page) = pages.iter_mut().find(|p| p.source == bundle_source) {
                let inner = &relative[bundle.len()..].trim_start_matches('/');
                page.assets.push((format!("{}{inner}", page.path), file));
            }
            continue;
        }
        let name = relative.rsplit('/').next().unwrap_or("");
        let site_path = format!("{}{name}", folder_path(&folder));
        if !paths::is_contained(&site_path) {
            problems.errors.push(Diagnostic::error(
                format!("content/{relative}"),
                "unsafe-path",
                "this file name cannot be written safely",
            ));
            continue;
        }
        sections[folders.nearest(&folder)]
            .assets
            .push((site_path, file));
    }
}

/// What claims an output path.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Owner {
    Section(usize),
    Page(usize),
    Taxonomy,
}

/// Where the pages came from: the Markdown file of each page (same index;
/// generated pages follow, without one), and the place of a record.
#[derive(Clone, Copy)]
struct Sources<'a> {
    texts: &'a [Arc<ParsedFile>],
    locator: &'a RecordLocator,
}

/// Who first claimed each output path (lower-cased: URLs differing only
/// by case collide on case-insensitive hosts).
struct Owners<'a> {
    claimed: HashMap<String, Owner>,
    sections: &'a [Section],
    pages: &'a [Page],
    sources: Sources<'a>,
}

impl Owners<'_> {
    /// Claims `path` for `owner`; a path already claimed by another owner
    /// becomes the error `at()`, naming the first.
    fn claim(
        &mut self,
        path: String,
        owner: Owner,
        at: impl FnOnce() -> Diagnostic,
        problems: &mut Problems,
    ) {
        let key = path.to_lowercase();
        match self.claimed.get(&key) {
            Some(&first) if first != owner => {
                let mut diagnostic = at();
                let url = path.strip_suffix("index.html").unwrap_or(&path);
                let hint = match owner {
                    Owner::Page(i) if self.pages[i].record.is_some() => {
                        let section = &self.sections[self.pages[i].section];
                        format!(
                            "make `generate.path` in `{}` tell them apart, or change one of them",
                            section.display
                        )
                    }
                    _ => "give one of them another `slug` or file name".to_string(),
                };
                let also = format!(
                    "`/{url}` is also the URL of {}: {hint}",
                    self.describe(first)
                );
                diagnostic.message = if diagnostic.message.is_empty() {
                    also
                } else {
                    format!("{}{also}", diagnostic.message)
                };
                problems.errors.push(diagnostic);
            }
            Some(_) => {}
            None => {
                self.claimed.insert(key, owner);
            }
        }
    }

    fn describe(&self, owner: Owner) -> String {
        match owner {
            Owner::Section(i) => self.sections[i].display.clone(),
            Owner::Page(i) => match &self.pages[i].record {
                Some(record) => self.sources.locator.describe(&record.data, record.index),
                None => self.pages[i].display.clone(),
            },
            Owner::Taxonomy => crate::config::CONFIG_FILE.to_string(),
        }
    }
}

/// Step 6: every URL belongs to one source: sections, pages, aliases and
/// taxonomy lists, in that order of precedence.
fn claim_urls(
    sections: &[Section],
    pages: &[Page],
    sources: Sources<'_>,
    config: &Config,
    problems: &mut Problems,
) {
    let mut owners = Owners {
        claimed: HashMap::new(),
        sections,
        pages,
        sources,
    };
    for (index, section) in sections.iter().enumerate() {
        let at = || Diagnostic::error(&section.display, "duplicate-url", "");
        let path = format!("{}index.html", section.path);
        owners.claim(path, Owner::Section(index), at, problems);
    }
    for (index, page) in pages.iter().enumerate() {
        let at = || page_at(page, sources.texts.get(index), sources.locator);
        let path = format!("{}index.html", page.path);
        owners.claim(path, Owner::Page(index), at, problems);
    }
    for (index, (page, file)) in pages.iter().zip(sources.texts).enumerate() {
        for alias in &page.front.aliases {
            match paths::alias_file(alias) {
                Ok(output) => {
                    let at = || file.at_key(&["aliases"], "duplicate-url", String::new());
                    owners.claim(output, Owner::Page(index), at, problems);
                }
                Err(message) => {
                    let at = file.at_key(&["aliases"], "unsafe-path", message);
                    problems.errors.push(at);
                }
            }
        }
    }
    for taxonomy in &config.taxonomies {
        let at = || Diagnostic::error("site.toml", "duplicate-url", "");
        let path = format!("{}/index.html", taxonomy.slug);
        owners.claim(path, Owner::Taxonomy, at, problems);
    }
}

/// Where a page's URL comes from: its `slug`, its file, or its record (the
/// message then starts with the row or record).
fn page_at(page: &Page, file: Option<&Arc<ParsedFile>>, locator: &RecordLocator) -> Diagnostic {
    match (file, &page.record) {
        (_, Some(record)) => {
            let mut at = locator.at(&record.data, record.index, None, "duplicate-url", "");
            at.message = format!("{} ", at.message.trim_end());
            at
        }
        (Some(file), None) if file.front.slug.is_some() => {
            file.at_key(&["slug"], "duplicate-url", String::new())
        }
        _ => Diagnostic::error(&page.display, "duplicate-url", ""),
    }
}

/// Step 7: pages within sections in display order with their neighbours
/// linked, and subsections by weight, then title.
fn order(pages: &mut [Page], sections: &mut [Section]) {
    for (index, page) in pages.iter().enumerate() {
        sections[page.section].pages.push(index);
    }
    for section in sections.iter_mut() {
        section
            .pages
            .sort_by(|&a, &b| page_order(&pages[a], &pages[b]));
        for window in section.pages.windows(2) {
            pages[window[0]].next = Some(window[1]);
            pages[window[1]].previous = Some(window[0]);
        }
    }
    let section_order: Vec<(Option<i64>, String)> = sections
        .iter()
        .map(|s| (s.front.weight, s.title.clone()))
        .collect();
    for section in sections.iter_mut() {
        section.subsections.sort_by(|&a, &b| {
            let (wa, ta) = &section_order[a];
            let (wb, tb) = &section_order[b];
            wa.is_none()
                .cmp(&wb.is_none())
                .then(wa.cmp(wb))
                .then(ta.cmp(tb))
        });
    }
}

/// Weight first (pages without one last), then newest date, then title.
pub(super) fn page_order(a: &Page, b: &Page) -> std::cmp::Ordering {
    let (wa, wb) = (a.front.weight, b.front.weight);
    wa.is_none()
        .cmp(&wb.is_none())
        .then(wa.cmp(&wb))
        .then_with(|| b.date.cmp(&a.date))
        .then_with(|| a.title.cmp(&b.title))
        .then_with(|| a.source.cmp(&b.source))
}

/// The files the pages and sections came from (same indexes), and the
/// Markdown files that make no page because of an error already reported.
#[derive(Clone, Copy)]
struct Texts<'a> {
    pages: &'a [Arc<ParsedFile>],
    sections: &'a [Option<Arc<ParsedFile>>],
    failed: &'a [String],
}

impl ContentCache {
    /// Step 8: every page's and section's Markdown, links to other content
    /// files resolved; a cached rendering stays while its text and its
    /// link targets do.
    fn render_markdown(
        &mut self,
        pages: &mut [Page],
        sections: &mut [Section],
        texts: Texts<'_>,
        config: &Config,
        problems: &mut Problems,
    ) {
        let mut targets: HashMap<String, String> = HashMap::new();
        for page in pages.iter() {
            targets.insert(page.source.clone(), page.path.clone());
        }
        for section in sections.iter() {
            targets.insert(section.source.clone(), section.path.clone());
        }
        // A link to a file with an error is no second error (no cascade):
        // it resolves to where the page would be, in a build that fails.
        for source in texts.failed {
            let stem = source
                .rsplit('/')
                .next()
                .unwrap_or("")
                .trim_end_matches(".md");
            let guess = format!(
                "{}{}/",
                folder_path(&parent_folder(source)),
                paths::segment(stem)
            );
            targets.entry(source.clone()).or_insert(guess);
        }
        // Only pages' HTML is spilled: sections' is read by `get_section`.
        let spill = self.build.as_ref().and_then(|build| build.spill.as_ref());
        let to_render: Vec<(&Arc<ParsedFile>, &str, _)> =
            (texts.pages.iter())
                .zip(pages.iter())
                .map(|(file, page)| (file, page.path.as_str(), spill))
                .chain((texts.sections.iter()).zip(sections.iter()).filter_map(
                    |(file, section)| Some((file.as_ref()?, section.path.as_str(), None)),
                ))
                .collect();
        let cache = &self.markdown;
        // `None`: the cached rendering is still right.
        let fresh: Vec<Option<CachedMarkdown>> = to_render
            .par_iter()
            .map(|&(file, path, spill)| match cache.get(&file.source) {
                Some(cached) if cached.is_valid_for(file, path, &targets) => None,
                _ => Some(render_markdown(
                    file,
                    path,
                    &|key| targets.get(key).cloned(),
                    config.markdown,
                    spill,
                )),
            })
            .collect();
        let rendered_count = fresh.len();
        let mut fresh = fresh.into_iter();
        let markdown_pages = pages.iter_mut().take(texts.pages.len());
        let sources = (markdown_pages.map(|p| (&p.source, &mut p.rendered))).chain(
            (sections.iter_mut())
                .zip(texts.sections)
                .filter(|(_, file)| file.is_some())
                .map(|(s, _)| (&s.source, &mut s.rendered)),
        );
        for (source, rendered) in sources {
            if let Some(new) = fresh.next().expect("one rendering per file") {
                self.markdown.insert(source.clone(), new);
            }
            let cached = &self.markdown[source];
            for problem in &cached.problems {
                problems.add(problem.clone());
            }
            *rendered = Arc::clone(&cached.rendered);
        }
        // Forget renderings of files that are gone, so a long watch does not grow.
        if self.markdown.len() != rendered_count {
            self.markdown
                .retain(|source, _| targets.contains_key(source));
        }
    }
}

/// Step 10: the theme's static files, then the site's own on top.
fn static_files(root: &Path, config: &Config, problems: &mut Problems) -> Vec<(String, PathBuf)> {
    let mut files: BTreeMap<String, PathBuf> = BTreeMap::new();
    let theme_static = config
        .theme
        .as_ref()
        .map(|theme| root.join("themes").join(theme).join("static"));
    for dir in theme_static.into_iter().chain([root.join("static")]) {
        if !dir.is_dir() {
            continue;
        }
        let walker = WalkDir::new(&dir)
            .sort_by_file_name()
            .into_iter()
            .filter_entry(|e| {
                e.depth() == 0 || !is_skipped_static(&e.file_name().to_string_lossy())
            });
        for entry in walker {
            match entry {
                Ok(entry) if entry.file_type().is_file() => {
                    let relative = diagnostics::display_path(&dir, entry.path());
                    files.insert(relative, entry.into_path());
                }
                Ok(_) => {}
                Err(error) => problems.errors.push(Diagnostic::error(
                    diagnostics::display_path(root, &dir),
                    "walk",
                    error.to_string(),
                )),
            }
        }
    }
    files.into_iter().collect()
}

/// Step 11: reads and fingerprints the static `.css` and `.js` files, in
/// parallel.
fn fingerprint_static_files(
    root: &Path,
    static_files: &[(String, PathBuf)],
    problems: &mut Problems,
) -> BTreeMap<String, crate::assets::Fingerprint> {
    let results: Vec<_> = static_files
        .par_iter()
        .filter(|(path, _)| crate::assets::is_fingerprinted(path))
        .map(|(path, file)| {
            crate::fs::read(file)
                .map(|bytes| (path.clone(), crate::assets::fingerprint(path, &bytes)))
                .map_err(|error| {
                    Diagnostic::error(
                        diagnostics::display_path(root, file),
                        "io",
                        error.to_string(),
                    )
                })
        })
        .collect();
    let mut fingerprints = BTreeMap::new();
    for result in results {
        match result {
            Ok((path, fingerprint)) => {
                fingerprints.insert(path, fingerprint);
            }
            Err(diagnostic) => problems.errors.push(diagnostic),
        }
    }
    fingerprints
}

#[cfg(test)]
mod tests;
