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
pub fn site_tera(site: &Site, templates: &Templates) -> Tera {
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
        Target::Page(i) | Target::PageCard(i) => {
            ctx.insert("page", &context::page_view(site, &site.pages[i]))
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
                &feed::feed(site, summaries, &pages, title, subtitle, &section.path),
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
                &feed::feed(site, summaries, &pages, title, description, &term.path),
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
    let shown = pagination::pager_slice(pages, size, pager);
    let count = pagination::pager_count(pages.len(), Some(size));
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
        .map(|job| render_job(site, templates, tera, &summaries, job))
        .collect();
    // Each job's path is its own: `plan` decided it.
    let mut output = Output::default();
    let mut failed = Vec::new();
    for result in results {
        match result {
            Ok((path, content)) => {
                output.files.insert(path, content);
            }
            Err(failure) => failed.push(*failure),
        }
    }
    errors.extend(once_per_template_error(failed));
    finish(output, errors)
}

/// Renders one job; a card's SVG becomes its PNG.
fn render_job<'a>(
    site: &'a Site,
    templates: &Templates,
    tera: &Tera,
    summaries: &context::Summaries<'_>,
    job: &Job,
) -> JobResult<'a> {
    // Sized for the page's own HTML plus its template, so the buffer
    // rarely grows (and copies) while rendering.
    let estimate = match job.target {
        Target::Page(i) => site.pages[i].rendered.html.len(),
        _ => 0,
    } + 4 * 1024;
    let mut bytes = Vec::with_capacity(estimate);
    let failed = |diagnostic| Box::new((diagnostic, source_of(site, job.target)));
    tera.render_to(
        &job.template,
        &context_for(site, summaries, job),
        &mut bytes,
    )
    .map_err(|error| failed(templates.diagnostic(&error, None)))?;
    if matches!(job.target, Target::PageCard(_) | Target::SectionCard(_)) {
        let png = crate::cards::rasterise(&bytes).map_err(|error| {
            let file = templates
                .display_path(&job.template)
                .unwrap_or(&job.template);
            failed(Diagnostic::error(file, "social-card", error.to_string()))
        })?;
        return Ok((job.output.clone(), Content::Bytes(png.to_vec())));
    }
    // The whole output stays in memory until written: give back what
    // the estimate over-reserved.
    bytes.shrink_to_fit();
    Ok((job.output.clone(), Content::Bytes(bytes)))
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

/// Renders the whole site: every job of the [`plan`](crate::plan::plan),
/// the search index when `search = true`, and the plan's files to copy.
pub fn render(site: &Site, templates: &Templates) -> Result<Output, Vec<Diagnostic>> {
    let tera = site_tera(site, templates);
    let (mut plan, mut errors) = plan_for(site, templates);
    let mut output = match render_jobs(site, templates, &tera, &plan.jobs) {
        Ok(output) => output,
        Err(found) => {
            errors.extend(found);
            Output::default()
        }
    };
    if site.config.search && errors.is_empty() {
        add_search_index(site, &mut plan, &mut output, &mut errors);
    }
    for (path, file) in plan.copies() {
        output
            .files
            .insert(path.clone(), Content::Copy(file.clone()));
    }
    for (path, _, bytes) in plan.in_memory() {
        output
            .files
            .insert(path.clone(), Content::Bytes(bytes.to_vec()));
    }
    finish(output, errors)
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

/// Indexes every rendered page and section for client-side search, its
/// files claimed in `plan` like any other output.
fn add_search_index(
    site: &Site,
    plan: &mut Plan,
    output: &mut Output,
    errors: &mut Vec<Diagnostic>,
) {
    let documents: Vec<search::Document<'_>> = plan
        .jobs
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
            errors.extend(plan.add_search_index(site, files.iter().map(|(path, _)| path)));
            for (path, bytes) in files {
                output.files.insert(path, Content::Bytes(bytes));
            }
        }
        Err(diagnostic) => errors.push(diagnostic),
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
