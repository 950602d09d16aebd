//! Social cards and preview tags through the real binary: a card beside
//! every page and section with a base URL, none without one, the same
//! bytes on every build, and what a theme author sees for a broken card.

use crate::support::{TempSite, read_tree, stderr};

/// Width and height of a PNG, from its IHDR chunk.
pub fn png_size(png: &[u8]) -> (u32, u32) {
    assert_eq!(&png[..8], b"\x89PNG\r\n\x1a\n", "not a PNG");
    assert_eq!(&png[12..16], b"IHDR", "no IHDR first");
    let number = |at: usize| u32::from_be_bytes(png[at..at + 4].try_into().unwrap());
    (number(16), number(20))
}

const POST: &str = "---\ntitle: Hello & welcome\ndate: 2026-01-02\n---\nBody.\n";

fn starter(base_url: Option<&str>) -> TempSite {
    let config = match base_url {
        Some(url) => format!("title = \"Site\"\nbase_url = \"{url}\"\n"),
        None => "title = \"Site\"\n".to_string(),
    };
    TempSite::new(&[
        ("site.toml", &config),
        ("content/_index.md", "---\ntitle: Home\n---\n"),
        ("content/posts/_index.md", "---\ntitle: Posts\n---\n"),
        ("content/posts/hello.md", POST),
    ])
}

#[test]
fn every_page_and_section_gets_a_1200_by_630_card_named_by_its_tags() {
    let site = starter(Some("https://example.org/"));
    let output = site.build(&["--quiet"]);
    assert!(output.status.success(), "{}", stderr(&output));
    let dist = read_tree(&site.path().join("dist"));
    for (page, card) in [
        ("index.html", "card.png"),
        ("posts/index.html", "posts/card.png"),
        ("posts/hello/index.html", "posts/hello/card.png"),
    ] {
        assert_eq!(png_size(&dist[card]), (1200, 630), "{card}");
        let html = String::from_utf8_lossy(&dist[page]);
        let tag = format!("<meta property=\"og:image\" content=\"https://example.org/{card}\">");
        assert!(html.contains(&tag), "{page}: {html}");
        assert!(html.contains("<meta name=\"twitter:card\" content=\"summary_large_image\">"));
    }
    let post = String::from_utf8_lossy(&dist["posts/hello/index.html"]);
    for tag in [
        "<meta property=\"og:title\" content=\"Hello &amp; welcome\">",
        "<meta property=\"og:type\" content=\"article\">",
        "<meta property=\"og:url\" content=\"https://example.org/posts/hello/\">",
        "<meta property=\"article:published_time\" content=\"2026-01-02\">",
    ] {
        assert!(post.contains(tag), "{tag} missing: {post}");
    }
}

#[test]
fn without_a_base_url_there_is_no_card_and_no_og_image() {
    let site = starter(None);
    assert!(site.build(&["--quiet"]).status.success());
    let dist = read_tree(&site.path().join("dist"));
    assert!(!dist.keys().any(|path| path.ends_with(".png")));
    let post = String::from_utf8_lossy(&dist["posts/hello/index.html"]);
    assert!(!post.contains("og:image"), "{post}");
    assert!(!post.contains("og:url"), "{post}");
    assert!(post.contains("<meta name=\"twitter:card\" content=\"summary\">"));
    assert!(post.contains("<meta property=\"og:title\" content=\"Hello &amp; welcome\">"));
}

#[test]
fn two_builds_give_the_same_card_bytes_and_a_rebuild_writes_no_card() {
    let site = starter(Some("https://example.org/"));
    let (one, two) = (site.path().join("one"), site.path().join("two"));
    let first = site.build(&["--quiet", "--output", one.to_str().unwrap()]);
    assert!(first.status.success(), "{}", stderr(&first));
    let second = site.build(&["--quiet", "--output", two.to_str().unwrap()]);
    assert!(second.status.success(), "{}", stderr(&second));
    assert_eq!(read_tree(&one), read_tree(&two));
    // A new stamp (the file is written again, unchanged) renders again.
    std::thread::sleep(std::time::Duration::from_millis(20));
    site.write("content/posts/hello.md", POST);
    let again = site.build(&["--output", one.to_str().unwrap()]);
    let shown = String::from_utf8_lossy(&again.stdout);
    assert!(shown.contains("(0 written)"), "{shown}");
}

#[test]
fn a_card_template_that_is_not_svg_is_an_error_naming_the_template() {
    let site = starter(Some("https://example.org/"));
    site.write(
        "templates/card.svg",
        "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"1200\" height=\"630\">\n<text>{{ site.title }}</txt>\n</svg>\n",
    );
    let output = site.build(&["--quiet"]);
    assert_eq!(output.status.code(), Some(1));
    assert_eq!(
        stderr(&output),
        "templates/card.svg: error: the card is not valid SVG: expected 'text' tag, not 'txt' (line 2, column 11 of the rendered SVG) (while rendering content/_index.md and 2 other outputs)\n\nerror: build failed with 1 error\n"
    );
}

#[test]
fn a_card_of_another_size_is_refused() {
    let site = starter(Some("https://example.org/"));
    site.write(
        "templates/card.svg",
        "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"600\" height=\"315\"></svg>\n",
    );
    let output = site.build(&["--quiet"]);
    assert_eq!(
        stderr(&output),
        "templates/card.svg: error: the card must be 1200x630 (the <svg> element's width and height), not 600x315 (while rendering content/_index.md and 2 other outputs)\n\nerror: build failed with 1 error\n"
    );
}
