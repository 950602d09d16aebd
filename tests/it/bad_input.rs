//! The bad-input catalogue (docs/bad-input.md), one test per row: what a
//! writer sees, whether the build goes on, and that nothing is lost.

use std::process::Command;
use std::time::{Duration, Instant};

use crate::support::{TempSite, read_tree, stderr};

const HOME: (&str, &str) = ("content/_index.md", "---\ntitle: Home\n---\n");

fn site(files: &[(&str, &str)]) -> TempSite {
    let mut all = vec![HOME];
    all.extend_from_slice(files);
    TempSite::with_theme(&all)
}

/// Builds and returns (exit code, stderr); the site's own files must be
/// unchanged afterwards, whatever happened. With a base URL, so that what
/// is shown is about the input only (without one, `build` warns that it
/// leaves out the sitemap).
fn build(site: &TempSite, args: &[&str]) -> (Option<i32>, String) {
    let content_before = read_tree(&site.path().join("content"));
    let mut args = args.to_vec();
    args.extend(["--base-url", "https://example.org/"]);
    let output = site.build(&args);
    assert_eq!(
        read_tree(&site.path().join("content")),
        content_before,
        "the build changed content/"
    );
    (output.status.code(), stderr(&output))
}

fn fails_with(files: &[(&str, &str)], expected: &str) {
    let site = site(files);
    let (code, shown) = build(&site, &["--quiet"]);
    assert_eq!(code, Some(1), "{shown}");
    assert_eq!(shown, expected);
}

fn page(site: &TempSite, path: &str) -> String {
    std::fs::read_to_string(site.path().join("dist").join(path)).unwrap()
}

#[test]
fn tabs_in_yaml() {
    fails_with(
        &[("content/a.md", "---\ntitle: A\n\tweight: 2\n---\n")],
        "content/a.md:3:1: error: invalid YAML: while scanning a plain scalar, found a tab\n  |\n3 |  weight: 2\n  | ^\n\nerror: build failed with 1 error\n",
    );
}

#[test]
fn duplicate_yaml_keys() {
    fails_with(
        &[("content/a.md", "---\ntitle: A\nweight: 1\nweight: 2\n---\n")],
        "content/a.md:4:1: error: duplicate key `weight`: it is already set above in this map\n  |\n4 | weight: 2\n  | ^\n\nerror: build failed with 1 error\n",
    );
}

#[test]
fn duplicate_toml_keys() {
    fails_with(
        &[("content/a.md", "+++\ntitle = \"A\"\ntitle = \"B\"\n+++\n")],
        "content/a.md:3:1: error: invalid TOML front matter: duplicate key\n  |\n3 | title = \"B\"\n  | ^\n\nerror: build failed with 1 error\n",
    );
}

#[test]
fn malformed_toml() {
    fails_with(
        &[("content/a.md", "+++\ntitle = A\n+++\n")],
        "content/a.md:2:9: error: invalid TOML front matter: string values must be quoted, expected literal string\n  |\n2 | title = A\n  |         ^\n\nerror: build failed with 1 error\n",
    );
}

#[test]
fn malformed_json() {
    fails_with(
        &[(
            "content/a.md",
            "{\n  \"title\": \"A\",\n  \"weight\": ,\n}\nBody\n",
        )],
        "content/a.md:3:13: error: invalid JSON front matter: expected value\n  |\n3 |   \"weight\": ,\n  |             ^\n\nerror: build failed with 1 error\n",
    );
}

#[test]
fn duplicate_json_keys() {
    fails_with(
        &[(
            "content/a.md",
            "{\n  \"title\": \"A\",\n  \"title\": \"B\"\n}\n",
        )],
        "content/a.md:3:9: error: invalid JSON front matter: duplicate key `title`\n  |\n3 |   \"title\": \"B\"\n  |         ^\n\nerror: build failed with 1 error\n",
    );
}

#[test]
fn deep_nesting() {
    let deep = format!(
        "---\ntitle: A\nextra: {}{}\n---\n",
        "[".repeat(100),
        "]".repeat(100)
    );
    fails_with(
        &[("content/a.md", &deep)],
        "content/a.md:3:39: error: front matter is nested more than 32 levels deep\n  |\n3 | extra: [[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]\n  |                                       ^\n\nerror: build failed with 1 error\n",
    );
}

#[test]
fn non_utf8_bytes() {
    let site = site(&[]);
    std::fs::write(
        site.path().join("content/a.md"),
        b"---\ntitle: A\n---\nbad \xff\xfe bytes\n",
    )
    .unwrap();
    let (code, shown) = build(&site, &["--quiet"]);
    assert_eq!(code, Some(1));
    assert_eq!(
        shown,
        "content/a.md:4:5: error: the file is not valid UTF-8: save it as UTF-8\n  |\n4 | bad �� bytes\n  |     ^\n\nerror: build failed with 1 error\n"
    );
}

#[test]
fn file_over_the_size_limit() {
    let big = format!("---\ntitle: Big\n---\n{}", "word ".repeat(1_000_000));
    fails_with(
        &[("content/a.md", &big)],
        "content/a.md: error: the file is 5 MB; medsite reads Markdown files of up to 4 MB\n\nerror: build failed with 1 error\n",
    );
}

#[test]
fn empty_file() {
    fails_with(
        &[("content/a.md", "")],
        "content/a.md:1:1: error: the page has no `title` in its front matter\n\nerror: build failed with 1 error\n",
    );
}

#[test]
fn front_matter_only_builds_an_empty_page() {
    let site = site(&[("content/a.md", "---\ntitle: Only front matter\n---\n")]);
    assert_eq!(build(&site, &["--quiet"]), (Some(0), String::new()));
    assert!(page(&site, "a/index.html").contains("<h1>Only front matter</h1>"));
}

#[test]
fn byte_order_mark_is_stripped_not_published() {
    let site = site(&[("content/a.md", "\u{feff}---\ntitle: BOM\n---\nBody.\n")]);
    assert_eq!(build(&site, &["--quiet"]), (Some(0), String::new()));
    let html = page(&site, "a/index.html");
    assert!(
        html.contains("<h1>BOM</h1>") && !html.contains("title: BOM"),
        "{html}"
    );
}

#[test]
fn crlf_line_endings_build() {
    let site = site(&[(
        "content/a.md",
        "---\r\ntitle: CRLF\r\nweight: 1\r\n---\r\nBody.\r\n",
    )]);
    assert_eq!(build(&site, &["--quiet"]), (Some(0), String::new()));
    assert!(page(&site, "a/index.html").contains("<h1>CRLF</h1>"));
}

#[test]
fn symlink_loop_is_not_followed() {
    let site = site(&[("content/a.md", "---\ntitle: A\n---\n")]);
    std::os::unix::fs::symlink("..", site.path().join("content/loop")).unwrap();
    let (code, shown) = build(&site, &["--quiet"]);
    assert_eq!(code, Some(0));
    assert_eq!(
        shown,
        "content/loop: warning: symbolic links to folders are not followed\n\n"
    );
}

#[test]
fn symlink_leaving_the_site_is_refused() {
    let outside = tempfile::tempdir().unwrap();
    std::fs::write(
        outside.path().join("secret.md"),
        "---\ntitle: Secret\n---\n",
    )
    .unwrap();
    let site = site(&[]);
    std::os::unix::fs::symlink(
        outside.path().join("secret.md"),
        site.path().join("content/secret.md"),
    )
    .unwrap();
    let (code, shown) = build(&site, &["--quiet"]);
    assert_eq!(code, Some(1));
    assert_eq!(
        shown,
        "content/secret.md: error: symbolic link points outside the site or nowhere; medsite reads only files inside the site\n\nerror: build failed with 1 error\n"
    );
}

#[test]
fn path_traversal_through_theme_is_refused() {
    // A theme outside the site, complete enough to build if it were used.
    let outside = tempfile::tempdir().unwrap();
    let templates = outside.path().join("evil/templates");
    std::fs::create_dir_all(&templates).unwrap();
    std::fs::write(templates.join("index.html"), "from outside").unwrap();
    let site = site(&[]);
    let theme = outside.path().join("evil");
    for value in [format!("{}", theme.display()), "../../evil".to_string()] {
        site.write(
            "site.toml",
            &format!("title = \"T\"\ntheme = \"{value}\"\n"),
        );
        let (code, shown) = build(&site, &["--quiet"]);
        assert_eq!(code, Some(1), "{shown}");
        assert_eq!(
            shown,
            format!(
                "site.toml:2:1: error: theme `{value}` must be the name of a folder in `themes/`, such as `default`, not a path\n  |\n2 | theme = \"{value}\"\n  | ^\n\nerror: build failed with 1 error\n"
            )
        );
    }
}

#[test]
fn a_static_file_on_a_generated_path_names_both_sides() {
    let site = site(&[
        ("content/about.md", "---\ntitle: About\n---\n"),
        ("static/about/index.html", "<p>old about page</p>\n"),
        ("static/robots.txt", "User-agent: *\n"),
    ]);
    let (code, shown) = build(&site, &["--quiet"]);
    assert_eq!(code, Some(1), "{shown}");
    assert_eq!(
        shown,
        "static/about/index.html: error: `about/index.html` would be written twice, from content/about.md and from static/about/index.html: rename or remove one of them\n\n\
         static/robots.txt: error: `robots.txt` would be written twice, from medsite's `robots.txt` (made with the `robots.txt` template, which templates/robots.txt overrides) and from static/robots.txt: rename or remove one of them\n\n\
         error: build failed with 2 errors\n"
    );
}

#[test]
fn a_file_where_another_output_needs_a_folder_names_both() {
    let site = site(&[
        (
            "content/b.md",
            "---\ntitle: B\naliases: [\"/atom.xml\"]\n---\n",
        ),
        ("static/robots.txt/a.txt", "x\n"),
    ]);
    let (code, shown) = build(&site, &["--quiet"]);
    assert_eq!(code, Some(1), "{shown}");
    assert_eq!(
        shown,
        "content: error: `atom.xml` is a file, from medsite's `atom.xml` (made with the `atom.xml` template, which templates/atom.xml overrides), but `atom.xml/index.html`, from an alias of content/b.md, needs it to be a folder: rename one of them\n\n\
         static/robots.txt/a.txt: error: `robots.txt` is a file, from medsite's `robots.txt` (made with the `robots.txt` template, which templates/robots.txt overrides), but `robots.txt/a.txt`, from static/robots.txt/a.txt, needs it to be a folder: rename one of them\n\n\
         error: build failed with 2 errors\n"
    );
}

#[test]
fn unicode_normalisation_collision() {
    // "café" precomposed (NFC) and decomposed (NFD) slugify to one URL.
    fails_with(
        &[
            ("content/caf\u{e9}.md", "---\ntitle: A\n---\n"),
            ("content/cafe\u{301}.md", "---\ntitle: B\n---\n"),
        ],
        "content/café.md: error: `/cafe/` is also the URL of content/cafe\u{301}.md: give one of them another `slug` or file name\n\nerror: build failed with 1 error\n",
    );
}

#[test]
fn script_in_front_matter_values_is_escaped() {
    let site = site(&[(
        "content/a.md",
        "---\ntitle: \"<script>alert(1)</script>\"\ndescription: \"</script><b>x\"\n---\n",
    )]);
    assert_eq!(build(&site, &["--quiet"]), (Some(0), String::new()));
    let html = page(&site, "a/index.html");
    assert!(!html.contains("<script>alert(1)"), "{html}");
    assert!(
        html.contains("&lt;script&gt;alert(1)&lt;&#x2F;script&gt;")
            || html.contains("&lt;script&gt;alert(1)&lt;/script&gt;"),
        "{html}"
    );
}

#[test]
fn raw_html_passes_by_default() {
    let site = site(&[("content/a.md", "---\ntitle: A\n---\n<mark>kept</mark>\n")]);
    assert_eq!(build(&site, &["--quiet"]), (Some(0), String::new()));
    assert!(page(&site, "a/index.html").contains("<mark>kept</mark>"));
}

#[test]
fn raw_html_can_be_escaped() {
    let site = site(&[("content/a.md", "---\ntitle: A\n---\n<mark>shown</mark>\n")]);
    site.write(
        "site.toml",
        "title = \"T\"\ntheme = \"fixture\"\n[markdown]\nraw_html = \"escape\"\n",
    );
    assert_eq!(build(&site, &["--quiet"]), (Some(0), String::new()));
    assert!(page(&site, "a/index.html").contains("&lt;mark&gt;shown&lt;/mark&gt;"));
}

#[test]
fn raw_html_can_be_stripped() {
    let site = site(&[(
        "content/a.md",
        "---\ntitle: A\n---\n<mark>text</mark>\n\n<script>alert(1)</script>\n",
    )]);
    site.write(
        "site.toml",
        "title = \"T\"\ntheme = \"fixture\"\n[markdown]\nraw_html = \"strip\"\n",
    );
    assert_eq!(build(&site, &["--quiet"]), (Some(0), String::new()));
    let html = page(&site, "a/index.html");
    assert!(
        html.contains("<p>text</p>") && !html.contains("<mark>") && !html.contains("alert"),
        "{html}"
    );
}

#[test]
fn unknown_raw_html_policy_is_an_error() {
    let site = site(&[]);
    site.write(
        "site.toml",
        "title = \"T\"\ntheme = \"fixture\"\n[markdown]\nraw_html = \"allow\"\n",
    );
    let (code, shown) = build(&site, &[]);
    assert_eq!(code, Some(1));
    assert_eq!(
        shown,
        "site.toml:4:12: error: unknown variant `allow`, expected one of `pass`, `escape`, `strip`\n  |\n4 | raw_html = \"allow\"\n  |            ^\n\nerror: build failed with 1 error\n"
    );
}

#[test]
fn javascript_links_are_dropped_with_a_warning() {
    let site = site(&[(
        "content/a.md",
        "---\ntitle: A\n---\n[click](javascript:alert(1)) and <a href=\"JAVASCRIPT:alert(2)\">raw</a>\n",
    )]);
    let (code, shown) = build(&site, &["--quiet"]);
    assert_eq!(code, Some(0));
    assert_eq!(
        shown,
        "content/a.md:4:1: warning: `javascript:alert(1)` is a script URL: the link was left out\n  |\n4 | [click](javascript:alert(1)) and <a href=\"JAVASCRIPT:alert(2)\">raw</a>\n  | ^\n\n"
    );
    let html = page(&site, "a/index.html");
    assert!(!html.to_lowercase().contains("javascript:"), "{html}");
    assert!(html.contains("click and <a>raw</a>"), "{html}");
}

#[test]
fn fifty_thousand_nested_quotes() {
    let body = format!("---\ntitle: Deep\n---\n{}deep\n", "> ".repeat(50_000));
    let site = site(&[("content/a.md", &body)]);
    let (code, _) = build(&site, &["--quiet"]);
    assert_eq!(code, Some(0));
    assert!(page(&site, "a/index.html").contains("deep"));
}

/// Runs a build with at most 1 GB of address space and 10 s.
fn bounded_build(site: &TempSite) -> (Option<i32>, Duration) {
    let started = Instant::now();
    let mut child = Command::new("sh")
        .arg("-c")
        .arg(format!(
            "ulimit -v 1048576 && exec '{}' build --quiet --root '{}'",
            env!("CARGO_BIN_EXE_medsite"),
            site.path().display()
        ))
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
    loop {
        if let Some(status) = child.try_wait().unwrap() {
            return (status.code(), started.elapsed());
        }
        if started.elapsed() > Duration::from_secs(10) {
            child.kill().unwrap();
            panic!("the build ran over 10 seconds");
        }
        std::thread::sleep(Duration::from_millis(20));
    }
}

#[test]
fn no_input_takes_over_a_gigabyte_or_ten_seconds() {
    let bomb = format!(
        "---\ntitle: A\na: &a [{}]\nb: [{}]\n---\n",
        ["\"lol\""; 9].join(","),
        ["*a"; 9].join(",")
    );
    let cases: Vec<(&str, String, Option<i32>)> = vec![
        ("alias bomb", bomb, Some(1)),
        (
            "deep nesting",
            format!(
                "---\ntitle: A\nextra: {}{}\n---\n",
                "[".repeat(5000),
                "]".repeat(5000)
            ),
            Some(1),
        ),
        (
            "nested quotes",
            format!("---\ntitle: A\n---\n{}x\n", "> ".repeat(50_000)),
            Some(0),
        ),
        (
            "nested lists",
            format!("---\ntitle: A\n---\n{}x\n", "- ".repeat(50_000)),
            Some(0),
        ),
        (
            "nested emphasis",
            format!(
                "---\ntitle: A\n---\n{}x{}\n",
                "*_".repeat(50_000),
                "_*".repeat(50_000)
            ),
            Some(0),
        ),
        (
            "largest allowed file",
            format!(
                "---\ntitle: A\n---\n{}",
                "word [link](x) *em* `code`\n".repeat(130_000)
            ),
            Some(0),
        ),
        (
            "over the limit",
            format!("---\ntitle: A\n---\n{}", "word ".repeat(1_000_000)),
            Some(1),
        ),
    ];
    for (name, text, expected) in cases {
        let site = site(&[("content/a.md", &text)]);
        let (code, elapsed) = bounded_build(&site);
        assert_eq!(code, expected, "{name}: exit code under a 1 GB limit");
        assert!(elapsed < Duration::from_secs(10), "{name} took {elapsed:?}");
    }
}
