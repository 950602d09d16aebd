//! `sitemap.xml`: every section, page, taxonomy and term with its absolute
//! URL. The sitemap protocol accepts only absolute URLs, so without a base
//! URL there is no sitemap (and `robots.txt` names none); `build` warns.

use serde::Serialize;

use crate::content::Site;

/// One `<url>` of the sitemap.
#[derive(Serialize)]
pub struct SitemapEntry {
    loc: String,
    lastmod: Option<String>,
}

/// The sitemap's entries in URL order; `None` without a base URL.
pub fn sitemap(site: &Site) -> Option<Vec<SitemapEntry>> {
    site.config.base_url.as_ref()?;
    let entry = |path: &str, lastmod: Option<jiff::civil::Date>| SitemapEntry {
        loc: site.permalink(path).unwrap_or_default(),
        lastmod: lastmod.map(|date| date.to_string()),
    };
    let mut entries: Vec<SitemapEntry> = Vec::new();
    for section in &site.sections {
        let lastmod = section
            .pages
            .iter()
            .filter_map(|&i| site.pages[i].updated.or(site.pages[i].date))
            .max();
        entries.push(entry(&section.path, lastmod));
    }
    for page in &site.pages {
        entries.push(entry(&page.path, page.updated.or(page.date)));
    }
    for taxonomy in &site.taxonomies {
        entries.push(entry(&taxonomy.path, None));
        for term in &taxonomy.terms {
            entries.push(entry(&term.path, None));
        }
    }
    entries.sort_by(|a, b| a.loc.cmp(&b.loc));
    Some(entries)
}

/// The warning `build` gives when the sitemap is left out.
pub fn missing_base_url_warning() -> crate::diagnostics::Diagnostic {
    crate::diagnostics::Diagnostic::warning(
        "site.toml",
        "no-base-url",
        "no `base_url`: sitemap.xml is left out and robots.txt names no sitemap (the sitemap protocol needs absolute URLs); set `base_url` in site.toml or pass --base-url",
    )
}
