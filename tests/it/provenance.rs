//! `medsite check` over provenance through the real binary: the exact
//! warnings for a figure too old, one series in two editions in a file and
//! on a page, and a secondary source where a primary is on record; in
//! human and JSON output; `--deny-warnings` fails on them; a site without
//! figures gets none.

use std::process::Output;

use serde_json::Value;

use crate::support::{TempSite, medsite, repo, stderr};

/// 2026-06-01, so that figures' ages do not change with the calendar.
const NOW: &str = "1780272000";

const SITE: &str = "title = \"T\"\ntheme = \"fixture\"\n\n[check]\nmax_figure_age_years = 3\n\n[data.\"figures/pay.yaml\"]\nkind = \"figures\"\n";

const PAY: &str = "\
a.pay:
  value: 48300
  unit: USD per year
  period: May 2024
  series: OEWS
  scope: SOC 29-2099
  source: {url: \"https://www.bls.gov/oes/\", publisher: BLS, title: OEWS, type: primary, accessed: 2025-04-02}
b.pay:
  value: 41000
  unit: USD per year
  period: May 2019
  series: OEWS
  scope: SOC 29-2055
  source: {url: \"https://www.bls.gov/oes/2019/\", publisher: BLS, title: OEWS 2019, type: primary, accessed: 2020-04-02}
c.pay:
  value: 48000
  unit: USD per year
  period: May 2024
  series: OEWS
  scope: SOC 29-2099
  source:
    url: https://example.org/guide
    publisher: Salary guide
    title: Guide
    type: secondary
    accessed: 2025-04-02
";

const FACTS: &str = "{% extends \"base.html\" %}{% block main %}{{ page.content | safe }}\
{% set a = get_fact(data=\"figures/pay.yaml\", key=\"a.pay\") %}{% set b = get_fact(data=\"figures/pay.yaml\", key=\"b.pay\") %}\
<table><tr><td>{{ a.html | safe }}</td><td>{{ b.html | safe }}</td></tr></table>{% endblock main %}";

fn site() -> TempSite {
    TempSite::with_theme(&[
        ("site.toml", SITE),
        ("data/figures/pay.yaml", PAY),
        ("templates/facts.html", FACTS),
        (
            "content/_index.md",
            "---\ntitle: Home\ndescription: Home.\n---\n[Pay](@/pay.md)\n",
        ),
        (
            "content/pay.md",
            "---\ntitle: Pay\ndescription: Pay.\ntemplate: facts.html\n---\nPay compared.\n",
        ),
    ])
}

fn check(root: &std::path::Path, args: &[&str]) -> Output {
    medsite()
        .env("SOURCE_DATE_EPOCH", NOW)
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

const WARNINGS: &str = concat!(
    "content/pay.md:1:1: warning: `/pay/` shows OEWS in 2 editions side by side: May 2019 (`b.pay` in `data/figures/pay.yaml`), May 2024 (`a.pay` in `data/figures/pay.yaml`); show one edition of a series on a page\n",
    "  |\n",
    "1 | ---\n",
    "  | ^\n",
    "\n",
    "data/figures/pay.yaml:11:3: warning: `b.pay` is OEWS May 2019, but `a.pay` in this file is OEWS May 2024: one series in 2 editions side by side; move them to one edition\n",
    "   |\n",
    "11 |   period: May 2019\n",
    "   |   ^\n",
    "\n",
    "data/figures/pay.yaml:11:3: warning: `b.pay` is of May 2019: 7 years old in 2026, more than the 3 that `[check] max_figure_age_years` in site.toml allows; update it to a newer edition\n",
    "   |\n",
    "11 |   period: May 2019\n",
    "   |   ^\n",
    "\n",
    "data/figures/pay.yaml:25:5: warning: `c.pay` cites a secondary source (Salary guide), but a primary source for OEWS May 2024 of SOC 29-2099 is on record: `a.pay` in `data/figures/pay.yaml` cites https://www.bls.gov/oes/; cite the primary source\n",
    "   |\n",
    "25 |     type: secondary\n",
    "   |     ^\n",
    "\n",
);

#[test]
fn provenance_warnings_in_human_output() {
    let site = site();
    let output = check(site.path(), &[]);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    assert_eq!(stderr(&output), WARNINGS);
    assert!(
        stdout(&output).starts_with("Checked 1 page and 1 section: 0 errors, 4 warnings in "),
        "{}",
        stdout(&output)
    );
}

#[test]
fn provenance_warnings_fail_with_deny_warnings() {
    let site = site();
    let output = check(site.path(), &["--deny-warnings"]);
    assert_eq!(output.status.code(), Some(1));
    assert_eq!(
        stderr(&output),
        format!("{WARNINGS}error: check failed with 0 errors, 4 warnings (--deny-warnings)\n")
    );
}

#[test]
fn provenance_warnings_in_json_output() {
    let site = site();
    let output = check(site.path(), &["--deny-warnings", "--format", "json"]);
    assert_eq!(output.status.code(), Some(1));
    let schema: Value = serde_json::from_str(
        &std::fs::read_to_string(repo().join("tests/check-output.schema.json")).unwrap(),
    )
    .unwrap();
    let report: Value = serde_json::from_str(&stdout(&output)).unwrap();
    let validator = jsonschema::validator_for(&schema).unwrap();
    assert!(validator.is_valid(&report), "{report}");
    let found: Vec<String> = report["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| {
            format!(
                "{}:{}:{} {} {}: {}",
                d["file"].as_str().unwrap(),
                d["line"],
                d["column"],
                d["severity"].as_str().unwrap(),
                d["code"].as_str().unwrap(),
                d["message"].as_str().unwrap()
            )
        })
        .collect();
    assert_eq!(
        found,
        [
            "content/pay.md:1:1 warning mixed-editions: `/pay/` shows OEWS in 2 editions side by side: May 2019 (`b.pay` in `data/figures/pay.yaml`), May 2024 (`a.pay` in `data/figures/pay.yaml`); show one edition of a series on a page",
            "data/figures/pay.yaml:11:3 warning mixed-editions: `b.pay` is OEWS May 2019, but `a.pay` in this file is OEWS May 2024: one series in 2 editions side by side; move them to one edition",
            "data/figures/pay.yaml:11:3 warning figure-age: `b.pay` is of May 2019: 7 years old in 2026, more than the 3 that `[check] max_figure_age_years` in site.toml allows; update it to a newer edition",
            "data/figures/pay.yaml:25:5 warning secondary-source: `c.pay` cites a secondary source (Salary guide), but a primary source for OEWS May 2024 of SOC 29-2099 is on record: `a.pay` in `data/figures/pay.yaml` cites https://www.bls.gov/oes/; cite the primary source"
        ]
    );
    assert_eq!(report["warnings"], 4);
    assert_eq!(report["passed"], false);
}

#[test]
fn figure_age_is_measured_from_source_date_epoch_and_only_with_a_maximum() {
    let site = site();
    // 2022-06-01: May 2019 is 3 years old, within the maximum.
    let then = medsite()
        .env("SOURCE_DATE_EPOCH", "1654041600")
        .args(["check", "--format", "json", "--root"])
        .arg(site.path())
        .output()
        .unwrap();
    let report: Value = serde_json::from_str(&stdout(&then)).unwrap();
    let codes: Vec<&str> = report["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["code"].as_str().unwrap())
        .collect();
    assert_eq!(
        codes,
        ["mixed-editions", "mixed-editions", "secondary-source"]
    );
    // Without `[check] max_figure_age_years`, no age is checked.
    site.write(
        "site.toml",
        "title = \"T\"\ntheme = \"fixture\"\n[data.\"figures/pay.yaml\"]\nkind = \"figures\"\n",
    );
    let output = check(site.path(), &[]);
    assert!(
        !stderr(&output).contains("years old"),
        "{}",
        stderr(&output)
    );
    assert!(stdout(&output).contains(": 0 errors, 3 warnings in "));
}

#[test]
fn a_malformed_max_figure_age_is_an_error_at_its_line() {
    let site = site();
    site.write(
        "site.toml",
        "title = \"T\"\ntheme = \"fixture\"\n\n[check]\nmax_figure_age_years = -2\n",
    );
    let output = check(site.path(), &[]);
    assert_eq!(output.status.code(), Some(1));
    assert_eq!(
        stderr(&output),
        "site.toml:5:1: error: `[check] max_figure_age_years` is -2: it must be a whole number of years from 1 to 100 (leave it out to check no age)\n  |\n5 | max_figure_age_years = -2\n  | ^\n\nerror: check failed with 1 error, 0 warnings\n"
    );
}

#[test]
fn a_typed_number_that_is_not_the_figure_its_sentence_names_is_a_warning_at_the_number() {
    let site = site();
    site.write(
        "content/pay.md",
        "---\ntitle: Pay\ndescription: Pay.\ntemplate: facts.html\n---\nPay compared.\n\n\
         - In May 2024 the median was $47,900 a year, and `$1` in code is not read.\n\
         - In May 2019 it was $41,000: the figure, so nothing to say.\n\
         - In May 2024 it was :fact{data=\"figures/pay.yaml\" key=\"a.pay\"}, quoted exactly as $48,300.\n",
    );
    site.write(
        "templates/components.html",
        "{% component fact(data: string, key: string) %}{% set f = get_fact(data=data, key=key) %}{{ f.html | safe }}{% endcomponent fact %}",
    );
    let output = check(site.path(), &[]);
    let expected = "content/pay.md:8:30: warning: `$47,900` is typed in a sentence about May 2024, but this page shows $48,300 (`a.pay` in `data/figures/pay.yaml`); print the figure with a component, or correct the number\n  |\n8 | - In May 2024 the median was $47,900 a year, and `$1` in code is not read.\n  |                              ^\n\n";
    assert!(stderr(&output).contains(expected), "{}", stderr(&output));
    assert_eq!(
        stderr(&output).matches("is typed in a sentence").count(),
        1,
        "{}",
        stderr(&output)
    );
}

#[test]
fn a_link_in_prose_to_a_figures_source_that_no_figure_on_the_page_has_warns_at_the_link() {
    let site = site();
    site.write(
        "content/pay.md",
        "---\ntitle: Pay\ndescription: Pay.\ntemplate: facts.html\n---\nPay is about $48,000, from [OEWS](https://bls.gov/oes/) and a\n[guide](https://www.example.org/guide/#top); see also [AARC](https://www.aarc.org/) and [Outlook](https://www.bls.gov/ooh/).\nThe job is defined by the [guide](https://example.org/guide), with no number.\n",
    );
    let output = check(site.path(), &[]);
    assert_eq!(output.status.code(), Some(0));
    let (on_page, in_data) = WARNINGS.split_at(WARNINGS.find("\ndata/").unwrap() + 1);
    let expected = concat!(
        "content/pay.md:7:1: warning: link `https://www.example.org/guide/#top` cites the source of `c.pay` in `data/figures/pay.yaml`, but no figure this page shows comes from it: show the figure with a component (its source link comes with it), or link elsewhere\n",
        "  |\n",
        "7 | [guide](https://www.example.org/guide/#top); see also [AARC](https://www.aarc.org/) and [Outlook](https://www.bls.gov/ooh/).\n",
        "  | ^\n",
        "\n",
    );
    assert_eq!(stderr(&output), format!("{on_page}{expected}{in_data}"));
}
