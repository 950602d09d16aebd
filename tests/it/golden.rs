//! Fixture sites with golden output: `tests/fixtures/<case>/` is built and
//! every output file is compared with `expected/`. A missing or an extra
//! file fails. Bless with `SNAPSHOTS=overwrite cargo test --test it`.

use std::path::Path;

use crate::support::{copy_tree, medsite, read_tree, repo};

fn check_fixture(case: &str, args: &[&str]) {
    let fixture = repo().join("tests/fixtures").join(case);
    let work = tempfile::tempdir().unwrap();
    for entry in std::fs::read_dir(&fixture).unwrap() {
        let entry = entry.unwrap();
        if entry.file_name() == "expected" {
            continue;
        }
        let target = work.path().join(entry.file_name());
        if entry.path().is_dir() {
            copy_tree(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), target).unwrap();
        }
    }
    copy_tree(
        &repo().join("tests/fixtures/_theme"),
        &work.path().join("themes/fixture"),
    );
    let out = work.path().join("out");
    let result = medsite()
        .args(["build", "--quiet", "--root"])
        .arg(work.path())
        .arg("--output")
        .arg(&out)
        .args(args)
        .output()
        .unwrap();
    assert!(
        result.status.success(),
        "build of {case} failed:\n{}",
        String::from_utf8_lossy(&result.stderr)
    );
    let mut actual = read_tree(&out);
    actual.remove(".medsite-output");
    let expected_dir = fixture.join("expected");
    if std::env::var("SNAPSHOTS").as_deref() == Ok("overwrite") {
        let _ = std::fs::remove_dir_all(&expected_dir);
        for (path, bytes) in &actual {
            let target = expected_dir.join(path);
            std::fs::create_dir_all(target.parent().unwrap()).unwrap();
            std::fs::write(target, bytes).unwrap();
        }
        return;
    }
    let expected = if Path::new(&expected_dir).is_dir() {
        read_tree(&expected_dir)
    } else {
        Default::default()
    };
    let actual_names: Vec<&String> = actual.keys().collect();
    let expected_names: Vec<&String> = expected.keys().collect();
    assert_eq!(
        actual_names, expected_names,
        "{case}: the files written differ from expected/"
    );
    for (path, bytes) in &expected {
        assert_eq!(
            String::from_utf8_lossy(&actual[path]),
            String::from_utf8_lossy(bytes),
            "{case}/expected/{path} differs from what medsite wrote"
        );
    }
}

#[test]
fn front_matter_in_yaml_toml_and_json_with_bom_and_crlf() {
    check_fixture("front-matter-formats", &[]);
}

#[test]
fn nested_sections_bundles_drafts_and_sorting() {
    check_fixture("sections-and-bundles", &[]);
}

#[test]
fn markdown_extensions_heading_ids_toc_summary_and_internal_links() {
    check_fixture("markdown-links", &[]);
}

#[test]
fn site_templates_and_static_files_override_the_theme() {
    check_fixture("theme-override", &[]);
}

#[test]
fn feeds_sitemap_robots_taxonomies_aliases_with_base_url() {
    check_fixture("feeds-taxonomies-aliases", &[]);
}

#[test]
fn sections_and_terms_paginate_and_every_list_has_a_feed() {
    check_fixture("pagination-and-feeds", &[]);
}
