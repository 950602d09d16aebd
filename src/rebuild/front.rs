//! The quick path for a front-matter edit of one page (a title, a date, a
//! weight, a tag): [`ContentCache::update_front`](crate::content::ContentCache::update_front)
//! patches the kept site in place, and [`front_jobs`] names the outputs
//! that can show the difference, from what the edit recorded of the site
//! before it. It answers the questions [`super::affected_jobs`] answers
//! for a whole site, for one page whose URL, section and terms' names
//! stay:
//!
//! - the page itself (its aliases and card too);
//! - the pages whose neighbours changed, or whose neighbour's title did;
//! - the list pages of its section and of every term it left, joined or
//!   stayed in, whose slice of pages changed or shows the page (all of a
//!   term's when its count changed), and those lists' feeds;
//! - the taxonomy list when a count changed, the home feed when the
//!   newest pages are others or the page is among them, the sitemap when
//!   a date changed;
//! - the templates that call `get_section` when the section's list
//!   changed, or `get_pages` when the title or description did.

use std::collections::{BTreeSet, HashMap};
use std::sync::Arc;

use tera::Value;
use tera::value::Key;

use crate::content::{FrontEdit, Page, Site};
use crate::context;
use crate::pagination::pager_slice;
use crate::plan::{Job, Target};
use crate::render::SectionValues;

use super::Tainted;

/// The jobs of `jobs` whose output may differ after `edit`, and whether
/// what `get_section` returns of the page's section changed.
pub(super) fn front_jobs(
    site: &Site,
    edit: &FrontEdit,
    jobs: &[Job],
    tainted: &Tainted,
) -> (Vec<Job>, bool) {
    let dirty = FrontDirty::new(site, edit);
    let jobs = (jobs.iter())
        .filter(|job| dirty.job(job, tainted))
        .cloned()
        .collect();
    (jobs, dirty.section)
}

/// What the edit changed, as the outputs read it.
struct FrontDirty<'a> {
    site: &'a Site,
    edit: &'a FrontEdit,
    /// Pages whose own output may differ.
    pages: BTreeSet<usize>,
    /// What lists and feeds show of the page changed.
    listed: bool,
    /// What `get_section` returns of the section changed.
    section: bool,
    feed: bool,
    sitemap: bool,
    /// What `get_pages` returns changed.
    page_index: bool,
}

impl<'a> FrontDirty<'a> {
    fn new(site: &'a Site, edit: &'a FrontEdit) -> FrontDirty<'a> {
        let i = edit.page;
        let (before, after) = (&edit.before, &site.pages[i]);
        let summary = |page| serde_json::to_string(&context::page_summary(site, page)).ok();
        let listed = summary(before) != summary(after) || before.updated != after.updated;
        let all: Vec<usize> = (0..site.pages.len()).collect();
        FrontDirty {
            pages: dirty_pages(site, edit),
            section: listed || edit.section_before != site.sections[after.section].pages,
            feed: in_feed(site, edit, &all, &all),
            // Each page's and section's `lastmod`.
            sitemap: before.updated.or(before.date) != after.updated.or(after.date),
            page_index: (before.title != after.title)
                || before.front.description != after.front.description,
            listed,
            site,
            edit,
        }
    }

    /// Whether `job`'s output may differ.
    fn job(&self, job: &Job, tainted: &Tainted) -> bool {
        let site = self.site;
        let section = site.pages[self.edit.page].section;
        let dirty = match job.target {
            Target::Page(p) | Target::PageCard(p) => self.pages.contains(&p),
            Target::Alias(p, _) => p == self.edit.page,
            Target::Section(s) | Target::SectionCard(s) => s == section && self.section_list(1),
            Target::SectionPager(s, pager) => s == section && self.section_list(pager),
            Target::SectionFeed(s) => {
                s == section
                    && in_feed(site, self.edit, &self.edit.section_before, {
                        &site.sections[s].pages
                    })
            }
            Target::Term(t, k) => self.term_list(t, k, 1),
            Target::TermPager(t, k, pager) => self.term_list(t, k, pager),
            Target::TermFeed(t, k) => self
                .term(t, k)
                .is_some_and(|before| in_feed(site, self.edit, before, self.after(t, k))),
            Target::TaxonomyList(t) => (self.edit.terms.iter())
                .any(|(tt, k, before)| *tt == t && before.len() != self.after(t, *k).len()),
            Target::Feed => self.feed,
            Target::Sitemap => self.sitemap,
            Target::NotFound | Target::Robots => false,
        };
        dirty
            || (self.section && tainted.by_sections.contains(&job.template))
            || (self.page_index && tainted.by_pages.contains(&job.template))
    }

    /// List page `pager` of the edited page's section.
    fn section_list(&self, pager: usize) -> bool {
        let site = self.site;
        let section = &site.sections[site.pages[self.edit.page].section];
        let size = site.config.section_paginate_by(&section.folder);
        self.slice_dirty(&self.edit.section_before, &section.pages, size, pager)
    }

    /// List page `pager` of term `k` of taxonomy `t`, if the edit touched it.
    fn term_list(&self, t: usize, k: usize, pager: usize) -> bool {
        self.term(t, k).is_some_and(|before| {
            let after = self.after(t, k);
            let size = self.site.taxonomies[t].paginate_by;
            before.len() != after.len() || self.slice_dirty(before, after, size, pager)
        })
    }

    /// The pages of a touched term before the edit.
    fn term(&self, t: usize, k: usize) -> Option<&[usize]> {
        (self.edit.terms.iter())
            .find(|(tt, kk, _)| (*tt, *kk) == (t, k))
            .map(|(_, _, before)| before.as_slice())
    }

    fn after(&self, t: usize, k: usize) -> &[usize] {
        &self.site.taxonomies[t].terms[k].pages
    }

    /// Whether list page `pager` shows other pages, or the edited page as
    /// it shows differently (as `render`'s `listing` slices a list).
    fn slice_dirty(
        &self,
        before: &[usize],
        after: &[usize],
        size: Option<usize>,
        pager: usize,
    ) -> bool {
        let now = shown(after, size, pager);
        shown(before, size, pager) != now || (self.listed && now.contains(&self.edit.page))
    }
}

/// The pages that list page `pager` of `pages` shows.
fn shown(pages: &[usize], size: Option<usize>, pager: usize) -> &[usize] {
    match size {
        Some(size) => pager_slice(pages, size, pager),
        None => pages,
    }
}

/// Whether the edited page is among the newest that a feed of the list
/// `before` (before the edit) or `after` shows: else the feed shows the
/// same other pages as before, in the same order.
fn in_feed(site: &Site, edit: &FrontEdit, before: &[usize], after: &[usize]) -> bool {
    let shown = |page: &Page, list: &[usize]| {
        let key = page.updated.or(page.date);
        key.is_some()
            && list.contains(&edit.page)
            && (list.iter())
                .filter(|&&j| j != edit.page)
                .filter(|&&j| {
                    let other = &site.pages[j];
                    let other_key = other.updated.or(other.date);
                    other_key > key || (other_key == key && other.path < page.path)
                })
                .take(site.config.feed_limit)
                .count()
                < site.config.feed_limit
    };
    shown(&edit.before, before) || shown(&site.pages[edit.page], after)
}

/// Puts the new `get_section` value of the edited page's section into
/// `values`: the pages in their new order, each summary as it was but the
/// edited page's, made again (or, if the kept value is not as expected,
/// the whole value made again).
pub(super) fn patch_section_value(site: &Site, edit: &FrontEdit, values: &mut SectionValues) {
    let section = &site.sections[site.pages[edit.page].section];
    let value = (values.get(&section.folder))
        .and_then(|old| reordered(site, edit, old))
        .unwrap_or_else(|| {
            let summaries = context::Summaries::new(site);
            context::section_value(&summaries, site, section, &section.pages)
        });
    Arc::make_mut(values).insert(section.folder.clone(), value);
}

/// `old`, a section's value, with its pages in their new order.
fn reordered(site: &Site, edit: &FrontEdit, old: &Value) -> Option<Value> {
    let mut map = old.clone().into_map()?;
    let pages = {
        let old_pages = map.get(&Key::from("pages"))?.as_array()?;
        if old_pages.len() != edit.section_before.len() {
            return None;
        }
        let by_page: HashMap<usize, &Value> = (edit.section_before.iter().copied())
            .zip(old_pages)
            .collect();
        let page = &site.pages[edit.page];
        let fresh = Value::from_serializable(&context::page_summary(site, page));
        (site.sections[page.section].pages.iter())
            .map(|p| {
                if *p == edit.page {
                    Some(fresh.clone())
                } else {
                    by_page.get(p).map(|v| (*v).clone())
                }
            })
            .collect::<Option<Vec<Value>>>()?
    };
    map.insert(Key::from("pages"), Value::from(pages));
    Some(Value::from(map))
}

/// The page, the pages whose neighbours changed, and, when its title
/// changed, the pages that show it as a neighbour.
fn dirty_pages(site: &Site, edit: &FrontEdit) -> BTreeSet<usize> {
    let mut pages = BTreeSet::from([edit.page]);
    let order = &edit.section_before;
    for (k, &p) in order.iter().enumerate() {
        let previous = k.checked_sub(1).map(|k| order[k]);
        let next = order.get(k + 1).copied();
        if (previous, next) != (site.pages[p].previous, site.pages[p].next) {
            pages.insert(p);
        }
    }
    let after = &site.pages[edit.page];
    if edit.before.title != after.title {
        pages.extend(after.previous.into_iter().chain(after.next));
    }
    pages
}
