//! Fixture sites with golden output: `tests/fixtures/<case>/` is copied to a
//! temporary folder, a command runs on it, and every file it produces is
//! compared with `expected/` through snapbox, which prints a diff of any
//! mismatch. A missing or an extra file fails. Bless with
//! `SNAPSHOTS=overwrite cargo test --test it golden`.
//!
//! - build fixtures: `expected/` is the output folder. The search index
//!   (`pagefind/`, binary and large) is compared through
//!   `pagefind.manifest`, one `path size` line per file; its fragment names
//!   are hashes of their content, so the manifest still changes with it.
//! - check fixtures: `expected/check.txt` (stderr, stdout and exit code of
//!   `medsite check`) and `expected/check.json` (`--format json`).
//! - new fixtures: the files `medsite new` wrote, and `new.txt` (what it
//!   printed), with `SOURCE_DATE_EPOCH` fixing the date.
//! - the init fixture: the starter site `medsite init` wrote (`site/`),
//!   what it printed (`init.txt`), and its build (`dist/`).

use std::collections::BTreeMap;
use std::path::Path;

use snapbox::assert::Action;
use snapbox::{Assert, Data};

use crate::support::{copy_tree, medsite, read_tree, repo};

type Files = BTreeMap<String, Vec<u8>>;

/// 2026-11-25T00:00:00Z, the date `medsite new` writes in fixtures.
pub const SOURCE_DATE_EPOCH: &str = "1795564800";

/// Copies the fixture (and the shared theme) to a temporary folder, runs
/// `produce` on it and compares what it returns with `expected/`.
fn golden(case: &str, produce: impl FnOnce(&Path) -> Files) {
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
    let actual = produce(work.path());
    compare(case, &fixture.join("expected"), &actual);
}

/// Compares `actual` with the files under `expected_dir` through snapbox,
/// so that a mismatch prints a diff; with `SNAPSHOTS=overwrite` it rewrites
/// `expected_dir` to hold exactly `actual` instead.
fn compare(case: &str, expected_dir: &Path, actual: &Files) {
    let assert = Assert::new().action_env(snapbox::assert::DEFAULT_ACTION_ENV);
    if assert.selected_action() == Action::Overwrite {
        let _ = std::fs::remove_dir_all(expected_dir);
        for (path, bytes) in actual {
            let target = expected_dir.join(path);
            std::fs::create_dir_all(target.parent().unwrap()).unwrap();
            std::fs::write(target, bytes).unwrap();
        }
        return;
    }
    let expected = if expected_dir.is_dir() {
        read_tree(expected_dir)
    } else {
        Files::new()
    };
    let listing = |files: &Files| {
        files
            .keys()
            .map(|name| format!("{name}\n"))
            .collect::<String>()
    };
    let listed = assert.try_eq(
        Some(&format!("{case}: the files written")),
        Data::text(listing(actual)),
        Data::text(listing(&expected)).raw(),
    );
    if let Err(error) = listed {
        panic!(
            "{case}: the files written differ from expected/ (bless with SNAPSHOTS=overwrite)\n{error}"
        );
    }
    for path in expected.keys() {
        let file = expected_dir.join(path);
        let compared = assert.try_eq(
            Some(&format!("what medsite wrote for {case}/expected/{path}")),
            Data::binary(actual[path].clone()),
            Data::read_from(&file, None).raw(),
        );
        if let Err(error) = compared {
            panic!("{case}/expected/{path} differs (bless with SNAPSHOTS=overwrite)\n{error}");
        }
    }
}

fn check_fixture(case: &str, args: &[&str]) {
    golden(case, |site| {
        let out = site.join("out");
        let result = medsite()
            .args(["build", "--quiet", "--root"])
            .arg(site)
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
        summarise_pngs(&mut actual);
        let index: Vec<String> = actual
            .keys()
            .filter(|path| path.starts_with("pagefind/"))
            .cloned()
            .collect();
        if !index.is_empty() {
            let manifest: String = index
                .iter()
                .map(|path| format!("{path} {}\n", actual[path].len()))
                .collect();
            for path in index {
                actual.remove(&path);
            }
            actual.insert("pagefind.manifest".into(), manifest.into_bytes());
        }
        actual
    });
}

/// Replaces the PNG files (social cards) with `png.manifest`: one line per
/// file with its size in pixels (from its header), in bytes, and its hash,
/// so that a change of any byte shows without binary snapshots.
fn summarise_pngs(files: &mut Files) {
    let pngs: Vec<String> = files
        .keys()
        .filter(|path| path.ends_with(".png"))
        .cloned()
        .collect();
    if pngs.is_empty() {
        return;
    }
    let mut manifest = String::new();
    for path in pngs {
        let png = files.remove(&path).unwrap();
        let (width, height) = crate::cards::png_size(&png);
        let hash = xxhash_rust::xxh3::xxh3_64(&png);
        manifest.push_str(&format!(
            "{path} {width}x{height} {} bytes xxh3 {hash:016x}\n",
            png.len()
        ));
    }
    files.insert("png.manifest".into(), manifest.into_bytes());
}

/// `medsite check` in both formats.
fn check_report_fixture(case: &str) {
    golden(case, |site| {
        let mut files = Files::new();
        for (name, format) in [("check.txt", "human"), ("check.json", "json")] {
            let result = medsite()
                .args(["check", "--format", format, "--root"])
                .arg(site)
                .output()
                .unwrap();
            let text = if format == "json" {
                String::from_utf8_lossy(&result.stdout).into_owned()
            } else {
                format!(
                    "exit code: {}\n--- stderr\n{}--- stdout\n{}",
                    result.status.code().unwrap(),
                    String::from_utf8_lossy(&result.stderr),
                    without_timing(&String::from_utf8_lossy(&result.stdout))
                )
            };
            files.insert(name.to_string(), text.into_bytes());
        }
        assert!(
            !site.join("dist").exists(),
            "{case}: medsite check wrote dist/"
        );
        files
    });
}

/// `... in 12 ms` -> `... in N ms`: the only part of a report that varies.
fn without_timing(text: &str) -> String {
    match text.rfind(" in ") {
        Some(start) if text.trim_end().ends_with(" ms") => {
            format!("{} in N ms\n", &text[..start])
        }
        _ => text.to_string(),
    }
}

/// `medsite new SECTION TITLE`: the files it adds under content/.
fn new_page_fixture(case: &str, section: &str, title: &str) {
    golden(case, |site| {
        let before = read_tree(&site.join("content"));
        let result = medsite()
            .env("SOURCE_DATE_EPOCH", SOURCE_DATE_EPOCH)
            .args(["new", section, title, "--root"])
            .arg(site)
            .output()
            .unwrap();
        assert!(
            result.status.success(),
            "medsite new failed:\n{}",
            String::from_utf8_lossy(&result.stderr)
        );
        let mut files: Files = read_tree(&site.join("content"))
            .into_iter()
            .filter(|(path, _)| !before.contains_key(path))
            .map(|(path, bytes)| (format!("content/{path}"), bytes))
            .collect();
        files.insert("new.txt".into(), result.stdout);
        files
    });
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

/// `asset(path=...)`: the `.css` and `.js` files of `static/` (the site's
/// and the theme's) are published under content-hashed names too, with
/// their `sha384-` integrity values; other files are not.
#[test]
fn fingerprinted_assets_with_integrity() {
    check_fixture("fingerprinted-assets", &[]);
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

#[test]
fn section_schema_accepts_valid_yaml_toml_and_json_front_matter() {
    check_fixture("typed-content", &[]);
}

#[test]
fn highlighted_code_blocks_in_text_and_lists_with_a_light_and_a_dark_stylesheet() {
    check_fixture("highlight", &[]);
}

#[test]
fn social_tags_on_every_page_and_a_card_beside_each_page_and_section() {
    check_fixture("social-cards", &[]);
}

#[test]
fn components_called_from_markdown_in_text_lists_tables_links_and_summaries() {
    check_fixture("components", &[]);
}

#[test]
fn search_index_and_search_page_listing_every_page() {
    check_fixture("search", &[]);
}

#[test]
fn check_reports_anchors_files_reachability_descriptions_and_placeholders() {
    check_report_fixture("check-report");
}

#[test]
fn new_page_from_the_section_archetype_with_schema_placeholders() {
    new_page_fixture("new-page", "guides", "Respiratory \"RT\" therapist");
}

#[test]
fn data_files_in_csv_json_toml_and_yaml_read_by_templates() {
    check_fixture("data-files", &[]);
}

/// A CSV file and a YAML list make one page per record, listed, paginated,
/// fed, mapped, indexed and put in taxonomies with the section's Markdown
/// page; the record is the page's `extra`.
#[test]
fn pages_from_data_one_per_record_of_a_csv_and_a_yaml_file() {
    check_fixture("pages-from-data", &[]);
}

#[test]
fn figures_render_with_their_period_and_source_through_get_fact() {
    check_fixture("data-figures", &[]);
}

/// `medsite init site`: the tree it writes and what it prints
/// (`init.txt`). The site then builds with no `themes/` folder, passes
/// `check --deny-warnings`, and its build is `expected/dist/` (without
/// the marker).
#[test]
fn init_writes_a_starter_site_that_builds_and_passes_check() {
    golden("init", |work| {
        let site = work.join("site");
        let result = medsite()
            .env("SOURCE_DATE_EPOCH", SOURCE_DATE_EPOCH)
            .current_dir(work)
            .args(["init", "site"])
            .output()
            .unwrap();
        assert!(
            result.status.success(),
            "medsite init failed:\n{}",
            String::from_utf8_lossy(&result.stderr)
        );
        let mut files: Files = read_tree(&site)
            .into_iter()
            .map(|(path, bytes)| (format!("site/{path}"), bytes))
            .collect();
        files.insert("init.txt".into(), result.stdout);
        assert!(!site.join("themes").exists());
        let check = medsite()
            .args(["check", "--deny-warnings", "--root"])
            .arg(&site)
            .output()
            .unwrap();
        assert!(
            check.status.success(),
            "check --deny-warnings failed:\n{}",
            String::from_utf8_lossy(&check.stderr)
        );
        let build = medsite()
            .args(["build", "--quiet", "--root"])
            .arg(&site)
            .output()
            .unwrap();
        assert!(
            build.status.success(),
            "build failed:\n{}",
            String::from_utf8_lossy(&build.stderr)
        );
        for (path, bytes) in read_tree(&site.join("dist")) {
            files.insert(format!("dist/{path}"), bytes);
        }
        files
    });
}

/// Responsive images: Markdown images (in a bundle, from `static/`,
/// decorative, animated and remote) and the `image` function. Image files
/// are binary: `images.manifest` lists each with its size and a hash of
/// its bytes, and `cache.manifest` what `.medsite/cache/images/` holds.
#[test]
fn images_become_pictures_with_widths_and_a_cache() {
    golden("images", |site| {
        let out = site.join("out");
        let result = medsite()
            .args(["build", "--quiet", "--root"])
            .arg(site)
            .arg("--output")
            .arg(&out)
            .output()
            .unwrap();
        assert!(
            result.status.success(),
            "{}",
            String::from_utf8_lossy(&result.stderr)
        );
        let (mut files, images) = split_images(read_tree(&out));
        files.insert("images.manifest".into(), manifest(&images));
        let (_, cache) = split_images(read_tree(&site.join(".medsite/cache/images")));
        files.insert("cache.manifest".into(), manifest(&cache));
        files
    });
}

/// The image files of `files` apart from the others.
fn split_images(files: Files) -> (Files, Files) {
    files.into_iter().partition(|(path, _)| {
        ![".png", ".jpg", ".webp", ".gif"]
            .iter()
            .any(|extension| path.ends_with(extension))
    })
}

/// One `path size hash` line per file (64-bit FNV-1a of the bytes).
fn manifest(files: &Files) -> Vec<u8> {
    let fnv = |bytes: &[u8]| {
        bytes.iter().fold(0xcbf2_9ce4_8422_2325_u64, |hash, &byte| {
            (hash ^ u64::from(byte)).wrapping_mul(0x0100_0000_01b3)
        })
    };
    files
        .iter()
        .map(|(path, bytes)| format!("{path} {} {:016x}\n", bytes.len(), fnv(bytes)))
        .collect::<String>()
        .into_bytes()
}
