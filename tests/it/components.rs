//! Components called from Markdown, through the real binary: the exact
//! error text for each way a call can be wrong, at its line and column.

use crate::support::{TempSite, stderr};

const COMPONENTS: &str = "{% component note(text: string, strong=false) -%}<span>{{ text }}</span>{%- endcomponent note %}\n{% component count(n: integer) -%}<b>{{ n }}</b>{%- endcomponent count %}\n";

/// Builds a site whose home page body is `body`; returns stderr of a
/// build that must fail.
fn failing(body: &str) -> String {
    let site = TempSite::with_theme(&[
        ("templates/components.html", COMPONENTS),
        (
            "content/_index.md",
            &format!("---\ntitle: Home\n---\n{body}"),
        ),
    ]);
    let output = site.build(&["--quiet", "--base-url", "https://example.org/"]);
    assert_eq!(output.status.code(), Some(1), "{}", stderr(&output));
    stderr(&output)
}

#[test]
fn an_unknown_component_is_an_error_at_the_call_with_a_guess() {
    assert_eq!(
        failing("Text :note2{text=\"x\"}.\n"),
        "content/_index.md:4:6: error: no component `note2` in the theme or the site's templates (did you mean `note`?)\n  |\n4 | Text :note2{text=\"x\"}.\n  |      ^\n\nerror: build failed with 1 error\n"
    );
}

#[test]
fn a_missing_argument_is_named() {
    assert_eq!(
        failing("- item :note{strong=true}\n"),
        "content/_index.md:4:8: error: component `note` needs `text`: add `text=...` to the call\n  |\n4 | - item :note{strong=true}\n  |        ^\n\nerror: build failed with 1 error\n"
    );
}

#[test]
fn a_wrong_type_and_an_unknown_argument_are_named() {
    assert_eq!(
        failing(":count{n=\"three\"}\n\n:note{text=\"x\" colour=\"red\"}\n"),
        "content/_index.md:4:1: error: component `count`: `n` must be an integer, found the text \"three\"\n  |\n4 | :count{n=\"three\"}\n  | ^\n\ncontent/_index.md:6:1: error: component `note` has no argument `colour`; its arguments are strong, text\n  |\n6 | :note{text=\"x\" colour=\"red\"}\n  | ^\n\nerror: build failed with 2 errors\n"
    );
}

#[test]
fn a_call_that_cannot_be_read_says_why() {
    assert_eq!(
        failing("| a | b |\n|---|---|\n| :note{text=\"open} | 2 |\n"),
        "content/_index.md:6:3: error: component `note`: `text`: the quoted value is never closed: add a `\"` on the same line\n  |\n6 | | :note{text=\"open} | 2 |\n  |   ^\n\nerror: build failed with 1 error\n"
    );
}

#[test]
fn calls_in_code_and_escaped_calls_are_text() {
    let site = TempSite::with_theme(&[
        ("templates/components.html", COMPONENTS),
        (
            "content/_index.md",
            "---\ntitle: Home\n---\n`:nope{x=1}` and \\:nope{x=1}\n\n```\n:nope{x=1}\n```\n",
        ),
    ]);
    let output = site.build(&["--quiet", "--base-url", "https://example.org/"]);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    let html = std::fs::read_to_string(site.path().join("dist/index.html")).unwrap();
    assert!(
        html.contains("<code>:nope{x=1}</code> and :nope{x=1}"),
        "{html}"
    );
    assert!(html.contains("<code>:nope{x=1}\n</code>"), "{html}");
}
