//! [`ContentCache::update_front`]: the quick path for a front-matter edit
//! of one page that keeps its URL and its section (its title, dates,
//! weight, description, `extra` or terms). The page is patched into the
//! [`Site`] in place: its section's pages sorted again with neighbours
//! relinked, and the terms it left, joined or stayed in updated, as
//! `assemble` would have made them. Anything more (a page or term that
//! comes or goes, a term whose shown name changes, a schema violation or
//! a placeholder, Markdown with problems, components or images) returns
//! `None`, changing nothing: then the full path.

use std::sync::Arc;

use super::assemble::{SectionFolders, page, page_order};
use super::cache::ContentCache;
use super::links::{CachedMarkdown, render_markdown};
use super::parse::{ParsedFile, parse_text, read_file};
use super::paths::page_folder;
use super::walk::{Entry, WalkKey};
use super::{FrontMatter, Page, Site};
use crate::schema::Schemas;

/// What [`ContentCache::update_front`] changed, with what was there
/// before, so that the outputs it affects can be told.
#[derive(Debug, Clone)]
pub struct FrontEdit {
    /// The edited page's index.
    pub page: usize,
    /// The page as it was (its neighbours too).
    pub before: Page,
    /// Its section's pages in order, before the edit.
    pub section_before: Vec<usize>,
    /// Every term that the page left, joined or stayed in, as (taxonomy
    /// index, term index, the term's pages before the edit).
    pub terms: Vec<(usize, usize, Vec<usize>)>,
}

/// The edited page, checked, not yet in the site.
struct Staged {
    index: usize,
    file: Arc<ParsedFile>,
    page: Page,
    markdown: CachedMarkdown,
}

impl ContentCache {
    /// Patches the edit of the page file `changed` (relative to
    /// `content/`) into `site` when only fields of its front matter that
    /// lists and neighbours show changed (see the module doc); `None`,
    /// changing nothing, otherwise.
    pub fn update_front(&mut self, site: &mut Site, changed: &str) -> Option<FrontEdit> {
        let staged = self.stage_front(site, changed)?;
        let index = staged.index;
        let touched = touched_terms(&site.pages[index].terms, &staged.page.terms);
        if !terms_keep(site, &staged.page, index, &touched) {
            return None;
        }
        let section = site.pages[index].section;
        let edit = FrontEdit {
            page: index,
            before: site.pages[index].clone(),
            section_before: site.sections[section].pages.clone(),
            terms: touched
                .iter()
                .map(|&(t, k)| (t, k, site.taxonomies[t].terms[k].pages.clone()))
                .collect(),
        };
        site.pages[index] = staged.page;
        relink_section(site, section);
        for &(t, k) in &touched {
            let carries = carries(&site.pages[index], t, k);
            let (pages, taxonomies) = (&site.pages, &mut site.taxonomies);
            let term = &mut taxonomies[t].terms[k].pages;
            term.retain(|&p| p != index);
            if carries {
                term.push(index);
            }
            term.sort_by(|&a, &b| page_order(&pages[a], &pages[b]));
        }
        self.markdown.insert(changed.to_string(), staged.markdown);
        let key = WalkKey(changed.to_string());
        self.entries.insert(key, Entry::Markdown(Ok(staged.file)));
        Some(edit)
    }

    /// The page `relative` makes now, when the edit is one this path takes.
    fn stage_front(&self, site: &Site, relative: &str) -> Option<Staged> {
        let Some(Entry::Markdown(Ok(old))) = self.entries.get(&WalkKey(relative.to_string()))
        else {
            return None;
        };
        let index = (site.pages.iter()).position(|p| p.source == relative && p.record.is_none())?;
        let path = self.root.join("content").join(relative);
        if !path.symlink_metadata().ok()?.is_file() {
            return None;
        }
        let text = read_file(&self.root, &path).ok()?;
        let file = Arc::new(parse_text(relative, old.display.clone(), text).ok()?);
        let cached = self.markdown.get(relative)?;
        if file.text == old.text
            || !only_shown_fields_differ(&old.front, &file.front)
            || !old.placeholders.is_empty()
            || !file.placeholders.is_empty()
            || has_extras(cached)
        {
            return None;
        }
        let schemas = Schemas::load(&self.root, &site.config).ok()?;
        if let Some(schema) = schemas.for_folder(&page_folder(relative))
            && !schema.validate(&file.value).is_empty()
        {
            return None;
        }
        let before = &site.pages[index];
        let mut page = page(&file, &SectionFolders::new(&site.sections)).ok()?;
        if (&page.path, &page.slug, page.section) != (&before.path, &before.slug, before.section) {
            return None;
        }
        let lookup = |key: &str| lookup(site, key);
        let markdown = render_markdown(&file, &page.path, &lookup, site.config.markdown, None);
        if has_extras(&markdown) {
            return None;
        }
        page.assets = before.assets.clone();
        page.rendered = Arc::clone(&markdown.rendered);
        page.terms = page_terms(site, &page.front)?;
        Some(Staged {
            index,
            file,
            page,
            markdown,
        })
    }
}

/// Where a link to the content file `key` goes.
fn lookup(site: &Site, key: &str) -> Option<String> {
    (site.pages.iter().find(|p| p.source == key).map(|p| &p.path))
        .or_else(|| {
            site.sections
                .iter()
                .find(|s| s.source == key)
                .map(|s| &s.path)
        })
        .cloned()
}

/// A rendering that needs more than this path does: problems to report,
/// components or images to make.
fn has_extras(markdown: &CachedMarkdown) -> bool {
    !markdown.problems.is_empty()
        || !markdown.rendered.components.is_empty()
        || !markdown.rendered.images.is_empty()
}

/// Whether `old` and `new` differ only in what a page's own output, its
/// lists and its neighbours show: not its URL, template, aliases or draft.
fn only_shown_fields_differ(old: &FrontMatter, new: &FrontMatter) -> bool {
    let mut probe = old.clone();
    probe.title.clone_from(&new.title);
    probe.description.clone_from(&new.description);
    probe.date.clone_from(&new.date);
    probe.updated.clone_from(&new.updated);
    probe.weight = new.weight;
    probe.taxonomies.clone_from(&new.taxonomies);
    probe.extra.clone_from(&new.extra);
    probe == *new
}

/// A page's terms as `assemble` resolves them (see
/// [`super::terms::taxonomies`]): `None` when a taxonomy is not declared,
/// a term has no slug, or a term is new.
fn page_terms(site: &Site, front: &FrontMatter) -> Option<Vec<(usize, Vec<usize>)>> {
    let mut terms = Vec::new();
    for (name, values) in &front.taxonomies {
        let t = site.taxonomies.iter().position(|t| &t.name == name)?;
        let known = &site.taxonomies[t].terms;
        let indexes = values
            .iter()
            .map(|value| {
                let slug = slug::slugify(value);
                known
                    .binary_search_by(|term| term.slug.as_str().cmp(&slug))
                    .ok()
            })
            .collect::<Option<Vec<usize>>>()?;
        terms.push((t, indexes));
    }
    terms.sort_by_key(|(taxonomy, _)| *taxonomy);
    Some(terms)
}

/// The terms in either list, once each.
fn touched_terms(
    before: &[(usize, Vec<usize>)],
    after: &[(usize, Vec<usize>)],
) -> Vec<(usize, usize)> {
    let mut touched: Vec<(usize, usize)> = (before.iter().chain(after))
        .flat_map(|(t, terms)| terms.iter().map(move |&k| (*t, k)))
        .collect();
    touched.sort_unstable();
    touched.dedup();
    touched
}

fn carries(page: &Page, t: usize, k: usize) -> bool {
    page.terms
        .iter()
        .any(|(taxonomy, terms)| *taxonomy == t && terms.contains(&k))
}

/// Whether every touched term keeps a page and its shown name once `page`
/// replaces page `index`. A term's name is its first spelling, in page
/// order, so it can change with the page that spells it first.
fn terms_keep(site: &Site, page: &Page, index: usize, touched: &[(usize, usize)]) -> bool {
    touched.iter().all(|&(t, k)| {
        let taxonomy = &site.taxonomies[t];
        let term = &taxonomy.terms[k];
        let others = term.pages.iter().copied().filter(|&p| p != index);
        let first = others.chain(carries(page, t, k).then_some(index)).min();
        let spelling = |front: &FrontMatter| {
            front.taxonomies.get(&taxonomy.name).and_then(|values| {
                (values.iter())
                    .find(|v| slug::slugify(v.as_str()) == term.slug)
                    .cloned()
            })
        };
        match first {
            None => false,
            Some(p) if p == index => spelling(&page.front).as_ref() == Some(&term.name),
            Some(p) => spelling(&site.pages[p].front).as_ref() == Some(&term.name),
        }
    })
}

/// Sorts the pages of section `s` again and relinks their neighbours, as
/// `assemble`'s `order` step does.
fn relink_section(site: &mut Site, s: usize) {
    let pages = &mut site.pages;
    let list = &mut site.sections[s].pages;
    list.sort_by(|&a, &b| page_order(&pages[a], &pages[b]));
    for &p in list.iter() {
        pages[p].previous = None;
        pages[p].next = None;
    }
    for window in list.windows(2) {
        pages[window[0]].next = Some(window[1]);
        pages[window[1]].previous = Some(window[0]);
    }
}
