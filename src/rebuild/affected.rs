//! Which outputs a content change can alter: [`affected_jobs`] compares
//! the site on disk with the new one and keeps the jobs whose inputs
//! differ. Each output reads a known part of the site (its page, its
//! list's pages, its neighbours, breadcrumbs, terms, the newest pages);
//! the steps below each answer one such question:
//!
//! 1. [`same_structure`]: the same sections and taxonomies, else every job;
//! 2. [`page_changes`]: which pages changed, and which changed as lists
//!    show them;
//! 3. [`section_changes`]: which sections changed in breadcrumbs and links,
//!    and which section pages must be rendered again;
//! 4. [`term_changes`]: which terms and taxonomy lists, and which terms
//!    were renamed (a term's name is its first spelling);
//! 5. [`pages_dirty`]: which page outputs (its text, breadcrumbs,
//!    neighbours, terms);
//! 6. [`feed_dirty`] and [`sitemap_dirty`]: the site's own files;
//! 7. [`Dirty::job`]: one job, and the templates that read more than
//!    their own context ([`Tainted`]: `get_section`, `get_pages`, data
//!    files, `asset`).

use std::collections::{BTreeSet, HashMap};

use crate::content::{Page, Section, Site, TaxonomyTerms, Term};
use crate::context;
use crate::plan::{Job, Target};

/// Templates that read more than their own job's context, by name (as jobs
/// name them): see [`crate::templates::Templates::calling`].
#[derive(Debug, Clone, Default)]
pub struct Tainted {
    /// Templates that call `get_section` (any section, with its pages).
    pub by_sections: BTreeSet<String>,
    /// Templates that call `get_pages` (every page's title, description,
    /// path and section title).
    pub by_pages: BTreeSet<String>,
    /// Templates that call `get_data` or `get_fact` (any data file).
    pub by_data: BTreeSet<String>,
    /// Templates that call `asset` (the fingerprints of static files).
    pub by_assets: BTreeSet<String>,
    /// Templates that call `image` (any image of the site).
    pub by_images: BTreeSet<String>,
}

/// The jobs of `plan` (for `new`) whose output may differ from the one
/// rendered for `old`. Each output reads a known part of the site; a job is
/// kept when that part changed. When the sections themselves changed, every
/// job is kept. `tainted` names the templates that call `get_section`,
/// which can read any section: they are re-rendered when a section's list
/// may have changed.
pub fn affected_jobs(old: &Site, new: &Site, tainted: &Tainted, plan: &[Job]) -> Vec<Job> {
    if !same_structure(old, new) {
        return plan.to_vec();
    }
    let pages = page_changes(old, new);
    let sections = section_changes(old, new, &pages);
    let terms = term_changes(old, new, &pages);
    let dirty = Dirty {
        new,
        pages: pages_dirty(old, new, &pages, &sections, &terms),
        feed: feed_dirty(old, new, &pages),
        sitemap: sitemap_dirty(old, new, &pages, &sections, &terms),
        any_section: sections.dirty.iter().any(|&d| d),
        // `get_pages` shows titles, descriptions, paths and section titles.
        page_index: pages.added_or_removed
            || pages.listing_changed.iter().any(|&c| c)
            || sections.link_changed.iter().any(|&c| c),
        data: !std::sync::Arc::ptr_eq(&old.data, &new.data) && old.data != new.data,
        // `asset` returns the fingerprinted name and integrity of a file.
        fingerprints: old.fingerprints != new.fingerprints,
        // `image` returns any image's HTML: its widths, names and size.
        images: old.images != new.images,
        page_changes: pages,
        sections,
        terms,
    };
    plan.iter()
        .filter(|job| dirty.job(job, tainted))
        .cloned()
        .collect()
}

/// Step 1: the same sections (folders and parents) and as many taxonomies:
/// section and taxonomy indexes mean the same in both sites.
fn same_structure(old: &Site, new: &Site) -> bool {
    old.sections.len() == new.sections.len()
        && old
            .sections
            .iter()
            .zip(&new.sections)
            .all(|(a, b)| a.folder == b.folder && a.parent == b.parent)
        && old.taxonomies.len() == new.taxonomies.len()
}

/// What changed among the pages, by index in the new site.
#[derive(Debug)]
struct PageChanges {
    /// The index of the same page (same source) in the old site.
    old_of: Vec<Option<usize>>,
    /// The page is new or its own data changed ([`page_same`]).
    changed: Vec<bool>,
    /// What lists, neighbours and feeds show of the page changed.
    listing_changed: Vec<bool>,
    /// A page came or went.
    added_or_removed: bool,
}

/// Step 2: each page of `new` against the page of `old` with its source.
fn page_changes(old: &Site, new: &Site) -> PageChanges {
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
    let removed = old
        .pages
        .iter()
        .any(|p| !new_sources.contains(p.source.as_str()));
    let changed: Vec<bool> = new
        .pages
        .iter()
        .zip(&old_of)
        .map(|(page, old_page)| !old_page.is_some_and(|o| page_same(&old.pages[o], page)))
        .collect();
    let summary = |site: &Site, page: &Page| {
        serde_json::to_string(&context::page_summary(site, page)).unwrap_or_default()
    };
    let listing_changed: Vec<bool> = (0..new.pages.len())
        .map(|i| {
            changed[i]
                && old_of[i].is_none_or(|o| {
                    summary(old, &old.pages[o]) != summary(new, &new.pages[i])
                        || old.pages[o].updated != new.pages[i].updated
                })
        })
        .collect();
    PageChanges {
        added_or_removed: old_of.iter().any(Option::is_none) || removed,
        old_of,
        changed,
        listing_changed,
    }
}

/// What changed among the sections, by index (the same in both sites).
#[derive(Debug)]
struct SectionChanges {
    /// What other outputs show of the section ([`section_link`]) changed.
    link_changed: Vec<bool>,
    /// The section's own outputs (its page, list pages, feed) may differ.
    dirty: Vec<bool>,
}

impl SectionChanges {
    /// The section at `index` or one above it shows differently in
    /// breadcrumbs.
    fn ancestry_changed(&self, new: &Site, mut index: Option<usize>) -> bool {
        while let Some(i) = index {
            if self.link_changed[i] {
                return true;
            }
            index = new.sections[i].parent;
        }
        false
    }
}

/// Step 3: a section is dirty when its own data, its breadcrumbs, its
/// pages (which, in which order, as listed) or its subsections changed.
fn section_changes(old: &Site, new: &Site, pages: &PageChanges) -> SectionChanges {
    let section_changed: Vec<bool> = old
        .sections
        .iter()
        .zip(&new.sections)
        .map(|(a, b)| !section_same(a, b))
        .collect();
    let mut changes = SectionChanges {
        link_changed: old
            .sections
            .iter()
            .zip(&new.sections)
            .map(|(a, b)| section_link(a) != section_link(b))
            .collect(),
        dirty: Vec::new(),
    };
    changes.dirty = (0..new.sections.len())
        .map(|s| {
            let (a, b) = (&old.sections[s], &new.sections[s]);
            section_changed[s]
                || changes.ancestry_changed(new, b.parent)
                || !same_pages(old, new, &a.pages, &b.pages)
                || b.pages.iter().any(|&i| pages.listing_changed[i])
                || a.subsections
                    .iter()
                    .map(|&i| &old.sections[i].folder)
                    .ne(b.subsections.iter().map(|&i| &new.sections[i].folder))
                || b.subsections.iter().any(|&i| changes.link_changed[i])
        })
        .collect();
    changes
}

/// The same pages (by source) in the same order.
fn same_pages(old: &Site, new: &Site, before: &[usize], after: &[usize]) -> bool {
    before
        .iter()
        .map(|&i| &old.pages[i].source)
        .eq(after.iter().map(|&i| &new.pages[i].source))
}

/// What changed among the taxonomies' terms.
#[derive(Debug, Default)]
struct TermChanges<'a> {
    /// (taxonomy index, slug) of terms whose shown name changed.
    renamed: BTreeSet<(usize, &'a str)>,
    /// (taxonomy index, term index in `new`) of terms whose outputs may differ.
    dirty: BTreeSet<(usize, usize)>,
    /// Taxonomies whose list (terms, names, counts) changed.
    lists_dirty: BTreeSet<usize>,
}

/// Step 4: terms, compared by slug. A term's shown name is its first
/// spelling, so one page can rename a term on every page that carries it.
fn term_changes<'a>(old: &Site, new: &'a Site, pages: &PageChanges) -> TermChanges<'a> {
    let mut changes = TermChanges::default();
    for (t, (old_taxonomy, new_taxonomy)) in old.taxonomies.iter().zip(&new.taxonomies).enumerate()
    {
        let old_terms: HashMap<&str, &Term> = old_taxonomy
            .terms
            .iter()
            .map(|term| (term.slug.as_str(), term))
            .collect();
        let counts = |taxonomy: &TaxonomyTerms| -> Vec<(String, String, usize)> {
            taxonomy
                .terms
                .iter()
                .map(|term| (term.slug.clone(), term.name.clone(), term.pages.len()))
                .collect()
        };
        if counts(old_taxonomy) != counts(new_taxonomy) {
            changes.lists_dirty.insert(t);
        }
        for (k, term) in new_taxonomy.terms.iter().enumerate() {
            let dirty = match old_terms.get(term.slug.as_str()) {
                None => true,
                Some(old_term) => {
                    if old_term.name != term.name {
                        changes.renamed.insert((t, term.slug.as_str()));
                    }
                    old_term.name != term.name
                        || !same_pages(old, new, &old_term.pages, &term.pages)
                        || term.pages.iter().any(|&i| pages.listing_changed[i])
                }
            };
            if dirty {
                changes.dirty.insert((t, k));
            }
        }
    }
    changes
}

/// Step 5: a page's output may differ when the page changed, a section
/// in its breadcrumbs did, a neighbour changed (which, or as listed), or
/// it carries a renamed term.
fn pages_dirty(
    old: &Site,
    new: &Site,
    pages: &PageChanges,
    sections: &SectionChanges,
    terms: &TermChanges<'_>,
) -> Vec<bool> {
    let carries_renamed_term = |page: &Page| {
        !terms.renamed.is_empty()
            && page.front.taxonomies.iter().any(|(name, values)| {
                new.taxonomies
                    .iter()
                    .position(|t| &t.name == name)
                    .is_some_and(|t| {
                        values
                            .iter()
                            .any(|v| terms.renamed.contains(&(t, slug::slugify(v).as_str())))
                    })
            })
    };
    let neighbour = |site: &Site, index: Option<usize>| index.map(|i| site.pages[i].source.clone());
    new.pages
        .iter()
        .enumerate()
        .map(|(i, page)| {
            pages.changed[i]
                || sections.ancestry_changed(new, Some(page.section))
                || pages.old_of[i].is_none_or(|o| {
                    let before = &old.pages[o];
                    neighbour(old, before.previous) != neighbour(new, page.previous)
                        || neighbour(old, before.next) != neighbour(new, page.next)
                })
                || page.previous.is_some_and(|j| pages.listing_changed[j])
                || page.next.is_some_and(|j| pages.listing_changed[j])
                || carries_renamed_term(page)
        })
        .collect()
}

/// Step 6: the home feed shows the newest pages, each whole: it differs
/// when pages came or went, the newest are others, or one of them changed.
fn feed_dirty(old: &Site, new: &Site, pages: &PageChanges) -> bool {
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
        .zip(&pages.changed)
        .filter(|(_, c)| **c)
        .map(|(p, _)| p.source.as_str())
        .collect();
    pages.added_or_removed || {
        let (before, after) = (newest(old), newest(new));
        before != after || after.iter().any(|s| changed_sources.contains(s.as_str()))
    }
}

/// Step 6: the sitemap lists every page, section and term with its path
/// and dates.
fn sitemap_dirty(
    old: &Site,
    new: &Site,
    pages: &PageChanges,
    sections: &SectionChanges,
    terms: &TermChanges<'_>,
) -> bool {
    pages.added_or_removed
        || sections.link_changed.iter().any(|&c| c)
        || !terms.lists_dirty.is_empty()
        || new.pages.iter().zip(&pages.old_of).any(|(page, o)| {
            o.is_none_or(|o| {
                let before = &old.pages[o];
                before.path != page.path
                    || before.date != page.date
                    || before.updated != page.updated
            })
        })
}

/// Every step's answer, for deciding one job.
struct Dirty<'a> {
    new: &'a Site,
    page_changes: PageChanges,
    sections: SectionChanges,
    terms: TermChanges<'a>,
    /// By page index: the page's own output.
    pages: Vec<bool>,
    feed: bool,
    sitemap: bool,
    /// Some section's outputs may differ: what `get_section` returns may.
    any_section: bool,
    /// What `get_pages` returns may differ.
    page_index: bool,
    /// Some data file's value differs.
    data: bool,
    /// Some static file's fingerprint differs: what `asset` returns may.
    fingerprints: bool,
    /// Some image differs: what `image` returns may.
    images: bool,
}

impl Dirty<'_> {
    /// Step 7: whether `job`'s output may differ.
    fn job(&self, job: &Job, tainted: &Tainted) -> bool {
        let changed = &self.page_changes.changed;
        let dirty = match job.target {
            // A card sees its page's context; an unchanged SVG is not
            // drawn again (`cards::rasterise`).
            Target::Page(i) | Target::PageCard(i) => self.pages[i],
            Target::Alias(i, _) => changed[i],
            Target::Section(s) | Target::SectionPager(s, _) | Target::SectionCard(s) => {
                self.sections.dirty[s]
            }
            // Feeds carry each page's whole text.
            Target::SectionFeed(s) => {
                self.sections.dirty[s] || self.new.sections[s].pages.iter().any(|&i| changed[i])
            }
            Target::TaxonomyList(t) => self.terms.lists_dirty.contains(&t),
            Target::Term(t, k) | Target::TermPager(t, k, _) => self.terms.dirty.contains(&(t, k)),
            Target::TermFeed(t, k) => {
                self.terms.dirty.contains(&(t, k))
                    || self.new.taxonomies[t].terms[k]
                        .pages
                        .iter()
                        .any(|&i| changed[i])
            }
            Target::Feed => self.feed,
            Target::Sitemap => self.sitemap,
            // They read only site.toml and templates, which rebuild everything.
            Target::NotFound | Target::Robots => false,
        };
        dirty
            || (self.any_section && tainted.by_sections.contains(&job.template))
            || (self.page_index && tainted.by_pages.contains(&job.template))
            || (self.data && tainted.by_data.contains(&job.template))
            || (self.fingerprints && tainted.by_assets.contains(&job.template))
            || (self.images && tainted.by_images.contains(&job.template))
    }
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

#[cfg(test)]
mod tests;
