//! Incremental rebuilds, for `watch`: the same stages as `build` (load,
//! plan, render, write), with what was loaded kept in memory between runs.
//!
//! - A content change re-reads only the changed paths ([`ContentCache`]),
//!   assembles the site again (cheap), re-renders only the jobs whose
//!   inputs differ between the site on disk and the new one
//!   ([`affected_jobs`]), and writes only files whose bytes changed.
//! - A template change reloads the templates and renders every job, but
//!   reads no content.
//! - `site.toml`, `schemas/` or `archetypes/` read everything again.
//!
//! The site that matches the output folder is kept until a rebuild
//! succeeds, so a broken edit leaves the output as it was and the fix is
//! compared with what is really on disk. The tests check that after any
//! sequence of changes the output is byte-identical to a fresh build.

use std::borrow::Cow;
use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use crate::build::{self, Failure};
use crate::content::{ContentCache, LoadOptions, Page, Section, Site};
use crate::context;
use crate::diagnostics::Diagnostic;
use crate::output;
use crate::render::{self, Content, Job, Output, Target};
use crate::search;
use crate::templates::Templates;

/// What a rebuild needs to know, free of any CLI library.
#[derive(Debug, Clone, Default)]
pub struct RebuildOptions {
    pub root: PathBuf,
    /// Defaults to `<root>/dist`.
    pub output: Option<PathBuf>,
    pub base_url: Option<String>,
    pub drafts: bool,
}

/// What changed on disk, as `watch` classified it.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Change {
    /// `site.toml`, `schemas/`, `archetypes/` or a theme as a whole: read
    /// everything again.
    pub everything: bool,
    /// A template of the site or of a theme.
    pub templates: bool,
    /// Paths relative to `content/`, `/`-separated.
    pub content: BTreeSet<String>,
    /// Every changed path, relative to the site folder, for files copied
    /// into the output. Relative, because the watcher reports resolved
    /// absolute paths while the site's own paths start from `--root` as
    /// given (`.` by default, or through a symbolic link).
    pub paths: BTreeSet<PathBuf>,
}

impl Change {
    pub fn is_empty(&self) -> bool {
        !self.everything && !self.templates && self.content.is_empty() && self.paths.is_empty()
    }

    /// Adds `other` to this change.
    pub fn merge(&mut self, other: Change) {
        self.everything |= other.everything;
        self.templates |= other.templates;
        self.content.extend(other.content);
        self.paths.extend(other.paths);
    }
}

/// What a successful (re)build did.
#[derive(Debug, Clone, Default)]
pub struct Outcome {
    /// Output files new or changed, relative to the output folder.
    pub written: Vec<String>,
    /// Output files deleted.
    pub removed: Vec<String>,
    /// Site paths (`careers/x/`) of the pages and sections whose own file
    /// changed, for `--navigate-to-changed`.
    pub changed_pages: Vec<String>,
    /// The whole output was written (the first build, or the first after
    /// a failed start); `written` is then empty.
    pub full: bool,
    /// How many templated files were rendered.
    pub rendered: usize,
    /// The search index was made again (not kept: no page's HTML changed).
    pub indexed: bool,
    /// Files in the output.
    pub files: usize,
    /// Warnings, when they differ from those of the previous build.
    pub warnings: Vec<Diagnostic>,
    pub elapsed: Duration,
}

impl std::fmt::Display for Outcome {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        if self.full {
            write!(f, "Built {} files", self.files)?;
        } else {
            write!(
                f,
                "Rebuilt: {} rendered, {} written, {} removed",
                self.rendered,
                self.written.len(),
                self.removed.len()
            )?;
        }
        write!(f, " in {} ms", self.elapsed.as_millis())
    }
}

/// The site that the output folder holds now.
struct Built {
    site: Site,
    templates: Templates,
    /// Every templated output of `site`.
    plan: Vec<Job>,
    /// Every output path, with the file it is copied from (if it is a copy).
    outputs: BTreeMap<String, Option<PathBuf>>,
}

/// Keeps a site loaded between rebuilds.
pub struct Rebuilder {
    options: RebuildOptions,
    output_dir: PathBuf,
    /// Read on the first rebuild, so that starting up stays quick.
    cache: Option<ContentCache>,
    built: Option<Built>,
    /// Changes not yet in a successful write: after a failure the next
    /// rebuild must still do what the failed one should have done.
    pending: Change,
    /// The warnings last reported, so that a rebuild repeats none of them.
    warned: Vec<Diagnostic>,
    search: SearchIndex,
}

/// The search index in the output folder, and what is kept to rebuild it.
#[derive(Default)]
struct SearchIndex {
    /// Made on first use: only sites with `search = true` need one.
    indexer: Option<search::Indexer>,
    /// [`search::fingerprint`] of what the index in the output folder was
    /// made from; `None` when unknown (no index yet, or a failed rebuild).
    fingerprint: Option<u128>,
}

impl Rebuilder {
    /// Checks the output folder and reads the content; builds nothing yet.
    pub fn new(options: RebuildOptions) -> Result<Rebuilder, Failure> {
        let output_dir = build::output_folder(&options.root, options.output.as_deref())?;
        build::load_config(&options.root, options.base_url.as_deref())
            .map(|_| ())
            .or_else(|failure| match failure {
                // A broken site.toml is for the writer to fix while we watch.
                Failure::Content(_) => Ok(()),
                other => Err(other),
            })?;
        Ok(Rebuilder {
            cache: None,
            options,
            output_dir,
            built: None,
            pending: Change::default(),
            warned: Vec::new(),
            search: SearchIndex::default(),
        })
    }

    /// The output folder, resolved.
    pub fn output_dir(&self) -> &Path {
        &self.output_dir
    }

    /// Builds the whole site (the first time, or after a failure) or
    /// rebuilds what `change` affects. On failure the output is unchanged.
    pub fn rebuild(&mut self, change: Change) -> Result<Outcome, Failure> {
        let started = Instant::now();
        if let Some(outcome) = self.rebuild_bodies(&change, started)? {
            return Ok(outcome);
        }
        // The cache always follows the disk: changed paths are applied now,
        // even if this rebuild fails. The rest of the change stays pending.
        let cache = match self.cache.as_mut() {
            Some(cache) if !change.everything => {
                cache.update(&change.content.iter().cloned().collect::<Vec<_>>());
                cache
            }
            _ => self.cache.insert(ContentCache::scan(&self.options.root)),
        };
        self.pending.merge(change);
        let pending = self.pending.clone();
        let reuse = self
            .built
            .as_ref()
            .filter(|_| !pending.everything && !pending.templates);
        let (config, templates) = match reuse {
            Some(built) => (built.site.config.clone(), Ok(built.templates.clone())),
            None => {
                let config =
                    build::load_config(&self.options.root, self.options.base_url.as_deref())?;
                let templates = Templates::load(&self.options.root, config.theme.as_deref());
                (config, templates)
            }
        };
        let options = LoadOptions {
            drafts: self.options.drafts,
        };
        // Content and template problems are reported together, as by `build`.
        let (site, templates, warnings) = match (cache.assemble(config, &options), templates) {
            (Ok((site, warnings)), Ok(templates)) => (site, templates, warnings),
            (site, templates) => {
                let mut errors = site.err().unwrap_or_default();
                errors.extend(templates.err().unwrap_or_default());
                return Err(Failure::Content(errors));
            }
        };

        let plan = render::plan(&site);
        let mut outputs: BTreeMap<String, Option<PathBuf>> = BTreeMap::new();
        check_outputs(&site, &plan, templates.use_assets(), &mut outputs)?;
        let jobs = match &self.built {
            Some(built) if !pending.everything && !pending.templates => {
                let tainted = Tainted {
                    by_sections: built.templates.calling("get_section"),
                    by_pages: built.templates.calling("get_pages"),
                    by_assets: built.templates.calling("asset"),
                };
                affected_jobs(&built.site, &site, &tainted, &plan)
            }
            _ => plan.clone(),
        };
        let tera = render::site_tera(&site, &templates);
        let mut rendered =
            render::render_jobs(&site, &templates, &tera, &jobs).map_err(Failure::Content)?;
        let pages_rendered = jobs
            .iter()
            .any(|job| matches!(job.target, Target::Page(_) | Target::Section(_)));
        let index_prefix = format!("{}/", search::FOLDER);
        let pages_removed = self.built.as_ref().is_some_and(|built| {
            built.site.pages.len() + built.site.sections.len()
                != site.pages.len() + site.sections.len()
                || built
                    .outputs
                    .keys()
                    .any(|path| !path.starts_with(&index_prefix) && !outputs.contains_key(path))
        });
        let previous = self.built.as_ref().map(|built| &built.outputs);
        // Known again only once the output is written.
        let fingerprint = self.search.fingerprint.take();
        let indexed = add_search_index(
            &site,
            &plan,
            &mut rendered,
            &mut outputs,
            Previous {
                outputs: previous,
                fingerprint,
                pages_unchanged: !pages_rendered && !pages_removed,
            },
            &mut self.search.indexer,
            &self.output_dir,
        )?;

        let changes = match &self.built {
            None => {
                let mut full = rendered;
                for (path, source) in &outputs {
                    if let Some(content) = unrendered(path, source) {
                        full.files.insert(path.clone(), content);
                    }
                }
                output::write(&full, &self.output_dir)
                    .map_err(|error| Failure::Io(error.to_string()))?;
                output::Changes::default()
            }
            Some(built) => {
                for (path, source) in &outputs {
                    // A built-in static file: written when it replaces a
                    // file of the site's, or was not there before.
                    if let (None, Some(bytes)) = (source, crate::theme::static_file(path)) {
                        if pending.everything || built.outputs.get(path) != Some(&None) {
                            rendered
                                .files
                                .insert(path.clone(), Content::Bytes(bytes.to_vec()));
                        }
                        continue;
                    }
                    let Some(source) = source else { continue };
                    let is_new = built.outputs.get(path) != Some(&Some(source.clone()));
                    let in_site = source.strip_prefix(&self.options.root).unwrap_or(source);
                    if pending.everything
                        || is_new
                        || pending.paths.iter().any(|p| in_site.starts_with(p))
                    {
                        rendered
                            .files
                            .insert(path.clone(), Content::Copy(source.clone()));
                    }
                }
                let removed: Vec<String> = built
                    .outputs
                    .keys()
                    .filter(|path| !outputs.contains_key(*path))
                    .cloned()
                    .collect();
                output::update(&rendered, &removed, &self.output_dir)
                    .map_err(|error| Failure::Io(error.to_string()))?
            }
        };

        let changed_pages = changed_pages(&site, &pending.content);
        let outcome = Outcome {
            full: self.built.is_none(),
            written: changes.written,
            removed: changes.removed,
            changed_pages,
            rendered: jobs.len(),
            indexed: indexed.ran,
            files: outputs.len(),
            warnings: if warnings == self.warned {
                Vec::new()
            } else {
                self.warned = warnings.clone();
                warnings
            },
            elapsed: started.elapsed(),
        };
        self.search.fingerprint = indexed.fingerprint;
        let previous = self.built.replace(Built {
            site,
            templates,
            plan,
            outputs,
        });
        // Freeing a large site takes a while: not on the way to the browser.
        if let Some(previous) = previous {
            std::thread::spawn(move || drop(previous));
        }
        self.pending = Change::default();
        Ok(outcome)
    }

    /// The quick path for text edits that leave front matter alone (see
    /// [`ContentCache::update_bodies`]): the site is patched in place and
    /// only the edited pages, and the feed if it shows them, are rendered.
    /// `None` when the change needs the full path.
    fn rebuild_bodies(
        &mut self,
        change: &Change,
        started: Instant,
    ) -> Result<Option<Outcome>, Failure> {
        let only_markdown = !change.everything
            && !change.templates
            && !change.content.is_empty()
            && change.content.iter().all(|p| p.ends_with(".md"))
            && change.paths.len() == change.content.len();
        let (Some(cache), Some(built)) = (self.cache.as_mut(), self.built.as_mut()) else {
            return Ok(None);
        };
        // After a failure the output lags behind the cache: take the full path.
        if !only_markdown || !self.pending.is_empty() {
            return Ok(None);
        }
        let paths: Vec<String> = change.content.iter().cloned().collect();
        // A section's text is what `get_section` returns: then the full path.
        let sections = built.templates.calling("get_section").is_empty();
        let Some(edit) = cache.update_bodies(&mut built.site, &paths, sections) else {
            return Ok(None);
        };
        let site = &built.site;
        let newest: Vec<usize> = site
            .pages_by_date()
            .into_iter()
            .take(site.config.feed_limit)
            .collect();
        let jobs: Vec<Job> = built
            .plan
            .iter()
            .filter(|job| match job.target {
                Target::Page(i) => edit.pages.contains(&i),
                Target::Section(s) => edit.sections.contains(&s),
                Target::SectionPager(s, _) => edit.sections.contains(&s),
                Target::Feed => edit.pages.iter().any(|i| newest.contains(i)),
                // Feeds carry each page's whole text.
                Target::SectionFeed(s) => site.sections[s]
                    .pages
                    .iter()
                    .any(|i| edit.pages.contains(i)),
                Target::TermFeed(t, k) => site.taxonomies[t].terms[k]
                    .pages
                    .iter()
                    .any(|i| edit.pages.contains(i)),
                // What these show comes from front matter and paths only.
                Target::Alias(..)
                | Target::TaxonomyList(_)
                | Target::Term(..)
                | Target::TermPager(..)
                | Target::NotFound
                | Target::Robots
                | Target::Sitemap => false,
            })
            .cloned()
            .collect();
        let tera = render::site_tera(site, &built.templates);
        // Only the search index's files can come and go on this path.
        let index_prefix = format!("{}/", search::FOLDER);
        let before: BTreeMap<String, Option<PathBuf>> = built
            .outputs
            .iter()
            .filter(|(path, _)| path.starts_with(&index_prefix))
            .map(|(path, source)| (path.clone(), source.clone()))
            .collect();
        // Known again only once the output is written.
        let fingerprint = self.search.fingerprint.take();
        let rendered = render::render_jobs(site, &built.templates, &tera, &jobs)
            .map_err(Failure::Content)
            .and_then(|mut rendered| {
                add_search_index(
                    site,
                    &built.plan,
                    &mut rendered,
                    &mut built.outputs,
                    Previous {
                        outputs: Some(&before),
                        fingerprint,
                        pages_unchanged: false,
                    },
                    &mut self.search.indexer,
                    &self.output_dir,
                )
                .map(|indexed| (rendered, indexed))
            });
        let (rendered, indexed) = match rendered {
            Ok(rendered) => rendered,
            Err(failure) => {
                // The site in memory is patched but the output is not:
                // render everything next time.
                self.pending.templates = true;
                return Err(failure);
            }
        };
        let removed: Vec<String> = before
            .into_keys()
            .filter(|path| !built.outputs.contains_key(path))
            .collect();
        let changes = match output::update(&rendered, &removed, &self.output_dir) {
            Ok(changes) => changes,
            Err(error) => {
                self.pending.templates = true;
                return Err(Failure::Io(error.to_string()));
            }
        };
        self.search.fingerprint = indexed.fingerprint;
        Ok(Some(Outcome {
            full: false,
            written: changes.written,
            removed: changes.removed,
            changed_pages: edit
                .pages
                .iter()
                .map(|&i| site.pages[i].path.clone())
                .chain(edit.sections.iter().map(|&s| site.sections[s].path.clone()))
                .collect(),
            rendered: jobs.len(),
            indexed: indexed.ran,
            files: built.outputs.len(),
            warnings: Vec::new(),
            elapsed: started.elapsed(),
        }))
    }
}

/// The search index that the output folder holds now, for
/// [`add_search_index`].
struct Previous<'a> {
    /// Every output of the previous build (`None` for the first build).
    outputs: Option<&'a BTreeMap<String, Option<PathBuf>>>,
    /// What its index was made from, if known.
    fingerprint: Option<u128>,
    /// No page or section was rendered or removed since.
    pages_unchanged: bool,
}

/// What [`add_search_index`] did.
struct Indexed {
    /// [`search::fingerprint`] of the index now in the output.
    fingerprint: Option<u128>,
    /// pagefind ran.
    ran: bool,
}

/// Adds the search index (`search = true` in `site.toml`) to `rendered`
/// and its files to `outputs`, as `render::render` does for a full build. pagefind has no
/// incremental API, so every page and section is indexed again, those not
/// rendered now as they are in the output folder; unless no page changed,
/// or the pages' HTML is what the previous index was made from: then the
/// previous index files are kept.
fn add_search_index(
    site: &Site,
    plan: &[Job],
    rendered: &mut Output,
    outputs: &mut BTreeMap<String, Option<PathBuf>>,
    previous: Previous<'_>,
    indexer: &mut Option<search::Indexer>,
    output_dir: &Path,
) -> Result<Indexed, Failure> {
    let prefix = format!("{}/", search::FOLDER);
    if !site.config.search {
        return Ok(Indexed {
            fingerprint: None,
            ran: false,
        });
    }
    // With search on, the folder belongs to the index (`render::add`
    // refuses the site's own files there, as in a full build): what is
    // there is the previous index. With search off it is the site's.
    outputs.retain(|path, _| !path.starts_with(&prefix));
    let keep_previous = |outputs: &mut BTreeMap<String, Option<PathBuf>>,
                         previous: &BTreeMap<String, Option<PathBuf>>| {
        for path in previous.keys().filter(|p| p.starts_with(&prefix)) {
            outputs.insert(path.clone(), None);
        }
    };
    if let Some(before) = previous.outputs.filter(|_| previous.pages_unchanged) {
        keep_previous(outputs, before);
        return Ok(Indexed {
            fingerprint: previous.fingerprint,
            ran: false,
        });
    }
    let mut texts: Vec<(&str, Cow<'_, str>)> = Vec::new();
    for job in plan
        .iter()
        .filter(|job| matches!(job.target, Target::Page(_) | Target::Section(_)))
    {
        let html = match rendered.files.get(&job.output) {
            Some(Content::Bytes(bytes)) => std::str::from_utf8(bytes).ok().map(Cow::Borrowed),
            _ => std::fs::read_to_string(output_dir.join(&job.output))
                .ok()
                .map(Cow::Owned),
        };
        if let Some(html) = html {
            texts.push((&job.path, html));
        }
    }
    let documents: Vec<search::Document<'_>> = texts
        .iter()
        .map(|(path, html)| search::Document { path, html })
        .collect();
    let fingerprint = search::fingerprint(site, &documents);
    if let Some(before) = previous
        .outputs
        .filter(|_| previous.fingerprint == Some(fingerprint))
    {
        keep_previous(outputs, before);
        return Ok(Indexed {
            fingerprint: Some(fingerprint),
            ran: false,
        });
    }
    let indexer = match indexer {
        Some(indexer) => indexer,
        None => indexer.insert(search::Indexer::new().map_err(|d| Failure::Content(vec![d]))?),
    };
    let files = indexer
        .index(site, &documents)
        .map_err(|d| Failure::Content(vec![d]))?;
    drop(texts);
    for (path, bytes) in files {
        // As `render::render` refuses it: a page or file already there.
        if outputs.insert(path.clone(), None).is_some() {
            return Err(Failure::Content(vec![Diagnostic::error(
                "content",
                "duplicate-url",
                format!("two outputs would be written to `{path}`"),
            )]));
        }
        rendered.files.insert(path, Content::Bytes(bytes));
    }
    Ok(Indexed {
        fingerprint: Some(fingerprint),
        ran: true,
    })
}

/// Lists every output path (with the file copied there, if any), refusing
/// what a full render refuses: paths outside the output, and two outputs
/// on one path. A partial render must fail exactly when a full one would.
/// What an output no template renders holds: a copied file, or a file of
/// the built-in theme (the only outputs with neither a job nor a source).
fn unrendered(path: &str, source: &Option<PathBuf>) -> Option<Content> {
    match source {
        Some(source) => Some(Content::Copy(source.clone())),
        None => crate::theme::static_file(path).map(|bytes| Content::Bytes(bytes.to_vec())),
    }
}

fn check_outputs(
    site: &Site,
    plan: &[Job],
    fingerprinted: bool,
    outputs: &mut BTreeMap<String, Option<PathBuf>>,
) -> Result<(), Failure> {
    let mut errors = Vec::new();
    let mut skeleton = Output::default();
    let owners = render::Owners { site, jobs: plan };
    for job in plan {
        render::add(
            &mut skeleton,
            owners,
            job.output.clone(),
            Content::Bytes(Vec::new()),
            &mut errors,
        );
    }
    for (path, file) in render::copies(site, fingerprinted) {
        render::add(
            &mut skeleton,
            owners,
            path,
            Content::Copy(file),
            &mut errors,
        );
    }
    render::add_builtin_static_files(&mut skeleton, owners, &mut errors);
    render::check_folders(&skeleton, owners, &mut errors);
    if !errors.is_empty() {
        crate::diagnostics::sort(&mut errors);
        errors.dedup();
        return Err(Failure::Content(errors));
    }
    for (path, content) in skeleton.files {
        let source = match content {
            Content::Copy(source) => Some(source),
            Content::Bytes(_) => None,
        };
        outputs.insert(path, source);
    }
    Ok(())
}

/// Site paths of the pages and sections whose source is `changed` or lies
/// in a changed folder.
fn changed_pages(site: &Site, changed: &BTreeSet<String>) -> Vec<String> {
    let touched = |source: &str| {
        changed
            .iter()
            .any(|c| source == c || source.starts_with(&format!("{c}/")))
    };
    site.pages
        .iter()
        .filter(|p| touched(&p.source))
        .map(|p| p.path.clone())
        .chain(
            site.sections
                .iter()
                .filter(|s| touched(&s.source))
                .map(|s| s.path.clone()),
        )
        .collect()
}

/// A page's own data, everything but its position (section, neighbours).
fn page_same(a: &Page, b: &Page) -> bool {
    a.source == b.source
        && a.path == b.path
        && a.slug == b.slug
        && a.title == b.title
        && a.date == b.date
        && a.updated == b.updated
        && a.front == b.front
        && a.assets == b.assets
        && (std::sync::Arc::ptr_eq(&a.rendered, &b.rendered) || a.rendered == b.rendered)
}

/// A section's own data, everything but its pages and subsections.
fn section_same(a: &Section, b: &Section) -> bool {
    a.source == b.source
        && a.folder == b.folder
        && a.path == b.path
        && a.title == b.title
        && a.front == b.front
        && a.assets == b.assets
        && a.parent == b.parent
        && (std::sync::Arc::ptr_eq(&a.rendered, &b.rendered) || a.rendered == b.rendered)
}

/// What other outputs show of a section: links and breadcrumbs.
fn section_link(section: &Section) -> (&str, Option<&str>, &str) {
    (
        &section.title,
        section.front.description.as_deref(),
        &section.path,
    )
}

/// Templates that read more than their own job's context, by name (as jobs
/// name them): see [`Templates::calling`].
#[derive(Debug, Clone, Default)]
pub struct Tainted {
    /// Templates that call `get_section` (any section, with its pages).
    pub by_sections: BTreeSet<String>,
    /// Templates that call `get_pages` (every page's title, description,
    /// path and section title).
    pub by_pages: BTreeSet<String>,
    /// Templates that call `asset` (the fingerprints of static files).
    pub by_assets: BTreeSet<String>,
}

/// The jobs of `plan` (for `new`) whose output may differ from the one
/// rendered for `old`. Each output reads a known part of the site; a job is
/// kept when that part changed. When the sections themselves changed, every
/// job is kept. `tainted` names the templates that call `get_section`,
/// which can read any section: they are re-rendered when a section's list
/// may have changed.
pub fn affected_jobs(old: &Site, new: &Site, tainted: &Tainted, plan: &[Job]) -> Vec<Job> {
    let same_structure = old.sections.len() == new.sections.len()
        && old
            .sections
            .iter()
            .zip(&new.sections)
            .all(|(a, b)| a.folder == b.folder && a.parent == b.parent)
        && old.taxonomies.len() == new.taxonomies.len();
    if !same_structure {
        return plan.to_vec();
    }
    let old_index: HashMap<&str, usize> = old
        .pages
        .iter()
        .enumerate()
        .map(|(i, p)| (p.source.as_str(), i))
        .collect();
    let new_sources: BTreeSet<&str> = new.pages.iter().map(|p| p.source.as_str()).collect();
    let old_of: Vec<Option<usize>> = new
        .pages
        .iter()
        .map(|p| old_index.get(p.source.as_str()).copied())
        .collect();
    let removed: Vec<&Page> = old
        .pages
        .iter()
        .filter(|p| !new_sources.contains(p.source.as_str()))
        .collect();
    let changed: Vec<bool> = new
        .pages
        .iter()
        .zip(&old_of)
        .map(|(page, old_page)| !old_page.is_some_and(|o| page_same(&old.pages[o], page)))
        .collect();
    let summary = |site: &Site, page: &Page| {
        serde_json::to_string(&context::page_summary(site, page)).unwrap_or_default()
    };
    // What lists, neighbours and feeds show of a page.
    let listing_changed: Vec<bool> = (0..new.pages.len())
        .map(|i| {
            changed[i]
                && old_of[i].is_none_or(|o| {
                    summary(old, &old.pages[o]) != summary(new, &new.pages[i])
                        || old.pages[o].updated != new.pages[i].updated
                })
        })
        .collect();
    let pages_added_or_removed = old_of.iter().any(Option::is_none) || !removed.is_empty();

    let section_changed: Vec<bool> = old
        .sections
        .iter()
        .zip(&new.sections)
        .map(|(a, b)| !section_same(a, b))
        .collect();
    let link_changed: Vec<bool> = old
        .sections
        .iter()
        .zip(&new.sections)
        .map(|(a, b)| section_link(a) != section_link(b))
        .collect();
    // A section or one above it shows differently in breadcrumbs.
    let ancestry_changed = |mut index: Option<usize>| {
        while let Some(i) = index {
            if link_changed[i] {
                return true;
            }
            index = new.sections[i].parent;
        }
        false
    };
    let same_pages = |before: &[usize], after: &[usize]| {
        before
            .iter()
            .map(|&i| &old.pages[i].source)
            .eq(after.iter().map(|&i| &new.pages[i].source))
    };
    let section_dirty: Vec<bool> = (0..new.sections.len())
        .map(|s| {
            let (a, b) = (&old.sections[s], &new.sections[s]);
            section_changed[s]
                || ancestry_changed(b.parent)
                || !same_pages(&a.pages, &b.pages)
                || b.pages.iter().any(|&i| listing_changed[i])
                || a.subsections
                    .iter()
                    .map(|&i| &old.sections[i].folder)
                    .ne(b.subsections.iter().map(|&i| &new.sections[i].folder))
                || b.subsections.iter().any(|&i| link_changed[i])
        })
        .collect();
    let any_section_dirty = section_dirty.iter().any(|&d| d);
    // `get_pages` shows titles, descriptions, paths and section titles.
    let page_index_changed = pages_added_or_removed
        || listing_changed.iter().any(|&c| c)
        || link_changed.iter().any(|&c| c);
    // `asset` returns the fingerprinted name and integrity of a file.
    let fingerprints_changed = old.fingerprints != new.fingerprints;

    // Terms: a term's shown name is its first spelling, so one page can
    // rename a term on every page that carries it.
    let mut renamed_terms: BTreeSet<(usize, &str)> = BTreeSet::new();
    let mut term_dirty: BTreeSet<(usize, usize)> = BTreeSet::new();
    let mut list_dirty: BTreeSet<usize> = BTreeSet::new();
    for (t, (old_taxonomy, new_taxonomy)) in old.taxonomies.iter().zip(&new.taxonomies).enumerate()
    {
        let old_terms: HashMap<&str, &crate::content::Term> = old_taxonomy
            .terms
            .iter()
            .map(|term| (term.slug.as_str(), term))
            .collect();
        let counts = |taxonomy: &crate::content::TaxonomyTerms| -> Vec<(String, String, usize)> {
            taxonomy
                .terms
                .iter()
                .map(|term| (term.slug.clone(), term.name.clone(), term.pages.len()))
                .collect()
        };
        if counts(old_taxonomy) != counts(new_taxonomy) {
            list_dirty.insert(t);
        }
        for (k, term) in new_taxonomy.terms.iter().enumerate() {
            let dirty = match old_terms.get(term.slug.as_str()) {
                None => true,
                Some(old_term) => {
                    if old_term.name != term.name {
                        renamed_terms.insert((t, term.slug.as_str()));
                    }
                    old_term.name != term.name
                        || !same_pages(&old_term.pages, &term.pages)
                        || term.pages.iter().any(|&i| listing_changed[i])
                }
            };
            if dirty {
                term_dirty.insert((t, k));
            }
        }
    }
    let carries_renamed_term = |page: &Page| {
        !renamed_terms.is_empty()
            && page.front.taxonomies.iter().any(|(name, values)| {
                new.taxonomies
                    .iter()
                    .position(|t| &t.name == name)
                    .is_some_and(|t| {
                        values
                            .iter()
                            .any(|v| renamed_terms.contains(&(t, slug::slugify(v).as_str())))
                    })
            })
    };
    let neighbour = |site: &Site, index: Option<usize>| index.map(|i| site.pages[i].source.clone());
    let page_dirty: Vec<bool> = new
        .pages
        .iter()
        .enumerate()
        .map(|(i, page)| {
            changed[i]
                || ancestry_changed(Some(page.section))
                || old_of[i].is_none_or(|o| {
                    let before = &old.pages[o];
                    neighbour(old, before.previous) != neighbour(new, page.previous)
                        || neighbour(old, before.next) != neighbour(new, page.next)
                })
                || page.previous.is_some_and(|j| listing_changed[j])
                || page.next.is_some_and(|j| listing_changed[j])
                || carries_renamed_term(page)
        })
        .collect();

    let newest = |site: &Site| -> Vec<String> {
        site.pages_by_date()
            .into_iter()
            .take(site.config.feed_limit)
            .map(|i| site.pages[i].source.clone())
            .collect()
    };
    let changed_sources: BTreeSet<&str> = new
        .pages
        .iter()
        .zip(&changed)
        .filter(|(_, c)| **c)
        .map(|(p, _)| p.source.as_str())
        .collect();
    let feed_dirty = pages_added_or_removed || {
        let (before, after) = (newest(old), newest(new));
        before != after || after.iter().any(|s| changed_sources.contains(s.as_str()))
    };
    let sitemap_dirty = pages_added_or_removed
        || link_changed.iter().any(|&c| c)
        || !list_dirty.is_empty()
        || new.pages.iter().zip(&old_of).any(|(page, o)| {
            o.is_none_or(|o| {
                let before = &old.pages[o];
                before.path != page.path
                    || before.date != page.date
                    || before.updated != page.updated
            })
        });

    plan.iter()
        .filter(|job| {
            let dirty = match job.target {
                Target::Page(i) => page_dirty[i],
                Target::Alias(i, _) => changed[i],
                Target::Section(s) | Target::SectionPager(s, _) => section_dirty[s],
                // Feeds carry each page's whole text.
                Target::SectionFeed(s) => {
                    section_dirty[s] || new.sections[s].pages.iter().any(|&i| changed[i])
                }
                Target::TaxonomyList(t) => list_dirty.contains(&t),
                Target::Term(t, k) | Target::TermPager(t, k, _) => term_dirty.contains(&(t, k)),
                Target::TermFeed(t, k) => {
                    term_dirty.contains(&(t, k))
                        || new.taxonomies[t].terms[k].pages.iter().any(|&i| changed[i])
                }
                Target::Feed => feed_dirty,
                Target::Sitemap => sitemap_dirty,
                // They read only site.toml and templates, which rebuild everything.
                Target::NotFound | Target::Robots => false,
            };
            dirty
                || (any_section_dirty && tainted.by_sections.contains(&job.template))
                || (page_index_changed && tainted.by_pages.contains(&job.template))
                || (fingerprints_changed && tainted.by_assets.contains(&job.template))
        })
        .cloned()
        .collect()
}
