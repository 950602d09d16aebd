//! `render`: a pure function from the loaded site and its templates to the
//! output, a map of relative paths to bytes. Rendering does no I/O; files
//! to copy are named, not read.
//!
//! It runs in two steps: [`plan`] lists every output file as a [`Job`]
//! (what it shows, which template, where it goes), and [`render_jobs`]
//! renders any subset of those jobs in parallel. A full build renders the
//! whole plan; a rebuild can render only the jobs a change affects.

use std::collections::BTreeMap;
use std::path::PathBuf;
use std::sync::Arc;

use rayon::prelude::*;
use tera::{Context, Kwargs, State, Tera, Value};

use crate::content::{Site, paths};
use crate::context;
use crate::diagnostics::Diagnostic;
use crate::search;
use crate::templates::Templates;
use crate::{feed, sitemap};

/// What one output file holds.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Content {
    Bytes(Vec<u8>),
    /// A file copied as it is (static files, page bundle assets).
    Copy(PathBuf),
}

/// The whole site as relative paths (`careers/x/index.html`) to contents,
/// in path order.
#[derive(Debug, Clone, Default)]
pub struct Output {
    pub files: BTreeMap<String, Content>,
}

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

/// Lists every templated output of the site.
pub fn plan(site: &Site) -> Vec<Job> {
    let mut jobs = Vec::new();
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
            let path = context::pager_path(&section.path, pager);
            jobs.push(Job {
                target: Target::SectionPager(index, pager),
                output: format!("{path}index.html"),
                template: template.clone(),
                path,
            });
        }
        // The home page's feed is the site's feed, `atom.xml`, below.
        if site.config.feeds && section.parent.is_some() {
            jobs.push(Job {
                target: Target::SectionFeed(index),
                output: format!("{}atom.xml", section.path),
                template: "atom.xml".into(),
                path: section.path.clone(),
            });
        }
    }
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
                let path = context::pager_path(&term.path, pager);
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
    jobs
}

/// How many list pages a list of `total` pages needs: one when it does not
/// paginate, and one (empty) when it has no pages.
pub fn pager_count(total: usize, paginate_by: Option<usize>) -> usize {
    match paginate_by {
        Some(size) if size > 0 => total.div_ceil(size).max(1),
        _ => 1,
    }
}

/// The pages of list page `pager` (1-based) of `pages`.
fn pager_slice(pages: &[usize], paginate_by: usize, pager: usize) -> &[usize] {
    let start = ((pager - 1) * paginate_by).min(pages.len());
    let end = (start + paginate_by).min(pages.len());
    &pages[start..end]
}

/// The file a job's errors are reported against.
fn source_of(site: &Site, target: Target) -> &str {
    match target {
        Target::Page(i) | Target::Alias(i, _) => &site.pages[i].display,
        Target::Section(i) | Target::SectionPager(i, _) | Target::SectionFeed(i) => {
            &site.sections[i].display
        }
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

/// A Tera instance that knows the site: the `site` global and `get_section`.
pub fn site_tera(site: &Site, templates: &Templates) -> Tera {
    let mut tera = templates.tera.clone();
    tera.global_context()
        .insert("site", &context::site_view(site));
    crate::assets::register(&mut tera, &site.fingerprints);
    // Every page or section as a value is costly on a large site (and
    // `watch` makes a Tera per rebuild): only when a template asks for it.
    if !templates.calling("get_pages").is_empty() {
        // Every page in title order, e.g. for the search page without JavaScript.
        let pages = Value::from_serializable(&context::page_index(site));
        tera.register_function("get_pages", move |_: Kwargs, _: &State| Ok(pages.clone()));
    }
    if templates.calling("get_section").is_empty() {
        return tera;
    }
    let summaries = context::Summaries::new(site);
    let sections: Arc<BTreeMap<String, Value>> = Arc::new(
        site.sections
            .par_iter()
            .map(|s| {
                (
                    s.folder.clone(),
                    context::section_value(&summaries, site, s, &s.pages),
                )
            })
            .collect(),
    );
    tera.register_function("get_section", move |kwargs: Kwargs, _: &State| {
        let path: &str = kwargs.must_get("path")?;
        let key = path
            .trim_matches('/')
            .trim_end_matches("_index.md")
            .trim_end_matches('/');
        sections.get(key).cloned().ok_or_else(|| {
            tera::Error::message(format!("get_section: no section `{path}` in content/"))
        })
    });
    tera
}

/// Fills the context for one job.
fn context_for(site: &Site, summaries: &context::Summaries<'_>, job: &Job) -> Context {
    let mut ctx = Context::new();
    let root = match job.target {
        // The 404 page is served at any depth, so its links start from the
        // site's base path instead of being relative.
        Target::NotFound => site.config.base_path(),
        _ => paths::root_prefix(&job.path),
    };
    ctx.insert("root", &root);
    ctx.insert("path", &job.path);
    ctx.insert("permalink", &site.permalink(&job.path).unwrap_or_default());
    match job.target {
        Target::Page(i) => ctx.insert("page", &context::page_view(site, &site.pages[i])),
        Target::Section(i) => insert_section(&mut ctx, site, summaries, i, 1),
        Target::SectionPager(i, pager) => insert_section(&mut ctx, site, summaries, i, pager),
        Target::TaxonomyList(i) => {
            ctx.insert("taxonomy", &context::taxonomy_view(&site.taxonomies[i]))
        }
        Target::Term(i, t) => insert_term(&mut ctx, site, summaries, (i, t), 1),
        Target::TermPager(i, t, pager) => insert_term(&mut ctx, site, summaries, (i, t), pager),
        Target::SectionFeed(i) => {
            let section = &site.sections[i];
            let title = format!("{} · {}", section.title, site.config.title);
            let subtitle = section
                .front
                .description
                .as_deref()
                .unwrap_or(&site.config.description);
            let pages = site.newest_first(section.pages.iter().copied());
            ctx.insert(
                "feed",
                &feed::feed(site, &pages, title, subtitle, &section.path),
            );
        }
        Target::TermFeed(i, t) => {
            let taxonomy = &site.taxonomies[i];
            let term = &taxonomy.terms[t];
            let title = format!(
                "{} · {} · {}",
                term.title, taxonomy.title, site.config.title
            );
            let pages = site.newest_first(term.pages.iter().copied());
            let description = &site.config.description;
            ctx.insert(
                "feed",
                &feed::feed(site, &pages, title, description, &term.path),
            );
        }
        Target::Alias(i, _) => {
            let page = &site.pages[i];
            ctx.insert("target", &paths::relative_url(&job.path, &page.path));
            ctx.insert("target_title", &page.title);
            ctx.insert("permalink", &site.permalink(&page.path).unwrap_or_default());
        }
        Target::Feed => ctx.insert(
            "feed",
            &feed::feed(
                site,
                &site.pages_by_date(),
                site.config.title.clone(),
                &site.config.description,
                "",
            ),
        ),
        Target::Sitemap => ctx.insert("entries", &sitemap::sitemap(site)),
        Target::NotFound | Target::Robots => {}
    }
    ctx
}

/// `section` and, when the section paginates, `paginator` for list page
/// `pager` (1-based).
fn insert_section(
    ctx: &mut Context,
    site: &Site,
    summaries: &context::Summaries<'_>,
    index: usize,
    pager: usize,
) {
    let section = &site.sections[index];
    let paginate_by = site.config.section_paginate_by(&section.folder);
    let (pages, paginator) = listing(
        site,
        summaries,
        &section.path,
        &section.pages,
        paginate_by,
        pager,
    );
    ctx.insert_value(
        "section",
        context::section_value(summaries, site, section, pages),
    );
    if let Some(paginator) = paginator {
        ctx.insert_value("paginator", paginator);
    }
}

/// `taxonomy` (without its terms), `term` and, when the taxonomy
/// paginates, `paginator` for list page `pager` (1-based).
fn insert_term(
    ctx: &mut Context,
    site: &Site,
    summaries: &context::Summaries<'_>,
    (index, term_index): (usize, usize),
    pager: usize,
) {
    let taxonomy = &site.taxonomies[index];
    let term = &taxonomy.terms[term_index];
    let mut view = context::taxonomy_view(taxonomy);
    view.terms.clear();
    ctx.insert("taxonomy", &view);
    let (pages, paginator) = listing(
        site,
        summaries,
        &term.path,
        &term.pages,
        taxonomy.paginate_by,
        pager,
    );
    ctx.insert_value("term", context::term_value(summaries, site, term, pages));
    if let Some(paginator) = paginator {
        ctx.insert_value("paginator", paginator);
    }
}

/// The pages that list page `pager` (1-based) of the list at site path
/// `base` shows: all of `pages` when the list does not paginate, else one
/// slice of them and the `paginator` value.
fn listing<'p>(
    site: &Site,
    summaries: &context::Summaries<'_>,
    base: &str,
    pages: &'p [usize],
    paginate_by: Option<usize>,
    pager: usize,
) -> (&'p [usize], Option<Value>) {
    let Some(size) = paginate_by else {
        return (pages, None);
    };
    let shown = pager_slice(pages, size, pager);
    let count = pager_count(pages.len(), Some(size));
    let paginator = context::paginator_value(summaries, site, base, pager, count, shown);
    (shown, Some(paginator))
}

/// Renders the given jobs; all template errors are returned together.
pub fn render_jobs(
    site: &Site,
    templates: &Templates,
    tera: &Tera,
    jobs: &[Job],
) -> Result<Output, Vec<Diagnostic>> {
    let mut errors: Vec<Diagnostic> = Vec::new();
    for job in jobs {
        if !templates.has(&job.template) {
            let message = match &site.config.theme {
                Some(theme) => format!(
                    "template `{}` not found in templates/ or themes/{theme}/templates/",
                    job.template
                ),
                None => format!(
                    "template `{}` not found in templates/ or the built-in theme (site.toml names no theme)",
                    job.template
                ),
            };
            errors.push(Diagnostic::error(
                source_of(site, job.target),
                "template-missing",
                message,
            ));
        }
    }
    if !errors.is_empty() {
        errors.sort_by(|a, b| a.message.cmp(&b.message));
        errors.dedup_by(|a, b| a.message == b.message);
        return Err(errors);
    }
    let summaries = context::Summaries::new(site);
    let results: Vec<JobResult<'_>> = jobs
        .par_iter()
        .map(|job| {
            // Sized for the page's own HTML plus its template, so the
            // buffer rarely grows (and copies) while rendering.
            let estimate = match job.target {
                Target::Page(i) => site.pages[i].rendered.html.len(),
                _ => 0,
            } + 4 * 1024;
            let mut bytes = Vec::with_capacity(estimate);
            tera.render_to(
                &job.template,
                &context_for(site, &summaries, job),
                &mut bytes,
            )
            .map(|()| {
                // The whole output stays in memory until written: give
                // back what the estimate over-reserved.
                bytes.shrink_to_fit();
                (job.output.clone(), Content::Bytes(bytes))
            })
            .map_err(|error| {
                Box::new((
                    templates.diagnostic(&error, None),
                    source_of(site, job.target),
                ))
            })
        })
        .collect();
    let mut output = Output::default();
    let owners = Owners { site, jobs };
    let mut failed = Vec::new();
    for result in results {
        match result {
            Ok((path, content)) => add(&mut output, owners, path, content, &mut errors),
            Err(failure) => failed.push(*failure),
        }
    }
    errors.extend(once_per_template_error(failed));
    finish(output, errors)
}

/// One rendered output, or the template error it hit and the source it
/// was rendering.
type JobResult<'a> = Result<(String, Content), Box<(Diagnostic, &'a str)>>;

/// One diagnostic per template error, however many outputs hit it, saying
/// which one did (and how many others): a broken base template would
/// otherwise be reported once per page.
fn once_per_template_error(mut failed: Vec<(Diagnostic, &str)>) -> Vec<Diagnostic> {
    failed.sort_by(|(a, from_a), (b, from_b)| {
        (&a.file, a.line, a.column, &a.message, from_a)
            .cmp(&(&b.file, b.line, b.column, &b.message, from_b))
    });
    let mut merged: Vec<(Diagnostic, &str, usize)> = Vec::new();
    for (diagnostic, from) in failed {
        match merged.last_mut() {
            Some((last, _, others)) if *last == diagnostic => *others += 1,
            _ => merged.push((diagnostic, from, 0)),
        }
    }
    merged
        .into_iter()
        .map(|(mut diagnostic, from, others)| {
            let also = match others {
                0 => String::new(),
                1 => " and 1 other output".to_string(),
                n => format!(" and {n} other outputs"),
            };
            diagnostic.message = format!("{} (while rendering {from}{also})", diagnostic.message);
            diagnostic
        })
        .collect()
}

/// Renders the whole site: every planned job plus the files to copy.
pub fn render(site: &Site, templates: &Templates) -> Result<Output, Vec<Diagnostic>> {
    let tera = site_tera(site, templates);
    let jobs = plan(site);
    let (mut output, mut errors) = match render_jobs(site, templates, &tera, &jobs) {
        Ok(output) => (output, Vec::new()),
        Err(errors) => (Output::default(), errors),
    };
    if site.config.search && errors.is_empty() {
        add_search_index(site, &jobs, &mut output, &mut errors);
    }
    let owners = Owners { site, jobs: &jobs };
    for (path, file) in copies(site, templates.use_assets()) {
        add(&mut output, owners, path, Content::Copy(file), &mut errors);
    }
    add_builtin_static_files(&mut output, owners, &mut errors);
    check_folders(&output, owners, &mut errors);
    finish(output, errors)
}

/// For a site that names no theme, the built-in theme's static files on
/// the paths nothing of the site's takes.
pub(crate) fn add_builtin_static_files(
    output: &mut Output,
    owners: Owners<'_>,
    errors: &mut Vec<Diagnostic>,
) {
    if owners.site.config.theme.is_some() {
        return;
    }
    let free: Vec<_> =
        crate::theme::unclaimed_static_files(|path| output.files.contains_key(path)).collect();
    for (path, bytes) in free {
        add(
            output,
            owners,
            path.to_string(),
            Content::Bytes(bytes.to_vec()),
            errors,
        );
    }
}

/// Every output copied from a file: static files, the fingerprinted
/// copies of their `.css` and `.js` files (when templates call `asset`:
/// `fingerprinted`), then section and page bundle assets.
pub(crate) fn copies(site: &Site, fingerprinted: bool) -> Vec<(String, PathBuf)> {
    let fingerprinted = site.static_files.iter().filter_map(|(path, file)| {
        // A file refused where it is gets no copy to be refused too.
        let fingerprint = site
            .fingerprints
            .get(path)
            .filter(|_| fingerprinted && !is_reserved(site, path))?;
        Some((fingerprint.path.clone(), file.clone()))
    });
    site.static_files
        .iter()
        .cloned()
        .chain(fingerprinted)
        .chain(site.sections.iter().flat_map(|s| s.assets.iter().cloned()))
        .chain(site.pages.iter().flat_map(|p| p.assets.iter().cloned()))
        .collect()
}

/// Indexes every rendered page and section for client-side search.
fn add_search_index(site: &Site, jobs: &[Job], output: &mut Output, errors: &mut Vec<Diagnostic>) {
    let documents: Vec<search::Document<'_>> = jobs
        .iter()
        .filter(|job| matches!(job.target, Target::Page(_) | Target::Section(_)))
        .filter_map(|job| match output.files.get(&job.output) {
            Some(Content::Bytes(bytes)) => {
                std::str::from_utf8(bytes)
                    .ok()
                    .map(|html| search::Document {
                        path: &job.path,
                        html,
                    })
            }
            _ => None,
        })
        .collect();
    match search::index(site, &documents) {
        Ok(files) => {
            for (path, bytes) in files {
                insert(
                    output,
                    Owners { site, jobs },
                    path,
                    Content::Bytes(bytes),
                    errors,
                );
            }
        }
        Err(diagnostic) => errors.push(diagnostic),
    }
}

/// What writes which output: enough to name both sides of a collision.
#[derive(Clone, Copy)]
pub(crate) struct Owners<'a> {
    pub site: &'a Site,
    pub jobs: &'a [Job],
}

impl Owners<'_> {
    /// The file (or feature) an output comes from, as a writer knows it.
    fn describe(&self, path: &str, content: &Content) -> String {
        if let Content::Copy(source) = content {
            return crate::diagnostics::display_path(&self.site.root, source);
        }
        let Some(job) = self.jobs.iter().find(|job| job.output == path) else {
            if crate::theme::static_file(path).is_some() {
                return format!(
                    "medsite's built-in theme (`{path}`, which static/{path} overrides)"
                );
            }
            return "the search index (`search = true` in site.toml)".to_string();
        };
        match job.target {
            Target::Page(_) | Target::Section(_) | Target::SectionPager(..) => {
                source_of(self.site, job.target).to_string()
            }
            Target::Alias(i, _) => format!("an alias of {}", self.site.pages[i].display),
            Target::SectionFeed(i) => format!("the feed of {}", self.site.sections[i].display),
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
}

/// Adds one of the site's own outputs (a rendered page or list, a copied
/// file), refusing a path outside the output folder, a path in the search
/// index's folder when search is on, and a second output on a path already
/// taken (naming what writes both).
pub(crate) fn add(
    output: &mut Output,
    owners: Owners<'_>,
    path: String,
    content: Content,
    errors: &mut Vec<Diagnostic>,
) {
    if !paths::is_contained(&path) {
        errors.push(Diagnostic::error(
            "content",
            "unsafe-path",
            format!("refusing to write `{path}` outside the output folder"),
        ));
        return;
    }
    // With search on, `pagefind/` holds the index: pagefind names its
    // files by their content, so a site's own file there could clash with
    // any later build's index. Refused whether or not it clashes today.
    if is_reserved(owners.site, &path) {
        let owner = owners.describe(&path, &content);
        errors.push(Diagnostic::error(
            reported_at(&owner, &content),
            "reserved-path",
            format!(
                "`{path}` (from {owner}) is in `{}/`, the search index's folder (`search = true` in site.toml): move it elsewhere",
                search::FOLDER
            ),
        ));
        return;
    }
    insert(output, owners, path, content, errors);
}

/// Whether `path` is in the search index's folder while search is on.
fn is_reserved(site: &Site, path: &str) -> bool {
    site.config.search
        && path
            .strip_prefix(search::FOLDER)
            .is_some_and(|rest| rest.starts_with('/'))
}

/// The file a diagnostic about an output is reported at: the copied file
/// itself, or `content` for a rendered output (its message names the page).
fn reported_at<'a>(described: &'a str, content: &Content) -> &'a str {
    match content {
        Content::Copy(_) => described,
        Content::Bytes(_) => "content",
    }
}

/// Refuses an output path that another output needs as a folder
/// (`atom.xml` and an alias at `atom.xml/index.html`): the file system
/// cannot hold both.
pub(crate) fn check_folders(output: &Output, owners: Owners<'_>, errors: &mut Vec<Diagnostic>) {
    use std::ops::Bound;
    let mut folder = String::new();
    for (path, content) in &output.files {
        folder.clear();
        folder.push_str(path);
        folder.push('/');
        let Some((inner, inner_content)) = output
            .files
            .range::<str, _>((Bound::Included(folder.as_str()), Bound::Unbounded))
            .next()
            .filter(|(inner, _)| inner.starts_with(folder.as_str()))
        else {
            continue;
        };
        let file = owners.describe(path, content);
        let other = owners.describe(inner, inner_content);
        errors.push(Diagnostic::error(
            reported_at(&other, inner_content),
            "duplicate-url",
            format!(
                "`{path}` is a file, from {file}, but `{inner}`, from {other}, needs it to be a folder: rename one of them"
            ),
        ));
    }
}

/// Puts an output in place, or reports the one already on its path. The
/// search index's own files come in here, past [`add`]'s folder check.
fn insert(
    output: &mut Output,
    owners: Owners<'_>,
    path: String,
    content: Content,
    errors: &mut Vec<Diagnostic>,
) {
    match output.files.entry(path) {
        std::collections::btree_map::Entry::Occupied(entry) => {
            let first = owners.describe(entry.key(), entry.get());
            let second = owners.describe(entry.key(), &content);
            errors.push(Diagnostic::error(
                reported_at(&second, &content),
                "duplicate-url",
                format!(
                    "`{}` would be written twice, from {first} and from {second}: rename or remove one of them",
                    entry.key()
                ),
            ));
        }
        std::collections::btree_map::Entry::Vacant(entry) => {
            entry.insert(content);
        }
    }
}

fn finish(output: Output, mut errors: Vec<Diagnostic>) -> Result<Output, Vec<Diagnostic>> {
    if errors.is_empty() {
        Ok(output)
    } else {
        crate::diagnostics::sort(&mut errors);
        errors.dedup();
        Err(errors)
    }
}
