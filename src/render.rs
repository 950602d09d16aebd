//! `render`: a pure function from the loaded site and its templates to the
//! output, a map of relative paths to bytes. Rendering does no I/O; files
//! to copy are named, not read.
//!
//! It runs in two steps: [`plan`] lists every output file
//! with its owner (a [`Job`]: what it shows, which template, where it
//! goes; or a file to copy), and [`render_jobs`] renders any subset of
//! those jobs in parallel. A full build renders the whole plan; a rebuild
//! can render only the jobs a change affects.

use std::collections::BTreeMap;
use std::path::PathBuf;
use std::sync::Arc;

use std::sync::atomic::{AtomicBool, Ordering};

use rayon::prelude::*;
use tera::{Context, Kwargs, State, Tera, Value};

use crate::content::{Site, paths};
use crate::context;
use crate::diagnostics::Diagnostic;
use crate::pagination;
use crate::plan::{self, Job, Plan, Target, source_of};
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

/// A Tera instance that knows the site: the `site` global, `get_section`,
/// `get_pages`, `get_data` and `get_fact`.
pub fn site_tera(site: &Site, templates: &Templates, summaries: &context::Summaries<'_>) -> Tera {
    site_tera_with(site, templates, summaries, None)
}

/// What `get_section` returns, by section folder: each section with all
/// its pages ([`context::section_value`]).
pub type SectionValues = Arc<BTreeMap<String, Value>>;

/// Every section's `get_section` value, in parallel.
pub fn section_values(site: &Site, summaries: &context::Summaries<'_>) -> SectionValues {
    Arc::new(
        site.sections
            .par_iter()
            .map(|s| {
                (
                    s.folder.clone(),
                    context::section_value(summaries, site, s, &s.pages),
                )
            })
            .collect(),
    )
}

/// [`site_tera`] with `get_section`'s values made already (`rebuild`
/// keeps them between edits and makes again only those that changed).
pub fn site_tera_with(
    site: &Site,
    templates: &Templates,
    summaries: &context::Summaries<'_>,
    sections: Option<SectionValues>,
) -> Tera {
    let mut tera = templates.tera.clone();
    let mut site_view = context::site_view(site);
    if crate::cards::wanted(site, templates) == Ok(true) {
        site_view.card = Some(crate::cards::FILE);
    }
    tera.global_context().insert("site", &site_view);
    crate::assets::register(&mut tera, &site.fingerprints);
    // Every page or section as a value is costly on a large site (and
    // `watch` makes a Tera per rebuild): only when a template asks for it.
    if !templates.calling("get_pages").is_empty() {
        // Every page in title order, e.g. for the search page without JavaScript.
        let pages = Value::from_serializable(&context::page_index(site));
        tera.register_function("get_pages", move |_: Kwargs, _: &State| Ok(pages.clone()));
    }
    if !templates
        .calling(crate::data::template::FUNCTION)
        .is_empty()
    {
        crate::data::template::register(&mut tera, &site.data);
    }
    if !templates.calling(crate::data::figures::FUNCTION).is_empty() {
        crate::data::figures::register(&mut tera, &site.data);
    }
    if !templates.calling(crate::images::CALL).is_empty() {
        crate::images::html::register(&mut tera, &site.images, &site.config.images.sizes);
    }
    if templates.calling("get_section").is_empty() {
        return tera;
    }
    let sections = sections.unwrap_or_else(|| section_values(site, summaries));
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
fn context_for(
    site: &Site,
    summaries: &context::Summaries<'_>,
    job: &Job,
) -> Result<Context, Diagnostic> {
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
        Target::Page(i) | Target::PageCard(i) => {
            let page = &site.pages[i];
            let content = page.rendered.html_or_diagnostic(&page.display)?;
            ctx.insert("page", &context::page_view(site, page, content))
        }
        Target::Section(i) | Target::SectionCard(i) => {
            insert_section(&mut ctx, site, summaries, i, 1)
        }
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
                &feed::feed(site, summaries, &pages, title, subtitle, &section.path)?,
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
                &feed::feed(site, summaries, &pages, title, description, &term.path)?,
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
                summaries,
                &site.pages_by_date(),
                site.config.title.clone(),
                &site.config.description,
                "",
            )?,
        ),
        Target::Sitemap => ctx.insert("entries", &sitemap::sitemap(site)),
        Target::NotFound | Target::Robots => {}
    }
    Ok(ctx)
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
    let shown = pagination::pager_slice(pages, size, pager);
    let count = pagination::pager_count(pages.len(), Some(size));
    let paginator = context::paginator_value(summaries, site, base, pager, count, shown);
    (shown, Some(paginator))
}

/// Why a streamed render stopped: problems in the site (every one found),
/// or the first error of the function that took the files.
#[derive(Debug)]
pub enum RenderError<E> {
    Content(Vec<Diagnostic>),
    Sink(E),
}

/// Renders the given jobs; all template errors are returned together.
pub fn render_jobs(
    site: &Site,
    templates: &Templates,
    (tera, summaries): (&Tera, &context::Summaries<'_>),
    jobs: &[Job],
) -> Result<Output, Vec<Diagnostic>> {
    let files = std::sync::Mutex::new(BTreeMap::new());
    let put = |job: &Job, mut bytes: Vec<u8>| {
        // Kept until written: give back what the estimate over-reserved.
        bytes.shrink_to_fit();
        let mut files = files
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        files.insert(job.output.clone(), Content::Bytes(bytes));
        Ok::<(), std::convert::Infallible>(())
    };
    match stream_jobs(site, templates, (tera, summaries), jobs, &put) {
        Ok(()) => Ok(Output {
            files: files
                .into_inner()
                .unwrap_or_else(std::sync::PoisonError::into_inner),
        }),
        Err(RenderError::Content(errors)) => Err(errors),
        Err(RenderError::Sink(never)) => match never {},
    }
}

/// A diagnostic for each template that a job names and no folder has.
fn missing_templates(site: &Site, templates: &Templates, jobs: &[Job]) -> Vec<Diagnostic> {
    let mut errors: Vec<Diagnostic> = Vec::new();
    for job in jobs.iter().filter(|job| !templates.has(&job.template)) {
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
    errors.sort_by(|a, b| a.message.cmp(&b.message));
    errors.dedup_by(|a, b| a.message == b.message);
    errors
}

/// What [`stream_jobs`] hands each rendered output to.
type PutJob<'f, E> = dyn Fn(&Job, Vec<u8>) -> Result<(), E> + Sync + 'f;

/// Renders the given jobs in parallel and hands each output to `put` as
/// soon as it is rendered, so that only the outputs being rendered are in
/// memory. After the first template error, outputs are still rendered
/// (to report every error) but no longer handed on; after an error of
/// `put`, rendering stops.
fn stream_jobs<E: Send>(
    site: &Site,
    templates: &Templates,
    (tera, summaries): (&Tera, &context::Summaries<'_>),
    jobs: &[Job],
    put: &PutJob<'_, E>,
) -> Result<(), RenderError<E>> {
    let missing = missing_templates(site, templates, jobs);
    if !missing.is_empty() {
        return Err(RenderError::Content(missing));
    }
    let failed = std::sync::Mutex::new(Vec::new());
    let sink_error = std::sync::Mutex::new(None);
    let stop_writing = AtomicBool::new(false);
    let stop_rendering = AtomicBool::new(false);
    jobs.par_iter().for_each(|job| {
        if stop_rendering.load(Ordering::Relaxed) {
            return;
        }
        match render_job(site, templates, tera, summaries, job) {
            Ok(_) if stop_writing.load(Ordering::Relaxed) => {}
            Ok(bytes) => {
                if let Err(error) = put(job, bytes) {
                    stop_writing.store(true, Ordering::Relaxed);
                    stop_rendering.store(true, Ordering::Relaxed);
                    lock(&sink_error).get_or_insert(error);
                }
            }
            Err(failure) => {
                stop_writing.store(true, Ordering::Relaxed);
                lock(&failed).push(*failure);
            }
        }
    });
    if let Some(error) = lock(&sink_error).take() {
        return Err(RenderError::Sink(error));
    }
    let failed = std::mem::take(&mut *lock(&failed));
    if failed.is_empty() {
        Ok(())
    } else {
        Err(RenderError::Content(sorted(once_per_template_error(
            failed,
        ))))
    }
}

/// One job's output (a card's SVG made its PNG), or the error it hit and
/// the source it was rendering.
fn render_job<'s>(
    site: &'s Site,
    templates: &Templates,
    tera: &Tera,
    summaries: &context::Summaries<'_>,
    job: &Job,
) -> Result<Vec<u8>, Box<(Diagnostic, &'s str)>> {
    // Sized for the page's own HTML plus its template, so the buffer
    // rarely grows (and copies) while rendering.
    let estimate = match job.target {
        Target::Page(i) => site.pages[i].rendered.html_len(),
        _ => 0,
    } + 4 * 1024;
    let mut bytes = Vec::with_capacity(estimate);
    let failed = |diagnostic| Box::new((diagnostic, source_of(site, job.target)));
    let context = context_for(site, summaries, job).map_err(failed)?;
    tera.render_to(&job.template, &context, &mut bytes)
        .map_err(|error| failed(templates.diagnostic(&error, None)))?;
    if matches!(job.target, Target::PageCard(_) | Target::SectionCard(_)) {
        let png = crate::cards::rasterise(&bytes).map_err(|error| {
            let file = templates
                .display_path(&job.template)
                .unwrap_or(&job.template);
            failed(Diagnostic::error(file, "social-card", error.to_string()))
        })?;
        return Ok(png.to_vec());
    }
    Ok(bytes)
}

/// The lock's value, even if a thread panicked while holding it.
fn lock<T>(mutex: &std::sync::Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    mutex
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner)
}

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

/// Renders the whole site into memory: every job of the
/// [`plan`](crate::plan::plan), the search index when `search = true`, and
/// the plan's files to copy (for `check`, `watch` and tests; `build`
/// writes each file as it comes with [`render_each`]).
pub fn render(site: &Site, templates: &Templates) -> Result<Output, Vec<Diagnostic>> {
    let files = std::sync::Mutex::new(BTreeMap::new());
    let put = |path: String, content: Content| {
        lock(&files).insert(path, content);
        Ok::<(), std::convert::Infallible>(())
    };
    match render_each(site, templates, &put) {
        Ok(()) => Ok(Output {
            files: files
                .into_inner()
                .unwrap_or_else(std::sync::PoisonError::into_inner),
        }),
        Err(RenderError::Content(errors)) => Err(errors),
        Err(RenderError::Sink(never)) => match never {},
    }
}

/// Renders the whole site as [`render`] does, handing each file to `put`
/// (relative path, contents) as soon as it is rendered instead of keeping
/// it, in no particular order. Every problem is still found before the
/// result says whether the site built: `put` is never called when the plan
/// has problems, and no more once a template fails. Only with
/// `search = true` are the pages' HTML kept, until they are indexed.
pub fn render_each<E: Send>(
    site: &Site,
    templates: &Templates,
    put: &(dyn Fn(String, Content) -> Result<(), E> + Sync),
) -> Result<(), RenderError<E>> {
    let summaries = context::Summaries::new(site);
    let tera = site_tera(site, templates, &summaries);
    let (mut plan, mut errors) = plan_for(site, templates);
    let planned = errors.is_empty();
    let indexed = std::sync::Mutex::new(std::collections::HashMap::new());
    let put_job = |job: &Job, bytes: Vec<u8>| {
        if !planned {
            return Ok(());
        }
        if site.config.search && matches!(job.target, Target::Page(_) | Target::Section(_)) {
            lock(&indexed).insert(job.output.clone(), bytes.clone());
        }
        put(job.output.clone(), Content::Bytes(bytes))
    };
    match stream_jobs(site, templates, (&tera, &summaries), &plan.jobs, &put_job) {
        Ok(()) => {}
        Err(RenderError::Content(found)) => errors.extend(found),
        Err(sink) => return Err(sink),
    }
    let mut search_files = Vec::new();
    if site.config.search && errors.is_empty() {
        let indexed = indexed
            .into_inner()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        search_files = search_index(site, &mut plan, &indexed, &mut errors);
    }
    if !errors.is_empty() {
        return Err(RenderError::Content(sorted(errors)));
    }
    let search_files =
        (search_files.into_iter()).map(|(path, bytes)| (path, Content::Bytes(bytes)));
    put_files(search_files.chain(plan_files(&plan)).collect(), put)
}

/// Renders every job of `plan` with `tera` and hands each output to `put`
/// as soon as it is rendered, then the plan's copies and built-in files:
/// a whole site but its search index, as `render_each` makes it, for the
/// first build of `watch` and `serve`, which keep the plan and the tera.
pub fn stream_plan<E: Send>(
    site: &Site,
    templates: &Templates,
    (tera, summaries): (&Tera, &context::Summaries<'_>),
    plan: &Plan,
    put: &(dyn Fn(String, Content) -> Result<(), E> + Sync),
) -> Result<(), RenderError<E>> {
    let put_job = |job: &Job, bytes: Vec<u8>| put(job.output.clone(), Content::Bytes(bytes));
    stream_jobs(site, templates, (tera, summaries), &plan.jobs, &put_job)?;
    put_files(plan_files(plan).collect(), put)
}

/// The files of `plan` that are not rendered: copies and built-in files.
fn plan_files(plan: &Plan) -> impl Iterator<Item = (String, Content)> + '_ {
    let copies = (plan.copies()).map(|(path, file)| (path.clone(), Content::Copy(file.clone())));
    let in_memory =
        (plan.in_memory()).map(|(path, _, bytes)| (path.clone(), Content::Bytes(bytes.to_vec())));
    copies.chain(in_memory)
}

fn put_files<E: Send>(
    files: Vec<(String, Content)>,
    put: &(dyn Fn(String, Content) -> Result<(), E> + Sync),
) -> Result<(), RenderError<E>> {
    (files.into_par_iter())
        .try_for_each(|(path, content)| put(path, content))
        .map_err(RenderError::Sink)
}

/// The plan of `site` rendered with `templates`: fingerprinted copies when
/// a template calls `asset`, cards when the site gets them; a card
/// template that this binary cannot draw is an error.
pub fn plan_for(site: &Site, templates: &Templates) -> (Plan, Vec<Diagnostic>) {
    let (cards, refused) = match crate::cards::wanted(site, templates) {
        Ok(cards) => (cards, None),
        Err(diagnostic) => (false, Some(diagnostic)),
    };
    let (plan, mut errors) = plan::plan_with_cards(site, templates.use_assets(), cards);
    errors.extend(refused);
    (plan, errors)
}

/// Indexes every rendered page and section (`html`: output path -> bytes)
/// for client-side search, its files claimed in `plan` like any other
/// output.
fn search_index(
    site: &Site,
    plan: &mut Plan,
    html: &std::collections::HashMap<String, Vec<u8>>,
    errors: &mut Vec<Diagnostic>,
) -> Vec<(String, Vec<u8>)> {
    let documents: Vec<search::Document<'_>> = plan
        .jobs
        .iter()
        .filter(|job| matches!(job.target, Target::Page(_) | Target::Section(_)))
        .filter_map(|job| {
            let html = std::str::from_utf8(html.get(&job.output)?).ok()?;
            Some(search::Document {
                path: &job.path,
                html,
            })
        })
        .collect();
    match search::index(site, &documents) {
        Ok(files) => {
            errors.extend(plan.add_search_index(site, files.iter().map(|(path, _)| path)));
            files
        }
        Err(diagnostic) => {
            errors.push(diagnostic);
            Vec::new()
        }
    }
}

/// Errors in the order they are reported, each once.
fn sorted(mut errors: Vec<Diagnostic>) -> Vec<Diagnostic> {
    crate::diagnostics::sort(&mut errors);
    errors.dedup();
    errors
}
