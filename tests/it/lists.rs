//! Pagination and feeds beyond the golden fixture: the switches in
//! `site.toml` and the edges of a paginated list.

use crate::support::{TempSite, stderr};

fn posts(count: usize) -> Vec<(String, String)> {
    (1..=count)
        .map(|i| {
            (
                format!("content/posts/p{i:02}.md"),
                format!(
                    "---\ntitle: P{i:02}\ndate: 2026-01-{i:02}\ntaxonomies:\n  tags: [t]\n---\n"
                ),
            )
        })
        .collect()
}

fn site(config: &str, count: usize) -> TempSite {
    let mut files = vec![
        (
            "content/_index.md".to_string(),
            "---\ntitle: Home\n---\n".to_string(),
        ),
        (
            "content/posts/_index.md".to_string(),
            "---\ntitle: Posts\n---\n".to_string(),
        ),
    ];
    files.extend(posts(count));
    let borrowed: Vec<(&str, &str)> = files
        .iter()
        .map(|(p, t)| (p.as_str(), t.as_str()))
        .collect();
    let site = TempSite::with_theme(&borrowed);
    site.write(
        "site.toml",
        &format!("title = \"T\"\ntheme = \"fixture\"\n{config}\n[[taxonomies]]\nname = \"tags\"\n"),
    );
    site
}

#[test]
fn feeds_false_leaves_only_the_home_feed() {
    let site = site("feeds = false\n", 2);
    let output = site.build(&["--quiet"]);
    assert!(output.status.success(), "{}", stderr(&output));
    let dist = site.path().join("dist");
    assert!(dist.join("atom.xml").is_file());
    assert!(!dist.join("posts/atom.xml").exists());
    assert!(!dist.join("tags/t/atom.xml").exists());
}

#[test]
fn a_list_that_fills_its_last_page_exactly_has_no_empty_page_after_it() {
    let site = site("[sections.posts]\npaginate_by = 2\n", 4);
    let output = site.build(&["--quiet"]);
    assert!(output.status.success(), "{}", stderr(&output));
    let dist = site.path().join("dist");
    assert!(dist.join("posts/page/2/index.html").is_file());
    assert!(!dist.join("posts/page/3").exists());
    // Page 1 lives at the section's own URL only.
    assert!(!dist.join("posts/page/1").exists());
}

#[test]
fn an_empty_paginated_section_still_has_its_one_list_page() {
    let site = site("[sections.posts]\npaginate_by = 2\n", 0);
    let output = site.build(&["--quiet"]);
    assert!(output.status.success(), "{}", stderr(&output));
    let section = std::fs::read_to_string(site.path().join("dist/posts/index.html")).unwrap();
    assert!(section.contains("1/1"), "{section}");
}
