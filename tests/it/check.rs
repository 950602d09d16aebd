//! `medsite check` through the real binary: the careers site passes with
//! `--deny-warnings`, exit codes follow errors and warnings, nothing is
//! written, and `--format json` matches `tests/check-output.schema.json`.

use std::process::Output;

use serde_json::Value;

use crate::support::{TempSite, medsite, repo, stderr};

fn check(root: &std::path::Path, args: &[&str]) -> Output {
    medsite()
        .arg("check")
        .arg("--root")
        .arg(root)
        .args(args)
        .output()
        .unwrap()
}

fn stdout(output: &Output) -> String {
    String::from_utf8_lossy(&output.stdout).into_owned()
}

/// Parses `--format json` output and validates it against the schema of
/// the format kept in `tests/`.
fn validated_json(output: &Output) -> Value {
    let schema: Value = serde_json::from_str(
        &std::fs::read_to_string(repo().join("tests/check-output.schema.json")).unwrap(),
    )
    .unwrap();
    let validator = jsonschema::validator_for(&schema).expect("the format's schema compiles");
    let report: Value = serde_json::from_str(&stdout(output)).expect("stdout is one JSON document");
    let problems: Vec<String> = validator
        .iter_errors(&report)
        .map(|e| format!("{} at {}", e, e.instance_path().as_str()))
        .collect();
    assert_eq!(problems, Vec::<String>::new(), "{}", stdout(output));
    report
}

#[test]
fn the_careers_site_passes_check_with_deny_warnings() {
    let output = check(&repo(), &["--deny-warnings"]);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    assert_eq!(stderr(&output), "");
    // Counted from content/ (no drafts there), so that a new article does
    // not break this test: `_index.md` files are sections, others pages.
    let (mut pages, mut sections) = (0, 0);
    for entry in walkdir::WalkDir::new(repo().join("content")) {
        let entry = entry.unwrap();
        if entry.path().extension().is_some_and(|e| e == "md") {
            if entry.file_name() == "_index.md" {
                sections += 1;
            } else {
                pages += 1;
            }
        }
    }
    assert!(pages >= 12, "the careers site has at least its 12 pages");
    let expected =
        format!("Checked {pages} pages and {sections} sections: 0 errors, 0 warnings in ");
    assert!(
        stdout(&output).starts_with(&expected),
        "{}",
        stdout(&output)
    );
    let json = check(&repo(), &["--deny-warnings", "--format", "json"]);
    assert_eq!(json.status.code(), Some(0));
    let report = validated_json(&json);
    assert_eq!(report["diagnostics"], serde_json::json!([]));
    assert_eq!(report["passed"], true);
}

fn site_with_one_warning() -> TempSite {
    TempSite::with_theme(&[
        (
            "content/_index.md",
            "---\ntitle: Home\ndescription: \"Home.\"\n---\n[A](@/a.md)\n",
        ),
        ("content/a.md", "---\ntitle: A\n---\nNo description.\n"),
    ])
}

#[test]
fn warnings_alone_pass_unless_denied() {
    let site = site_with_one_warning();
    let warning = "content/a.md:1:1: warning: no `description` in the front matter: search results and link previews show it\n  |\n1 | ---\n  | ^\n\n";
    let output = check(site.path(), &[]);
    assert_eq!(output.status.code(), Some(0));
    assert_eq!(stderr(&output), warning);
    assert!(stdout(&output).starts_with("Checked 1 page and 1 section: 0 errors, 1 warning in "));

    let denied = check(site.path(), &["--deny-warnings"]);
    assert_eq!(denied.status.code(), Some(1));
    assert_eq!(
        stderr(&denied),
        format!("{warning}error: check failed with 0 errors, 1 warning (--deny-warnings)\n")
    );
    assert_eq!(stdout(&denied), "");

    let json = check(site.path(), &["--deny-warnings", "--format", "json"]);
    assert_eq!(json.status.code(), Some(1));
    assert_eq!(stderr(&json), "");
    let report = validated_json(&json);
    assert_eq!(report["warnings"], 1);
    assert_eq!(report["passed"], false);
    assert_eq!(report["diagnostics"][0]["code"], "description-missing");
}

#[test]
fn check_writes_nothing_and_reports_build_errors_too() {
    let site = TempSite::with_theme(&[
        (
            "content/_index.md",
            "---\ntitle: Home\n---\n[gone](@/gone.md)\n",
        ),
        ("content/a.md", "---\ntitle: A\nweight: heavy\n---\n"),
    ]);
    let before = crate::support::read_tree(site.path());
    let output = check(site.path(), &["--format", "json"]);
    assert_eq!(output.status.code(), Some(1));
    assert_eq!(
        crate::support::read_tree(site.path()),
        before,
        "check changed the site"
    );
    let report = validated_json(&output);
    let found: Vec<(String, u64, String)> = report["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| {
            (
                d["file"].as_str().unwrap().to_string(),
                d["line"].as_u64().unwrap(),
                d["code"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    assert_eq!(
        found,
        [
            (
                "content/_index.md".to_string(),
                4,
                "broken-link".to_string()
            ),
            (
                "content/a.md".to_string(),
                3,
                "front-matter-type".to_string()
            ),
        ]
    );
}

#[test]
fn a_folder_without_site_toml_is_a_usage_error() {
    let empty = tempfile::tempdir().unwrap();
    let output = check(empty.path(), &[]);
    assert_eq!(output.status.code(), Some(2));
    assert!(
        stderr(&output).starts_with("error: no `site.toml` in `"),
        "{}",
        stderr(&output)
    );
}

/// A theme's `search/` form and a `contact/` link led nowhere, yet check
/// said `0 errors`: only Markdown links were followed.
#[test]
fn links_from_templates_that_lead_nowhere_are_errors_at_the_template_line() {
    let site = TempSite::with_theme(&[
        (
            "content/_index.md",
            "---\ntitle: Home\ndescription: Home.\n---\nSee [a](a.md).\n",
        ),
        (
            "content/a.md",
            "---\ntitle: A\ndescription: A.\n---\nText.\n",
        ),
        (
            "templates/page.html",
            "{% extends \"base.html\" %}\n{% block main %}<h1>{{ page.title }}</h1>\n<form action=\"{{ root }}search/\"><input name=\"q\"></form>\n<a href=\"{{ root }}contact/\">Contact</a> <a href=\"{{ root }}\">Home</a>\n{{ page.content | safe }}{% endblock main %}\n",
        ),
    ]);
    let output = check(site.path(), &[]);
    assert_eq!(output.status.code(), Some(1));
    assert_eq!(
        stderr(&output),
        "templates/page.html:3:25: error: link `../search/` on `a/index.html` leads to `/search/`, which the output does not have: add that page or fix the link\n  |\n3 | <form action=\"{{ root }}search/\"><input name=\"q\"></form>\n  |                         ^\n\ntemplates/page.html:4:20: error: link `../contact/` on `a/index.html` leads to `/contact/`, which the output does not have: add that page or fix the link\n  |\n4 | <a href=\"{{ root }}contact/\">Contact</a> <a href=\"{{ root }}\">Home</a>\n  |                    ^\n\nerror: check failed with 2 errors, 0 warnings\n"
    );
}
