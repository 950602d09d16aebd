//! Responsive images through the real binary: the exact error a writer
//! sees for each kind of bad image and for missing alt text, and the cache
//! that lets a build with the same images encode and write nothing.

use std::path::Path;

use crate::support::{TempSite, read_tree, repo, stderr};

/// A PNG of 1000 x 500 pixels from the images fixture.
fn diagram() -> Vec<u8> {
    std::fs::read(repo().join("tests/fixtures/images/static/img/diagram.png")).unwrap()
}

/// A site with the fixture theme whose page `content/a.md` has `body`,
/// with each `(path, bytes)` written beside it.
fn site_with(body: &str, files: &[(&str, &[u8])]) -> TempSite {
    let site = TempSite::with_theme(&[
        ("content/_index.md", "---\ntitle: Home\n---\n"),
        (
            "content/a.md",
            &format!("---\ntitle: A\n---\nSee below.\n\n{body}\n"),
        ),
    ]);
    for (path, bytes) in files {
        let target = site.path().join(path);
        std::fs::create_dir_all(target.parent().unwrap()).unwrap();
        std::fs::write(target, bytes).unwrap();
    }
    site
}

/// Builds (with a base URL, so that nothing else is said) and returns
/// stderr; the build must fail, and leave no output.
fn fails_with(body: &str, files: &[(&str, &[u8])], expected: &str) {
    let site = site_with(body, files);
    let output = site.build(&["--quiet", "--base-url", "https://example.org/"]);
    assert_eq!(output.status.code(), Some(1), "{}", stderr(&output));
    assert_eq!(stderr(&output), expected);
    assert!(!site.path().join("dist").exists());
}

#[test]
fn an_image_without_alt_text_is_an_error_at_its_line() {
    fails_with(
        "![](diagram.png)",
        &[("content/diagram.png", &diagram())],
        "content/a.md:6:1: error: image `diagram.png` has no alt text: describe it, as in `![A chart of pay by year](diagram.png)`, or mark it as decoration with `![\"\"](diagram.png)`\n  |\n6 | ![](diagram.png)\n  | ^\n\nerror: build failed with 1 error\n",
    );
}

#[test]
fn a_file_that_is_not_an_image_names_the_file_and_the_line() {
    fails_with(
        "Here: ![A chart](chart.png)",
        &[("content/chart.png", b"this is a text file, not a picture\n")],
        "content/a.md:6:7: error: `content/chart.png` is not an image (its bytes are not PNG, JPEG, WebP or GIF)\n  |\n6 | Here: ![A chart](chart.png)\n  |       ^\n\nerror: build failed with 1 error\n",
    );
}

#[test]
fn a_truncated_png_names_the_file() {
    let truncated = &diagram()[..600];
    fails_with(
        "![A chart](chart.png)",
        &[("content/chart.png", truncated)],
        "content/a.md:6:1: error: `content/chart.png` is cut short: its data ends before the image does\n  |\n6 | ![A chart](chart.png)\n  | ^\n\nerror: build failed with 1 error\n",
    );
}

#[test]
fn a_png_named_jpg_is_refused_with_the_name_to_give_it() {
    fails_with(
        "![A chart](/img/chart.jpg)",
        &[("static/img/chart.jpg", &diagram())],
        "content/a.md:6:1: error: `static/img/chart.jpg` is a PNG image, but its name says JPEG: rename it to `chart.png`\n  |\n6 | ![A chart](/img/chart.jpg)\n  | ^\n\nerror: build failed with 1 error\n",
    );
}

#[test]
fn a_decompression_bomb_is_refused_from_its_header() {
    let bomb = std::fs::read(repo().join("tests/fixtures/images-bad/bomb.png")).unwrap();
    assert!(bomb.len() < 1024, "the bomb is a few hundred bytes");
    let started = std::time::Instant::now();
    fails_with(
        "![A huge plain square](bomb.png)",
        &[("content/bomb.png", &bomb)],
        "content/a.md:6:1: error: `content/bomb.png` is 50000 x 50000 pixels, more than medsite decodes (at most 50 megapixels, 20000 pixels a side)\n  |\n6 | ![A huge plain square](bomb.png)\n  | ^\n\nerror: build failed with 1 error\n",
    );
    assert!(started.elapsed().as_secs() < 10);
}

#[test]
fn every_page_showing_a_bad_image_is_named() {
    let site = site_with(
        "![A chart](/img/chart.png)",
        &[("static/img/chart.png", b"GIF89a")],
    );
    site.write(
        "content/b.md",
        "---\ntitle: B\n---\n![The same chart](/img/chart.png)\n",
    );
    let output = site.build(&["--quiet", "--base-url", "https://example.org/"]);
    let shown = stderr(&output);
    assert!(
        shown.starts_with(
            "content/a.md:6:1: error: `static/img/chart.png` is a GIF image, but its name says PNG"
        ),
        "{shown}"
    );
    assert!(
        shown.contains("content/b.md:4:1: error: `static/img/chart.png`"),
        "{shown}"
    );
    assert!(
        shown.ends_with("error: build failed with 2 errors\n"),
        "{shown}"
    );
}

/// Each file under `dir` with its modification time.
fn times(dir: &Path) -> Vec<(String, std::time::SystemTime)> {
    read_tree(dir)
        .into_keys()
        .map(|name| {
            let modified = std::fs::metadata(dir.join(&name))
                .unwrap()
                .modified()
                .unwrap();
            (name, modified)
        })
        .collect()
}

#[test]
fn a_second_build_with_the_same_images_encodes_and_writes_nothing() {
    let site = site_with(
        "![A chart](diagram.png)",
        &[("content/diagram.png", &diagram())],
    );
    let build = || {
        let output = site.build(&["--base-url", "https://example.org/"]);
        assert!(output.status.success(), "{}", stderr(&output));
        String::from_utf8(output.stdout).unwrap()
    };
    let first = build();
    assert!(first.contains("written)"), "{first}");
    let cache = site.path().join(".medsite/cache/images");
    let cached = times(&cache);
    // With the default widths, 480 and 960 px in PNG; those and the
    // original's 1000 px in WebP.
    assert_eq!(cached.len(), 5, "{cached:?}");
    // Touching the page makes the build run in full (its input stamp
    // changed) without changing a byte of input.
    let page = site.path().join("content/a.md");
    let text = std::fs::read(&page).unwrap();
    std::thread::sleep(std::time::Duration::from_millis(20));
    std::fs::write(&page, text).unwrap();
    let second = build();
    assert!(second.contains("(0 written)"), "{second}");
    assert_eq!(times(&cache), cached, "no image was encoded again");
}
