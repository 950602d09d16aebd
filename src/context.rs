//! The template context: the theme's public API. These borrowed view types
//! decide exactly what a template can see; README.md documents each field.

use std::collections::BTreeMap;

use serde::Serialize;

use crate::config::MenuItem;
use crate::content::{Page, Section, Site, TaxonomyTerms, Term};
use crate::markdown::TocEntry;

#[derive(Serialize)]
pub struct SiteView<'a> {
    pub title: &'a str,
    pub description: &'a str,
    pub language: &'a str,
    pub base_url: &'a str,
    pub menu: &'a [MenuItem],
    pub taxonomies: Vec<TaxonomyLink<'a>>,
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
    pub content: &'a str,
    pub summary: &'a str,
    pub toc: &'a [TocEntry],
    pub word_count: usize,
    pub reading_time: usize,
    pub weight: Option<i64>,
    pub taxonomies: BTreeMap<&'a str, Vec<TermLink<'a>>>,
    pub extra: &'a serde_json::Map<String, serde_json::Value>,
    pub json_ld: String,
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
    pub content: &'a str,
    pub toc: &'a [TocEntry],
    pub extra: &'a serde_json::Map<String, serde_json::Value>,
    pub ancestors: Vec<Crumb<'a>>,
    pub pages: Vec<PageSummary<'a>>,
    pub subsections: Vec<SectionLink<'a>>,
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
    pub slug: &'a str,
    pub path: &'a str,
    pub count: usize,
}

#[derive(Serialize)]
pub struct TermView<'a> {
    pub name: &'a str,
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
    }
}

fn iso(date: Option<jiff::civil::Date>) -> Option<String> {
    date.map(|d| d.to_string())
}

fn long(date: Option<jiff::civil::Date>) -> Option<String> {
    date.map(|d| d.strftime("%-d %B %Y").to_string())
}

fn page_terms<'a>(site: &'a Site, page: &'a Page) -> BTreeMap<&'a str, Vec<TermLink<'a>>> {
    let mut map = BTreeMap::new();
    for taxonomy in &site.taxonomies {
        let Some(values) = page.front.taxonomies.get(&taxonomy.name) else {
            continue;
        };
        let links = values
            .iter()
            .filter_map(|value| {
                let slug = slug::slugify(value);
                taxonomy.terms.iter().find(|t| t.slug == slug)
            })
            .map(|term| TermLink {
                name: &term.name,
                slug: &term.slug,
                path: &term.path,
            })
            .collect();
        map.insert(taxonomy.name.as_str(), links);
    }
    map
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

pub fn page_view<'a>(site: &'a Site, page: &'a Page) -> PageView<'a> {
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
        content: &page.rendered.html,
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

pub fn section_view<'a>(site: &'a Site, section: &'a Section) -> SectionView<'a> {
    SectionView {
        title: &section.title,
        description: section.front.description.as_deref().unwrap_or(""),
        path: &section.path,
        permalink: site.permalink(&section.path).unwrap_or_default(),
        content: &section.rendered.html,
        toc: &section.rendered.toc,
        extra: &section.front.extra,
        ancestors: section_ancestors(site, section.parent),
        pages: section
            .pages
            .iter()
            .map(|&i| page_summary(site, &site.pages[i]))
            .collect(),
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
                slug: &t.slug,
                path: &t.path,
                count: t.pages.len(),
            })
            .collect(),
    }
}

pub fn term_view<'a>(site: &'a Site, term: &'a Term) -> TermView<'a> {
    TermView {
        name: &term.name,
        slug: &term.slug,
        path: &term.path,
        count: term.pages.len(),
        pages: term
            .pages
            .iter()
            .map(|&i| page_summary(site, &site.pages[i]))
            .collect(),
    }
}
