//! The careers site itself: every required page is built, twice
//! identically, with well-formed feeds and sitemap and no broken links.

use crate::support::{CAREERS, broken_internal_links, build_careers, read_tree};

#[test]
fn every_required_page_is_built() {
    let out = build_careers(None);
    let dist = out.path().join("dist");
    let mut required = vec![
        "index.html".to_string(),
        "careers/index.html".into(),
        "studying-online/index.html".into(),
        "about/index.html".into(),
        "compare/index.html".into(),
        "atom.xml".into(),
        "robots.txt".into(),
        "404.html".into(),
    ];
    required.extend(CAREERS.iter().map(|c| format!("careers/{c}/index.html")));
    for path in required {
        assert!(dist.join(&path).is_file(), "{path} was not built");
    }
    // Built without a base URL: no sitemap (it needs absolute URLs).
    assert!(!dist.join("sitemap.xml").exists());
    let dialysis =
        std::fs::read_to_string(dist.join("careers/dialysis-technician/index.html")).unwrap();
    assert!(dialysis.contains("class=\"key-facts"), "no key-facts panel");
}

#[test]
fn two_builds_are_byte_identical() {
    let first = build_careers(None);
    let second = build_careers(None);
    // The marker, medsite's own record of what it wrote (with each file's
    // modification time), is beside the output; every file in it must be
    // identical.
    let site = |dir: &tempfile::TempDir| {
        assert!(dir.path().join(".dist.medsite").is_file(), "no marker");
        read_tree(&dir.path().join("dist"))
    };
    assert_eq!(site(&first), site(&second));
}

#[test]
fn sitemap_and_feed_are_well_formed_and_list_every_page() {
    let out = build_careers(Some("https://example.org/sub/"));
    let dist = out.path().join("dist");
    let sitemap = std::fs::read_to_string(dist.join("sitemap.xml")).unwrap();
    let sitemap = roxmltree::Document::parse(&sitemap).expect("sitemap.xml is well-formed XML");
    let locs: Vec<&str> = sitemap
        .descendants()
        .filter(|n| n.has_tag_name("loc"))
        .filter_map(|n| n.text())
        .collect();
    let feed = std::fs::read_to_string(dist.join("atom.xml")).unwrap();
    let feed = roxmltree::Document::parse(&feed).expect("atom.xml is well-formed XML");
    assert_eq!(
        feed.root_element().tag_name().namespace(),
        Some("http://www.w3.org/2005/Atom")
    );
    let entries: Vec<&str> = feed
        .descendants()
        .filter(|n| n.has_tag_name("entry"))
        .flat_map(|e| {
            e.children()
                .filter(|c| c.has_tag_name("link"))
                .filter_map(|l| l.attribute("href"))
        })
        .collect();
    let mut pages = vec![
        "".to_string(),
        "about/".into(),
        "studying-online/".into(),
        "compare/".into(),
    ];
    pages.extend(CAREERS.iter().map(|c| format!("careers/{c}/")));
    for page in pages {
        let url = format!("https://example.org/sub/{page}");
        assert!(locs.contains(&url.as_str()), "sitemap lacks {url}");
        if !page.is_empty() {
            assert!(entries.contains(&url.as_str()), "atom.xml lacks {url}");
        }
    }
    let robots = std::fs::read_to_string(dist.join("robots.txt")).unwrap();
    assert!(
        robots.contains("Sitemap: https://example.org/sub/sitemap.xml"),
        "{robots}"
    );
    let home =
        std::fs::read_to_string(dist.join("careers/dialysis-technician/index.html")).unwrap();
    assert!(home.contains(
        "<link rel=\"canonical\" href=\"https://example.org/sub/careers/dialysis-technician/\">"
    ));
}

#[test]
fn every_work_setting_has_a_feed_its_page_advertises() {
    let out = build_careers(None);
    let dist = out.path().join("dist");
    let hospital = std::fs::read_to_string(dist.join("work-settings/hospital/index.html")).unwrap();
    assert!(hospital.contains(
        "<link rel=\"alternate\" type=\"application/atom+xml\" title=\"Hospital · Work settings · Medical technician careers\" href=\"../../work-settings/hospital/atom.xml\">"
    ), "the hospital page does not link its feed");
    // The term is written "hospital" in front matter; headings capitalise it.
    assert!(hospital.contains("<h1>Hospital</h1>"));
    let office =
        std::fs::read_to_string(dist.join("work-settings/dental-office/index.html")).unwrap();
    assert!(office.contains("<h1>Dental office</h1>"));
    let feed = std::fs::read_to_string(dist.join("work-settings/hospital/atom.xml")).unwrap();
    let feed = roxmltree::Document::parse(&feed).expect("the term feed is well-formed XML");
    let titles: Vec<&str> = feed
        .descendants()
        .filter(|n| n.has_tag_name("entry"))
        .filter_map(|e| e.children().find(|c| c.has_tag_name("title"))?.text())
        .collect();
    assert!(titles.contains(&"Surgical technologist"), "{titles:?}");
    assert!(!titles.contains(&"Dental hygienist"), "{titles:?}");
    let careers = std::fs::read_to_string(dist.join("careers/index.html")).unwrap();
    assert!(
        careers.contains("href=\"../careers/atom.xml\">"),
        "the careers list does not link its feed"
    );
}

#[test]
fn internal_links_resolve_from_the_domain_root_and_from_a_sub_path() {
    let out = build_careers(None);
    let dist = out.path().join("dist");
    assert_eq!(broken_internal_links(&dist, "/"), Vec::<String>::new());
    assert_eq!(
        broken_internal_links(&dist, "/medsite/"),
        Vec::<String>::new()
    );
}
