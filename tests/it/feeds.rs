//! Feeds read as a feed reader reads them: every link in every entry,
//! resolved against the feed's URL and the `xml:base` it gives, must reach
//! a file of the built site, whether the site has a base URL or not and
//! when it is served from a sub-path.

use std::path::Path;

use crate::support::{TempSite, build_careers, read_tree};

/// A clinic blog at a sub-path: a page linking another page and an image
/// of its bundle, with a date that has a time.
fn clinic() -> TempSite {
    TempSite::with_theme(&[
        ("site.toml", "title = \"Clinic\"\ntheme = \"fixture\"\n"),
        ("content/_index.md", "---\ntitle: Home\n---\n"),
        ("content/posts/_index.md", "---\ntitle: Posts\n---\n"),
        (
            "content/posts/flu-season-2026.md",
            "---\ntitle: Flu season\ndate: 2026-10-01\n---\nSeason.\n",
        ),
        (
            "content/posts/vaccines/index.md",
            "---\ntitle: Vaccines\ndate: 2026-11-02T09:30:00+01:00\n---\nSee [the season](@/posts/flu-season-2026.md), [the list](../), [top](#top) and ![a chart](chart.svg).\n\n<a href=\"../../\">home</a>\n",
        ),
        (
            "content/posts/vaccines/chart.svg",
            "<svg xmlns=\"http://www.w3.org/2000/svg\"/>",
        ),
    ])
}

/// Every link of every entry's content and every entry's own link in the
/// feeds of `dist`, resolved as a reader does for a site at `site_url`,
/// that does not reach a file of `dist`: `feed -> link -> resolved URL`.
fn broken_feed_links(dist: &Path, site_url: &str) -> Vec<String> {
    let site = url::Url::parse(site_url).unwrap();
    let files = read_tree(dist);
    let reaches = |url: &url::Url| {
        // Links to other sites are not the feed's to check.
        if url.origin() != site.origin() || !url.scheme().starts_with("http") {
            return true;
        }
        let Some(path) = url
            .as_str()
            .split(['#', '?'])
            .next()
            .unwrap()
            .strip_prefix(site.as_str())
        else {
            return false;
        };
        files.contains_key(path) || files.contains_key(&format!("{path}index.html"))
    };
    let mut broken = Vec::new();
    let mut feeds = 0;
    for (path, bytes) in files.iter().filter(|(p, _)| p.ends_with("atom.xml")) {
        feeds += 1;
        let text = String::from_utf8_lossy(bytes);
        let feed = roxmltree::Document::parse(&text).expect("the feed is well-formed XML");
        let document_url = site.join(path).unwrap();
        let mut check = |base: &url::Url, link: &str| {
            let resolved = base.join(link).unwrap();
            if !reaches(&resolved) {
                broken.push(format!("{path} -> {link} -> {resolved}"));
            }
        };
        for node in feed.descendants() {
            // xml:base on the element and its ancestors, outermost first.
            let mut base = document_url.clone();
            let mut bases: Vec<&str> = node
                .ancestors()
                .filter_map(|a| a.attribute(("http://www.w3.org/XML/1998/namespace", "base")))
                .collect();
            bases.reverse();
            for relative in bases {
                base = base.join(relative).unwrap();
            }
            match node.tag_name().name() {
                "link" if node.parent().is_some_and(|p| p.has_tag_name("entry")) => {
                    check(&base, node.attribute("href").unwrap());
                }
                "content" => {
                    let html = scraper::Html::parse_fragment(node.text().unwrap_or_default());
                    let selector = scraper::Selector::parse("[href], [src]").unwrap();
                    for element in html.select(&selector) {
                        for name in ["href", "src"] {
                            if let Some(link) = element.value().attr(name) {
                                check(&base, link);
                            }
                        }
                    }
                }
                _ => {}
            }
        }
    }
    assert!(feeds > 0, "no feed in {}", dist.display());
    broken
}

fn build(site: &TempSite, base_url: Option<&str>) -> tempfile::TempDir {
    let out = tempfile::tempdir().unwrap();
    let dist = out.path().join("dist");
    let mut args = vec!["--output", dist.to_str().unwrap(), "--quiet"];
    if let Some(url) = base_url {
        args.extend(["--base-url", url]);
    }
    let output = site.build(&args);
    assert!(
        output.status.success(),
        "{}",
        crate::support::stderr(&output)
    );
    out
}

/// `../flu-season-2026/` in a feed at `https://example.github.io/clinic/`
/// resolved to `https://example.github.io/flu-season-2026/`, and a bundle's
/// image to the wrong folder: entries kept page-relative links.
#[test]
fn every_feed_link_reaches_its_page_with_and_without_a_base_url_at_a_sub_path() {
    let site = clinic();
    let sub_path = "https://example.github.io/clinic/";
    let with_base = build(&site, Some(sub_path));
    assert_eq!(
        broken_feed_links(&with_base.path().join("dist"), sub_path),
        Vec::<String>::new()
    );
    let without = build(&site, None);
    for served_at in ["http://localhost/clinic/", "http://localhost/"] {
        assert_eq!(
            broken_feed_links(&without.path().join("dist"), served_at),
            Vec::<String>::new(),
            "served at {served_at}"
        );
    }
}

#[test]
fn the_careers_feeds_reach_their_pages_with_and_without_a_base_url() {
    let sub_path = "https://example.org/sub/";
    let with_base = build_careers(Some(sub_path));
    assert_eq!(
        broken_feed_links(&with_base.path().join("dist"), sub_path),
        Vec::<String>::new()
    );
    let without = build_careers(None);
    assert_eq!(
        broken_feed_links(&without.path().join("dist"), "http://localhost/sub/"),
        Vec::<String>::new()
    );
}

/// `date: 2026-11-02T09:30:00+01:00` became `2026-11-02T00:00:00Z`.
#[test]
fn a_date_with_a_time_keeps_its_time_in_feeds() {
    let site = clinic();
    let out = build(&site, None);
    let feed = std::fs::read_to_string(out.path().join("dist/posts/atom.xml")).unwrap();
    assert!(
        feed.contains("<published>2026-11-02T08:30:00Z</published>"),
        "{feed}"
    );
    assert!(feed.contains("<published>2026-10-01T00:00:00Z</published>"));
}

/// With no base URL, `sitemap.xml` had relative `<loc>`s (the protocol
/// needs absolute URLs) and `robots.txt` a relative `Sitemap:` line.
#[test]
fn without_a_base_url_there_is_no_sitemap_and_build_says_why() {
    let site = clinic();
    let out = tempfile::tempdir().unwrap();
    let dist = out.path().join("dist");
    let output = site.build(&["--output", dist.to_str().unwrap(), "--quiet"]);
    assert!(output.status.success());
    let warning = "site.toml: warning: no `base_url`: sitemap.xml is left out and robots.txt names no sitemap (the sitemap protocol needs absolute URLs); set `base_url` in site.toml or pass --base-url\n\n";
    assert_eq!(crate::support::stderr(&output), warning);
    assert!(!dist.join("sitemap.xml").exists());
    assert_eq!(
        std::fs::read_to_string(dist.join("robots.txt")).unwrap(),
        "User-agent: *\nAllow: /\n"
    );
    // A build with nothing to do says it again.
    let again = site.build(&["--output", dist.to_str().unwrap(), "--quiet"]);
    assert_eq!(crate::support::stderr(&again), warning);

    let with_base = build(&site, Some("https://example.org/clinic/"));
    let sitemap = std::fs::read_to_string(with_base.path().join("dist/sitemap.xml")).unwrap();
    assert!(sitemap.contains("<loc>https://example.org/clinic/posts/vaccines/</loc>"));
    assert_eq!(
        std::fs::read_to_string(with_base.path().join("dist/robots.txt")).unwrap(),
        "User-agent: *\nAllow: /\nSitemap: https://example.org/clinic/sitemap.xml\n"
    );
}
