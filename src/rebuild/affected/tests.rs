//! Each step of [`affected_jobs`] on two sites assembled in memory: the
//! site on disk (`old`) and the site after an edit (`new`).

use super::*;
use crate::content::site_from_texts;
use crate::plan;

const CONFIG: &str = "title = \"Site\"\nbase_url = \"https://example.org/\"\n\
[[taxonomies]]\nname = \"tags\"\n";

/// The site before any edit: a blog of three dated pages (a, b, c by
/// date and title), one undated page, and a guide section below the blog.
const SITE: &[(&str, &str)] = &[
    ("blog/_index.md", "---\ntitle: Blog\n---\n"),
    (
        "blog/a.md",
        "---\ntitle: A\ndate: 2024-01-01\ntaxonomies:\n  tags: [Care]\n---\nText of A.\n",
    ),
    (
        "blog/b.md",
        "---\ntitle: B\ndate: 2024-01-02\ntaxonomies:\n  tags: [care]\n---\nText of B.\n",
    ),
    (
        "blog/c.md",
        "---\ntitle: C\ndate: 2024-01-03\n---\nText of C.\n",
    ),
    ("blog/guides/_index.md", "---\ntitle: Guides\n---\n"),
    ("blog/guides/g.md", "---\ntitle: G\n---\nText of G.\n"),
];

/// The site, with `edits` replacing (or adding) files by path.
fn site_with(edits: &[(&str, &str)]) -> Site {
    let mut files: Vec<(&str, &str)> = SITE
        .iter()
        .filter(|(path, _)| !edits.iter().any(|(edited, _)| edited == path))
        .copied()
        .collect();
    files.extend_from_slice(edits);
    site_from_texts(CONFIG, &files)
}

fn page(site: &Site, source: &str) -> usize {
    site.pages.iter().position(|p| p.source == source).unwrap()
}

fn section(site: &Site, folder: &str) -> usize {
    site.sections
        .iter()
        .position(|s| s.folder == folder)
        .unwrap()
}

/// The output paths of the jobs that `edits` affect, with no tainted template.
fn affected(edits: &[(&str, &str)]) -> Vec<String> {
    affected_by(edits, &Tainted::default())
}

fn affected_by(edits: &[(&str, &str)], tainted: &Tainted) -> Vec<String> {
    let (old, new) = (site_with(&[]), site_with(edits));
    let mut outputs: Vec<String> = affected_jobs(&old, &new, tainted, &plan::jobs(&new))
        .into_iter()
        .map(|job| job.output)
        .collect();
    outputs.sort();
    outputs
}

#[test]
fn a_new_section_changes_the_structure_and_every_job_is_rendered() {
    let old = site_with(&[]);
    let new = site_with(&[("news/_index.md", "---\ntitle: News\n---\n")]);
    assert!(same_structure(&old, &old.clone()));
    assert!(!same_structure(&old, &new));
    let jobs = plan::jobs(&new);
    assert_eq!(affected_jobs(&old, &new, &Tainted::default(), &jobs), jobs);
}

#[test]
fn a_body_edit_changes_the_page_but_not_what_lists_show_of_it() {
    let old = site_with(&[]);
    let edit = "---\ntitle: A\ndate: 2024-01-01\ntaxonomies:\n  tags: [Care]\n---\nNew text.\n";
    let new = site_with(&[("blog/a.md", edit)]);
    let changes = page_changes(&old, &new);
    let a = page(&new, "blog/a.md");
    assert!(changes.changed[a]);
    assert!(!changes.listing_changed[a]);
    assert_eq!(changes.changed.iter().filter(|&&c| c).count(), 1);
    assert!(!changes.added_or_removed);
}

#[test]
fn a_title_edit_changes_what_lists_show_and_a_new_page_is_added() {
    let old = site_with(&[]);
    let new = site_with(&[
        (
            "blog/c.md",
            "---\ntitle: See\ndate: 2024-01-03\n---\nText of C.\n",
        ),
        ("blog/d.md", "---\ntitle: D\n---\n"),
    ]);
    let changes = page_changes(&old, &new);
    let (c, d) = (page(&new, "blog/c.md"), page(&new, "blog/d.md"));
    assert!(changes.listing_changed[c]);
    assert_eq!(changes.old_of[d], None);
    assert!(changes.changed[d] && changes.listing_changed[d]);
    assert!(changes.added_or_removed);
}

#[test]
fn a_section_is_dirty_when_a_listed_page_shows_differently_and_its_parent_is_not() {
    let old = site_with(&[]);
    let new = site_with(&[("blog/guides/g.md", "---\ntitle: Gee\n---\nText of G.\n")]);
    let pages = page_changes(&old, &new);
    let sections = section_changes(&old, &new, &pages);
    assert!(sections.dirty[section(&new, "blog/guides")]);
    assert!(!sections.dirty[section(&new, "blog")]);
    assert!(!sections.link_changed.iter().any(|&c| c));
}

#[test]
fn a_renamed_section_changes_the_breadcrumbs_of_everything_below_it() {
    let old = site_with(&[]);
    let new = site_with(&[("blog/_index.md", "---\ntitle: Journal\n---\n")]);
    let pages = page_changes(&old, &new);
    let sections = section_changes(&old, &new, &pages);
    let (blog, guides) = (section(&new, "blog"), section(&new, "blog/guides"));
    assert!(sections.link_changed[blog] && !sections.link_changed[guides]);
    assert!(sections.ancestry_changed(&new, Some(guides)));
    // The guides' page shows the blog in its breadcrumbs; the home page
    // lists the blog as a subsection.
    assert!(sections.dirty[guides] && sections.dirty[section(&new, "")]);
    let terms = term_changes(&old, &new, &pages);
    let dirty = pages_dirty(&old, &new, &pages, &sections, &terms);
    assert!(dirty.iter().all(|&d| d));
}

#[test]
fn a_term_spelled_first_another_way_is_renamed_on_every_page_carrying_it() {
    let old = site_with(&[]);
    // `a` spelled the term first ("Care"); now it spells it "CARE".
    let edit = "---\ntitle: A\ndate: 2024-01-01\ntaxonomies:\n  tags: [CARE]\n---\nText of A.\n";
    let new = site_with(&[("blog/a.md", edit)]);
    let pages = page_changes(&old, &new);
    let terms = term_changes(&old, &new, &pages);
    assert_eq!(terms.renamed, BTreeSet::from([(0, "care")]));
    assert_eq!(terms.dirty, BTreeSet::from([(0, 0)]));
    assert_eq!(terms.lists_dirty, BTreeSet::from([0]));
    let sections = section_changes(&old, &new, &pages);
    let dirty = pages_dirty(&old, &new, &pages, &sections, &terms);
    // `b` carries the term under its new name; `c` does not carry it.
    assert!(dirty[page(&new, "blog/b.md")]);
    assert!(!dirty[page(&new, "blog/c.md")]);
}

#[test]
fn a_page_whose_neighbour_shows_differently_is_rendered_again() {
    let old = site_with(&[]);
    let new = site_with(&[(
        "blog/b.md",
        "---\ntitle: Bee\ndate: 2024-01-02\ntaxonomies:\n  tags: [care]\n---\nText of B.\n",
    )]);
    let pages = page_changes(&old, &new);
    let sections = section_changes(&old, &new, &pages);
    let terms = term_changes(&old, &new, &pages);
    let dirty = pages_dirty(&old, &new, &pages, &sections, &terms);
    let dirty_sources: Vec<&str> = new
        .pages
        .iter()
        .zip(&dirty)
        .filter(|(_, d)| **d)
        .map(|(p, _)| p.source.as_str())
        .collect();
    // b itself, and a and c beside it in the blog's order.
    assert_eq!(dirty_sources, ["blog/a.md", "blog/b.md", "blog/c.md"]);
}

#[test]
fn the_feed_changes_with_its_newest_pages_and_not_with_an_undated_one() {
    let old = site_with(&[]);
    let undated = site_with(&[("blog/guides/g.md", "---\ntitle: G\n---\nOther text.\n")]);
    assert!(!feed_dirty(&old, &undated, &page_changes(&old, &undated)));
    let dated = site_with(&[(
        "blog/c.md",
        "---\ntitle: C\ndate: 2024-01-03\n---\nOther text.\n",
    )]);
    assert!(feed_dirty(&old, &dated, &page_changes(&old, &dated)));
}

#[test]
fn the_sitemap_changes_with_a_date_and_not_with_a_text() {
    let old = site_with(&[]);
    let steps = |new: &Site| {
        let pages = page_changes(&old, new);
        let sections = section_changes(&old, new, &pages);
        let terms = term_changes(&old, new, &pages);
        sitemap_dirty(&old, new, &pages, &sections, &terms)
    };
    let text = site_with(&[(
        "blog/c.md",
        "---\ntitle: C\ndate: 2024-01-03\n---\nOther.\n",
    )]);
    assert!(!steps(&text));
    let date = site_with(&[(
        "blog/c.md",
        "---\ntitle: C\ndate: 2024-02-03\n---\nText of C.\n",
    )]);
    assert!(steps(&date));
}

#[test]
fn a_text_edit_renders_the_page_and_the_feeds_that_carry_it() {
    let edit = "---\ntitle: A\ndate: 2024-01-01\ntaxonomies:\n  tags: [Care]\n---\nNew text.\n";
    assert_eq!(
        affected(&[("blog/a.md", edit)]),
        [
            "atom.xml",
            "blog/a/index.html",
            "blog/atom.xml",
            "tags/care/atom.xml"
        ]
    );
}

#[test]
fn templates_that_read_any_section_or_every_page_are_rendered_when_those_change() {
    let tainted = Tainted {
        by_sections: BTreeSet::from(["404.html".to_string()]),
        by_pages: BTreeSet::from(["robots.txt".to_string()]),
        by_data: BTreeSet::new(),
        by_assets: BTreeSet::new(),
        by_images: BTreeSet::new(),
    };
    // A text edit changes no list: neither is rendered.
    let text = "---\ntitle: G\n---\nOther text.\n";
    assert_eq!(
        affected_by(&[("blog/guides/g.md", text)], &tainted),
        ["blog/guides/atom.xml", "blog/guides/g/index.html"]
    );
    // A title shows in the guides' list and in `get_pages`.
    let title = "---\ntitle: Gee\n---\nText of G.\n";
    let outputs = affected_by(&[("blog/guides/g.md", title)], &tainted);
    assert!(outputs.contains(&"404.html".to_string()));
    assert!(outputs.contains(&"robots.txt".to_string()));
    assert!(outputs.contains(&"blog/guides/index.html".to_string()));
}

#[test]
fn templates_calling_asset_are_rendered_when_a_fingerprint_changes() {
    let tainted = Tainted {
        by_assets: BTreeSet::from(["404.html".to_string()]),
        ..Tainted::default()
    };
    let old = site_with(&[]);
    let mut new = site_with(&[]);
    let jobs = plan::jobs(&new);
    let outputs = |old: &Site, new: &Site| -> Vec<String> {
        affected_jobs(old, new, &tainted, &jobs)
            .into_iter()
            .map(|job| job.output)
            .collect()
    };
    assert_eq!(outputs(&old, &new), Vec::<String>::new());
    new.fingerprints.insert(
        "style.css".into(),
        crate::assets::fingerprint("style.css", b"body{}"),
    );
    assert_eq!(outputs(&old, &new), ["404.html"]);
}
