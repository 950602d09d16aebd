//! `plan`: who owns each output path, decided once for `build` and `watch`.
//!
//! [`plan`] lists every output of a site with its [`Owner`]: a [`Job`] to
//! render (a page, a list page, a feed...), a file to copy (static files,
//! the theme's static files, the fingerprinted copies of their `.css` and
//! `.js` files, section and page assets), a static file of medsite's
//! built-in theme (for a site that names no theme, on the paths nothing
//! of the site's takes), or, with
//! `search = true`, the search index, whose files are known only after
//! rendering ([`Plan::add_search_index`]). It refuses, naming both
//! sources, what the output folder cannot hold:
//!
//! - a path outside the output folder;
//! - with search on, the site's own files in `pagefind/`, the index's folder;
//! - two outputs on one path;
//! - a file on a path that another output needs as a folder.
//!
//! `render` renders the plan's jobs and copies its files; `rebuild` keeps
//! the plan of the output on disk and compares the next one with it. Both
//! take their paths from here, so a partial rebuild fails exactly when a
//! full build would.

use std::collections::BTreeMap;
use std::collections::btree_map::Entry;
use std::ops::Bound;
use std::path::PathBuf;
use std::sync::Arc;

use crate::content::{Site, paths};
use crate::diagnostics::{self, Diagnostic};
use crate::pagination::{pager_count, pager_path};
use crate::search;

/// What an output file shows; indexes point into the [`Site`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Target {
    Page(usize),
    /// A section's page; its first list page when it paginates.
    Section(usize),
    /// Section index, list page number (2 and up; 1 is `Section`).
    SectionPager(usize, usize),
    /// The Atom feed of a section other than the home page.
    SectionFeed(usize),
    TaxonomyList(usize),
    /// Taxonomy index, term index.
    Term(usize, usize),
    /// Taxonomy index, term index, list page number (2 and up).
    TermPager(usize, usize, usize),
    /// Taxonomy index, term index.
    TermFeed(usize, usize),
    NotFound,
    /// Page index, alias index within the page.
    Alias(usize, usize),
    /// The home feed, of every dated page.
    Feed,
    Sitemap,
    Robots,
    /// The social card of a page ([`crate::cards`]).
    PageCard(usize),
    /// The social card of a section.
    SectionCard(usize),
}

/// One output file to render.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Job {
    pub target: Target,
    /// Relative output path, e.g. `careers/x/index.html`.
    pub output: String,
    pub template: String,
    /// Site path of the page the file is, for `root` and `path`.
    pub path: String,
}

/// What writes one output path.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Owner {
    /// The job at this index of [`Plan::jobs`] renders it.
    Job(usize),
    /// It is copied from this file, as it is.
    Copy(PathBuf),
    /// A static file of the built-in theme ([`crate::theme`]), these bytes.
    BuiltIn(&'static [u8]),
    /// The search index (`search = true` in `site.toml`).
    SearchIndex,
    /// The code highlighting stylesheet (`[markdown] highlight = true`),
    /// this text ([`crate::highlight::stylesheet`]).
    Highlight(Arc<str>),
}

/// Every output of a site, with its owner.
#[derive(Debug, Clone, Default)]
pub struct Plan {
    /// Every templated output, in the order [`jobs`] lists them.
    pub jobs: Vec<Job>,
    /// Every output path and what writes it, in path order. The search
    /// index is here only once [`Plan::add_search_index`] has added it.
    pub owners: BTreeMap<String, Owner>,
}

/// Lists every output of `site` with its owner: the jobs (as [`jobs`]),
/// then the files to copy (as [`copies`]; with their fingerprinted copies
/// when `fingerprinted`, that is when a template calls `asset`), then the
/// built-in theme's static files on the paths still free. On a path taken
/// twice the first keeps it; every refusal is returned, naming both
/// sources.
pub fn plan(site: &Site, fingerprinted: bool) -> (Plan, Vec<Diagnostic>) {
    plan_with_cards(site, fingerprinted, false)
}

/// [`plan`], with a social card for every page and section when `cards`
/// (see [`crate::cards::wanted`]).
pub fn plan_with_cards(site: &Site, fingerprinted: bool, cards: bool) -> (Plan, Vec<Diagnostic>) {
    let mut jobs = jobs(site);
    if cards {
        card_jobs(site, &mut jobs);
    }
    let mut plan = Plan {
        jobs,
        owners: BTreeMap::new(),
    };
    let mut errors = Vec::new();
    for index in 0..plan.jobs.len() {
        let path = plan.jobs[index].output.clone();
        plan.claim(site, path, Owner::Job(index), &mut errors);
    }
    for (path, file) in copies(site, fingerprinted) {
        plan.claim(site, path, Owner::Copy(file.clone()), &mut errors);
    }
    if let Some(themes) = &site.config.highlight {
        let css = crate::highlight::stylesheet(&themes.light, &themes.dark);
        let path = crate::highlight::STYLESHEET.to_string();
        plan.claim(site, path, Owner::Highlight(css.into()), &mut errors);
    }
    // A site's or its theme's file of the same name always wins.
    if site.config.theme.is_none() {
        for (path, bytes) in crate::theme::STATIC_FILES {
            if !plan.owners.contains_key(*path) {
                plan.claim(site, path.to_string(), Owner::BuiltIn(bytes), &mut errors);
            }
        }
    }
    plan.check_folders(site, &mut errors);
    (plan, errors)
}

/// The files copied into the output as they are, in the order they claim
/// their paths: static files (the theme's and the site's, as `content`
/// merged them), their fingerprinted copies (when `fingerprinted`, see
/// [`crate::assets`]), then section assets, then page assets, then the
/// derived widths of images, from the cache (see [`crate::images`]).
pub fn copies(site: &Site, fingerprinted: bool) -> impl Iterator<Item = (String, &PathBuf)> {
    let fingerprints = site.static_files.iter().filter_map(move |(path, file)| {
        // A file refused where it is gets no copy to be refused too.
        let fingerprint = site
            .fingerprints
            .get(path)
            .filter(|_| fingerprinted && !is_reserved(site, path))?;
        Some((fingerprint.path.clone(), file))
    });
    site.static_files
        .iter()
        .map(|(path, file)| (path.clone(), file))
        .chain(fingerprints)
        .chain(
            site.sections
                .iter()
                .flat_map(|s| s.assets.iter().map(|(path, file)| (path.clone(), file))),
        )
        .chain(
            site.pages
                .iter()
                .flat_map(|p| p.assets.iter().map(|(path, file)| (path.clone(), file))),
        )
        .chain(
            site.images
                .derived()
                .map(|(path, file)| (path.clone(), file)),
        )
}

/// Whether `path` is in the search index's folder while search is on.
fn is_reserved(site: &Site, path: &str) -> bool {
    site.config.search
        && path
            .strip_prefix(search::FOLDER)
            .is_some_and(|rest| rest.starts_with('/'))
}

/// Lists every templated output of the site: pages and their aliases,
/// sections with their list pages and feeds, taxonomies with their terms'
/// list pages and feeds, then the site's own files.
pub fn jobs(site: &Site) -> Vec<Job> {
    let mut jobs = Vec::new();
    page_jobs(site, &mut jobs);
    section_jobs(site, &mut jobs);
    taxonomy_jobs(site, &mut jobs);
    site_jobs(site, &mut jobs);
    jobs
}

/// Each page, then its aliases.
fn page_jobs(site: &Site, jobs: &mut Vec<Job>) {
    for (index, page) in site.pages.iter().enumerate() {
        let section = &site.sections[page.section];
        let template = page
            .front
            .template
            .clone()
            .or_else(|| {
                site.config
                    .sections
                    .get(&section.folder)
                    .and_then(|s| s.page_template.clone())
            })
            .unwrap_or_else(|| "page.html".to_string());
        jobs.push(Job {
            target: Target::Page(index),
            output: format!("{}index.html", page.path),
            template,
            path: page.path.clone(),
        });
        for (alias_index, alias) in page.front.aliases.iter().enumerate() {
            // An unsafe alias is reported by `content`, which makes no page of it.
            let Ok(output) = paths::alias_file(alias) else {
                continue;
            };
            let folder = output
                .rsplit_once('/')
                .map_or(String::new(), |(f, _)| format!("{f}/"));
            jobs.push(Job {
                target: Target::Alias(index, alias_index),
                output,
                template: "alias.html".into(),
                path: folder,
            });
        }
    }
}

/// Each section, its further list pages and its feed.
fn section_jobs(site: &Site, jobs: &mut Vec<Job>) {
    for (index, section) in site.sections.iter().enumerate() {
        let default = if section.parent.is_none() {
            "index.html"
        } else {
            "section.html"
        };
        let template = section
            .front
            .template
            .clone()
            .or_else(|| {
                site.config
                    .sections
                    .get(&section.folder)
                    .and_then(|s| s.template.clone())
            })
            .unwrap_or_else(|| default.to_string());
        let pagers = pager_count(
            section.pages.len(),
            site.config.section_paginate_by(&section.folder),
        );
        jobs.push(Job {
            target: Target::Section(index),
            output: format!("{}index.html", section.path),
            template: template.clone(),
            path: section.path.clone(),
        });
        for pager in 2..=pagers {
            let path = pager_path(&section.path, pager);
            jobs.push(Job {
                target: Target::SectionPager(index, pager),
                output: format!("{path}index.html"),
                template: template.clone(),
                path,
            });
        }
        // The home page's feed is the site's feed, `atom.xml`, in `site_jobs`.
        if site.config.feeds && section.parent.is_some() {
            jobs.push(Job {
                target: Target::SectionFeed(index),
                output: format!("{}atom.xml", section.path),
                template: "atom.xml".into(),
                path: section.path.clone(),
            });
        }
    }
}

/// Each taxonomy's list, and each of its terms with its further list
/// pages and its feed.
fn taxonomy_jobs(site: &Site, jobs: &mut Vec<Job>) {
    for (index, taxonomy) in site.taxonomies.iter().enumerate() {
        jobs.push(Job {
            target: Target::TaxonomyList(index),
            output: format!("{}index.html", taxonomy.path),
            template: "taxonomy_list.html".into(),
            path: taxonomy.path.clone(),
        });
        for (term_index, term) in taxonomy.terms.iter().enumerate() {
            jobs.push(Job {
                target: Target::Term(index, term_index),
                output: format!("{}index.html", term.path),
                template: "taxonomy_term.html".into(),
                path: term.path.clone(),
            });
            for pager in 2..=pager_count(term.pages.len(), taxonomy.paginate_by) {
                let path = pager_path(&term.path, pager);
                jobs.push(Job {
                    target: Target::TermPager(index, term_index, pager),
                    output: format!("{path}index.html"),
                    template: "taxonomy_term.html".into(),
                    path,
                });
            }
            if site.config.feeds {
                jobs.push(Job {
                    target: Target::TermFeed(index, term_index),
                    output: format!("{}atom.xml", term.path),
                    template: "atom.xml".into(),
                    path: term.path.clone(),
                });
            }
        }
    }
}

/// The site's own files: 404 page, home feed, sitemap, robots.txt.
fn site_jobs(site: &Site, jobs: &mut Vec<Job>) {
    // The sitemap protocol needs absolute URLs: none without a base URL.
    let has_sitemap = site.config.base_url.is_some();
    for (target, output) in [
        (Target::NotFound, "404.html"),
        (Target::Feed, "atom.xml"),
        (Target::Sitemap, "sitemap.xml"),
        (Target::Robots, "robots.txt"),
    ] {
        if target == Target::Sitemap && !has_sitemap {
            continue;
        }
        jobs.push(Job {
            target,
            output: output.into(),
            template: output.into(),
            path: String::new(),
        });
    }
}

/// A card beside each page and each section's first list page.
fn card_jobs(site: &Site, jobs: &mut Vec<Job>) {
    let pages = site
        .pages
        .iter()
        .enumerate()
        .map(|(i, page)| (Target::PageCard(i), &page.path));
    let sections = site
        .sections
        .iter()
        .enumerate()
        .map(|(i, section)| (Target::SectionCard(i), &section.path));
    for (target, path) in pages.chain(sections) {
        jobs.push(Job {
            target,
            output: format!("{path}{}", crate::cards::FILE),
            template: crate::cards::TEMPLATE.into(),
            path: path.clone(),
        });
    }
}

/// The file a job's errors are reported against.
pub fn source_of(site: &Site, target: Target) -> &str {
    match target {
        Target::Page(i) | Target::Alias(i, _) | Target::PageCard(i) => &site.pages[i].display,
        Target::Section(i)
        | Target::SectionPager(i, _)
        | Target::SectionFeed(i)
        | Target::SectionCard(i) => &site.sections[i].display,
        Target::TaxonomyList(_)
        | Target::Term(..)
        | Target::TermPager(..)
        | Target::TermFeed(..) => "site.toml",
        Target::NotFound => "404.html",
        Target::Feed => "atom.xml",
        Target::Sitemap => "sitemap.xml",
        Target::Robots => "robots.txt",
    }
}

impl Plan {
    /// The files to copy: output path and source file.
    pub fn copies(&self) -> impl Iterator<Item = (&String, &PathBuf)> {
        self.owners.iter().filter_map(|(path, owner)| match owner {
            Owner::Copy(file) => Some((path, file)),
            _ => None,
        })
    }

    /// Adds the search index's files (made after rendering, from the
    /// rendered pages), refusing, as for any output, a path already taken
    /// or one that another output needs as a folder. Replaces any index
    /// added before.
    pub fn add_search_index<'p>(
        &mut self,
        site: &Site,
        paths: impl IntoIterator<Item = &'p String>,
    ) -> Vec<Diagnostic> {
        self.remove_search_index();
        let mut errors = Vec::new();
        for path in paths {
            self.insert(site, path.clone(), Owner::SearchIndex, &mut errors);
        }
        self.check_folders(site, &mut errors);
        errors
    }

    /// The built-in theme's static files: output path and bytes.
    pub fn built_in(&self) -> impl Iterator<Item = (&String, &'static [u8])> {
        self.owners.iter().filter_map(|(path, owner)| match owner {
            Owner::BuiltIn(bytes) => Some((path, *bytes)),
            _ => None,
        })
    }

    /// The outputs whose bytes the plan holds (the built-in theme's static
    /// files, the highlighting stylesheet): path, owner and bytes.
    pub fn in_memory(&self) -> impl Iterator<Item = (&String, &Owner, &[u8])> {
        self.owners.iter().filter_map(|(path, owner)| match owner {
            Owner::BuiltIn(bytes) => Some((path, owner, *bytes)),
            Owner::Highlight(css) => Some((path, owner, css.as_bytes())),
            _ => None,
        })
    }

    /// Forgets the search index's files.
    pub fn remove_search_index(&mut self) {
        self.owners
            .retain(|_, owner| !matches!(owner, Owner::SearchIndex));
    }

    /// The file (or feature) an output comes from, as a writer knows it.
    pub fn describe(&self, site: &Site, path: &str, owner: &Owner) -> String {
        describe(site, &self.jobs, path, owner)
    }

    /// Claims one of the site's own outputs (a rendered page or list, a
    /// copied file), refusing a path outside the output folder, a path in
    /// the search index's folder when search is on, and a path already
    /// taken.
    fn claim(&mut self, site: &Site, path: String, owner: Owner, errors: &mut Vec<Diagnostic>) {
        if !paths::is_contained(&path) {
            errors.push(Diagnostic::error(
                "content",
                "unsafe-path",
                format!("refusing to write `{path}` outside the output folder"),
            ));
            return;
        }
        // With search on, `pagefind/` holds the index: pagefind names its
        // files by their content, so a site's own file there could clash
        // with any later build's index. Refused whether or not it clashes today.
        if is_reserved(site, &path) {
            let described = self.describe(site, &path, &owner);
            errors.push(Diagnostic::error(
                reported_at(&described, &owner),
                "reserved-path",
                format!(
                    "`{path}` (from {described}) is in `{}/`, the search index's folder (`search = true` in site.toml): move it elsewhere",
                    search::FOLDER
                ),
            ));
            return;
        }
        self.insert(site, path, owner, errors);
    }

    /// Gives `path` to `owner`, or reports the owner it already has.
    fn insert(&mut self, site: &Site, path: String, owner: Owner, errors: &mut Vec<Diagnostic>) {
        let jobs = &self.jobs;
        match self.owners.entry(path) {
            Entry::Occupied(entry) => {
                let first = describe(site, jobs, entry.key(), entry.get());
                let second = describe(site, jobs, entry.key(), &owner);
                errors.push(Diagnostic::error(
                    reported_at(&second, &owner),
                    "duplicate-url",
                    format!(
                        "`{}` would be written twice, from {first} and from {second}: rename or remove one of them",
                        entry.key()
                    ),
                ));
            }
            Entry::Vacant(entry) => {
                entry.insert(owner);
            }
        }
    }

    /// Refuses an output path that another output needs as a folder
    /// (`atom.xml` and an alias at `atom.xml/index.html`): the file system
    /// cannot hold both.
    fn check_folders(&self, site: &Site, errors: &mut Vec<Diagnostic>) {
        let mut folder = String::new();
        for (path, owner) in &self.owners {
            folder.clear();
            folder.push_str(path);
            folder.push('/');
            let Some((inner, inner_owner)) = self
                .owners
                .range::<str, _>((Bound::Included(folder.as_str()), Bound::Unbounded))
                .next()
                .filter(|(inner, _)| inner.starts_with(folder.as_str()))
            else {
                continue;
            };
            let file = self.describe(site, path, owner);
            let other = self.describe(site, inner, inner_owner);
            errors.push(Diagnostic::error(
                reported_at(&other, inner_owner),
                "duplicate-url",
                format!(
                    "`{path}` is a file, from {file}, but `{inner}`, from {other}, needs it to be a folder: rename one of them"
                ),
            ));
        }
    }
}

/// The file (or feature) an output comes from, `jobs` being the plan's.
fn describe(site: &Site, jobs: &[Job], path: &str, owner: &Owner) -> String {
    let job = match owner {
        Owner::Copy(source) => return diagnostics::display_path(&site.root, source),
        Owner::SearchIndex => {
            return "the search index (`search = true` in site.toml)".to_string();
        }
        Owner::BuiltIn(_) => {
            return format!("medsite's built-in theme (`{path}`, which static/{path} overrides)");
        }
        Owner::Highlight(_) => {
            return "the code highlighting stylesheet (`[markdown] highlight = true` in site.toml)"
                .to_string();
        }
        Owner::Job(index) => &jobs[*index],
    };
    match job.target {
        Target::Page(_) | Target::Section(_) | Target::SectionPager(..) => {
            source_of(site, job.target).to_string()
        }
        Target::Alias(i, _) => format!("an alias of {}", site.pages[i].display),
        Target::PageCard(_) | Target::SectionCard(_) => {
            format!("the social card of {}", source_of(site, job.target))
        }
        Target::SectionFeed(i) => format!("the feed of {}", site.sections[i].display),
        Target::TaxonomyList(_)
        | Target::Term(..)
        | Target::TermPager(..)
        | Target::TermFeed(..) => "a taxonomy of site.toml".to_string(),
        Target::NotFound | Target::Feed | Target::Sitemap | Target::Robots => format!(
            "medsite's `{path}` (made with the `{0}` template, which templates/{0} overrides)",
            job.template
        ),
    }
}

/// The file a diagnostic about an output is reported at: the copied file
/// itself, or `content` for a rendered output (its message names the page).
fn reported_at<'a>(described: &'a str, owner: &Owner) -> &'a str {
    match owner {
        Owner::Copy(_) => described,
        Owner::Job(_) | Owner::SearchIndex | Owner::BuiltIn(_) | Owner::Highlight(_) => "content",
    }
}

mod pagers;
#[cfg(test)]
mod tests;
