//! Incremental rebuilds, for `watch`: the same stages as `build` (load,
//! plan, render, write), with what was loaded kept in memory between runs.
//!
//! - A content change re-reads only the changed paths ([`ContentCache`]),
//!   assembles the site again (cheap), re-renders only the jobs whose
//!   inputs differ between the site on disk and the new one
//!   ([`affected_jobs`]), and writes only files whose bytes changed.
//! - Quicker still, a text edit of pages or a front-matter edit of one
//!   page that keeps its URL patches the kept site in place
//!   (`rebuild_bodies`, `rebuild_front` with `rebuild/front.rs`) and renders only
//!   the outputs that show it; anything they do not handle takes the
//!   path above.
//! - A template change reloads the templates and renders every job, but
//!   reads no content.
//! - `site.toml`, `schemas/` or `archetypes/` read everything again.
//!
//! The site that matches the output folder is kept until a rebuild
//! succeeds, so a broken edit leaves the output as it was and the fix is
//! compared with what is really on disk. The tests check that after any
//! sequence of changes the output is byte-identical to a fresh build.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use crate::build::{self, BuildOptions};
use crate::content::{ContentCache, LoadOptions, Site};
use crate::diagnostics::Diagnostic;
use crate::failure::Failure;
use crate::output;
use crate::plan::{Job, Owner, Plan, Target};
use crate::render::{self, Content, Output};
use crate::search;
use crate::templates::Templates;

mod affected;
mod front;
mod new_plan;
mod search_index;

pub use affected::{Tainted, affected_jobs};
use new_plan::NewPlan;
use search_index::SearchIndex;

/// What changed on disk, as `watch` classified it.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Change {
    /// `site.toml`, `schemas/`, `archetypes/` or a theme as a whole: read
    /// everything again.
    pub everything: bool,
    /// A template of the site or of a theme.
    pub templates: bool,
    /// A file in `data/`: every data file is read again.
    pub data: bool,
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
        !self.everything
            && !self.templates
            && !self.data
            && self.content.is_empty()
            && self.paths.is_empty()
    }

    /// Adds `other` to this change.
    pub fn merge(&mut self, other: Change) {
        self.everything |= other.everything;
        self.templates |= other.templates;
        self.data |= other.data;
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
    /// Only the search index was written, after the pages that it indexes
    /// ([`Rebuilder::finish_search`]): nothing a page shows changed.
    pub index_only: bool,
    /// A quick path patched the kept site in place (an edit of page text,
    /// or of one page's front matter) instead of assembling it again.
    pub patched: bool,
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
    /// Every output of `site` with its owner, the search index included.
    plan: Plan,
    /// What `get_section` returns, when a template calls it: kept, so that
    /// a quick path makes again only the section it changed.
    sections: Option<render::SectionValues>,
}

/// Keeps a site loaded between rebuilds.
pub struct Rebuilder {
    options: BuildOptions,
    output_dir: PathBuf,
    /// What the last [`output::update`] found of the output's marker.
    marker: output::MarkerSeen,
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

impl Rebuilder {
    /// Checks the output folder and reads the content; builds nothing yet.
    pub fn new(options: BuildOptions) -> Result<Rebuilder, Failure> {
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
            marker: output::MarkerSeen::default(),
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
        if let Some(outcome) = self.rebuild_quickly(&change, started)? {
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
        let data = match self
            .built
            .as_ref()
            .filter(|_| !pending.everything && !pending.data)
        {
            Some(built) => Ok(built.site.data.clone()),
            None => crate::data::load(&self.options.root, &config).map(std::sync::Arc::new),
        };
        // Content, data and template problems are reported together, as by `build`.
        let site = cache.assemble(config, &options, data.as_ref().ok().map(|data| &**data));
        let (site, templates, warnings) = match (site, data, templates) {
            (Ok((mut site, warnings)), Ok(data), Ok(templates)) => {
                site.data = data;
                build::expand_components(&mut site, &templates)?;
                let previous = self
                    .built
                    .as_ref()
                    .filter(|_| !pending.everything)
                    .map(|built| {
                        let root = &self.options.root;
                        built.site.images.without(|file| {
                            let in_site = file.strip_prefix(root).unwrap_or(file);
                            pending.paths.iter().any(|p| in_site.starts_with(p))
                        })
                    });
                let hidden = crate::progress::Progress::new(true);
                build::prepare_images(&mut site, &templates, previous.as_ref(), &hidden)?;
                (site, templates, warnings)
            }
            (site, data, templates) => {
                let mut errors = site.err().unwrap_or_default();
                errors.extend(data.err().unwrap_or_default());
                errors.extend(templates.err().unwrap_or_default());
                return Err(Failure::Content(errors));
            }
        };

        // A partial render must fail exactly when a full one would.
        let (mut plan, mut errors) = render::plan_for(&site, &templates);
        if !errors.is_empty() {
            crate::diagnostics::sort(&mut errors);
            errors.dedup();
            return Err(Failure::Content(errors));
        }
        let jobs = match &self.built {
            Some(built) if !pending.everything && !pending.templates => {
                affected_jobs(&built.site, &site, &tainted(&built.templates), &plan.jobs)
            }
            _ => plan.jobs.clone(),
        };
        let summaries = crate::context::Summaries::new(&site);
        let sections = (!templates.calling("get_section").is_empty())
            .then(|| render::section_values(&site, &summaries));
        let tera = render::site_tera_with(&site, &templates, &summaries, sections.clone());
        let (changes, indexed) = if self.built.is_none() && !site.config.search {
            let render = (&tera, &summaries);
            self.write_first(&site, &templates, render, &plan)?
        } else {
            let rendered = render::render_jobs(&site, &templates, (&tera, &summaries), &jobs)
                .map_err(Failure::Content)?;
            drop(summaries);
            self.index_and_write(&site, rendered, &mut plan, &jobs, &pending)?
        };

        let changed_pages = changed_pages(&site, &pending.content);
        let outcome = Outcome {
            full: self.built.is_none(),
            written: changes.written,
            removed: changes.removed,
            changed_pages,
            rendered: jobs.len(),
            indexed: indexed.ran,
            index_only: false,
            patched: false,
            files: plan.owners.len(),
            warnings: if warnings == self.warned {
                Vec::new()
            } else {
                self.warned = warnings.clone();
                warnings
            },
            elapsed: started.elapsed(),
        };
        if indexed.ran {
            self.search.fingerprint = indexed.fingerprint;
        }
        let previous = self.built.replace(Built {
            site,
            templates,
            plan,
            sections,
        });
        if indexed.later {
            let built = self.built.as_ref().expect("just built");
            self.search
                .start(&built.site, &built.plan.jobs, &self.output_dir);
        }
        // Freeing a large site takes a while: not on the way to the browser.
        if let Some(previous) = previous {
            std::thread::spawn(move || drop(previous));
        }
        self.pending = Change::default();
        Ok(outcome)
    }

    /// The first build without a search index, as `build` makes it: each
    /// file goes to the staging folder as soon as it is rendered, so that
    /// rendering and writing overlap and the output is never all in memory.
    fn write_first(
        &self,
        site: &Site,
        templates: &Templates,
        render: (&tera::Tera, &crate::context::Summaries<'_>),
        plan: &Plan,
    ) -> Result<(output::Changes, Indexed), Failure> {
        let io = |error: output::OutputError| Failure::Io(error.to_string());
        let writer = output::Writer::new(&self.output_dir).map_err(io)?;
        let put = |path: String, content: Content| writer.put(&path, &content);
        render::stream_plan(site, templates, render, plan, &put).map_err(|error| match error {
            render::RenderError::Content(errors) => Failure::Content(errors),
            render::RenderError::Sink(error) => io(error),
        })?;
        writer.finish(None).map_err(io)?;
        Ok((output::Changes::default(), Indexed::default()))
    }

    /// Adds the search index to `rendered` (see [`add_search_index`]) and
    /// writes it (see [`Rebuilder::write`]).
    fn index_and_write(
        &mut self,
        site: &Site,
        mut rendered: Output,
        plan: &mut Plan,
        jobs: &[Job],
        pending: &Change,
    ) -> Result<(output::Changes, Indexed), Failure> {
        let pages_rendered = jobs
            .iter()
            .any(|job| matches!(job.target, Target::Page(_) | Target::Section(_)));
        let pages_removed = self
            .built
            .as_ref()
            .is_some_and(|built| pages_removed(built, site, plan));
        let previous = self.built.as_ref().map(|built| &built.plan.owners);
        let indexed = add_search_index(
            site,
            plan,
            &mut rendered,
            Previous {
                owners: previous,
                pages_unchanged: !pages_rendered && !pages_removed,
            },
            &mut self.search,
        )?;
        let changes = self.write(rendered, plan, pending)?;
        Ok((changes, indexed))
    }

    /// Writes a rebuild: the whole output the first time (with every file
    /// to copy), else only the rendered files, the copies that are new or
    /// whose source changed, and the removal of outputs that are gone.
    fn write(
        &mut self,
        mut rendered: Output,
        plan: &Plan,
        pending: &Change,
    ) -> Result<output::Changes, Failure> {
        Ok(match &self.built {
            None => {
                let mut full = rendered;
                for (path, source) in plan.copies() {
                    full.files
                        .insert(path.clone(), Content::Copy(source.clone()));
                }
                for (path, _, bytes) in plan.in_memory() {
                    full.files
                        .insert(path.clone(), Content::Bytes(bytes.to_vec()));
                }
                output::write(&full, &self.output_dir)
                    .map_err(|error| Failure::Io(error.to_string()))?;
                output::Changes::default()
            }
            Some(built) => {
                for (path, source) in plan.copies() {
                    let is_new = !matches!(
                        built.plan.owners.get(path),
                        Some(Owner::Copy(before)) if before == source
                    );
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
                // A built-in static file or the highlighting stylesheet:
                // written when it replaces a file of the site's, was not
                // there before, or its bytes changed.
                for (path, owner, bytes) in plan.in_memory() {
                    if pending.everything || built.plan.owners.get(path) != Some(owner) {
                        rendered
                            .files
                            .insert(path.clone(), Content::Bytes(bytes.to_vec()));
                    }
                }
                let removed: Vec<String> = built
                    .plan
                    .owners
                    .keys()
                    .filter(|path| !plan.owners.contains_key(*path))
                    .cloned()
                    .collect();
                output::update(&rendered, &removed, &self.output_dir, &mut self.marker)
                    .map_err(|error| Failure::Io(error.to_string()))?
            }
        })
    }

    /// A quick path, if one takes `change`: text edits, else a
    /// front-matter edit of one page. `None` when the change needs the
    /// full path: more than Markdown files changed, or a failed rebuild
    /// left the output behind the cache.
    fn rebuild_quickly(
        &mut self,
        change: &Change,
        started: Instant,
    ) -> Result<Option<Outcome>, Failure> {
        if !only_markdown(change) || !self.pending.is_empty() {
            return Ok(None);
        }
        match self.rebuild_bodies(change, started)? {
            Some(outcome) => Ok(Some(outcome)),
            None => self.rebuild_front(change, started),
        }
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
        let (Some(cache), Some(built)) = (self.cache.as_mut(), self.built.as_mut()) else {
            return Ok(None);
        };
        let paths: Vec<String> = change.content.iter().cloned().collect();
        // A section's text is what `get_section` returns: then the full path.
        let sections = built.templates.calling("get_section").is_empty();
        let Some(edit) = cache.update_bodies(&mut built.site, &paths, sections) else {
            return Ok(None);
        };
        let site = &built.site;
        let jobs = body_jobs(site, &built.plan.jobs, &edit);
        let changed_pages = (edit.pages.iter())
            .map(|&i| site.pages[i].path.clone())
            .chain(edit.sections.iter().map(|&s| site.sections[s].path.clone()))
            .collect();
        self.finish_patch(&jobs, NewPlan::Kept, changed_pages, started)
            .map(Some)
    }

    /// The quick path for a front-matter edit of one page that keeps its
    /// URL (see [`front`]): the site is patched in place and only the
    /// outputs that show the difference are rendered. `None` when the
    /// change needs the full path.
    fn rebuild_front(
        &mut self,
        change: &Change,
        started: Instant,
    ) -> Result<Option<Outcome>, Failure> {
        let (Some(cache), Some(built)) = (self.cache.as_mut(), self.built.as_mut()) else {
            return Ok(None);
        };
        let (Some(path), 1) = (change.content.first(), change.content.len()) else {
            return Ok(None);
        };
        let Some(edit) = cache.update_front(&mut built.site, path) else {
            return Ok(None);
        };
        // A term's list pages come and go with its count.
        let plan = match NewPlan::after_front_edit(
            &edit,
            &built.site,
            &mut built.plan,
            &built.templates,
        ) {
            Ok(plan) => plan,
            Err(errors) => {
                // As a full build would fail; the output is as it was.
                self.pending.templates = true;
                return Err(Failure::Content(errors));
            }
        };
        let site = &built.site;
        let (jobs, section_changed) = front::front_jobs(
            site,
            &edit,
            match &plan {
                NewPlan::Replaced(plan) => &plan.jobs,
                NewPlan::Kept | NewPlan::Resized { .. } => &built.plan.jobs,
            },
            &tainted(&built.templates),
        );
        if let (true, Some(values)) = (section_changed, built.sections.as_mut()) {
            front::patch_section_value(site, &edit, values);
        }
        let changed_pages = vec![site.pages[edit.page].path.clone()];
        self.finish_patch(&jobs, plan, changed_pages, started)
            .map(Some)
    }

    /// Renders and writes `jobs` of the site patched in place by a quick
    /// path, with `plan` saying how its plan changed, and keeps the search
    /// index's files (indexed again later). On failure the next rebuild
    /// renders everything: the site in memory is patched but the output
    /// is not (and the plan is put back as the output has it).
    fn finish_patch(
        &mut self,
        jobs: &[Job],
        plan: NewPlan,
        changed_pages: Vec<String>,
        started: Instant,
    ) -> Result<Outcome, Failure> {
        let built = self
            .built
            .as_mut()
            .expect("a quick path patches a built site");
        let site = &built.site;
        let summaries = crate::context::Summaries::new(site);
        let tera =
            render::site_tera_with(site, &built.templates, &summaries, built.sections.clone());
        // The search index's files stay.
        let index_files: BTreeMap<String, Owner> = (built.plan.owners.iter())
            .filter(|(_, owner)| **owner == Owner::SearchIndex)
            .map(|(path, owner)| (path.clone(), owner.clone()))
            .collect();
        let mut plan = plan;
        plan.swap_in(&mut built.plan);
        let rendered = render::render_jobs(site, &built.templates, (&tera, &summaries), jobs)
            .map_err(Failure::Content)
            .and_then(|mut rendered| {
                add_search_index(
                    site,
                    &mut built.plan,
                    &mut rendered,
                    Previous {
                        owners: Some(&index_files),
                        pages_unchanged: false,
                    },
                    &mut self.search,
                )
                .map(|indexed| (rendered, indexed))
            });
        let removed = plan.removed(&built.plan);
        let changes = rendered.and_then(|(rendered, indexed)| {
            output::update(&rendered, &removed, &self.output_dir, &mut self.marker)
                .map(|changes| (changes, indexed))
                .map_err(|error| Failure::Io(error.to_string()))
        });
        let (changes, indexed) = match changes {
            Ok(done) => done,
            Err(failure) => {
                // The output on disk is still that of the old plan.
                self.pending.templates = true;
                if !plan.undo(&built.site, &mut built.plan) {
                    // Unknown: the next build writes the whole output.
                    self.built = None;
                }
                return Err(failure);
            }
        };
        if indexed.later {
            self.search
                .start(&built.site, &built.plan.jobs, &self.output_dir);
        }
        // Freeing the summaries a list showed (a tag edit renders a
        // hundred of them) and a plan made again takes milliseconds: not
        // on the way to the browser.
        let made = (summaries.into_made(), tera, plan);
        std::thread::spawn(move || drop(made));
        Ok(Outcome {
            full: false,
            written: changes.written,
            removed: changes.removed,
            changed_pages,
            rendered: jobs.len(),
            indexed: indexed.ran,
            index_only: false,
            patched: true,
            files: built.plan.owners.len(),
            warnings: Vec::new(),
            elapsed: started.elapsed(),
        })
    }
}

/// Only Markdown files changed, each inside `content/`.
fn only_markdown(change: &Change) -> bool {
    !change.everything
        && !change.templates
        && !change.data
        && !change.content.is_empty()
        && change.content.iter().all(|p| p.ends_with(".md"))
        && change.paths.len() == change.content.len()
}

/// The jobs a body edit affects: the edited pages and sections, and the
/// feeds that carry their text.
fn body_jobs(site: &Site, jobs: &[Job], edit: &crate::content::BodyEdit) -> Vec<Job> {
    let newest: Vec<usize> = site
        .pages_by_date()
        .into_iter()
        .take(site.config.feed_limit)
        .collect();
    jobs.iter()
        .filter(|job| match job.target {
            Target::Page(i) | Target::PageCard(i) => edit.pages.contains(&i),
            Target::Section(s) | Target::SectionCard(s) => edit.sections.contains(&s),
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
        .collect()
}

/// The output folder's state before a rebuild, for [`add_search_index`].
struct Previous<'a> {
    /// Every output of the previous build (`None` for the first build).
    owners: Option<&'a BTreeMap<String, Owner>>,
    /// No page or section was rendered or removed since.
    pages_unchanged: bool,
}

/// What [`add_search_index`] did.
#[derive(Default)]
struct Indexed {
    /// [`search::fingerprint`] of the index it made.
    fingerprint: Option<u128>,
    /// pagefind ran: the index is in the output.
    ran: bool,
    /// The pages may differ from what the index was made from: once they
    /// are written, index them on a worker ([`SearchIndex::start`]).
    later: bool,
}

/// With `search = true` in `site.toml`: the first build adds the search
/// index to `rendered` and its files to `plan`, as `render::render` does
/// for `build`; a rebuild keeps the previous index's files in `plan`, and
/// says whether to index again once the pages are written (see
/// [`search_index`] for why).
fn add_search_index(
    site: &Site,
    plan: &mut Plan,
    rendered: &mut Output,
    previous: Previous<'_>,
    search: &mut SearchIndex,
) -> Result<Indexed, Failure> {
    let mut indexed = Indexed {
        fingerprint: None,
        ran: false,
        later: false,
    };
    if !site.config.search {
        return Ok(indexed);
    }
    let claim = |plan: &mut Plan, paths: Vec<&String>| -> Result<(), Failure> {
        let mut errors = plan.add_search_index(site, paths);
        if errors.is_empty() {
            return Ok(());
        }
        crate::diagnostics::sort(&mut errors);
        Err(Failure::Content(errors))
    };
    if let Some(owners) = previous.owners {
        claim(plan, search_index::index_files(owners).collect())?;
        indexed.later = !previous.pages_unchanged;
        return Ok(indexed);
    }
    let documents: Vec<search::Document<'_>> = plan
        .jobs
        .iter()
        .filter(|job| matches!(job.target, Target::Page(_) | Target::Section(_)))
        .filter_map(|job| match rendered.files.get(&job.output) {
            Some(Content::Bytes(bytes)) => Some(search::Document {
                path: &job.path,
                html: std::str::from_utf8(bytes).ok()?,
            }),
            _ => None,
        })
        .collect();
    let language = &site.config.language;
    let fingerprint = search::fingerprint(language, &documents);
    let files = search
        .indexer()
        .and_then(|indexer| indexer.index(language, &documents))
        .map_err(|d| Failure::Content(vec![d]))?;
    drop(documents);
    // As `render::render` refuses it: a page or file already there.
    claim(plan, files.iter().map(|(path, _)| path).collect())?;
    for (path, bytes) in files {
        rendered.files.insert(path, Content::Bytes(bytes));
    }
    indexed.fingerprint = Some(fingerprint);
    indexed.ran = true;
    Ok(indexed)
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

/// The templates that call each function whose result a change can alter.
fn tainted(templates: &Templates) -> Tainted {
    Tainted {
        by_sections: templates.calling("get_section"),
        by_pages: templates.calling("get_pages"),
        by_data: [
            crate::data::template::FUNCTION,
            crate::data::figures::FUNCTION,
        ]
        .into_iter()
        .flat_map(|function| templates.calling(function))
        .collect(),
        by_assets: templates.calling("asset"),
        by_images: templates.calling(crate::images::CALL),
    }
}

/// Whether a page, a section or an output (other than the search index's)
/// of the last build is gone from `site` and its `plan`.
fn pages_removed(built: &Built, site: &Site, plan: &Plan) -> bool {
    built.site.pages.len() + built.site.sections.len() != site.pages.len() + site.sections.len()
        || built
            .plan
            .owners
            .iter()
            .any(|(path, owner)| *owner != Owner::SearchIndex && !plan.owners.contains_key(path))
}
