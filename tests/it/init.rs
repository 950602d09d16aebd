//! `medsite init` through the real binary: what it refuses, and the
//! built-in theme that its site (with no `themes/` folder) builds with.
//! The written tree itself is a golden fixture (`golden.rs`, `init`).

use crate::support::{TempSite, medsite, read_tree, stderr};

#[test]
fn init_refuses_an_existing_file_and_writes_nothing() {
    let site = TempSite::new(&[("content/posts/hello-world.md", "mine\n")]);
    let output = medsite()
        .current_dir(site.path())
        .args(["init", "blog"])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    let output = medsite()
        .current_dir(site.path())
        .arg("init")
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(1));
    assert_eq!(
        stderr(&output),
        "error: `content/posts/hello-world.md` already exists: medsite init never overwrites a file, and wrote nothing; move it away or choose another folder\n"
    );
    let tree = read_tree(site.path());
    assert!(!tree.contains_key("site.toml"), "{:?}", tree.keys());
    assert_eq!(tree["content/posts/hello-world.md"], b"mine\n");
    let again = medsite()
        .current_dir(site.path())
        .args(["init", "blog"])
        .output()
        .unwrap();
    assert_eq!(again.status.code(), Some(1));
    assert!(
        stderr(&again).starts_with(
            "error: `blog/site.toml`, `blog/content/_index.md`, `blog/content/posts/_index.md`, "
        ),
        "{}",
        stderr(&again)
    );
}

/// The built-in theme's `header` and `footer` are blocks of `starter.html`:
/// a site's `templates/base.html` replaces one without copying the shell,
/// and its `static/style.css` replaces the built-in one.
#[test]
fn a_site_overrides_the_built_in_theme_file_by_file_and_block_by_block() {
    let site = TempSite::new(&[
        ("site.toml", "title = \"Mine\"\n[extra]\nowner = \"Ada\"\n"),
        ("content/_index.md", "---\ntitle: Home\n---\nHi.\n"),
        (
            "templates/base.html",
            "{% extends \"starter.html\" %}{% block footer %}<footer>By {{ site.extra.owner }}</footer>{% endblock footer %}",
        ),
    ]);
    let output = site.build(&["--quiet"]);
    assert!(output.status.success(), "{}", stderr(&output));
    let dist = read_tree(&site.path().join("dist"));
    let home = String::from_utf8_lossy(&dist["index.html"]);
    assert!(home.contains("<footer>By Ada</footer>"), "{home}");
    assert!(
        home.contains("<a class=\"skip-link\" href=\"#main\">"),
        "{home}"
    );
    assert!(home.contains("<header class=\"site-header\">"), "{home}");
    assert!(!home.contains("Built with medsite"), "{home}");
    assert_eq!(
        dist["style.css"],
        medsite::theme::static_file("style.css").unwrap()
    );
    site.write("static/style.css", "body { color: red }\n");
    let output = site.build(&["--quiet"]);
    assert!(output.status.success(), "{}", stderr(&output));
    let dist = read_tree(&site.path().join("dist"));
    assert_eq!(dist["style.css"], b"body { color: red }\n");
}

/// The built-in theme is a generic starter: nothing of the careers site.
#[test]
fn the_built_in_theme_knows_nothing_of_the_careers_site() {
    for (name, text) in medsite::theme::TEMPLATES {
        for careers in [
            "get_section",
            "careers",
            "compare/",
            "studying-online/",
            "search/",
        ] {
            assert!(!text.contains(careers), "{name} mentions `{careers}`");
        }
    }
}
