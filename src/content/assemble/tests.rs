//! Each step of assembly on in-memory files: no disk, no walk.

use std::collections::{BTreeMap, HashMap};
use std::path::PathBuf;
use std::sync::Arc;

use super::*;
use crate::content::parse::parse_text;

fn file(source: &str, text: &str) -> Arc<ParsedFile> {
    Arc::new(parse_text(source, format!("content/{source}"), text.to_string()).unwrap())
}

fn config(extra: &str) -> Config {
    Config::parse(&format!("title = \"Site\"\n{extra}")).unwrap()
}

fn messages(problems: &Problems) -> Vec<String> {
    problems.errors.iter().map(|d| d.to_string()).collect()
}

/// The texts of `pages`, under one section that has no file of its own.
fn texts_of<'a>(pages: &'a [Arc<ParsedFile>], failed: &'a [String]) -> Texts<'a> {
    const NO_SECTION_FILE: &[Option<Arc<ParsedFile>>] = &[None];
    Texts {
        pages,
        sections: NO_SECTION_FILE,
        failed,
    }
}

/// A cache that holds nothing yet, for one full build when `build` is set.
fn empty_cache(build: Option<crate::content::cache::ForBuild>) -> ContentCache {
    ContentCache {
        root: PathBuf::from("/site"),
        entries: BTreeMap::new(),
        markdown: HashMap::new(),
        build,
    }
}

/// Sections and pages of `files`, through steps 1 to 4.
fn site_parts(files: &[(&str, &str)]) -> (Vec<Section>, Vec<Page>, Vec<Arc<ParsedFile>>, Problems) {
    let mut problems = Problems::default();
    let entries: BTreeMap<WalkKey, Entry> = files
        .iter()
        .map(|(source, text)| {
            (
                WalkKey(source.to_string()),
                Entry::Markdown(Ok(file(source, text))),
            )
        })
        .collect();
    let walked = sort_entries(&entries, &LoadOptions::default(), &mut problems);
    let (mut sections, _) = sections(walked.sections, &config(""));
    let folders = SectionFolders::new(&sections);
    link_sections(&mut sections, &folders);
    let (pages, texts) = pages(walked.pages, &folders, &mut problems, &mut Vec::new());
    (sections, pages, texts, problems)
}

#[test]
fn drafts_are_left_out_unless_asked_for_and_sections_are_kept() {
    let entries: BTreeMap<WalkKey, Entry> = [
        ("a.md", "---\ntitle: A\ndraft: true\n---\n"),
        ("b.md", "---\ntitle: B\n---\n"),
        ("s/_index.md", "---\ntitle: S\ndraft: true\n---\n"),
    ]
    .into_iter()
    .map(|(source, text)| {
        (
            WalkKey(source.into()),
            Entry::Markdown(Ok(file(source, text))),
        )
    })
    .chain([(
        WalkKey("s/x.png".into()),
        Entry::Other(PathBuf::from("x.png")),
    )])
    .collect();
    let mut problems = Problems::default();
    let walked = sort_entries(&entries, &LoadOptions::default(), &mut problems);
    let sources =
        |files: &[Arc<ParsedFile>]| files.iter().map(|f| f.source.clone()).collect::<Vec<_>>();
    assert_eq!(sources(&walked.pages), ["b.md"]);
    assert_eq!(sources(&walked.sections), ["s/_index.md"]);
    assert_eq!(walked.others.len(), 1);
    let walked = sort_entries(&entries, &LoadOptions { drafts: true }, &mut problems);
    assert_eq!(sources(&walked.pages), ["a.md", "b.md"]);
}

#[test]
fn a_missing_home_is_made_up_and_sections_nest_under_their_nearest_parent() {
    let (sections, _, _, _) = site_parts(&[
        ("a/_index.md", "---\ntitle: A\n---\n"),
        ("a/b/c/_index.md", "---\n---\n"),
    ]);
    let summary: Vec<(&str, &str, Option<usize>)> = sections
        .iter()
        .map(|s| (s.title.as_str(), s.path.as_str(), s.parent))
        .collect();
    assert_eq!(
        summary,
        [
            ("Site", "", None),
            ("A", "a/", Some(0)),
            ("c", "a/b/c/", Some(1))
        ]
    );
    assert_eq!(sections[1].subsections, [2]);
}

#[test]
fn pages_get_their_url_and_section_and_bad_pages_are_reported() {
    let (_, pages, texts, problems) = site_parts(&[
        ("a/_index.md", "---\ntitle: A\n---\n"),
        ("a/One Page.md", "---\ntitle: One\n---\n"),
        ("a/bundle/index.md", "---\ntitle: Bundle\nslug: own\n---\n"),
        ("a/untitled.md", "---\ndate: 2024-01-02\n---\n"),
        ("index.md", "---\ntitle: Home?\n---\n"),
        ("b/dated.md", "---\ntitle: Dated\ndate: soon\n---\n"),
    ]);
    let paths: Vec<(&str, usize)> = pages.iter().map(|p| (p.path.as_str(), p.section)).collect();
    assert_eq!(paths, [("a/one-page/", 1), ("a/own/", 1)]);
    assert_eq!(texts.len(), pages.len());
    assert_eq!(
        messages(&problems),
        [
            "content/a/untitled.md:1:1: error: the page has no `title` in its front matter\n  |\n1 | ---\n  | ^",
            "content/b/dated.md:3:1: error: `date`: `soon` is not a date; write it as YYYY-MM-DD\n  |\n3 | date: soon\n  | ^",
            "content/index.md: error: `content/index.md` would replace the home page: name it `_index.md`",
        ]
    );
}

#[test]
fn urls_differing_only_by_case_are_claimed_once() {
    let (sections, pages, texts, mut problems) = site_parts(&[
        ("a.md", "---\ntitle: A\nslug: same\n---\n"),
        ("b.md", "---\ntitle: B\nslug: SAME\n---\n"),
        ("c.md", "---\ntitle: C\naliases: [same/]\n---\n"),
    ]);
    let locator = crate::data::records::RecordLocator::new(std::path::Path::new("/nonexistent"));
    let sources = Sources {
        texts: &texts,
        locator: &locator,
    };
    claim_urls(&sections, &pages, sources, &config(""), &mut problems);
    let shown = messages(&problems);
    assert_eq!(shown.len(), 2, "{shown:?}");
    assert!(
        shown[0].starts_with("content/b.md:3:1: error: `/same/` is also the URL of content/a.md"),
        "{}",
        shown[0]
    );
    assert!(
        shown[1].starts_with("content/c.md:3:1: error: `/same/` is also the URL of content/a.md"),
        "{}",
        shown[1]
    );
}

#[test]
fn pages_are_ordered_by_weight_then_newest_date_then_title_and_linked() {
    let (mut sections, mut pages, _, _) = site_parts(&[
        ("old.md", "---\ntitle: Old\ndate: 2020-01-01\n---\n"),
        ("new.md", "---\ntitle: New\ndate: 2024-01-01\n---\n"),
        ("heavy.md", "---\ntitle: Heavy\nweight: 1\n---\n"),
        ("b.md", "---\ntitle: B\n---\n"),
        ("a.md", "---\ntitle: A\n---\n"),
    ]);
    order(&mut pages, &mut sections);
    let titles: Vec<&str> = sections[0]
        .pages
        .iter()
        .map(|&i| pages[i].title.as_str())
        .collect();
    assert_eq!(titles, ["Heavy", "New", "Old", "A", "B"]);
    let first = sections[0].pages[0];
    assert_eq!(pages[first].next, Some(sections[0].pages[1]));
    assert_eq!(pages[first].previous, None);
}

#[test]
fn assets_go_beside_their_bundle_or_their_section() {
    let (mut sections, mut pages, _, mut problems) = site_parts(&[
        ("a/_index.md", "---\ntitle: A\n---\n"),
        ("a/b/index.md", "---\ntitle: B\n---\n"),
    ]);
    let bundles = vec!["a/b".to_string()];
    let folders = SectionFolders::new(&sections);
    let others = vec![
        ("a/b/img/x.png".to_string(), PathBuf::from("/x.png")),
        ("a/y.pdf".to_string(), PathBuf::from("/y.pdf")),
        ("a/draft/z.png".to_string(), PathBuf::from("/z.png")),
    ];
    place_assets(
        others,
        &bundles,
        &folders,
        &mut pages,
        &mut sections,
        &mut problems,
    );
    assert_eq!(
        pages[0].assets,
        [("a/b/img/x.png".to_string(), PathBuf::from("/x.png"))]
    );
    let section_assets: Vec<&str> = sections[1].assets.iter().map(|(p, _)| p.as_str()).collect();
    assert_eq!(section_assets, ["a/y.pdf", "a/draft/z.png"]);
}

#[test]
fn terms_are_sorted_by_slug_and_unknown_taxonomies_are_errors() {
    let (_, mut pages, texts, mut problems) = site_parts(&[
        (
            "a.md",
            "---\ntitle: A\ntaxonomies:\n  roles: [Nurse, aide]\n---\n",
        ),
        (
            "b.md",
            "---\ntitle: B\ntaxonomies:\n  roles: [nurse]\n  colours: [red]\n---\n",
        ),
    ]);
    let config = config("[[taxonomies]]\nname = \"roles\"\n");
    let taxonomies = crate::content::terms::taxonomies(&config, &mut pages, &texts, &mut problems);
    let terms: Vec<(&str, &str, usize)> = taxonomies[0]
        .terms
        .iter()
        .map(|t| (t.slug.as_str(), t.title.as_str(), t.pages.len()))
        .collect();
    assert_eq!(terms, [("aide", "Aide", 1), ("nurse", "Nurse", 2)]);
    assert_eq!(pages[0].terms, [(0, vec![1, 0])]);
    assert_eq!(
        messages(&problems),
        [
            "content/b.md:5:3: error: `taxonomies.colours`: site.toml declares no taxonomy `colours` (declared: roles)\n  |\n5 |   colours: [red]\n  |   ^"
        ]
    );
}

#[test]
fn links_resolve_to_relative_urls_and_renderings_are_reused() {
    let (mut sections, mut pages, texts, mut problems) = site_parts(&[
        (
            "a.md",
            "---\ntitle: A\n---\nSee [B](@/b.md) and [gone](@/gone.md).\n",
        ),
        ("b.md", "---\ntitle: B\n---\nB.\n"),
    ]);
    let mut cache = empty_cache(None);
    let texts = texts_of(&texts, &[]);
    cache.render_markdown(&mut pages, &mut sections, texts, &config(""), &mut problems);
    assert!(
        pages[0].rendered.html.text().contains("href=\"../b/\""),
        "{}",
        pages[0].rendered.html.text()
    );
    assert_eq!(
        messages(&problems),
        [
            "content/a.md:4:21: error: link to `@/gone.md`: no such file in content/ (or it is a draft)\n  |\n4 | See [B](@/b.md) and [gone](@/gone.md).\n  |                     ^"
        ]
    );
    let first = Arc::clone(&pages[0].rendered);
    cache.render_markdown(
        &mut pages,
        &mut sections,
        texts,
        &config(""),
        &mut Problems::default(),
    );
    assert!(
        Arc::ptr_eq(&first, &pages[0].rendered),
        "the cached rendering was not reused"
    );
}

#[test]
fn a_link_to_a_file_with_an_error_is_no_second_error() {
    let (mut sections, mut pages, texts, mut problems) = site_parts(&[(
        "a.md",
        "---\ntitle: A\n---\nSee [broken](@/careers/nurse.md).\n",
    )]);
    let mut cache = empty_cache(None);
    let failed = vec!["careers/nurse.md".to_string()];
    let texts = texts_of(&texts, &failed);
    cache.render_markdown(&mut pages, &mut sections, texts, &config(""), &mut problems);
    assert_eq!(messages(&problems), Vec::<String>::new());
    assert!(
        pages[0]
            .rendered
            .html
            .text()
            .contains("href=\"../careers/nurse/\"")
    );
}

#[test]
fn a_full_build_keeps_pages_html_in_its_temporary_file_and_sections_html_in_memory() {
    let (mut sections, mut pages, texts, mut problems) = site_parts(&[
        ("a.md", "---\ntitle: A\n---\nSee [B](@/b.md).\n"),
        ("b.md", "---\ntitle: B\n---\nB.\n"),
    ]);
    let dir = tempfile::tempdir().unwrap();
    let mut cache = empty_cache(Some(crate::content::cache::ForBuild {
        spill: crate::markdown::HtmlSpill::new(dir.path()),
        schema_folders: Vec::new(),
    }));
    let texts = texts_of(&texts, &[]);
    cache.render_markdown(&mut pages, &mut sections, texts, &config(""), &mut problems);
    let rendered = &pages[0].rendered;
    assert!(rendered.spilled.is_some());
    assert!(rendered.html.is_empty());
    assert_eq!(
        rendered.html_text().unwrap(),
        "<p>See <a href=\"../b/\">B</a>.</p>\n"
    );
    assert_eq!(rendered.html_len(), rendered.html_text().unwrap().len());
}
