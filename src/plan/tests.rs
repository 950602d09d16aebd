//! `plan` on sites assembled in memory: which outputs a site has, who owns
//! each, and what is refused.

use std::path::PathBuf;

use super::*;
use crate::content::site_from_texts;

const BLOG: &[(&str, &str)] = &[
    ("blog/_index.md", "---\ntitle: Blog\n---\n"),
    (
        "blog/a.md",
        "---\ntitle: A\ndate: 2024-01-01\ntaxonomies:\n  tags: [x]\naliases: [old/a]\n---\n",
    ),
    (
        "blog/b.md",
        "---\ntitle: B\ndate: 2024-01-02\ntaxonomies:\n  tags: [x]\n---\n",
    ),
    ("blog/c.md", "---\ntitle: C\n---\n"),
];

const PAGED: &str = "title = \"Site\"\nbase_url = \"https://example.org/\"\n\
[sections.blog]\npaginate_by = 2\n\
[[taxonomies]]\nname = \"tags\"\npaginate_by = 1\n";

/// `site.toml` with the `tags` taxonomy and `extra` top-level keys.
fn config(extra: &str) -> String {
    format!("title = \"Site\"\n{extra}\n[[taxonomies]]\nname = \"tags\"\n")
}

fn messages(errors: &[Diagnostic]) -> Vec<String> {
    errors.iter().map(|d| d.to_string()).collect()
}

/// A file of the site's `static/` folder, as `content` lists it.
fn static_file(site: &mut Site, path: &str) {
    let file = site.root.join("static").join(path);
    site.static_files.push((path.to_string(), file));
}

#[test]
fn every_output_has_one_owner_list_pages_and_feeds_included() {
    let site = site_from_texts(PAGED, BLOG);
    let (plan, errors) = plan(&site, false);
    assert_eq!(messages(&errors), Vec::<String>::new());
    let jobs: Vec<(&str, &str)> = plan
        .owners
        .iter()
        .map(|(path, owner)| match owner {
            Owner::Job(index) => (path.as_str(), plan.jobs[*index].template.as_str()),
            Owner::BuiltIn(_) => (path.as_str(), "(built-in theme)"),
            other => panic!("{path}: {other:?}"),
        })
        .collect();
    assert_eq!(
        jobs,
        [
            ("404.html", "404.html"),
            ("atom.xml", "atom.xml"),
            ("blog/a/index.html", "page.html"),
            ("blog/atom.xml", "atom.xml"),
            ("blog/b/index.html", "page.html"),
            ("blog/c/index.html", "page.html"),
            ("blog/index.html", "section.html"),
            ("blog/page/2/index.html", "section.html"),
            ("index.html", "index.html"),
            ("old/a/index.html", "alias.html"),
            ("robots.txt", "robots.txt"),
            ("sitemap.xml", "sitemap.xml"),
            ("style.css", "(built-in theme)"),
            ("tags/index.html", "taxonomy_list.html"),
            ("tags/x/atom.xml", "atom.xml"),
            ("tags/x/index.html", "taxonomy_term.html"),
            ("tags/x/page/2/index.html", "taxonomy_term.html"),
        ]
    );
    let pager = plan
        .jobs
        .iter()
        .find(|job| job.output == "blog/page/2/index.html")
        .unwrap();
    assert_eq!(pager.target, Target::SectionPager(1, 2));
    assert_eq!(pager.path, "blog/page/2/");
}

#[test]
fn no_sitemap_without_a_base_url_and_no_feeds_when_they_are_off() {
    let site = site_from_texts(&config("feeds = false"), BLOG);
    let outputs: Vec<String> = jobs(&site).into_iter().map(|job| job.output).collect();
    assert!(!outputs.iter().any(|o| o.ends_with("sitemap.xml")));
    assert!(!outputs.iter().any(|o| o == "blog/atom.xml"));
    // The home feed is the site's own file, kept: `feeds` is for lists.
    assert!(outputs.iter().any(|o| o == "atom.xml"));
}

#[test]
fn the_built_in_themes_static_files_take_only_free_paths_of_sites_naming_no_theme() {
    let mut site = site_from_texts(&config(""), BLOG);
    let (planned, _) = plan(&site, false);
    let built_in = crate::theme::static_file("style.css").unwrap();
    assert_eq!(planned.owners["style.css"], Owner::BuiltIn(built_in));
    assert_eq!(
        planned.built_in().collect::<Vec<_>>(),
        [(&"style.css".to_string(), built_in)]
    );
    // The site's own file wins, with no collision.
    static_file(&mut site, "style.css");
    let (planned, errors) = plan(&site, false);
    assert_eq!(messages(&errors), Vec::<String>::new());
    assert!(matches!(planned.owners["style.css"], Owner::Copy(_)));
    assert_eq!(planned.built_in().count(), 0);
    // A site naming a theme gets none of it.
    let site = site_from_texts(&config("theme = \"t\""), BLOG);
    assert!(!plan(&site, false).0.owners.contains_key("style.css"));
}

#[test]
fn fingerprinted_copies_only_when_templates_call_asset() {
    let mut site = site_from_texts(&config(""), BLOG);
    static_file(&mut site, "css/site.css");
    let fingerprint = crate::assets::fingerprint("css/site.css", b"body{}");
    site.fingerprints
        .insert("css/site.css".into(), fingerprint.clone());
    let (planned, errors) = plan(&site, false);
    assert!(errors.is_empty());
    assert!(!planned.owners.contains_key(&fingerprint.path));
    let (planned, errors) = plan(&site, true);
    assert!(errors.is_empty());
    let file = site.root.join("static/css/site.css");
    assert_eq!(planned.owners[&fingerprint.path], Owner::Copy(file.clone()));
    assert_eq!(planned.owners["css/site.css"], Owner::Copy(file));
}

#[test]
fn files_to_copy_are_owned_by_their_source_after_the_jobs() {
    let mut site = site_from_texts(&config(""), BLOG);
    static_file(&mut site, "style.css");
    let (plan, errors) = plan(&site, false);
    assert!(errors.is_empty());
    let copies: Vec<(&String, &PathBuf)> = plan.copies().collect();
    assert_eq!(copies.len(), 1);
    assert_eq!(copies[0].0, "style.css");
    assert!(copies[0].1.ends_with("static/style.css"));
}

#[test]
fn a_page_and_a_static_file_on_one_path_are_refused_naming_both() {
    let mut site = site_from_texts(&config(""), BLOG);
    static_file(&mut site, "blog/a/index.html");
    static_file(&mut site, "robots.txt");
    let (plan, errors) = plan(&site, false);
    assert_eq!(
        messages(&errors),
        [
            "static/blog/a/index.html: error: `blog/a/index.html` would be written twice, from content/blog/a.md and from static/blog/a/index.html: rename or remove one of them",
            "static/robots.txt: error: `robots.txt` would be written twice, from medsite's `robots.txt` (made with the `robots.txt` template, which templates/robots.txt overrides) and from static/robots.txt: rename or remove one of them",
        ]
    );
    // The first owner keeps the path.
    assert!(matches!(plan.owners["robots.txt"], Owner::Job(_)));
}

#[test]
fn a_file_where_another_output_needs_a_folder_is_refused() {
    let mut site = site_from_texts(&config(""), BLOG);
    static_file(&mut site, "atom.xml/a.txt");
    let (_, errors) = plan(&site, false);
    assert_eq!(
        messages(&errors),
        [
            "static/atom.xml/a.txt: error: `atom.xml` is a file, from medsite's `atom.xml` (made with the `atom.xml` template, which templates/atom.xml overrides), but `atom.xml/a.txt`, from static/atom.xml/a.txt, needs it to be a folder: rename one of them"
        ]
    );
}

#[test]
fn a_copy_outside_the_output_folder_is_refused() {
    let mut site = site_from_texts(&config(""), BLOG);
    static_file(&mut site, "../escape.txt");
    let (plan, errors) = plan(&site, false);
    assert_eq!(
        messages(&errors),
        ["content: error: refusing to write `../escape.txt` outside the output folder"]
    );
    assert!(!plan.owners.contains_key("../escape.txt"));
}

#[test]
fn with_search_on_the_sites_own_files_in_pagefind_are_refused() {
    let files = [
        ("pagefind.md", "---\ntitle: P\n---\n"),
        ("b.md", "---\ntitle: B\naliases: [pagefind/old]\n---\n"),
    ];
    let mut site = site_from_texts("title = \"Site\"\nsearch = true\n", &files);
    static_file(&mut site, "pagefind/custom.css");
    let (_, errors) = plan(&site, false);
    assert_eq!(
        messages(&errors),
        [
            "content: error: `pagefind/old/index.html` (from an alias of content/b.md) is in `pagefind/`, the search index's folder (`search = true` in site.toml): move it elsewhere",
            "content: error: `pagefind/index.html` (from content/pagefind.md) is in `pagefind/`, the search index's folder (`search = true` in site.toml): move it elsewhere",
            "static/pagefind/custom.css: error: `pagefind/custom.css` (from static/pagefind/custom.css) is in `pagefind/`, the search index's folder (`search = true` in site.toml): move it elsewhere",
        ]
    );
    // With search off the folder is the site's.
    let mut site = site_from_texts("title = \"Site\"\n", &files);
    static_file(&mut site, "pagefind/custom.css");
    assert!(plan(&site, false).1.is_empty());
}

#[test]
fn the_search_index_replaces_the_one_before_and_takes_no_taken_path() {
    let mut site = site_from_texts(&config("search = true"), BLOG);
    let (mut planned, errors) = plan(&site, false);
    assert!(errors.is_empty());
    let first = ["pagefind/a.pf".to_string()];
    assert!(planned.add_search_index(&site, &first).is_empty());
    let second = ["pagefind/b.pf".to_string()];
    assert!(planned.add_search_index(&site, &second).is_empty());
    let index: Vec<&String> = planned
        .owners
        .iter()
        .filter(|(_, owner)| **owner == Owner::SearchIndex)
        .map(|(path, _)| path)
        .collect();
    assert_eq!(index, ["pagefind/b.pf"]);
    planned.remove_search_index();
    assert!(!planned.owners.values().any(|o| *o == Owner::SearchIndex));
    // `pagefind` itself is not in the index's folder: the file is the
    // site's, and then the index has no folder.
    static_file(&mut site, "pagefind");
    let (mut planned, errors) = plan(&site, false);
    assert!(errors.is_empty());
    let errors = planned.add_search_index(&site, &["pagefind/index.js".to_string()]);
    assert_eq!(
        messages(&errors),
        [
            "content: error: `pagefind` is a file, from static/pagefind, but `pagefind/index.js`, from the search index (`search = true` in site.toml), needs it to be a folder: rename one of them"
        ]
    );
}
