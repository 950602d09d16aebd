//! `render`: a pure function from the loaded site and its templates to the
//! output, a map of relative paths to bytes. Rendering does no I/O; files
//! to copy are named, not read.

use std::collections::BTreeMap;
use std::path::PathBuf;
use std::sync::Arc;

use rayon::prelude::*;
use serde::Serialize;
use tera::{Context, Kwargs, State, Value};

use crate::content::{Site, paths};
use crate::context;
use crate::diagnostics::Diagnostic;
use crate::templates::Templates;

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

struct Job<'a> {
    output: String,
    template: String,
    /// The site path of the rendered page, for `root` and `path`.
    path: String,
    what: &'a str,
    root: Option<String>,
    build: Box<dyn Fn(&mut Context) + Send + Sync + 'a>,
}

pub fn render(site: &Site, templates: &Templates) -> Result<Output, Vec<Diagnostic>> {
    let mut tera = templates.tera.clone();
    tera.global_context()
        .insert("site", &context::site_view(site));
    let sections: Arc<BTreeMap<String, Value>> = Arc::new(
        site.sections
            .iter()
            .map(|s| {
                (
                    s.folder.clone(),
                    Value::from_serializable(&context::section_view(site, s)),
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

    let mut errors = Vec::new();
    let mut jobs: Vec<Job<'_>> = Vec::new();
    for page in &site.pages {
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
            output: format!("{}index.html", page.path),
            template,
            path: page.path.clone(),
            what: &page.display,
            root: None,
            build: Box::new(move |ctx| ctx.insert("page", &context::page_view(site, page))),
        });
    }
    for section in &site.sections {
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
            .unwrap_or_else(|| {
                if section.parent.is_none() {
                    "index.html"
                } else {
                    "section.html"
                }
                .to_string()
            });
        jobs.push(Job {
            output: format!("{}index.html", section.path),
            template,
            path: section.path.clone(),
            what: &section.display,
            root: None,
            build: Box::new(move |ctx| {
                ctx.insert("section", &context::section_view(site, section))
            }),
        });
    }
    for taxonomy in &site.taxonomies {
        jobs.push(Job {
            output: format!("{}index.html", taxonomy.path),
            template: "taxonomy_list.html".into(),
            path: taxonomy.path.clone(),
            what: "site.toml",
            root: None,
            build: Box::new(move |ctx| ctx.insert("taxonomy", &context::taxonomy_view(taxonomy))),
        });
        for term in &taxonomy.terms {
            jobs.push(Job {
                output: format!("{}index.html", term.path),
                template: "taxonomy_term.html".into(),
                path: term.path.clone(),
                what: "site.toml",
                root: None,
                build: Box::new(move |ctx| {
                    let mut view = context::taxonomy_view(taxonomy);
                    view.terms.clear();
                    ctx.insert("taxonomy", &view);
                    ctx.insert("term", &context::term_view(site, term));
                }),
            });
        }
    }
    // The 404 page is served at any depth, so its links start from the
    // site's base path instead of being relative.
    jobs.push(Job {
        output: "404.html".into(),
        template: "404.html".into(),
        path: String::new(),
        what: "404.html",
        root: Some(site.config.base_path()),
        build: Box::new(|_| {}),
    });
    for page in &site.pages {
        for alias in &page.front.aliases {
            let Ok(output) = paths::alias_file(alias) else {
                continue;
            };
            let folder = output
                .rsplit_once('/')
                .map_or(String::new(), |(f, _)| format!("{f}/"));
            jobs.push(Job {
                output,
                template: "alias.html".into(),
                path: folder.clone(),
                what: &page.display,
                root: None,
                build: Box::new(move |ctx| {
                    ctx.insert("target", &paths::relative_url(&folder, &page.path));
                    ctx.insert("target_title", &page.title);
                    ctx.insert("permalink", &site.permalink(&page.path).unwrap_or_default());
                }),
            });
        }
    }
    for job in &jobs {
        if !templates.has(&job.template) {
            errors.push(Diagnostic::error(
                job.what,
                "template-missing",
                match &site.config.theme {
                    Some(theme) => format!(
                        "template `{}` not found in templates/ or themes/{theme}/templates/",
                        job.template
                    ),
                    None => format!(
                        "template `{}` not found in templates/ (site.toml names no theme)",
                        job.template
                    ),
                },
            ));
        }
    }
    if !errors.is_empty() {
        errors.sort_by(|a, b| a.message.cmp(&b.message));
        errors.dedup_by(|a, b| a.message == b.message);
        return Err(errors);
    }

    let results: Vec<Result<(String, Content), Diagnostic>> = jobs
        .par_iter()
        .map(|job| {
            let mut ctx = Context::new();
            ctx.insert(
                "root",
                &job.root
                    .clone()
                    .unwrap_or_else(|| paths::root_prefix(&job.path)),
            );
            ctx.insert("path", &job.path);
            ctx.insert("permalink", &site.permalink(&job.path).unwrap_or_default());
            (job.build)(&mut ctx);
            tera.render(&job.template, &ctx)
                .map(|html| (job.output.clone(), Content::Bytes(html.into_bytes())))
                .map_err(|error| templates.diagnostic(&error, Some(job.what)))
        })
        .collect();
    let mut output = Output::default();
    let mut add = |path: String, content: Content, errors: &mut Vec<Diagnostic>| {
        if !paths::is_contained(&path) {
            errors.push(Diagnostic::error(
                "content",
                "unsafe-path",
                format!("refusing to write `{path}` outside the output folder"),
            ));
        } else {
            match output.files.entry(path) {
                std::collections::btree_map::Entry::Occupied(entry) => {
                    errors.push(Diagnostic::error(
                        "content",
                        "duplicate-url",
                        format!("two outputs would be written to `{}`", entry.key()),
                    ))
                }
                std::collections::btree_map::Entry::Vacant(entry) => {
                    entry.insert(content);
                }
            }
        }
    };
    for result in results {
        match result {
            Ok((path, content)) => add(path, content, &mut errors),
            Err(diagnostic) => errors.push(diagnostic),
        }
    }
    for (path, content) in feeds_and_sitemap(site, &tera, templates) {
        match content {
            Ok(content) => add(path, content, &mut errors),
            Err(diagnostic) => errors.push(diagnostic),
        }
    }
    let copies = site
        .static_files
        .iter()
        .chain(site.sections.iter().flat_map(|s| &s.assets))
        .chain(site.pages.iter().flat_map(|p| &p.assets));
    for (path, file) in copies {
        add(path.clone(), Content::Copy(file.clone()), &mut errors);
    }
    if errors.is_empty() {
        Ok(output)
    } else {
        crate::diagnostics::sort(&mut errors);
        errors.dedup();
        Err(errors)
    }
}

#[derive(Serialize)]
struct FeedEntry {
    title: String,
    url: String,
    id: String,
    published: String,
    updated: String,
    summary: String,
    content: String,
}

#[derive(Serialize)]
struct Feed {
    title: String,
    self_url: String,
    alternate_url: String,
    id: String,
    updated: String,
    entries: Vec<FeedEntry>,
}

#[derive(Serialize)]
struct SitemapEntry {
    loc: String,
    lastmod: Option<String>,
}

fn timestamp(date: jiff::civil::Date) -> String {
    format!("{date}T00:00:00Z")
}

fn feeds_and_sitemap(
    site: &Site,
    tera: &tera::Tera,
    templates: &Templates,
) -> Vec<(String, Result<Content, Diagnostic>)> {
    // Without a base URL, feed and sitemap URLs are relative to the site
    // root, where both files live.
    let url = |path: &str| {
        site.permalink(path).unwrap_or_else(|| {
            if path.is_empty() {
                "./".into()
            } else {
                path.to_string()
            }
        })
    };
    let id = |path: &str| {
        site.permalink(path).unwrap_or_else(|| {
            format!("urn:medsite:{}:{}", slug::slugify(&site.config.title), path)
        })
    };
    let newest = site.pages_by_date();
    let entries: Vec<FeedEntry> = newest
        .iter()
        .take(site.config.feed_limit)
        .map(|&i| {
            let page = &site.pages[i];
            let published = page.date.expect("pages_by_date lists dated pages");
            FeedEntry {
                title: page.title.clone(),
                url: url(&page.path),
                id: id(&page.path),
                published: timestamp(published),
                updated: timestamp(page.updated.unwrap_or(published)),
                summary: page.front.description.clone().unwrap_or_default(),
                content: page.rendered.html.clone(),
            }
        })
        .collect();
    let feed = Feed {
        title: site.config.title.clone(),
        self_url: url("atom.xml"),
        alternate_url: url(""),
        id: id(""),
        updated: entries
            .iter()
            .map(|e| e.updated.clone())
            .max()
            .unwrap_or_else(|| "1970-01-01T00:00:00Z".into()),
        entries,
    };
    let mut sitemap: Vec<SitemapEntry> = Vec::new();
    for section in &site.sections {
        let lastmod = section
            .pages
            .iter()
            .filter_map(|&i| site.pages[i].updated.or(site.pages[i].date))
            .max();
        sitemap.push(SitemapEntry {
            loc: url(&section.path),
            lastmod: lastmod.map(|d| d.to_string()),
        });
    }
    for page in &site.pages {
        sitemap.push(SitemapEntry {
            loc: url(&page.path),
            lastmod: page.updated.or(page.date).map(|d| d.to_string()),
        });
    }
    for taxonomy in &site.taxonomies {
        sitemap.push(SitemapEntry {
            loc: url(&taxonomy.path),
            lastmod: None,
        });
        for term in &taxonomy.terms {
            sitemap.push(SitemapEntry {
                loc: url(&term.path),
                lastmod: None,
            });
        }
    }
    sitemap.sort_by(|a, b| a.loc.cmp(&b.loc));

    let render_one = |template: &str, ctx: Context| {
        tera.render(template, &ctx)
            .map(|text| Content::Bytes(text.into_bytes()))
            .map_err(|error| templates.diagnostic(&error, Some(template)))
    };
    let mut atom_ctx = Context::new();
    atom_ctx.insert("feed", &feed);
    let mut sitemap_ctx = Context::new();
    sitemap_ctx.insert("entries", &sitemap);
    vec![
        ("atom.xml".into(), render_one("atom.xml", atom_ctx)),
        ("sitemap.xml".into(), render_one("sitemap.xml", sitemap_ctx)),
        (
            "robots.txt".into(),
            render_one("robots.txt", Context::new()),
        ),
    ]
}
