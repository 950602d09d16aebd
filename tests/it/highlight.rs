//! Code highlighting through the real binary: what a writer sees for an
//! unknown language or theme, and what a reader's browser gets (classes,
//! no inline styles, a light and a dark stylesheet).

use crate::support::{TempSite, read_tree, stderr};

const PAGE: &str = "---\ntitle: Home\n---\n```rust\nlet x = 1;\n```\n\n```klingon\nQapla'\n```\n";

fn site(markdown: &str) -> TempSite {
    TempSite::new(&[
        (
            "site.toml",
            &format!("title = \"T\"\nbase_url = \"https://example.org/\"\n{markdown}"),
        ),
        ("content/_index.md", PAGE),
    ])
}

#[test]
fn an_unknown_language_is_left_plain_with_a_warning_at_its_fence() {
    let site = site("[markdown]\nhighlight = true\n");
    let output = site.build(&["--quiet"]);
    assert!(output.status.success(), "{}", stderr(&output));
    assert_eq!(
        stderr(&output),
        "content/_index.md:8:1: warning: no highlighting for the language `klingon`: the code block is left plain\n  |\n8 | ```klingon\n  | ^\n\n"
    );
    let home = std::fs::read_to_string(site.path().join("dist/index.html")).unwrap();
    assert!(
        home.contains("<pre tabindex=\"0\"><code class=\"language-klingon\">Qapla'\n</code></pre>"),
        "{home}"
    );
}

#[test]
fn highlighted_output_has_classes_no_style_attribute_and_both_stylesheets() {
    let site = site("[markdown]\nhighlight = true\n");
    assert!(site.build(&["--quiet"]).status.success());
    let dist = read_tree(&site.path().join("dist"));
    for (path, bytes) in &dist {
        let text = String::from_utf8_lossy(bytes);
        assert!(!text.contains("style="), "{path} has a style attribute");
    }
    let home = String::from_utf8_lossy(&dist["index.html"]);
    assert!(home.contains("<pre tabindex=\"0\" class=\"hl-code\"><code class=\"language-rust\"><span class=\"hl-source hl-rust\">"), "{home}");
    assert!(
        home.contains("<link rel=\"stylesheet\" href=\"./highlight.css\">"),
        "{home}"
    );
    let css = String::from_utf8_lossy(&dist["highlight.css"]);
    let (light, dark) = css
        .split_once("@media (prefers-color-scheme: dark) {")
        .expect("a dark part");
    assert!(light.contains("theme \"GitHub\""), "{light}");
    assert!(dark.contains("theme \"Base16 Ocean Dark\""), "{dark}");
    assert!(light.contains(".hl-code {") && dark.contains(".hl-code {"));
}

#[test]
fn highlighting_is_off_unless_asked_for() {
    let site = site("");
    let output = site.build(&["--quiet"]);
    assert_eq!(stderr(&output), "");
    let dist = read_tree(&site.path().join("dist"));
    assert!(!dist.contains_key("highlight.css"));
    let home = String::from_utf8_lossy(&dist["index.html"]);
    assert!(!home.contains("hl-"), "{home}");
    assert!(!home.contains("highlight.css"), "{home}");
}

#[test]
fn an_unknown_theme_is_an_error_at_its_key_listing_the_themes() {
    let site = site("[markdown]\nhighlight = true\nhighlight_theme_dark = \"Dracula\"\n");
    let output = site.build(&["--quiet"]);
    assert_eq!(output.status.code(), Some(1));
    assert_eq!(
        stderr(&output),
        "site.toml:5:1: error: unknown highlighting theme `Dracula`: the themes are `InspiredGitHub`, `Solarized (dark)`, `Solarized (light)`, `base16-eighties.dark`, `base16-mocha.dark`, `base16-ocean.dark`, `base16-ocean.light`\n  |\n5 | highlight_theme_dark = \"Dracula\"\n  | ^\n\nerror: build failed with 1 error\n"
    );
}

#[test]
fn a_site_file_on_the_stylesheet_path_is_refused_naming_both() {
    let site = site("[markdown]\nhighlight = true\n");
    site.write("static/highlight.css", "pre { color: red }\n");
    let output = site.build(&["--quiet"]);
    assert_eq!(output.status.code(), Some(1));
    assert_eq!(
        stderr(&output),
        "content: error: `highlight.css` would be written twice, from static/highlight.css and from the code highlighting stylesheet (`[markdown] highlight = true` in site.toml): rename or remove one of them\n\nerror: build failed with 1 error\n"
    );
}
