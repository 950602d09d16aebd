//! Atom feeds: what a feed of a list of pages holds, with every link in
//! an entry's content made to reach the right page from a feed reader.
//!
//! A page's HTML links relative to the page's own folder (`../other/`,
//! `photo.jpg` in a bundle), which is right on the page and wrong in a
//! feed, where a reader resolves them against the feed's URL. With a base
//! URL every link in the content is made absolute against the page's
//! permalink; each entry's `<content>` also carries `xml:base` (the page's
//! URL, relative to the feed when there is no base URL), so readers that
//! honour it resolve relative links correctly either way.

use crate::diagnostics::Diagnostic;
use serde::Serialize;

use crate::content::{Page, Site, paths};

/// One entry of a feed.
#[derive(Serialize)]
pub struct FeedEntry {
    title: String,
    /// The page: absolute with a base URL, else relative to the feed.
    url: String,
    id: String,
    published: String,
    updated: String,
    summary: String,
    /// The page's HTML, links absolute when there is a base URL.
    content: String,
}

/// The `feed` variable of the `atom.xml` template.
#[derive(Serialize)]
pub struct Feed {
    title: String,
    subtitle: String,
    self_url: String,
    alternate_url: String,
    id: String,
    updated: String,
    entries: Vec<FeedEntry>,
}

/// The feed of the list at site path `path` (`` for the home page):
/// the first `feed_limit` of `pages`, which are newest first.
pub fn feed(
    site: &Site,
    summaries: &crate::context::Summaries<'_>,
    pages: &[usize],
    title: String,
    subtitle: &str,
    path: &str,
) -> Result<Feed, Diagnostic> {
    // Without a base URL, links are relative to the feed's own folder,
    // against which a reader resolves them.
    let url = |target: &str| {
        site.permalink(target)
            .unwrap_or_else(|| paths::relative_url(path, target))
    };
    let id = |path: &str| {
        site.permalink(path).unwrap_or_else(|| {
            format!("urn:medsite:{}:{}", slug::slugify(&site.config.title), path)
        })
    };
    let entries: Vec<FeedEntry> = pages
        .iter()
        .take(site.config.feed_limit)
        .map(|&i| -> Result<FeedEntry, Diagnostic> {
            let page = &site.pages[i];
            let published = atom_time(page.front.date.as_deref(), page.date);
            let updated = match page.updated {
                Some(date) => atom_time(page.front.updated.as_deref(), Some(date)),
                None => published.clone(),
            };
            Ok(FeedEntry {
                title: page.title.clone(),
                url: url(&page.path),
                id: id(&page.path),
                published,
                updated,
                summary: page.front.description.clone().unwrap_or_default(),
                content: summaries.feed_content(i)?,
            })
        })
        .collect::<Result<_, _>>()?;
    Ok(Feed {
        title,
        subtitle: subtitle.to_string(),
        self_url: url(&format!("{path}atom.xml")),
        alternate_url: url(path),
        id: id(path),
        updated: entries
            .iter()
            .map(|e| e.updated.clone())
            .max()
            .unwrap_or_else(|| "1970-01-01T00:00:00Z".into()),
        entries,
    })
}

/// An RFC 3339 time for a date as the writer gave it: with its time (as
/// UTC) when it has one, else midnight UTC of the parsed `date`.
fn atom_time(written: Option<&str>, date: Option<jiff::civil::Date>) -> String {
    let written = written.map(str::trim).unwrap_or_default();
    if let Ok(timestamp) = written.parse::<jiff::Timestamp>() {
        return timestamp.to_string();
    }
    if let Ok(time) = written.parse::<jiff::civil::DateTime>()
        && let Ok(timestamp) = time.to_zoned(jiff::tz::TimeZone::UTC)
    {
        return timestamp.timestamp().to_string();
    }
    let date = date.expect("feeds list dated pages");
    format!("{date}T00:00:00Z")
}

/// The page's HTML for a feed entry: with a base URL, every link made
/// absolute against the page's permalink.
pub fn entry_content(site: &Site, page: &Page) -> Result<String, Diagnostic> {
    let html = page.rendered.html_or_diagnostic(&page.display)?;
    let Some(base) = site
        .permalink(&page.path)
        .and_then(|permalink| url::Url::parse(&permalink).ok())
    else {
        return Ok(html);
    };
    Ok(absolute_links(&html, &base))
}

/// The attributes that hold one URL, and those that hold a `srcset`.
const URL_ATTRIBUTES: [&str; 5] = ["href", "src", "poster", "cite", "data"];
const SRCSET_ATTRIBUTES: [&str; 2] = ["srcset", "imagesrcset"];

/// `html` with every relative URL in a link attribute resolved against
/// `base`. Parsing HTML is lol_html's job.
pub fn absolute_links(html: &str, base: &url::Url) -> String {
    let settings = lol_html::RewriteStrSettings::new().append_element_content_handler(
        lol_html::element!("*", |element: &mut lol_html::html_content::Element| {
            for name in URL_ATTRIBUTES {
                if let Some(value) = element.get_attribute(name)
                    && let Some(resolved) = resolve(base, &value)
                {
                    element.set_attribute(name, &resolved)?;
                }
            }
            for name in SRCSET_ATTRIBUTES {
                if let Some(value) = element.get_attribute(name) {
                    element.set_attribute(name, &resolve_srcset(base, &value))?;
                }
            }
            Ok(())
        }),
    );
    // lol_html fails only on memory limits we do not set; keep the input
    // rather than lose the entry if it ever does.
    lol_html::rewrite_str(html, settings).unwrap_or_else(|_| html.to_string())
}

/// `link` resolved against `base`; `None` when it is already absolute or
/// cannot be resolved (then it is left as written).
fn resolve(base: &url::Url, link: &str) -> Option<String> {
    let link = link.trim();
    if link.is_empty() || url::Url::parse(link).is_ok() {
        return None;
    }
    base.join(link).ok().map(String::from)
}

/// A `srcset` (`a.jpg 1x, b.jpg 2x`) with each candidate's URL resolved.
fn resolve_srcset(base: &url::Url, srcset: &str) -> String {
    srcset
        .split(',')
        .map(|candidate| {
            let candidate = candidate.trim();
            let (link, descriptor) = candidate
                .split_once(char::is_whitespace)
                .unwrap_or((candidate, ""));
            let link = resolve(base, link).unwrap_or_else(|| link.to_string());
            if descriptor.is_empty() {
                link
            } else {
                format!("{link} {}", descriptor.trim())
            }
        })
        .collect::<Vec<_>>()
        .join(", ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn relative_links_become_absolute_against_the_page() {
        let base = url::Url::parse("https://example.github.io/clinic/posts/flu/").unwrap();
        let html = r##"<p><a href="../flu-season-2026/">x</a> <a href="#top">t</a> <img src="chart.png" srcset="chart.png 1x, big/chart.png 2x"> <a href="https://other.org/">o</a> <a href="mailto:a@b.c">m</a></p>"##;
        assert_eq!(
            absolute_links(html, &base),
            r##"<p><a href="https://example.github.io/clinic/posts/flu-season-2026/">x</a> <a href="https://example.github.io/clinic/posts/flu/#top">t</a> <img src="https://example.github.io/clinic/posts/flu/chart.png" srcset="https://example.github.io/clinic/posts/flu/chart.png 1x, https://example.github.io/clinic/posts/flu/big/chart.png 2x"> <a href="https://other.org/">o</a> <a href="mailto:a@b.c">m</a></p>"##
        );
    }

    #[test]
    fn a_written_time_is_kept_as_utc_and_a_date_alone_is_midnight() {
        let date = Some(jiff::civil::date(2026, 11, 2));
        assert_eq!(
            atom_time(Some("2026-11-02T09:30:00+01:00"), date),
            "2026-11-02T08:30:00Z"
        );
        assert_eq!(
            atom_time(Some("2026-11-02T09:30:00"), date),
            "2026-11-02T09:30:00Z"
        );
        assert_eq!(atom_time(Some("2026-11-02"), date), "2026-11-02T00:00:00Z");
    }
}
