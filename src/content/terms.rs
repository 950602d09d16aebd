//! Taxonomies: the terms the pages' front matter names (`taxonomies:
//! {roles: [Nurse]}`), each with its pages in display order, and each
//! page's terms. A step of [`super::assemble`].

use std::collections::HashMap;
use std::sync::Arc;

use super::assemble::{Problems, page_order};
use super::parse::ParsedFile;
use super::{Page, TaxonomyTerms, Term};
use crate::config::Config;

/// Step 9 of assembly: the site's taxonomies with their terms sorted by
/// slug and each term's pages in display order; sets every page's `terms`.
/// `texts[i]` is the file of `pages[i]`; generated pages follow the
/// Markdown ones without a file (their terms were checked when made).
pub(super) fn taxonomies(
    config: &Config,
    pages: &mut [Page],
    texts: &[Arc<ParsedFile>],
    problems: &mut Problems,
) -> Vec<TaxonomyTerms> {
    let mut taxonomies: Vec<TaxonomyTerms> = config
        .taxonomies
        .iter()
        .map(|t| TaxonomyTerms {
            name: t.name.clone(),
            title: t.title.clone(),
            path: format!("{}/", t.slug),
            paginate_by: t.paginate_by,
            terms: Vec::new(),
        })
        .collect();
    let page_slugs = collect_terms(config, pages, texts, &mut taxonomies, problems);
    for taxonomy in &mut taxonomies {
        taxonomy.terms.sort_by(|a, b| a.slug.cmp(&b.slug));
        for term in &mut taxonomy.terms {
            term.pages
                .sort_by(|&a, &b| page_order(&pages[a], &pages[b]));
        }
    }
    resolve_page_terms(pages, page_slugs, &taxonomies);
    taxonomies
}

/// Adds every page to the terms its front matter names, creating terms as
/// they first appear. Returns, per page, (taxonomy index, term slugs) in
/// front-matter order.
fn collect_terms(
    config: &Config,
    pages: &[Page],
    texts: &[Arc<ParsedFile>],
    taxonomies: &mut [TaxonomyTerms],
    problems: &mut Problems,
) -> Vec<Vec<(usize, Vec<String>)>> {
    let mut slugs: HashMap<&str, String> = HashMap::new();
    let mut page_slugs: Vec<Vec<(usize, Vec<String>)>> = vec![Vec::new(); pages.len()];
    for (index, page) in pages.iter().enumerate() {
        let file = texts.get(index);
        let mut report = |keys: &[&str], message: String| {
            if let Some(file) = file {
                problems
                    .errors
                    .push(file.at_key(keys, "unknown-taxonomy", message));
            }
        };
        for (name, values) in &page.front.taxonomies {
            let Some(position) = config.taxonomies.iter().position(|t| &t.name == name) else {
                let declared: Vec<&str> =
                    config.taxonomies.iter().map(|t| t.name.as_str()).collect();
                report(
                    &["taxonomies", name],
                    format!(
                        "`taxonomies.{name}`: site.toml declares no taxonomy `{name}` (declared: {})",
                        if declared.is_empty() {
                            "none".to_string()
                        } else {
                            declared.join(", ")
                        }
                    ),
                );
                continue;
            };
            let taxonomy = &mut taxonomies[position];
            let mut page_terms = Vec::new();
            for value in values {
                // Most pages share a few terms: slugify each spelling once.
                let slug = slugs
                    .entry(value.as_str())
                    .or_insert_with(|| slug::slugify(value))
                    .clone();
                if slug.is_empty() {
                    report(
                        &["taxonomies", name],
                        format!("`taxonomies.{name}`: term `{value}` has no letters or digits"),
                    );
                    continue;
                }
                page_terms.push(slug.clone());
                add_to_term(taxonomy, value, slug, index);
            }
            page_slugs[index].push((position, page_terms));
        }
    }
    page_slugs
}

/// Adds the page `index` to the term `slug` (spelt `value` where it first
/// appears), creating the term if needed.
fn add_to_term(taxonomy: &mut TaxonomyTerms, value: &str, slug: String, index: usize) {
    match taxonomy.terms.iter_mut().find(|t| t.slug == slug) {
        Some(term) => {
            // Pages come in index order: a repeat is the last one.
            if term.pages.last() != Some(&index) {
                term.pages.push(index);
            }
        }
        None => taxonomy.terms.push(Term {
            name: value.to_string(),
            title: Term::title_of(value),
            path: format!("{}{slug}/", taxonomy.path),
            slug,
            pages: vec![index],
        }),
    }
}

/// Sets each page's `terms` to indexes into the sorted terms.
fn resolve_page_terms(
    pages: &mut [Page],
    page_slugs: Vec<Vec<(usize, Vec<String>)>>,
    taxonomies: &[TaxonomyTerms],
) {
    let term_index: Vec<HashMap<&str, usize>> = taxonomies
        .iter()
        .map(|t| {
            t.terms
                .iter()
                .enumerate()
                .map(|(i, term)| (term.slug.as_str(), i))
                .collect()
        })
        .collect();
    for (page, slugs) in pages.iter_mut().zip(page_slugs) {
        let mut terms: Vec<(usize, Vec<usize>)> = slugs
            .into_iter()
            .map(|(taxonomy, slugs)| {
                let indexes = slugs
                    .iter()
                    .filter_map(|slug| term_index[taxonomy].get(slug.as_str()).copied())
                    .collect();
                (taxonomy, indexes)
            })
            .collect();
        terms.sort_by_key(|(taxonomy, _)| *taxonomy);
        page.terms = terms;
    }
}
