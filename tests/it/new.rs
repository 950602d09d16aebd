//! `medsite new` through the real binary: the careers archetype, refusing
//! to overwrite, and placeholders that `check` refuses.

use crate::golden::SOURCE_DATE_EPOCH;
use crate::support::{TempSite, copy_tree, medsite, read_tree, repo, stderr};

/// A copy of the careers site (content, data, theme, schema, archetype).
fn careers_copy() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    for folder in ["content", "data", "themes", "schemas", "archetypes"] {
        copy_tree(&repo().join(folder), &dir.path().join(folder));
    }
    std::fs::copy(repo().join("site.toml"), dir.path().join("site.toml")).unwrap();
    dir
}

fn new(root: &std::path::Path, section: &str, title: &str) -> std::process::Output {
    medsite()
        .env("SOURCE_DATE_EPOCH", SOURCE_DATE_EPOCH)
        .args(["new", section, title, "--root"])
        .arg(root)
        .output()
        .unwrap()
}

#[test]
fn new_career_is_written_from_the_careers_archetype() {
    let site = careers_copy();
    let output = new(site.path(), "careers", "Respiratory therapist");
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    assert_eq!(
        String::from_utf8_lossy(&output.stdout),
        "Created content/careers/respiratory-therapist.md from archetypes/careers.md: replace its 9 placeholders (`TODO: ...`), then run `medsite check`\n"
    );
    let written =
        std::fs::read_to_string(site.path().join("content/careers/respiratory-therapist.md"))
            .unwrap();
    let archetype = std::fs::read_to_string(repo().join("archetypes/careers.md")).unwrap();
    // Every field the schema requires is in the archetype, so the file is
    // the archetype filled in, comments and all.
    assert_eq!(
        written,
        archetype
            .replace("{{ title }}", "Respiratory therapist")
            .replace("{{ date }}", "2026-11-25")
    );
    assert!(written.starts_with("---\ntitle: \"Respiratory therapist\"\n"));
}

#[test]
fn check_refuses_the_placeholders_of_a_new_career_and_build_refuses_its_figures() {
    let site = careers_copy();
    assert!(
        new(site.path(), "careers", "Respiratory therapist")
            .status
            .success()
    );
    let check = medsite()
        .args(["check", "--format", "json", "--root"])
        .arg(site.path())
        .output()
        .unwrap();
    assert_eq!(check.status.code(), Some(1));
    let report: serde_json::Value = serde_json::from_slice(&check.stdout).unwrap();
    let mut codes: Vec<(String, String)> = report["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| {
            assert_eq!(d["file"], "content/careers/respiratory-therapist.md");
            assert_eq!(d["severity"], "error");
            (
                d["code"].as_str().unwrap().into(),
                d["message"].as_str().unwrap().into(),
            )
        })
        .collect();
    codes.sort();
    let placeholders = codes
        .iter()
        .filter(|(code, _)| code == "placeholder")
        .count();
    let schema: Vec<&str> = codes
        .iter()
        .filter(|(code, _)| code == "schema")
        .map(|(_, message)| message.split(':').next().unwrap())
        .collect();
    // Text placeholders are check errors; years, URLs and booleans are
    // refused by the schema itself, so no figure can slip through.
    assert_eq!(placeholders, 4, "{codes:#?}");
    assert_eq!(
        schema,
        [
            "extra.entry_education_source.url",
            "extra.entry_education_source.year",
            "extra.sources[0].primary",
            "extra.sources[0].url",
            "extra.sources[0].year",
        ]
    );
    let build = medsite()
        .args(["build", "--quiet", "--root"])
        .arg(site.path())
        .output()
        .unwrap();
    assert_eq!(build.status.code(), Some(1));
    assert!(
        stderr(&build).ends_with("error: build failed with 5 errors\n"),
        "{}",
        stderr(&build)
    );
}

#[test]
fn an_existing_file_is_never_overwritten() {
    let site = TempSite::with_theme(&[
        ("content/_index.md", "---\ntitle: Home\n---\n"),
        ("content/careers/respiratory-therapist.md", "my notes\n"),
    ]);
    let before = read_tree(site.path());
    let output = new(site.path(), "careers", "Respiratory therapist");
    assert_eq!(output.status.code(), Some(1));
    assert_eq!(
        stderr(&output),
        "error: `content/careers/respiratory-therapist.md` already exists: medsite new never overwrites a file; edit it, or choose another title\n"
    );
    assert_eq!(read_tree(site.path()), before);
}

#[test]
fn an_unknown_section_is_a_usage_error() {
    let site = TempSite::with_theme(&[("content/_index.md", "---\ntitle: Home\n---\n")]);
    let output = new(site.path(), "carers", "Respiratory therapist");
    assert_eq!(output.status.code(), Some(2));
    assert_eq!(
        stderr(&output),
        "error: no section `carers`: there is no folder `content/carers/`\n"
    );
}

#[test]
fn without_an_archetype_the_built_in_one_is_used() {
    let site = TempSite::with_theme(&[
        ("content/_index.md", "---\ntitle: Home\n---\n"),
        ("content/notes/_index.md", "---\ntitle: Notes\n---\n"),
    ]);
    let output = new(site.path(), "notes", "First note");
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    assert_eq!(
        std::fs::read_to_string(site.path().join("content/notes/first-note.md")).unwrap(),
        "---\ntitle: \"First note\"\ndescription: \"TODO: one or two sentences for search results and link previews (at most 160 characters)\"\ndate: 2026-11-25\n---\n\nTODO: write the page.\n"
    );
}

#[test]
fn a_required_field_the_archetype_lacks_is_added_below_its_comments() {
    let site = TempSite::new(&[
        (
            "site.toml",
            "title = \"T\"\n\n[sections.notes]\nschema = \"schemas/note.schema.json\"\n",
        ),
        ("content/_index.md", "---\ntitle: Home\n---\n"),
        ("content/notes/_index.md", "---\ntitle: Notes\n---\n"),
        (
            "schemas/note.schema.json",
            r#"{"type": "object", "required": ["title", "description"],
                "properties": {"description": {"type": "string", "description": "one sentence"}}}"#,
        ),
        (
            "archetypes/notes.md",
            "---\ntitle: \"{{ title }}\"\n# draft: true   # while it is being written\n---\n\nText.\n",
        ),
    ]);
    let output = new(site.path(), "notes", "First note");
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    assert_eq!(
        std::fs::read_to_string(site.path().join("content/notes/first-note.md")).unwrap(),
        "---\ntitle: \"First note\"\n# draft: true   # while it is being written\ndescription: \"TODO: one sentence\"\n---\n\nText.\n"
    );
}
