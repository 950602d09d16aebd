//! The template context: the theme's public API. These borrowed view types
//! decide exactly what a template can see; README.md documents each field.
//!
//! A page's summary shows up in many lists (its section's list page, each
//! of its terms' list pages, `get_section`). [`Summaries`] serializes each
//! once into a Tera value, which is reference-counted, so every further
//! list costs a pointer copy; the `*_value` functions put those shared
//! lists into the serialized views.

use std::collections::BTreeMap;
use std::sync::OnceLock;

use serde::Serialize;
use tera::Value;
use tera::value::Key;

use crate::config::MenuItem;
use crate::content::{Page, Section, Site, TaxonomyTerms, Term};
use crate::markdown::TocEntry;
use crate::pagination::pager_path;

#[derive(Serialize)]
pub struct SiteView<'a> {
    pub title: &'a str,
    pub description: &'a str,
    pub language: &'a str,
    pub base_url: &'a str,
    pub menu: &'a [MenuItem],
    pub taxonomies: Vec<TaxonomyLink<'a>>,
    /// Whether every section and term has its own `atom.xml`.
    pub feeds: bool,
    /// `[extra]` of site.toml, free-form.
    pub extra: &'a serde_json::Map<String, serde_json::Value>,
    /// The highlighting stylesheet's path (`highlight.css`) when
    /// `[markdown] highlight` is on, else null: link it from `<head>`.
    pub highlight_css: Option<&'static str>,
    /// The social card's file name (`card.png`) when every page and
    /// section has one beside its `index.html` (a base URL and a
    /// `card.svg` template), else null.
    pub card: Option<&'static str>,
}

#[derive(Serialize)]
pub struct TaxonomyLink<'a> {
    pub name: &'a str,
    pub title: &'a str,
    pub path: &'a str,
}

#[derive(Serialize)]
pub struct Crumb<'a> {
    pub title: &'a str,
    pub path: &'a str,
}

#[derive(Serialize)]
pub struct TermLink<'a> {
    pub name: &'a str,
    /// `name` with its first letter capitalised, for headings and links.
    pub title: &'a str,
    pub slug: &'a str,
    pub path: &'a str,
}

/// A page as a full page template sees it.
#[derive(Serialize)]
pub struct PageView<'a> {
    pub title: &'a str,
    pub description: &'a str,
    pub date: Option<String>,
    pub date_display: Option<String>,
    pub updated: Option<String>,
    pub updated_display: Option<String>,
    pub slug: &'a str,
    pub path: &'a str,
    pub permalink: String,
    pub content: String,
    pub summary: &'a str,
    pub toc: &'a [TocEntry],
    pub word_count: usize,
    pub reading_time: usize,
    pub weight: Option<i64>,
    pub taxonomies: BTreeMap<&'a str, Vec<TermLink<'a>>>,
    pub extra: &'a serde_json::Map<String, serde_json::Value>,
    pub json_ld: serde_json::Value,
    pub ancestors: Vec<Crumb<'a>>,
    pub previous: Option<Crumb<'a>>,
    pub next: Option<Crumb<'a>>,
}

/// A page as it appears in lists.
#[derive(Serialize)]
pub struct PageSummary<'a> {
    pub title: &'a str,
    pub description: &'a str,
    pub date: Option<String>,
    pub date_display: Option<String>,
    pub path: &'a str,
    pub summary: &'a str,
    pub weight: Option<i64>,
    pub taxonomies: BTreeMap<&'a str, Vec<TermLink<'a>>>,
    pub extra: &'a serde_json::Map<String, serde_json::Value>,
}

/// A page in `get_pages()`: enough to link to it.
#[derive(Serialize)]
pub struct PageLink<'a> {
    pub title: &'a str,
    pub description: &'a str,
    pub path: &'a str,
    /// Title of the section the page is listed in.
    pub section: &'a str,
}

#[derive(Serialize)]
pub struct SectionLink<'a> {
    pub title: &'a str,
    pub description: &'a str,
    pub path: &'a str,
}

/// A section as a section template (and `get_section`) sees it.
#[derive(Serialize)]
pub struct SectionView<'a> {
    pub title: &'a str,
    pub description: &'a str,
    pub path: &'a str,
    pub permalink: String,
    pub content: String,
    pub toc: &'a [TocEntry],
    pub extra: &'a serde_json::Map<String, serde_json::Value>,
    pub ancestors: Vec<Crumb<'a>>,
    pub pages: Vec<PageSummary<'a>>,
    pub subsections: Vec<SectionLink<'a>>,
}

/// One list page of a paginated section or term. Paths are site paths
/// (`posts/page/2/`), written in templates as `{{ root }}{{ path }}`.
#[derive(Serialize)]
pub struct PaginatorView<'a> {
    /// 1-based.
    pub current_index: usize,
    pub number_pagers: usize,
    /// The pages of this list page only.
    pub pages: Vec<PageSummary<'a>>,
    pub previous: Option<String>,
    pub next: Option<String>,
    pub first: String,
    pub last: String,
}

#[derive(Serialize)]
pub struct TaxonomyView<'a> {
    pub name: &'a str,
    pub title: &'a str,
    pub path: &'a str,
    pub terms: Vec<TermSummary<'a>>,
}

#[derive(Serialize)]
pub struct TermSummary<'a> {
    pub name: &'a str,
    /// `name` with its first letter capitalised, for headings and links.
    pub title: &'a str,
    pub slug: &'a str,
    pub path: &'a str,
    pub count: usize,
}

#[derive(Serialize)]
pub struct TermView<'a> {
    pub name: &'a str,
    /// `name` with its first letter capitalised, for headings and links.
    pub title: &'a str,
    pub slug: &'a str,
    pub path: &'a str,
    pub count: usize,
    pub pages: Vec<PageSummary<'a>>,
}

pub fn site_view(site: &Site) -> SiteView<'_> {
    SiteView {
        title: &site.config.title,
        description: &site.config.description,
        language: &site.config.language,
        base_url: site.config.base_url.as_deref().unwrap_or(""),
        menu: &site.config.menu,
        taxonomies: site
            .taxonomies
            .iter()
            .map(|t| TaxonomyLink {
                name: &t.name,
                title: &t.title,
                path: &t.path,
            })
            .collect(),
        feeds: site.config.feeds,
        extra: &site.config.extra,
        highlight_css: site
            .config
            .highlight
            .as_ref()
            .map(|_| crate::highlight::STYLESHEET),
        card: None,
    }
}

fn iso(date: Option<jiff::civil::Date>) -> Option<String> {
    date.map(|d| d.to_string())
}

fn long(date: Option<jiff::civil::Date>) -> Option<String> {
    date.map(|d| d.strftime("%-d %B %Y").to_string())
}

fn page_terms<'a>(site: &'a Site, page: &'a Page) -> BTreeMap<&'a str, Vec<TermLink<'a>>> {
    page.terms
        .iter()
        .map(|(taxonomy, terms)| {
            let taxonomy = &site.taxonomies[*taxonomy];
            let links = terms
                .iter()
                .map(|&term| {
                    let term = &taxonomy.terms[term];
                    TermLink {
                        name: &term.name,
                        title: &term.title,
                        slug: &term.slug,
                        path: &term.path,
                    }
                })
                .collect();
            (taxonomy.name.as_str(), links)
        })
        .collect()
}

fn section_ancestors(site: &Site, mut index: Option<usize>) -> Vec<Crumb<'_>> {
    let mut crumbs = Vec::new();
    while let Some(i) = index {
        let section = &site.sections[i];
        crumbs.push(Crumb {
            title: &section.title,
            path: &section.path,
        });
        index = section.parent;
    }
    crumbs.reverse();
    crumbs
}

pub fn page_summary<'a>(site: &'a Site, page: &'a Page) -> PageSummary<'a> {
    PageSummary {
        title: &page.title,
        description: page.front.description.as_deref().unwrap_or(""),
        date: iso(page.date),
        date_display: long(page.date),
        path: &page.path,
        summary: summary_html(page),
        weight: page.front.weight,
        taxonomies: page_terms(site, page),
        extra: &page.front.extra,
    }
}

/// The summary is the text before `<!-- more -->`; without it, nothing
/// (templates fall back to the description).
fn summary_html(page: &Page) -> &str {
    page.rendered.summary.as_deref().unwrap_or("")
}

/// The view of `page`, whose HTML is `content` (see
/// [`crate::markdown::Rendered::html_text`]).
pub fn page_view<'a>(site: &'a Site, page: &'a Page, content: String) -> PageView<'a> {
    let crumb = |index: Option<usize>| {
        index.map(|i| Crumb {
            title: &site.pages[i].title,
            path: &site.pages[i].path,
        })
    };
    PageView {
        title: &page.title,
        description: page.front.description.as_deref().unwrap_or(""),
        date: iso(page.date),
        date_display: long(page.date),
        updated: iso(page.updated),
        updated_display: long(page.updated),
        slug: &page.slug,
        path: &page.path,
        permalink: site.permalink(&page.path).unwrap_or_default(),
        content,
        summary: summary_html(page),
        toc: &page.rendered.toc,
        word_count: page.rendered.word_count,
        reading_time: page.rendered.word_count.div_ceil(200).max(1),
        weight: page.front.weight,
        taxonomies: page_terms(site, page),
        extra: &page.front.extra,
        json_ld: crate::json_ld::for_page(site, page),
        ancestors: section_ancestors(site, Some(page.section)),
        previous: crumb(page.previous),
        next: crumb(page.next),
    }
}

/// A section whose `pages` are only `pages` (one list page of a paginated
/// section), so a theme that ignores pagination still lists the right ones.
pub fn section_view_listing<'a>(
    site: &'a Site,
    section: &'a Section,
    pages: &'a [usize],
) -> SectionView<'a> {
    SectionView {
        title: &section.title,
        description: section.front.description.as_deref().unwrap_or(""),
        path: &section.path,
        permalink: site.permalink(&section.path).unwrap_or_default(),
        content: section.rendered.html.text(),
        toc: &section.rendered.toc,
        extra: &section.front.extra,
        ancestors: section_ancestors(site, section.parent),
        pages: summaries(site, pages),
        subsections: section
            .subsections
            .iter()
            .map(|&i| {
                let sub = &site.sections[i];
                SectionLink {
                    title: &sub.title,
                    description: sub.front.description.as_deref().unwrap_or(""),
                    path: &sub.path,
                }
            })
            .collect(),
    }
}

/// Every page in title order, as `get_pages()` gives it to templates.
pub fn page_index(site: &Site) -> Vec<PageLink<'_>> {
    let mut pages: Vec<PageLink<'_>> = site
        .pages
        .iter()
        .map(|page| PageLink {
            title: &page.title,
            description: page.front.description.as_deref().unwrap_or(""),
            path: &page.path,
            section: &site.sections[page.section].title,
        })
        .collect();
    pages.sort_by(|a, b| a.title.cmp(b.title).then(a.path.cmp(b.path)));
    pages
}

pub fn taxonomy_view(taxonomy: &TaxonomyTerms) -> TaxonomyView<'_> {
    TaxonomyView {
        name: &taxonomy.name,
        title: &taxonomy.title,
        path: &taxonomy.path,
        terms: taxonomy
            .terms
            .iter()
            .map(|t| TermSummary {
                name: &t.name,
                title: &t.title,
                slug: &t.slug,
                path: &t.path,
                count: t.pages.len(),
            })
            .collect(),
    }
}

/// A term whose `pages` are only `pages` (one list page); `count` stays
/// the number of all its pages.
pub fn term_view_listing<'a>(site: &'a Site, term: &'a Term, pages: &'a [usize]) -> TermView<'a> {
    TermView {
        name: &term.name,
        title: &term.title,
        slug: &term.slug,
        path: &term.path,
        count: term.pages.len(),
        pages: summaries(site, pages),
    }
}

fn summaries<'a>(site: &'a Site, pages: &[usize]) -> Vec<PageSummary<'a>> {
    pages
        .iter()
        .map(|&i| page_summary(site, &site.pages[i]))
        .collect()
}

/// List page `current` (1-based) of `number_pagers` for the list at site
/// path `base`, showing `pages`.
pub fn paginator_view<'a>(
    site: &'a Site,
    base: &str,
    current: usize,
    number_pagers: usize,
    pages: &[usize],
) -> PaginatorView<'a> {
    PaginatorView {
        current_index: current,
        number_pagers,
        pages: summaries(site, pages),
        previous: (current > 1).then(|| pager_path(base, current - 1)),
        next: (current < number_pagers).then(|| pager_path(base, current + 1)),
        first: base.to_string(),
        last: pager_path(base, number_pagers),
    }
}

/// Page summaries serialized on first use and shared by every list that
/// shows the page.
pub struct Summaries<'a> {
    site: &'a Site,
    values: Vec<OnceLock<Value>>,
    /// Each page's HTML as feeds carry it, made once however many feeds
    /// (home, section, terms) list the page.
    feed_contents: Vec<OnceLock<String>>,
}

impl<'a> Summaries<'a> {
    pub fn new(site: &'a Site) -> Summaries<'a> {
        Summaries {
            site,
            values: (0..site.pages.len()).map(|_| OnceLock::new()).collect(),
            feed_contents: (0..site.pages.len()).map(|_| OnceLock::new()).collect(),
        }
    }

    /// Page `index`'s HTML for a feed entry (see [`crate::feed`]).
    pub fn feed_content(&self, index: usize) -> Result<String, crate::diagnostics::Diagnostic> {
        if let Some(content) = self.feed_contents[index].get() {
            return Ok(content.clone());
        }
        let content = crate::feed::entry_content(self.site, &self.site.pages[index])?;
        Ok(self.feed_contents[index].get_or_init(|| content).clone())
    }

    /// The summary of page `index`.
    pub fn get(&self, index: usize) -> Value {
        self.values[index]
            .get_or_init(|| {
                Value::from_serializable(&page_summary(self.site, &self.site.pages[index]))
            })
            .clone()
    }

    /// A list of the summaries of `pages`, in that order.
    pub fn list(&self, pages: &[usize]) -> Value {
        Value::from(pages.iter().map(|&i| self.get(i)).collect::<Vec<Value>>())
    }

    /// What was made, free of the site, so that it can be freed on
    /// another thread (a thousand summaries take milliseconds).
    pub fn into_made(self) -> impl Send + 'static {
        (self.values, self.feed_contents)
    }
}

/// `value` (a serialized view) with its field `key` replaced by `list`.
fn with_list(value: Value, key: &'static str, list: Value) -> Value {
    let mut map = value.into_map().expect("views serialize to maps");
    map.insert(Key::from(key), list);
    Value::from(map)
}

/// [`section_view_listing`] as a Tera value, its pages from `summaries`.
pub fn section_value(
    summaries: &Summaries<'_>,
    site: &Site,
    section: &Section,
    pages: &[usize],
) -> Value {
    let view = section_view_listing(site, section, &[]);
    with_list(
        Value::from_serializable(&view),
        "pages",
        summaries.list(pages),
    )
}

/// [`term_view_listing`] as a Tera value, its pages from `summaries`.
pub fn term_value(summaries: &Summaries<'_>, site: &Site, term: &Term, pages: &[usize]) -> Value {
    let view = term_view_listing(site, term, &[]);
    with_list(
        Value::from_serializable(&view),
        "pages",
        summaries.list(pages),
    )
}

/// [`paginator_view`] as a Tera value, its pages from `summaries`.
pub fn paginator_value(
    summaries: &Summaries<'_>,
    site: &Site,
    base: &str,
    current: usize,
    number_pagers: usize,
    pages: &[usize],
) -> Value {
    let view = paginator_view(site, base, current, number_pagers, &[]);
    with_list(
        Value::from_serializable(&view),
        "pages",
        summaries.list(pages),
    )
}
