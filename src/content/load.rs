//! `load`: walks `content/`, parses every Markdown file, places pages in
//! sections, gives each its URL, renders the Markdown and builds taxonomy
//! terms. Every problem becomes a [`Diagnostic`]; all are returned together.
//!
//! Loading runs in two steps so that `watch` can repeat the cheap one:
//! [`ContentCache::scan`] walks and parses (the expensive, per-file work),
//! [`ContentCache::update`] re-checks only the paths that changed, and
//! [`ContentCache::assemble`] builds a [`Site`] from what is cached. The
//! cache also keeps each file's rendered Markdown with the link targets it
//! resolved, so a page is rendered again only when its text or one of its
//! link targets changed. A full build is `scan` then `assemble`, so a
//! rebuild and a fresh build cannot disagree.

use std::cell::RefCell;
use std::cmp::Ordering;
use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};
use std::sync::Arc;

use rayon::prelude::*;
use walkdir::WalkDir;

use super::front_matter::{self, Format, FrontMatter, Split};
use super::locate::{self, Segment};
use super::paths;
use super::{Page, Section, Site, TaxonomyTerms, Term};
use crate::config::Config;
use crate::diagnostics::{self, Diagnostic};
use crate::markdown::{self, LinkTarget, Rendered};
use crate::schema::Schemas;

/// Markdown files larger than this are refused, so that no single file can
/// push a build past a gigabyte of memory.
pub const MAX_MARKDOWN_BYTES: u64 = 4_000_000;

/// Choices that change what is loaded.
#[derive(Debug, Clone, Default)]
pub struct LoadOptions {
    /// Include pages whose front matter says `draft: true`.
    pub drafts: bool,
}

/// A Markdown file read and split, before it is placed in the site.
#[derive(Debug)]
struct ParsedFile {
    source: String,
    display: String,
    text: String,
    block_offset: usize,
    block_len: usize,
    body_offset: usize,
    format: Option<Format>,
    /// The whole front matter as parsed, for schema validation.
    value: serde_json::Value,
    /// Shared with the page or section made from the file.
    front: Arc<FrontMatter>,
}

impl ParsedFile {
    fn body(&self) -> &str {
        &self.text[self.body_offset..]
    }

    /// A diagnostic at the front-matter key `path` (or at the fence).
    fn at_key(&self, path: &[&str], code: &'static str, message: String) -> Diagnostic {
        let block = &self.text[self.block_offset..self.block_offset + self.block_len];
        let keys: Vec<String> = path.iter().map(|s| s.to_string()).collect();
        let offset = front_matter::locate_key(block, &keys)
            .map_or(self.block_offset.saturating_sub(1), |o| {
                self.block_offset + o
            });
        Diagnostic::error(&self.display, code, message).at_offset(&self.text, offset)
    }

    /// A diagnostic at the element `path` (keys and list indexes) of the
    /// front matter, or at its nearest ancestor found, or at the opening
    /// fence.
    fn at_path(&self, path: &[Segment], code: &'static str, message: String) -> Diagnostic {
        let block = &self.text[self.block_offset..self.block_offset + self.block_len];
        let offset = locate::offset_in_file(block, self.block_offset, self.format, path);
        Diagnostic::error(&self.display, code, message).at_offset(&self.text, offset)
    }
}

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
struct WalkKey(String);

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
enum Entry {
    /// A Markdown file, parsed, or the reason it could not be.
    Markdown(Result<Arc<ParsedFile>, Diagnostic>),
    /// Any other file: a bundle's or a section's asset.
    Other(PathBuf),
    /// Reported and left out (a symbolic link, an unreadable folder).
    Skipped(Diagnostic),
}

/// What [`ContentCache::update_bodies`] changed in the site.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct BodyEdit {
    /// Indexes of pages whose rendering changed.
    pub pages: Vec<usize>,
    /// Indexes of sections whose rendering changed.
    pub sections: Vec<usize>,
}

/// A file's rendered Markdown, valid while the file's text, its page path
/// and the targets of its links stay the same.
#[derive(Debug, Clone)]
struct CachedMarkdown {
    file: Arc<ParsedFile>,
    page_path: String,
    /// Every content file the links looked up, and the site path found.
    lookups: Vec<(String, Option<String>)>,
    rendered: Arc<Rendered>,
    problems: Vec<Diagnostic>,
}

impl CachedMarkdown {
    /// A link's output depends only on the page's path and on what its
    /// lookup finds, so equal lookups mean an equal rendering.
    fn is_valid_for(
        &self,
        file: &Arc<ParsedFile>,
        page_path: &str,
        targets: &HashMap<String, String>,
    ) -> bool {
        Arc::ptr_eq(&self.file, file)
            && self.page_path == page_path
            && self
                .lookups
                .iter()
                .all(|(key, found)| targets.get(key) == found.as_ref())
    }
}

/// What is known of `content/`: every file walked and parsed, and every
/// page's rendered Markdown. Owned by `build` for one run and by `watch`
/// for as long as it watches.
#[derive(Debug)]
pub struct ContentCache {
    root: PathBuf,
    entries: BTreeMap<WalkKey, Entry>,
    markdown: HashMap<String, CachedMarkdown>,
}

impl ContentCache {
    /// Walks `<root>/content` and reads and parses every Markdown file, in
    /// parallel.
    pub fn scan(root: &Path) -> ContentCache {
        let mut cache = ContentCache {
            root: root.to_path_buf(),
            entries: BTreeMap::new(),
            markdown: HashMap::new(),
        };
        let content_dir = root.join("content");
        if content_dir.is_dir() {
            let found = cache.walk(&content_dir, true);
            cache.insert(found, &BTreeMap::new());
        }
        cache
    }

    /// Re-checks `changed` paths (relative to `content/`, `/`-separated) on
    /// disk: a missing path is deleted with everything below it, a folder
    /// is walked again, a file is read again. Files whose text did not
    /// change keep their parsed value, so nothing that depends on them is
    /// redone.
    pub fn update(&mut self, changed: &[String]) {
        let content_dir = self.root.join("content");
        if changed.iter().any(|p| p.is_empty()) {
            // `content/` itself appeared or went away.
            *self = ContentCache {
                markdown: std::mem::take(&mut self.markdown),
                ..ContentCache::scan(&self.root)
            };
            return;
        }
        // A path below another changed path is re-read with it.
        let mut changed: Vec<&String> = changed.iter().collect();
        changed.sort();
        changed.dedup();
        let outer: Vec<&String> = changed
            .iter()
            .filter(|path| {
                !changed
                    .iter()
                    .any(|other| path.starts_with(&format!("{other}/")))
            })
            .copied()
            .collect();
        let mut previous: BTreeMap<WalkKey, Entry> = BTreeMap::new();
        let mut found = Vec::new();
        for relative in outer {
            if relative.split('/').any(is_editor_temporary) {
                continue;
            }
            // In walk order a path is followed at once by everything below it.
            let prefix = format!("{relative}/");
            let gone: Vec<WalkKey> = self
                .entries
                .range(WalkKey(relative.clone())..)
                .map(|(key, _)| key)
                .take_while(|key| key.0 == *relative || key.0.starts_with(&prefix))
                .cloned()
                .collect();
            for key in gone {
                if let Some(entry) = self.entries.remove(&key) {
                    previous.insert(key, entry);
                }
            }
            let path = content_dir.join(relative);
            if path.symlink_metadata().is_ok() && content_dir.is_dir() {
                found.extend(self.walk(&path, false));
            }
        }
        self.insert(found, &previous);
    }

    /// Lists files under `dir` (a folder or a single file) as entries to
    /// insert; Markdown files are returned unread.
    fn walk(&self, dir: &Path, follow_root: bool) -> Vec<(String, Result<Entry, PathBuf>)> {
        let content_dir = self.root.join("content");
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
                        diagnostics::display_path(&self.root, p)
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
                let display = diagnostics::display_path(&self.root, entry.path());
                match std::fs::canonicalize(entry.path()) {
                    Ok(target)
                        if target.starts_with(
                            crate::fs::canonicalize(&self.root).unwrap_or_default(),
                        ) && target.is_file() => {}
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

    /// Reads and parses the Markdown files of `found` in parallel and
    /// stores every entry. A file whose text equals its `previous` parse
    /// keeps that parse.
    fn insert(
        &mut self,
        found: Vec<(String, Result<Entry, PathBuf>)>,
        previous: &BTreeMap<WalkKey, Entry>,
    ) {
        let root = &self.root;
        let entries: Vec<(String, Entry)> = found
            .into_par_iter()
            .map(|(relative, entry)| {
                let entry = match entry {
                    Ok(entry) => entry,
                    Err(path) => {
                        let old = match previous.get(&WalkKey(relative.clone())) {
                            Some(Entry::Markdown(Ok(old))) => Some(old),
                            _ => None,
                        };
                        Entry::Markdown(read_file(root, &path).and_then(|text| {
                            match old {
                                Some(old) if old.text == text => Ok(Arc::clone(old)),
                                _ => parse_text(
                                    &relative,
                                    diagnostics::display_path(root, &path),
                                    text,
                                )
                                .map(Arc::new),
                            }
                        }))
                    }
                };
                (relative, entry)
            })
            .collect();
        for (relative, entry) in entries {
            self.entries.insert(WalkKey(relative), entry);
        }
    }

    /// The quick path for a writer's commonest edit: files whose text
    /// changed but whose front matter did not. Nothing else about the site
    /// can then differ (URLs, order, lists and terms come from front matter
    /// and paths), so the new renderings are put into `site` in place.
    /// Returns `None`, changing nothing, when the edit is more than that
    /// (or its Markdown has problems, or a summary changed, or a section
    /// changed while `sections` is false): then [`update`](Self::update)
    /// and [`assemble`](Self::assemble).
    pub fn update_bodies(
        &mut self,
        site: &mut Site,
        changed: &[String],
        sections: bool,
    ) -> Option<BodyEdit> {
        enum Target {
            Page(usize),
            Section(usize),
        }
        let lookup = |key: &str| {
            site.pages
                .iter()
                .find(|p| p.source == key)
                .map(|p| p.path.clone())
                .or_else(|| {
                    site.sections
                        .iter()
                        .find(|s| s.source == key)
                        .map(|s| s.path.clone())
                })
        };
        let mut staged = Vec::new();
        for relative in changed {
            let key = WalkKey(relative.clone());
            let Some(Entry::Markdown(Ok(old))) = self.entries.get(&key) else {
                return None;
            };
            let path = self.root.join("content").join(relative);
            if !path.symlink_metadata().ok()?.is_file() {
                return None;
            }
            let text = read_file(&self.root, &path).ok()?;
            if text == old.text {
                continue;
            }
            let new = Arc::new(parse_text(relative, old.display.clone(), text).ok()?);
            if new.front != old.front || new.value != old.value {
                return None;
            }
            let (target, page_path, before) =
                match site.pages.iter().position(|p| p.source == *relative) {
                    Some(i) => (
                        Target::Page(i),
                        &site.pages[i].path,
                        &site.pages[i].rendered,
                    ),
                    None => {
                        let s = site
                            .sections
                            .iter()
                            .position(|s| s.source == *relative)
                            .filter(|_| sections)?;
                        let section = &site.sections[s];
                        (Target::Section(s), &section.path, &section.rendered)
                    }
                };
            let rendered = render_markdown(&new, page_path, &lookup, site.config.markdown);
            if !rendered.problems.is_empty() || rendered.rendered.summary != before.summary {
                return None;
            }
            staged.push((key, new, target, rendered));
        }
        let mut edit = BodyEdit::default();
        for (key, file, target, rendered) in staged {
            let fresh = Arc::clone(&rendered.rendered);
            match target {
                Target::Page(i) => {
                    site.pages[i].rendered = fresh;
                    edit.pages.push(i);
                }
                Target::Section(s) => {
                    site.sections[s].rendered = fresh;
                    edit.sections.push(s);
                }
            }
            self.markdown.insert(key.0.clone(), rendered);
            self.entries.insert(key, Entry::Markdown(Ok(file)));
        }
        Some(edit)
    }

    /// Builds the site from what is cached: sections, URLs, duplicates,
    /// order, Markdown (reusing every rendering still valid), taxonomies
    /// and static files.
    pub fn assemble(
        &mut self,
        config: Config,
        options: &LoadOptions,
    ) -> Result<(Site, Vec<Diagnostic>), Vec<Diagnostic>> {
        let root = self.root.clone();
        let root = root.as_path();
        let mut errors = Vec::new();
        let mut warnings = Vec::new();
        let content_dir = root.join("content");
        if !content_dir.is_dir() {
            return Err(vec![Diagnostic::error(
                "content",
                "content-missing",
                "the site has no `content/` folder",
            )]);
        }
        let schemas = Schemas::load(root, &config).unwrap_or_else(|problems| {
            errors.extend(problems);
            Schemas::default()
        });

        // 1. What the walk found.
        let mut files: Vec<Arc<ParsedFile>> = Vec::new();
        let mut other_files: Vec<(String, PathBuf)> = Vec::new();
        for (key, entry) in &self.entries {
            match entry {
                Entry::Markdown(Ok(file)) => files.push(Arc::clone(file)),
                Entry::Markdown(Err(diagnostic)) => errors.push(diagnostic.clone()),
                Entry::Other(path) => other_files.push((key.0.clone(), path.clone())),
                Entry::Skipped(diagnostic) if diagnostic.is_error() => {
                    errors.push(diagnostic.clone())
                }
                Entry::Skipped(diagnostic) => warnings.push(diagnostic.clone()),
            }
        }
        // 3. Sections: the root, then one per `_index.md`, parents before children.
        let mut section_files: Vec<Arc<ParsedFile>> = Vec::new();
        let mut page_files: Vec<Arc<ParsedFile>> = Vec::new();
        for file in files {
            if file.source == "_index.md" || file.source.ends_with("/_index.md") {
                section_files.push(file);
            } else if options.drafts || !file.front.draft {
                page_files.push(file);
            }
        }
        let mut sections: Vec<Section> = Vec::new();
        let has_root = section_files.iter().any(|f| f.source == "_index.md");
        if !has_root {
            sections.push(Section {
                source: "_index.md".into(),
                display: "content/_index.md".into(),
                folder: String::new(),
                front: Arc::default(),
                title: config.title.clone(),
                path: String::new(),
                parent: None,
                pages: Vec::new(),
                subsections: Vec::new(),
                assets: Vec::new(),
                rendered: Default::default(),
            });
        }
        section_files.sort_by(|a, b| a.source.cmp(&b.source));
        let mut section_texts: Vec<Option<Arc<ParsedFile>>> =
            if has_root { vec![] } else { vec![None] };
        for file in section_files {
            let folder = parent_folder(&file.source);
            let path = folder_path(&folder);
            let title = file.front.title.clone().unwrap_or_else(|| {
                if folder.is_empty() {
                    config.title.clone()
                } else {
                    folder.rsplit('/').next().unwrap_or("").to_string()
                }
            });
            sections.push(Section {
                source: file.source.clone(),
                display: file.display.clone(),
                folder,
                front: file.front.clone(),
                title,
                path,
                parent: None,
                pages: Vec::new(),
                subsections: Vec::new(),
                assets: Vec::new(),
                rendered: Default::default(),
            });
            section_texts.push(Some(file));
        }
        let folder_to_section: HashMap<String, usize> = sections
            .iter()
            .enumerate()
            .map(|(i, s)| (s.folder.clone(), i))
            .collect();
        let nearest_section = |folder: &str| -> usize {
            let mut current = folder.to_string();
            loop {
                if let Some(&index) = folder_to_section.get(&current) {
                    return index;
                }
                if current.is_empty() {
                    return 0;
                }
                current = parent_folder(&current);
            }
        };
        for index in 1..sections.len() {
            let parent = nearest_section(&parent_folder(&sections[index].folder));
            sections[index].parent = Some(parent);
            sections[parent].subsections.push(index);
        }

        // 3b. Schemas: each page's whole front matter against its section's
        // schema, before anything else can skip the page, so that one run
        // reports every violation. Placeholders left by `medsite new` warn.
        for folder in schemas.folders() {
            if !content_dir.join(folder).is_dir() {
                errors.push(Diagnostic::error(
                    crate::config::CONFIG_FILE,
                    "schema-invalid",
                    format!(
                        "`[sections.{folder}]` has a schema, but there is no folder `content/{folder}/`"
                    ),
                ));
            }
        }
        for file in page_files.iter().chain(section_texts.iter().flatten()) {
            let is_page = !file.source.ends_with("_index.md");
            let violations = match schemas.for_folder(&page_folder(&file.source)) {
                Some(schema) if is_page => schema.validate(&file.value),
                _ => Vec::new(),
            };
            // A placeholder the schema already refuses (a year, a URL) is
            // reported once, as that error.
            for (path, _) in crate::schema::placeholders(&file.value) {
                if !violations.iter().any(|v| v.at == path) {
                    let message = format!(
                        "{}: placeholder left by `medsite new`: replace it with a sourced value, or remove the key if it is optional",
                        locate::FieldPath(path.clone())
                    );
                    let mut diagnostic = file.at_path(&path, "placeholder", message);
                    diagnostic.severity = crate::diagnostics::Severity::Warning;
                    warnings.push(diagnostic);
                }
            }
            for violation in violations {
                errors.push(file.at_path(&violation.at, "schema", violation.message));
            }
        }

        // 4. Pages: URL, section, title, dates.
        let bundle_folders: Vec<String> = page_files
            .iter()
            .filter(|f| f.source == "index.md" || f.source.ends_with("/index.md"))
            .map(|f| parent_folder(&f.source))
            .collect();
        let mut pages: Vec<Page> = Vec::new();
        let mut page_texts: Vec<Arc<ParsedFile>> = Vec::new();
        for file in page_files {
            let is_bundle = file.source == "index.md" || file.source.ends_with("/index.md");
            let (folder, default_slug) = if is_bundle {
                let bundle = parent_folder(&file.source);
                if bundle.is_empty() {
                    errors.push(Diagnostic::error(
                        &file.display,
                        "page-bundle",
                        "`content/index.md` would replace the home page: name it `_index.md`",
                    ));
                    continue;
                }
                let name = bundle.rsplit('/').next().unwrap_or("").to_string();
                (parent_folder(&bundle), name)
            } else {
                let stem = file
                    .source
                    .rsplit('/')
                    .next()
                    .unwrap_or("")
                    .trim_end_matches(".md");
                (parent_folder(&file.source), stem.to_string())
            };
            let slug = match &file.front.slug {
                Some(slug) => match paths::page_slug(slug) {
                    Ok(slug) => slug,
                    Err(message) => {
                        errors.push(file.at_key(&["slug"], "unsafe-path", message));
                        continue;
                    }
                },
                None => paths::segment(&default_slug),
            };
            let Some(title) = file.front.title.clone().filter(|t| !t.trim().is_empty()) else {
                errors.push(
                    Diagnostic::error(
                        &file.display,
                        "front-matter-missing",
                        "the page has no `title` in its front matter",
                    )
                    .at(&file.text, 1, 1),
                );
                continue;
            };
            let date = match parse_date(&file, "date", file.front.date.as_deref()) {
                Ok(date) => date,
                Err(d) => {
                    errors.push(d);
                    continue;
                }
            };
            let updated = match parse_date(&file, "updated", file.front.updated.as_deref()) {
                Ok(date) => date,
                Err(d) => {
                    errors.push(d);
                    continue;
                }
            };
            let path = format!("{}{slug}/", folder_path(&folder));
            let section = nearest_section(&folder);
            pages.push(Page {
                source: file.source.clone(),
                display: file.display.clone(),
                front: file.front.clone(),
                title,
                date,
                updated,
                path,
                slug,
                section,
                assets: Vec::new(),
                rendered: Default::default(),
                previous: None,
                next: None,
                terms: Vec::new(),
            });
            page_texts.push(file);
        }

        // 5. Files that are not Markdown: bundle assets or section assets.
        for (relative, file) in other_files {
            let folder = parent_folder(&relative);
            let name = relative.rsplit('/').next().unwrap_or("").to_string();
            let bundle = bundle_folders
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
                // A bundle left out (a draft) takes its files with it.
                continue;
            }
            let section = nearest_section(&folder);
            let site_path = format!("{}{name}", folder_path(&folder));
            if !paths::is_contained(&site_path) {
                errors.push(Diagnostic::error(
                    format!("content/{relative}"),
                    "unsafe-path",
                    "this file name cannot be written safely",
                ));
                continue;
            }
            sections[section].assets.push((site_path, file));
        }

        // 6. Every URL belongs to one source.
        let mut owners: HashMap<String, String> = HashMap::new();
        let mut claim = |path: String,
                         owner: &str,
                         at: Diagnostic,
                         errors: &mut Vec<Diagnostic>| {
            let key = path.to_lowercase();
            match owners.get(&key) {
                Some(first) if first != owner => {
                    let mut diagnostic = at;
                    let url = path.strip_suffix("index.html").unwrap_or(&path);
                    diagnostic.message = format!(
                        "`/{url}` is also the URL of {first}: give one of them another `slug` or file name"
                    );
                    errors.push(diagnostic);
                }
                Some(_) => {}
                None => {
                    owners.insert(key, owner.to_string());
                }
            }
        };
        for section in &sections {
            claim(
                format!("{}index.html", section.path),
                &section.display,
                Diagnostic::error(&section.display, "duplicate-url", ""),
                &mut errors,
            );
        }
        for (page, file) in pages.iter().zip(&page_texts) {
            let at = if file.front.slug.is_some() {
                file.at_key(&["slug"], "duplicate-url", String::new())
            } else {
                Diagnostic::error(&page.display, "duplicate-url", "")
            };
            claim(
                format!("{}index.html", page.path),
                &page.display,
                at,
                &mut errors,
            );
        }
        for (page, file) in pages.iter().zip(&page_texts) {
            for alias in &page.front.aliases {
                match paths::alias_file(alias) {
                    Ok(output) => claim(
                        output,
                        &page.display,
                        file.at_key(&["aliases"], "duplicate-url", String::new()),
                        &mut errors,
                    ),
                    Err(message) => errors.push(file.at_key(&["aliases"], "unsafe-path", message)),
                }
            }
        }
        for taxonomy in &config.taxonomies {
            claim(
                format!("{}/index.html", taxonomy.slug),
                "site.toml",
                Diagnostic::error("site.toml", "duplicate-url", ""),
                &mut errors,
            );
        }

        // 7. Order pages within sections, and link neighbours.
        for (index, page) in pages.iter().enumerate() {
            sections[page.section].pages.push(index);
        }
        for section in &mut sections {
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
        for section in &mut sections {
            section.subsections.sort_by(|&a, &b| {
                let (wa, ta) = &section_order[a];
                let (wb, tb) = &section_order[b];
                wa.is_none()
                    .cmp(&wb.is_none())
                    .then(wa.cmp(wb))
                    .then(ta.cmp(tb))
            });
        }

        // 8. Render Markdown, resolving links to other content files; a
        //    rendering stays valid while its text and its link targets do.
        let mut targets: HashMap<String, String> = HashMap::new();
        for page in &pages {
            targets.insert(page.source.clone(), page.path.clone());
        }
        for section in &sections {
            targets.insert(section.source.clone(), section.path.clone());
        }
        let to_render: Vec<(&Arc<ParsedFile>, &str)> = page_texts
            .iter()
            .zip(&pages)
            .map(|(file, page)| (file, page.path.as_str()))
            .chain(
                section_texts
                    .iter()
                    .zip(&sections)
                    .filter_map(|(file, section)| Some((file.as_ref()?, section.path.as_str()))),
            )
            .collect();
        let cache = &self.markdown;
        let markdown_options = config.markdown;
        // `None`: the cached rendering is still right.
        let fresh: Vec<Option<CachedMarkdown>> = to_render
            .par_iter()
            .map(|&(file, path)| match cache.get(&file.source) {
                Some(cached) if cached.is_valid_for(file, path, &targets) => None,
                _ => Some(render_markdown(
                    file,
                    path,
                    &|key| targets.get(key).cloned(),
                    markdown_options,
                )),
            })
            .collect();
        let rendered_count = fresh.len();
        let mut fresh = fresh.into_iter();
        let mut take =
            |source: &str, errors: &mut Vec<Diagnostic>, warnings: &mut Vec<Diagnostic>| {
                if let Some(new) = fresh.next().expect("one rendering per file") {
                    self.markdown.insert(source.to_string(), new);
                }
                let cached = &self.markdown[source];
                for problem in &cached.problems {
                    if problem.is_error() {
                        errors.push(problem.clone());
                    } else {
                        warnings.push(problem.clone());
                    }
                }
                Arc::clone(&cached.rendered)
            };
        for page in &mut pages {
            page.rendered = take(&page.source, &mut errors, &mut warnings);
        }
        for (section, file) in sections.iter_mut().zip(&section_texts) {
            if file.is_some() {
                section.rendered = take(&section.source, &mut errors, &mut warnings);
            }
        }
        // Forget renderings of files that are gone, so a long watch does not grow.
        if self.markdown.len() != rendered_count {
            self.markdown
                .retain(|source, _| targets.contains_key(source));
        }

        // 9. Taxonomies.
        let mut taxonomies: Vec<TaxonomyTerms> = config
            .taxonomies
            .iter()
            .map(|t| TaxonomyTerms {
                name: t.name.clone(),
                title: t.title.clone(),
                path: format!("{}/", t.slug),
                paginate_by: t.paginate_by,
                terms: Vec::new(),
            })
            .collect();
        let mut slugs: HashMap<&str, String> = HashMap::new();
        // Per page: (taxonomy index, term slugs), resolved to term indexes
        // once the terms are sorted.
        let mut page_slugs: Vec<Vec<(usize, Vec<String>)>> = vec![Vec::new(); pages.len()];
        for (index, (page, file)) in pages.iter().zip(&page_texts).enumerate() {
            for (name, values) in &page.front.taxonomies {
                let Some(position) = config.taxonomies.iter().position(|t| &t.name == name) else {
                    let declared: Vec<&str> =
                        config.taxonomies.iter().map(|t| t.name.as_str()).collect();
                    errors.push(file.at_key(
                        &["taxonomies", name],
                        "unknown-taxonomy",
                        format!(
                            "`taxonomies.{name}`: site.toml declares no taxonomy `{name}` (declared: {})",
                            if declared.is_empty() { "none".to_string() } else { declared.join(", ") }
                        ),
                    ));
                    continue;
                };
                let taxonomy = &mut taxonomies[position];
                let mut page_terms = Vec::new();
                for value in values {
                    // Most pages share a few terms: slugify each spelling once.
                    let slug = slugs
                        .entry(value.as_str())
                        .or_insert_with(|| slug::slugify(value))
                        .clone();
                    if slug.is_empty() {
                        errors.push(file.at_key(
                            &["taxonomies", name],
                            "unknown-taxonomy",
                            format!("`taxonomies.{name}`: term `{value}` has no letters or digits"),
                        ));
                        continue;
                    }
                    page_terms.push(slug.clone());
                    match taxonomy.terms.iter_mut().find(|t| t.slug == slug) {
                        Some(term) => {
                            // Pages come in index order: a repeat is the last one.
                            if term.pages.last() != Some(&index) {
                                term.pages.push(index);
                            }
                        }
                        None => taxonomy.terms.push(Term {
                            name: value.clone(),
                            title: Term::title_of(value),
                            path: format!("{}{slug}/", taxonomy.path),
                            slug,
                            pages: vec![index],
                        }),
                    }
                }
                page_slugs[index].push((position, page_terms));
            }
        }
        for taxonomy in &mut taxonomies {
            taxonomy.terms.sort_by(|a, b| a.slug.cmp(&b.slug));
            for term in &mut taxonomy.terms {
                term.pages
                    .sort_by(|&a, &b| page_order(&pages[a], &pages[b]));
            }
        }
        let term_index: Vec<HashMap<&str, usize>> = taxonomies
            .iter()
            .map(|t| {
                t.terms
                    .iter()
                    .enumerate()
                    .map(|(i, term)| (term.slug.as_str(), i))
                    .collect()
            })
            .collect();
        for (page, slugs) in pages.iter_mut().zip(page_slugs) {
            let mut terms: Vec<(usize, Vec<usize>)> = slugs
                .into_iter()
                .map(|(taxonomy, slugs)| {
                    let indexes = slugs
                        .iter()
                        .filter_map(|slug| term_index[taxonomy].get(slug.as_str()).copied())
                        .collect();
                    (taxonomy, indexes)
                })
                .collect();
            terms.sort_by_key(|(taxonomy, _)| *taxonomy);
            page.terms = terms;
        }

        // 10. Static files: the theme's, then the site's own on top.
        let mut static_map: BTreeMap<String, PathBuf> = BTreeMap::new();
        let theme_static = config
            .theme
            .as_ref()
            .map(|theme| root.join("themes").join(theme).join("static"));
        for dir in theme_static.into_iter().chain([root.join("static")]) {
            if !dir.is_dir() {
                continue;
            }
            for entry in WalkDir::new(&dir)
                .sort_by_file_name()
                .into_iter()
                .filter_entry(|e| {
                    e.depth() == 0 || !is_skipped_static(&e.file_name().to_string_lossy())
                })
            {
                match entry {
                    Ok(entry) if entry.file_type().is_file() => {
                        let relative = diagnostics::display_path(&dir, entry.path());
                        static_map.insert(relative, entry.into_path());
                    }
                    Ok(_) => {}
                    Err(error) => errors.push(Diagnostic::error(
                        diagnostics::display_path(root, &dir),
                        "walk",
                        error.to_string(),
                    )),
                }
            }
        }

        let fingerprints = fingerprint_static_files(root, &static_map, &mut errors);

        diagnostics::sort(&mut warnings);
        if !errors.is_empty() {
            // The warnings too: one run shows everything it found.
            errors.append(&mut warnings);
            diagnostics::sort(&mut errors);
            errors.dedup();
            return Err(errors);
        }
        Ok((
            Site {
                config,
                root: root.to_path_buf(),
                pages,
                sections,
                taxonomies,
                static_files: static_map.into_iter().collect(),
                fingerprints,
            },
            warnings,
        ))
    }
}

/// Reads and fingerprints the static `.css` and `.js` files, in parallel.
fn fingerprint_static_files(
    root: &Path,
    static_map: &BTreeMap<String, PathBuf>,
    errors: &mut Vec<Diagnostic>,
) -> BTreeMap<String, crate::assets::Fingerprint> {
    let results: Vec<_> = static_map
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
            Err(diagnostic) => errors.push(diagnostic),
        }
    }
    fingerprints
}

/// Loads the site in one go: what `build` does.
pub fn load(
    root: &Path,
    config: Config,
    options: &LoadOptions,
) -> Result<(Site, Vec<Diagnostic>), Vec<Diagnostic>> {
    ContentCache::scan(root).assemble(config, options)
}

/// Reads a Markdown file as UTF-8 text without a byte-order mark.
fn read_file(root: &Path, path: &Path) -> Result<String, Diagnostic> {
    let display = diagnostics::display_path(root, path);
    // A bound on what one file may cost: pages are articles, not data dumps.
    if let Ok(metadata) = std::fs::metadata(path)
        && metadata.len() > MAX_MARKDOWN_BYTES
    {
        return Err(Diagnostic::error(
            &display,
            "file-too-large",
            format!(
                "the file is {} MB; medsite reads Markdown files of up to {} MB",
                metadata.len() / 1_000_000,
                MAX_MARKDOWN_BYTES / 1_000_000
            ),
        ));
    }
    let bytes =
        crate::fs::read(path).map_err(|e| Diagnostic::error(&display, "io", e.to_string()))?;
    let text = match String::from_utf8(bytes) {
        Ok(text) => text,
        Err(error) => {
            let valid = error.utf8_error().valid_up_to();
            let lossy = String::from_utf8_lossy(error.as_bytes()).into_owned();
            return Err(Diagnostic::error(
                &display,
                "encoding",
                "the file is not valid UTF-8: save it as UTF-8",
            )
            .at_offset(&lossy, valid));
        }
    };
    Ok(match front_matter::strip_bom(&text).len() {
        len if len == text.len() => text,
        _ => front_matter::strip_bom(&text).to_string(),
    })
}

/// Splits and parses a file's text; `relative` is its path in `content/`.
fn parse_text(relative: &str, display: String, text: String) -> Result<ParsedFile, Diagnostic> {
    let split: Split<'_> = front_matter::split(&text)
        .map_err(|e| Diagnostic::error(&display, e.code, e.message).at_offset(&text, e.offset))?;
    let to_diagnostic = |e: front_matter::FrontMatterError| {
        Diagnostic::error(&display, e.code, e.message).at_offset(&text, e.offset)
    };
    let value = front_matter::parse_value(&split).map_err(to_diagnostic)?;
    let front = front_matter::from_value(&split, &value).map_err(to_diagnostic)?;
    let (block_offset, block_len, body_offset, format) = (
        split.block_offset,
        split.block.len(),
        split.body_offset,
        split.format,
    );
    Ok(ParsedFile {
        source: relative.to_string(),
        display,
        text,
        block_offset,
        block_len,
        body_offset,
        format,
        value,
        front: Arc::new(front),
    })
}

fn parse_date(
    file: &ParsedFile,
    key: &str,
    value: Option<&str>,
) -> Result<Option<jiff::civil::Date>, Diagnostic> {
    let Some(value) = value else { return Ok(None) };
    let value = value.trim();
    let parsed = value
        .parse::<jiff::civil::Date>()
        .ok()
        .or_else(|| {
            value
                .parse::<jiff::civil::DateTime>()
                .ok()
                .map(|d| d.date())
        })
        .or_else(|| {
            value
                .parse::<jiff::Timestamp>()
                .ok()
                .map(|t| t.to_zoned(jiff::tz::TimeZone::UTC).date())
        });
    match parsed {
        Some(date) => Ok(Some(date)),
        None => Err(file.at_key(
            &[key],
            "front-matter-type",
            format!("`{key}`: `{value}` is not a date; write it as YYYY-MM-DD"),
        )),
    }
}

/// Renders a file's Markdown, recording every link it resolved so that
/// the rendering can be reused while those links resolve the same way.
fn render_markdown(
    file: &Arc<ParsedFile>,
    page_path: &str,
    targets: &(dyn Fn(&str) -> Option<String> + Sync),
    options: markdown::MarkdownOptions,
) -> CachedMarkdown {
    let folder = parent_folder(&file.source);
    let lookups = RefCell::new(Vec::new());
    let lookup = |key: &str| {
        let found = targets(key);
        lookups.borrow_mut().push((key.to_string(), found.clone()));
        found
    };
    let resolve = |dest: &str| resolve_link_with(dest, &folder, page_path, &lookup);
    let mut rendered = markdown::render(file.body(), options, &resolve);
    let problems = std::mem::take(&mut rendered.problems)
        .into_iter()
        .map(|p| {
            let diagnostic = if p.is_error {
                Diagnostic::error(&file.display, "broken-link", p.message)
            } else {
                Diagnostic::warning(&file.display, "script-url", p.message)
            };
            diagnostic.at_offset(&file.text, file.body_offset + p.offset)
        })
        .collect();
    CachedMarkdown {
        file: Arc::clone(file),
        page_path: page_path.to_string(),
        lookups: lookups.into_inner(),
        rendered: Arc::new(rendered),
        problems,
    }
}

/// What a link destination written in `folder` (relative to `content/`)
/// becomes on the page at `page_path`.
pub fn resolve_link(
    dest: &str,
    folder: &str,
    page_path: &str,
    targets: &HashMap<String, String>,
) -> LinkTarget {
    resolve_link_with(dest, folder, page_path, &|key| targets.get(key).cloned())
}

/// [`resolve_link`] with the lookup of a content file's site path given
/// as a function, so that a rendering can record what it looked up.
fn resolve_link_with(
    dest: &str,
    folder: &str,
    page_path: &str,
    lookup: &dyn Fn(&str) -> Option<String>,
) -> LinkTarget {
    let lower = dest.trim_start().to_ascii_lowercase();
    if dest.starts_with('#')
        || dest.starts_with("//")
        || lower.contains("://")
        || lower.starts_with("mailto:")
        || lower.starts_with("tel:")
        || lower.starts_with("data:")
        || lower.starts_with("javascript:")
    {
        return LinkTarget::Keep;
    }
    let (target, fragment) = match dest.split_once('#') {
        Some((target, fragment)) => (target, Some(fragment)),
        None => (dest, None),
    };
    let with_fragment = |url: String| match fragment {
        Some(fragment) => format!("{url}#{fragment}"),
        None => url,
    };
    let key = match linked_source(target, folder) {
        Some(key) => key,
        None => {
            return match target.strip_prefix('/') {
                Some(absolute) => {
                    LinkTarget::Rewrite(with_fragment(paths::relative_url(page_path, absolute)))
                }
                None => LinkTarget::Keep,
            };
        }
    };
    match key.as_deref().and_then(lookup) {
        Some(path) => LinkTarget::Rewrite(with_fragment(paths::relative_url(page_path, &path))),
        None => LinkTarget::Broken(broken_link_message(target, key.as_deref(), lookup)),
    }
}

/// Why a link to a content file is broken; when the file became a bundle
/// or a section (`x.md` is now `x/index.md`), which link to write instead.
fn broken_link_message(
    target: &str,
    key: Option<&str>,
    lookup: &dyn Fn(&str) -> Option<String>,
) -> String {
    let moved = key.and_then(|key| {
        let stem = key.strip_suffix(".md")?;
        ["index.md", "_index.md"]
            .into_iter()
            .find(|index| lookup(&format!("{stem}/{index}")).is_some())
    });
    match moved {
        Some(index) => {
            let stem = target.strip_suffix(".md").unwrap_or(target);
            format!(
                "link to `{target}`: no such file in content/ (did you mean `{stem}/{index}`? the page is a folder now)"
            )
        }
        None => format!("link to `{target}`: no such file in content/ (or it is a draft)"),
    }
}

/// The content file (relative to `content/`) that a link target written in
/// `folder` names: `Some(Some(key))` for `@/x.md` and relative `x.md`
/// links, `Some(None)` when such a link climbs out of `content/`, `None`
/// for any other kind of link. `target` has no `#fragment`.
pub fn linked_source(target: &str, folder: &str) -> Option<Option<String>> {
    if let Some(rest) = target.strip_prefix("@/") {
        Some(paths::normalise(rest))
    } else if target.ends_with(".md") && !target.starts_with('/') {
        Some(paths::normalise(&if folder.is_empty() {
            target.to_string()
        } else {
            format!("{folder}/{target}")
        }))
    } else {
        None
    }
}

/// The content folder a page belongs to: its own folder, or for a page
/// bundle (`a/b/index.md`) the folder holding the bundle.
fn page_folder(source: &str) -> String {
    let folder = parent_folder(source);
    if source == "index.md" || source.ends_with("/index.md") {
        parent_folder(&folder)
    } else {
        folder
    }
}

fn parent_folder(path: &str) -> String {
    path.rsplit_once('/')
        .map_or(String::new(), |(parent, _)| parent.to_string())
}

/// Site path of a content folder: each segment slugified, ending with `/`.
fn folder_path(folder: &str) -> String {
    folder
        .split('/')
        .filter(|s| !s.is_empty())
        .map(|s| format!("{}/", paths::segment(s)))
        .collect()
}

/// Weight first (pages without one last), then newest date, then title.
fn page_order(a: &Page, b: &Page) -> std::cmp::Ordering {
    let (wa, wb) = (a.front.weight, b.front.weight);
    wa.is_none()
        .cmp(&wb.is_none())
        .then(wa.cmp(&wb))
        .then_with(|| b.date.cmp(&a.date))
        .then_with(|| a.title.cmp(&b.title))
        .then_with(|| a.source.cmp(&b.source))
}
