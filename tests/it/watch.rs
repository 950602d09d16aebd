//! `medsite watch` with real file-system events: after each thing editors
//! and writers do, the watched `dist/` must equal a fresh build of the same
//! site into another folder. Every wait is for a condition, with a timeout.

use std::collections::BTreeMap;
use std::path::Path;
use std::time::Duration;

use medsite::build::BuildOptions;

use crate::support::{Running, Save, TempSite, try_read_output, wait_until};

/// A fresh full build of the site, as a tree of files.
fn fresh_build(root: &Path) -> BTreeMap<String, Vec<u8>> {
    let out = tempfile::tempdir().unwrap();
    medsite::build::run(&BuildOptions {
        root: root.to_path_buf(),
        output: Some(out.path().join("dist")),
        quiet: true,
        ..BuildOptions::default()
    })
    .unwrap_or_else(|failure| panic!("the fresh build failed: {}", failure.describe("build")));
    try_read_output(&out.path().join("dist")).unwrap()
}

struct Watched {
    site: TempSite,
    watch: Running,
}

impl Watched {
    fn start(extra: &[&str]) -> Watched {
        let site = TempSite::with_theme(&[
            (
                "site.toml",
                "title = \"T\"\ntheme = \"fixture\"\n\n[[taxonomies]]\nname = \"tags\"\n",
            ),
            ("content/_index.md", "---\ntitle: Home\n---\nWelcome.\n"),
            (
                "content/a.md",
                "---\ntitle: A\ndate: 2024-01-01\ntaxonomies:\n  tags: [x]\n---\nFirst text.\n",
            ),
            (
                "content/b.md",
                "---\ntitle: B\ndate: 2024-01-02\n---\nSee [home](@/_index.md).\n",
            ),
            ("content/posts/_index.md", "---\ntitle: Posts\n---\n"),
            (
                "content/posts/p.md",
                "---\ntitle: P\ntaxonomies:\n  tags: [x, y]\n---\nPost.\n",
            ),
        ]);
        let mut args = vec!["watch".as_ref(), "--root".as_ref(), site.path().as_os_str()];
        args.extend(extra.iter().map(std::ffi::OsStr::new));
        let watch = Running::start(&args);
        watch.wait_for("Built", 1);
        let watched = Watched { site, watch };
        watched.assert_fresh("the first build");
        watched
    }

    fn path(&self, relative: &str) -> std::path::PathBuf {
        self.site.path().join(relative)
    }

    /// Waits until `dist/` equals a fresh build of the site as it is now.
    fn assert_fresh(&self, step: &str) {
        let expected = fresh_build(self.site.path());
        let dist = self.path("dist");
        let equal = wait_until(Duration::from_secs(30), || {
            try_read_output(&dist).is_some_and(|actual| actual == expected)
        });
        if !equal {
            let actual = try_read_output(&dist).unwrap_or_default();
            let differ: Vec<&String> = expected
                .keys()
                .chain(actual.keys())
                .filter(|k| actual.get(*k) != expected.get(*k))
                .collect();
            panic!(
                "after {step}, dist/ differs from a fresh build in {differ:?}\nwatch printed:\n{}",
                self.watch.output()
            );
        }
    }
}

#[test]
fn every_kind_of_edit_leaves_dist_equal_to_a_fresh_build() {
    let w = Watched::start(&[]);
    let site = &w.site;

    site.write(
        "content/a.md",
        "---\ntitle: A\ndate: 2024-01-01\ntaxonomies:\n  tags: [x]\n---\nEdited text.\n",
    );
    w.assert_fresh("an edit");

    // Atomic save: write a temporary file, rename it over the page.
    site.write(
        "content/a.md.tmp",
        "---\ntitle: A saved atomically\ndate: 2024-01-01\n---\nAtomic.\n",
    );
    std::fs::rename(w.path("content/a.md.tmp"), w.path("content/a.md")).unwrap();
    w.assert_fresh("an atomic-rename save");

    // vim: probe with `4913`, move the original to `a.md~`, write the new
    // file, delete the backup.
    site.write("content/4913", "");
    std::fs::remove_file(w.path("content/4913")).unwrap();
    std::fs::rename(w.path("content/a.md"), w.path("content/a.md~")).unwrap();
    site.write(
        "content/a.md",
        "---\ntitle: A from vim\ndate: 2024-01-01\ntaxonomies:\n  tags: [z]\n---\nVim.\n",
    );
    std::fs::remove_file(w.path("content/a.md~")).unwrap();
    w.assert_fresh("a vim-style save");

    // JetBrains safe write, with a swap file and an emacs lock beside it.
    site.write("content/.a.md.swp", "swap");
    site.write("content/#a.md#", "emacs autosave");
    std::os::unix::fs::symlink("user@host.1234", w.path("content/.#a.md")).unwrap();
    site.write(
        "content/a.md___jb_tmp___",
        "---\ntitle: A from JetBrains\ndate: 2024-01-01\n---\nSafe write.\n",
    );
    std::fs::rename(w.path("content/a.md"), w.path("content/a.md___jb_old___")).unwrap();
    std::fs::rename(w.path("content/a.md___jb_tmp___"), w.path("content/a.md")).unwrap();
    std::fs::remove_file(w.path("content/a.md___jb_old___")).unwrap();
    w.assert_fresh("a JetBrains safe write among editor temporaries");

    site.write(
        "content/posts/new.md",
        "---\ntitle: New\ndate: 2024-05-05\ntaxonomies:\n  tags: [y]\n---\nNew page.\n",
    );
    w.assert_fresh("a new page");

    std::fs::remove_file(w.path("content/b.md")).unwrap();
    w.assert_fresh("a deleted page");

    std::fs::rename(w.path("content/a.md"), w.path("content/posts/a-moved.md")).unwrap();
    w.assert_fresh("a renamed page");

    std::fs::rename(w.path("content/posts"), w.path("content/articles")).unwrap();
    w.assert_fresh("a renamed folder");

    std::fs::create_dir(w.path("content/guides")).unwrap();
    site.write("content/guides/_index.md", "---\ntitle: Guides\n---\n");
    site.write("content/guides/g.md", "---\ntitle: G\n---\nGuide.\n");
    w.assert_fresh("a new folder");

    site.write(
        "themes/fixture/templates/page.html",
        "{% extends \"base.html\" %}{% block main %}<h1 class=\"edited\">{{ page.title }}</h1>{{ page.content | safe }}{% endblock main %}\n",
    );
    w.assert_fresh("a template edit");

    site.write("themes/fixture/static/style.css", "body { margin: 0 }\n");
    w.assert_fresh("a stylesheet edit");

    // A data folder appears with a file, and a template reads it.
    site.write("data/figures.csv", "name,value\npay,48300\n");
    site.write(
        "templates/index.html",
        "{% extends \"section.html\" %}{% block main %}{% for row in get_data(path=\"figures.csv\") %}<p>{{ row.name }}: {{ row.value }}</p>{% endfor %}{{ super() }}{% endblock main %}\n",
    );
    w.assert_fresh("a new data file and a template that reads it");
    site.write("data/figures.csv", "name,value\npay,49100\njobs,120300\n");
    w.assert_fresh("a data file edit");

    // Broken, then fixed: the last good dist/ stays meanwhile.
    let good = try_read_output(&w.path("dist")).unwrap();
    site.write("content/guides/g.md", "---\ntitle: [G\n---\nGuide.\n");
    w.watch.wait_for("build failed", 1);
    assert_eq!(
        try_read_output(&w.path("dist")).unwrap(),
        good,
        "a broken build changed dist/"
    );
    site.write("content/guides/g.md", "---\ntitle: G fixed\n---\nGuide.\n");
    w.assert_fresh("the fix of a broken page");

    site.write(
        "site.toml",
        "title = \"Renamed site\"\ntheme = \"fixture\"\n\n[[taxonomies]]\nname = \"tags\"\n",
    );
    w.assert_fresh("a site.toml edit");
}

#[test]
fn polling_sees_edits_and_deletes() {
    let w = Watched::start(&["--poll"]);
    w.site
        .write("content/a.md", "---\ntitle: A polled\n---\nPolled.\n");
    w.assert_fresh("an edit seen by polling");
    std::fs::remove_file(w.path("content/b.md")).unwrap();
    w.assert_fresh("a delete seen by polling");
}

#[test]
fn a_broken_first_build_is_fixed_while_watching() {
    let site = TempSite::with_theme(&[
        ("content/_index.md", "---\ntitle: Home\n---\n"),
        ("content/a.md", "---\ntitle: [A\n---\n"),
    ]);
    let watch = Running::start(&["watch".as_ref(), "--root".as_ref(), site.path().as_os_str()]);
    watch.wait_for("build failed", 1);
    assert!(!site.path().join("dist").exists());
    site.write("content/a.md", "---\ntitle: A\n---\nFixed.\n");
    watch.wait_for("Built", 1);
    let expected = fresh_build(site.path());
    assert!(
        wait_until(Duration::from_secs(30), || try_read_output(
            &site.path().join("dist")
        )
        .is_some_and(|tree| tree == expected)),
        "{}",
        watch.output()
    );
}

/// The inputs of a site, one file of each kind, and a text for it that
/// shows in the output (`n` makes each save differ from the last).
fn input_of_each_kind(n: usize) -> [(&'static str, String); 6] {
    [
        (
            "content/a.md",
            format!("---\ntitle: A {n}\ndate: 2024-01-01\n---\nText {n}.\n"),
        ),
        (
            "themes/fixture/templates/page.html",
            format!(
                "{{% extends \"base.html\" %}}{{% block main %}}<h1>{{{{ page.title }}}} {n}</h1>{{{{ page.content | safe }}}}{{% endblock main %}}\n"
            ),
        ),
        ("static/extra.css", format!("p {{ margin: {n}px }}\n")),
        ("data/figures.csv", format!("name,value\npay,{n}\n")),
        (
            "themes/fixture/static/style.css",
            format!("body {{ margin: {n}px }}\n"),
        ),
        (
            "site.toml",
            format!(
                "title = \"T {n}\"\ntheme = \"fixture\"\n\n[sections.posts]\nschema = \"schemas/post.json\"\n"
            ),
        ),
    ]
}

/// A stylesheet saved in a site run without `--root` (from its own folder,
/// as users run it) never reached `dist/`: the watcher's resolved paths
/// were compared with the site's relative ones. Every input kind, saved in
/// every way an editor or tool saves, must reach the output.
#[test]
fn every_input_kind_and_save_style_is_seen_when_run_from_the_sites_folder() {
    let site = TempSite::with_theme(&[
        ("site.toml", &input_of_each_kind(0)[5].1),
        ("content/_index.md", "---\ntitle: Home\n---\nWelcome.\n"),
        ("content/a.md", &input_of_each_kind(0)[0].1),
        ("content/posts/_index.md", "---\ntitle: Posts\n---\n"),
        ("content/posts/p.md", "---\ntitle: P\n---\nPost.\n"),
        ("schemas/post.json", "{\"required\": [\"title\"]}"),
        ("archetypes/default.md", "---\ntitle: TITLE\n---\n"),
        ("static/extra.css", "p { margin: 0 }\n"),
        ("data/figures.csv", &input_of_each_kind(0)[3].1),
        (
            "templates/index.html",
            "{% extends \"section.html\" %}{% block title %}{% for row in get_data(path=\"figures.csv\") %}{{ row.name }} {{ row.value }}{% endfor %}{% endblock title %}\n",
        ),
    ]);
    let watch = Running::start_in(site.path(), &["watch".as_ref()]);
    watch.wait_for("Built", 1);
    let w = Watched { site, watch };
    w.assert_fresh("the first build");
    let mut n = 0;
    for style in Save::ALL {
        for (path, _) in input_of_each_kind(0) {
            n += 1;
            let text = &input_of_each_kind(n)
                .into_iter()
                .find(|(p, _)| *p == path)
                .unwrap()
                .1;
            style.write(&w.path(path), text);
            w.assert_fresh(&format!("{path} saved by {style:?}"));
        }
        // A schema the section's page breaks fails the build; the one it
        // meets builds again.
        let failed = w.watch.count("build failed");
        style.write(&w.path("schemas/post.json"), "{\"required\": [\"weight\"]}");
        w.watch.wait_for("build failed", failed + 1);
        style.write(&w.path("schemas/post.json"), "{\"required\": [\"title\"]}");
        w.assert_fresh(&format!("a schema saved by {style:?}"));
        // An archetype shows in no page, but is read again.
        let rebuilt = w.watch.count("Rebuilt");
        style.write(
            &w.path("archetypes/default.md"),
            &format!("---\ntitle: T{n}\n---\n"),
        );
        w.watch.wait_for("Rebuilt", rebuilt + 1);
        w.assert_fresh(&format!("an archetype saved by {style:?}"));
    }
}
