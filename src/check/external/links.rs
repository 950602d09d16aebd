//! Every external URL of a checked site, with every place it is written:
//!
//! - a link or image in a page's Markdown, at its line and column;
//! - a figure's `source.url`, at that key in the figures file, with the
//!   pages that show the figure's link;
//! - any other `href` or `src` of the rendered HTML (a template's, a
//!   component's), at the template line that writes it when a text search
//!   finds it, else at the first output that shows it, with the pages.
//!
//! A URL is fetched once, without its `#fragment`, however often it is
//! written. Links to the site's own `base_url` (canonical links) are not
//! external.

use std::collections::{BTreeMap, BTreeSet, HashSet};

use super::outcome::Place;
use crate::check::provenance;
use crate::check::{Source, attribute_values};
use crate::content::Site;
use crate::data::FOLDER;
use crate::diagnostics::Diagnostic;
use crate::render::{Content, Output};
use crate::templates::Templates;

/// One URL to fetch and the places that write it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Link {
    /// The URL fetched: http(s), without its fragment.
    pub url: String,
    pub places: Vec<Place>,
}

/// The URL to fetch for a link as written: `http` and `https` links
/// without their fragment; `//host/...` becomes `https:`; anything else
/// (a local path, `mailto:`) is `None`.
pub fn fetched_url(link: &str) -> Option<String> {
    let link = link.trim();
    let lower = link.get(..8).unwrap_or(link).to_ascii_lowercase();
    let url = if lower.starts_with("http://") || lower.starts_with("https://") {
        link.to_string()
    } else if link.starts_with("//") {
        format!("https:{link}")
    } else {
        return None;
    };
    let url = url.split('#').next().unwrap_or_default();
    let host = url.split_once("://").map_or("", |(_, rest)| rest);
    (!host.is_empty() && !host.starts_with('/')).then(|| url.to_string())
}

/// Every external URL of the site and where it is written, sorted by URL.
pub fn collect(site: &Site, templates: &Templates, output: Option<&Output>) -> Vec<Link> {
    let own = site
        .config
        .base_url
        .as_deref()
        .filter(|base| !base.is_empty());
    let external =
        |link: &str| fetched_url(link).filter(|url| own.is_none_or(|own| !url.starts_with(own)));
    let shown = output
        .map(|output| shown_urls(output, &external))
        .unwrap_or_default();
    let mut places: BTreeMap<String, Vec<Place>> = BTreeMap::new();
    // (output file, URL) pairs that a page's own Markdown explains.
    let mut explained: HashSet<(String, String)> = HashSet::new();
    for (display, path, rendered) in documents(site) {
        let Some(source) = Source::read(site, display) else {
            continue;
        };
        for link in &rendered.links {
            let Some(url) = external(&link.destination) else {
                continue;
            };
            let kind = if link.image { "image" } else { "link" };
            places.entry(url.clone()).or_default().push(Place {
                at: source.at_body(Diagnostic::error(display, "", ""), link.offset),
                what: format!("{kind} `{}`", link.destination.trim()),
                pages: Vec::new(),
            });
            explained.insert((format!("{path}index.html"), url));
        }
    }
    let sources = figure_places(site, &shown, &external, &mut places);
    for (url, (written, files)) in &shown {
        let files: Vec<String> = files
            .iter()
            .filter(|file| {
                !sources.contains(url) && !explained.contains(&((*file).clone(), url.clone()))
            })
            .cloned()
            .collect();
        if let Some(first) = files.first() {
            let at = templates
                .locate_link(written)
                .unwrap_or_else(|| Diagnostic::error(first.as_str(), "", ""));
            places.entry(url.clone()).or_default().push(Place {
                at,
                what: format!("link `{written}`"),
                pages: files,
            });
        }
    }
    places
        .into_iter()
        .map(|(url, places)| Link { url, places })
        .collect()
}

/// Pages and sections with a file: (display path, site path, Markdown).
fn documents(site: &Site) -> Vec<(&str, &str, &crate::markdown::Rendered)> {
    let pages = site
        .pages
        .iter()
        .map(|p| (p.display.as_str(), p.path.as_str(), &*p.rendered));
    let sections = site
        .sections
        .iter()
        .filter(|s| site.root.join(&s.display).is_file())
        .map(|s| (s.display.as_str(), s.path.as_str(), &*s.rendered));
    pages.chain(sections).collect()
}

/// URL -> (the link as first written, the HTML outputs that show it).
fn shown_urls(
    output: &Output,
    external: &dyn Fn(&str) -> Option<String>,
) -> BTreeMap<String, (String, BTreeSet<String>)> {
    let mut shown: BTreeMap<String, (String, BTreeSet<String>)> = BTreeMap::new();
    for (file, content) in &output.files {
        let Content::Bytes(bytes) = content else {
            continue;
        };
        if !file.ends_with(".html") {
            continue;
        }
        let html = String::from_utf8_lossy(bytes);
        for link in ["href", "src"]
            .iter()
            .flat_map(|name| attribute_values(&html, name))
        {
            if let Some(url) = external(&link) {
                let entry = shown
                    .entry(url)
                    .or_insert_with(|| (link.clone(), BTreeSet::new()));
                entry.1.insert(file.clone());
            }
        }
    }
    shown
}

/// Places each figure's `source.url` at its key; returns the URLs that
/// are sources of figures.
fn figure_places(
    site: &Site,
    shown: &BTreeMap<String, (String, BTreeSet<String>)>,
    external: &dyn Fn(&str) -> Option<String>,
    places: &mut BTreeMap<String, Vec<Place>>,
) -> HashSet<String> {
    let mut sources = HashSet::new();
    let mut texts: BTreeMap<&str, Option<String>> = BTreeMap::new();
    for figure in provenance::figures(&site.data) {
        let Some(url) = external(figure.url) else {
            continue;
        };
        let display = format!("{FOLDER}/{}", figure.file);
        let text = texts
            .entry(figure.file)
            .or_insert_with(|| crate::fs::read_to_string(&site.root.join(&display)).ok());
        let at = provenance::place(
            Diagnostic::error(&display, "", ""),
            text.as_deref(),
            figure.file,
            figure.key,
            &["source", "url"],
        );
        let pages = shown
            .get(&url)
            .map(|(_, files)| files.iter().cloned().collect());
        places.entry(url.clone()).or_default().push(Place {
            at,
            what: format!("`{}`'s source `{}`", figure.key, figure.url),
            pages: pages.unwrap_or_default(),
        });
        sources.insert(url);
    }
    sources
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_http_links_are_fetched_once_without_their_fragment() {
        assert_eq!(
            fetched_url(" https://x.org/a#b ").as_deref(),
            Some("https://x.org/a")
        );
        assert_eq!(fetched_url("HTTP://X.org").as_deref(), Some("HTTP://X.org"));
        assert_eq!(
            fetched_url("//cdn.x.org/a.js").as_deref(),
            Some("https://cdn.x.org/a.js")
        );
        for local in [
            "/a/",
            "a.md",
            "#top",
            "mailto:a@x.org",
            "https://",
            "ftp://x.org/",
        ] {
            assert_eq!(fetched_url(local), None, "{local}");
        }
    }
}
