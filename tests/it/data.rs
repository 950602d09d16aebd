//! Data files through the real binary: the exact error text a writer sees
//! for each kind of bad data file, and that bad input never panics.

use crate::support::{TempSite, stderr};

const HOME: (&str, &str) = ("content/_index.md", "---\ntitle: Home\n---\n");

/// The careers schema the error tests bind to `data/careers.csv`.
const CAREERS_SCHEMA: &str = r#"{
  "type": "array",
  "items": {
    "type": "object",
    "required": ["title", "median_pay"],
    "properties": {
      "title": {"type": "string"},
      "median_pay": {"type": "number"}
    }
  }
}"#;

const STATE_SCHEMA: &str = r#"{
  "type": "object",
  "properties": {
    "programs": {"type": "array", "items": {
      "type": "object",
      "properties": {"months": {"type": "integer", "minimum": 1}}
    }}
  }
}"#;

const SITE: &str = "title = \"T\"\ntheme = \"fixture\"\n\n[data.\"careers.csv\"]\nschema = \"schemas/careers.schema.json\"\n\n[data.\"states/ca.yaml\"]\nschema = \"schemas/state.schema.json\"\n";

/// A site with the fixture theme, both schemas bound, and `files`.
fn site_with(files: &[(&str, &str)]) -> TempSite {
    let mut all = vec![
        HOME,
        ("site.toml", SITE),
        ("schemas/careers.schema.json", CAREERS_SCHEMA),
        ("schemas/state.schema.json", STATE_SCHEMA),
        ("data/careers.csv", "title,median_pay\nA,1\n"),
        ("data/states/ca.yaml", "programs: []\n"),
    ];
    all.extend_from_slice(files);
    TempSite::with_theme(&all)
}

/// What a failing build printed on stderr; it must exit 1 and write nothing.
fn failing_build(files: &[(&str, &str)]) -> String {
    crate::support::failed_build(&site_with(files))
}

#[test]
fn a_ragged_csv_row_is_an_error_at_its_line() {
    let shown = failing_build(&[(
        "data/careers.csv",
        "title,median_pay\nA,1\nB,2,extra\nC,3\n",
    )]);
    assert_eq!(
        shown,
        "data/careers.csv:3:1: error: row 2 has 3 fields, but the header names 2 columns: every row needs one field per column (quote a field that holds a comma)\n  |\n3 | B,2,extra\n  | ^\n\nerror: build failed with 1 error\n"
    );
}

#[test]
fn a_csv_cell_that_is_not_a_number_names_its_column_and_row() {
    let shown = failing_build(&[(
        "data/careers.csv",
        "title,median_pay\r\nA,48300\r\nB, n/a\r\n",
    )]);
    assert_eq!(
        shown,
        "data/careers.csv:3:4: error: column `median_pay` (row 2): expected number, found string \"n/a\"\n  |\n3 | B, n/a\n  |    ^\n\nerror: build failed with 1 error\n"
    );
}

#[test]
fn a_schema_violation_in_a_yaml_data_file_points_at_the_key() {
    let shown = failing_build(&[(
        "data/states/ca.yaml",
        "programs:\n  - months: 6\n  - months: 0\n",
    )]);
    assert_eq!(
        shown,
        "data/states/ca.yaml:3:5: error: programs[1].months: expected at least 1, found integer 0\n  |\n3 |   - months: 0\n  |     ^\n\nerror: build failed with 1 error\n"
    );
}

#[test]
fn unparseable_json_is_an_error_at_its_position() {
    let shown = failing_build(&[(
        "data/sources.json",
        "{\n  \"bls\": \"x\"\n  \"onet\": 1\n}\n",
    )]);
    assert_eq!(
        shown,
        "data/sources.json:3:3: error: invalid JSON: expected `,` or `}`\n  |\n3 |   \"onet\": 1\n  |   ^\n\nerror: build failed with 1 error\n"
    );
}

#[test]
fn a_data_binding_for_a_missing_file_is_an_error_at_its_line() {
    let shown = failing_build(&[(
        "site.toml",
        "title = \"T\"\ntheme = \"fixture\"\n\n[data.\"carrers.csv\"]\n",
    )]);
    assert_eq!(
        shown,
        "site.toml:4:7: error: `[data.\"carrers.csv\"]` names no file in `data/` (did you mean `careers.csv`?)\n  |\n4 | [data.\"carrers.csv\"]\n  |       ^\n\nerror: build failed with 1 error\n"
    );
}

#[test]
fn get_data_of_a_missing_file_is_a_template_error() {
    let shown = failing_build(&[(
        "templates/index.html",
        "{% set rows = get_data(path=\"data/careers.csv\") %}{{ rows | length }}\n",
    )]);
    assert!(shown.starts_with("templates/index.html:1:"), "{shown}");
    assert!(
        shown.contains("get_data: no data file `data/careers.csv` in `data/` (paths are relative to `data/`: write `careers.csv`)"),
        "{shown}"
    );
}

#[test]
fn every_problem_of_every_data_file_is_reported_in_one_run() {
    let shown = failing_build(&[
        ("data/careers.csv", "title,median_pay\nA,x\nB\n"),
        ("data/broken.toml", "a = \n"),
        ("data/states/ca.yaml", "programs: [{months: -1}]\n"),
    ]);
    assert!(
        shown.ends_with("error: build failed with 4 errors\n"),
        "{shown}"
    );
}

#[test]
fn odd_data_files_never_panic() {
    let odd = [
        ("data/empty.csv", ""),
        ("data/bom.csv", "\u{feff}a\n1\n"),
        ("data/header-only.csv", "a,b\r\n"),
        ("data/blank.json", ""),
        ("data/blank.yaml", ""),
        ("data/blank.toml", ""),
        ("data/quotes.csv", "a\n\"\"\"\n"),
        ("data/nul.csv", "a\n\u{0}\n"),
        ("data/deep.json", &"[".repeat(10_000)),
        ("data/deep.yaml", &"[".repeat(10_000)),
        ("data/list.toml", "[[a]]\n[a]\n"),
    ];
    for (path, text) in odd {
        let site = site_with(&[(path, text)]);
        let output = site.build(&["--quiet"]);
        let code = output.status.code();
        assert!(
            code == Some(0) || code == Some(1),
            "{path}: exit {code:?}\n{}",
            stderr(&output)
        );
        assert!(
            !stderr(&output).contains("panicked"),
            "{path}: {}",
            stderr(&output)
        );
    }
}

/// `build` skips a site whose inputs kept their stamp: a data file must be
/// part of it, or an edit to it alone would never be built.
#[test]
fn a_data_edit_after_a_stamped_build_is_built() {
    let site = site_with(&[(
        "templates/index.html",
        "{% for row in get_data(path=\"careers.csv\") %}{{ row.title }}: {{ row.median_pay }}{% endfor %}\n",
    )]);
    assert!(site.build(&["--quiet"]).status.success());
    // Old enough for the next build to trust the files' times (a stamp).
    std::thread::sleep(medsite::stamp::SETTLE + std::time::Duration::from_millis(200));
    assert!(site.build(&["--quiet"]).status.success());
    // The same length, so only the file's times tell of the change.
    site.write("data/careers.csv", "title,median_pay\nA,2\n");
    assert!(site.build(&["--quiet"]).status.success());
    assert_eq!(
        std::fs::read_to_string(site.path().join("dist/index.html")).unwrap(),
        "A: 2\n"
    );
}

const FIGURES_SITE: &str =
    "title = \"T\"\ntheme = \"fixture\"\n\n[data.\"pay.yaml\"]\nkind = \"figures\"\n";

#[test]
fn a_figure_without_its_source_date_is_refused_by_the_built_in_schema() {
    let shown = failing_build(&[
        ("site.toml", FIGURES_SITE),
        (
            "data/pay.yaml",
            "dialysis.median_pay:\n  value: 48300\n  unit: USD per year\n  period: May 2024\n  scope: SOC 29-2099\n  source:\n    url: https://www.bls.gov/oes/\n    publisher: BLS\n    title: OEWS May 2024\n    type: primary\n",
        ),
    ]);
    assert_eq!(
        shown,
        "data/pay.yaml:6:3: error: dialysis.median_pay.source.accessed: required, but missing\n  |\n6 |   source:\n  |   ^\n\nerror: build failed with 1 error\n"
    );
}

#[test]
fn figures_in_a_csv_file_are_refused_at_the_binding() {
    let shown = failing_build(&[(
        "site.toml",
        "title = \"T\"\ntheme = \"fixture\"\n\n[data.\"careers.csv\"]\nkind = \"figures\"\n",
    )]);
    assert_eq!(
        shown,
        "site.toml:4:7: error: `[data.\"careers.csv\"]`: a figures file is YAML, JSON or TOML (a figure's source is a map), not CSV\n  |\n4 | [data.\"careers.csv\"]\n  |       ^\n\nerror: build failed with 1 error\n"
    );
}

#[test]
fn get_fact_on_a_file_that_is_not_figures_says_how_to_declare_it() {
    let shown = failing_build(&[(
        "templates/index.html",
        "{% set pay = get_fact(data=\"careers.csv\", key=\"a\") %}{{ pay.html | safe }}\n",
    )]);
    assert!(
        shown.contains("get_fact: `careers.csv` is not a figures file: declare `[data.\"careers.csv\"] kind = \"figures\"` in site.toml"),
        "{shown}"
    );
}

#[test]
fn a_yaml_alias_bomb_in_a_data_file_is_refused_before_expanding() {
    let bomb = "a: &a [\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\"]\nb: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]\nc: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b]\nd: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c]\ne: &e [*d,*d,*d,*d,*d,*d,*d,*d,*d]\nf: &f [*e,*e,*e,*e,*e,*e,*e,*e,*e]\ng: &g [*f,*f,*f,*f,*f,*f,*f,*f,*f]\n";
    let started = std::time::Instant::now();
    let shown = failing_build(&[("data/bomb.yaml", bomb)]);
    assert!(
        started.elapsed().as_secs() < 5,
        "the alias bomb was expanded"
    );
    assert_eq!(
        shown,
        "data/bomb.yaml:1:7: error: YAML anchors (`&name`) are not allowed in data files: write the value out\n  |\n1 | a: &a [\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\"]\n  |       ^\n\nerror: build failed with 1 error\n"
    );
}
