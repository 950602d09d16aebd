//! Pages from data through the real binary: the exact error text a writer
//! sees for each mistake in a section's `generate` table or in the records
//! it reads, and that such a build writes nothing.

use crate::support::{TempSite, stderr};

const SITE: &str = "title = \"T\"\ntheme = \"fixture\"\n\n[[taxonomies]]\nname = \"states\"\n";

const SECTION: &str = "+++
title = \"Careers\"

[generate]
data = \"jobs.csv\"
path = \"{career}/{state}\"
title = \"{career} in {state}\"
date = \"{updated}\"
+++
";

const JOBS: &str = "career,state,updated\nNurse,CA,2025-01-02\nNurse,TX,\n";

/// A site generating `careers/` from `data/jobs.csv`, with `files` on top.
fn site_with(files: &[(&str, &str)]) -> TempSite {
    let mut all = vec![
        ("site.toml", SITE),
        ("content/_index.md", "+++\ntitle = \"Home\"\n+++\n"),
        ("content/careers/_index.md", SECTION),
        ("data/jobs.csv", JOBS),
    ];
    all.extend_from_slice(files);
    TempSite::with_theme(&all)
}

/// What a failing build printed on stderr; it must exit 1 and write nothing.
fn failing_build(files: &[(&str, &str)]) -> String {
    let site = site_with(files);
    let output = site.build(&["--quiet"]);
    assert_eq!(
        output.status.code(),
        Some(1),
        "stderr:\n{}",
        stderr(&output)
    );
    assert!(!site.path().join("dist").exists());
    stderr(&output)
}

#[test]
fn the_site_builds_one_page_per_record() {
    let site = site_with(&[]);
    let output = site.build(&["--quiet"]);
    assert!(output.status.success(), "{}", stderr(&output));
    let page = std::fs::read_to_string(site.path().join("dist/careers/nurse/tx/index.html"));
    assert!(page.unwrap().contains("<h1>Nurse in TX</h1>"));
    assert!(
        site.path()
            .join("dist/careers/nurse/ca/index.html")
            .is_file()
    );
}

#[test]
fn a_url_pattern_naming_a_field_the_records_lack_is_an_error_at_the_pattern() {
    let section = SECTION.replace("{career}/{state}", "{career}/{stat}");
    let shown = failing_build(&[("content/careers/_index.md", &section)]);
    assert_eq!(
        shown,
        "content/careers/_index.md:6:1: error: `generate.path`: `{stat}` names no field of the records of `data/jobs.csv` (did you mean `state`?)\n  |\n6 | path = \"{career}/{stat}\"\n  | ^\n\nerror: build failed with 1 error\n"
    );
}

#[test]
fn a_cell_that_makes_an_empty_url_segment_is_an_error_at_its_row_and_column() {
    let shown = failing_build(&[(
        "data/jobs.csv",
        "career,state,updated\nNurse,CA,2025-01-02\nNurse, ?? ,\n",
    )]);
    assert_eq!(
        shown,
        "data/jobs.csv:3:8: error: column `state` (row 2): `??` has no letters or digits, so `generate.path` `{career}/{state}` in `content/careers/_index.md` gets an empty URL segment\n  |\n3 | Nurse, ?? ,\n  |        ^\n\nerror: build failed with 1 error\n"
    );
}

#[test]
fn two_records_with_one_url_name_both_rows() {
    let shown = failing_build(&[(
        "data/jobs.csv",
        "career,state,updated\nNurse,CA,2025-01-02\nNurse,TX,\nnurse,ca,\n",
    )]);
    assert_eq!(
        shown,
        "data/jobs.csv:4:1: error: row 3: `/careers/nurse/ca/` is also the URL of row 1 of `data/jobs.csv` (line 2): make `generate.path` in `content/careers/_index.md` tell them apart, or change one of them\n  |\n4 | nurse,ca,\n  | ^\n\nerror: build failed with 1 error\n"
    );
}

#[test]
fn a_record_whose_url_is_a_markdown_page_names_the_page() {
    let shown = failing_build(&[(
        "content/careers/nurse/ca.md",
        "+++\ntitle = \"Nurses in California\"\n+++\n",
    )]);
    assert_eq!(
        shown,
        "data/jobs.csv:2:1: error: row 1: `/careers/nurse/ca/` is also the URL of content/careers/nurse/ca.md: make `generate.path` in `content/careers/_index.md` tell them apart, or change one of them\n  |\n2 | Nurse,CA,2025-01-02\n  | ^\n\nerror: build failed with 1 error\n"
    );
}

#[test]
fn a_cell_that_is_not_a_date_is_an_error_at_its_cell() {
    let shown = failing_build(&[(
        "data/jobs.csv",
        "career,state,updated\nNurse,CA,2 January 2025\n",
    )]);
    assert_eq!(
        shown,
        "data/jobs.csv:2:10: error: column `updated` (row 1): `2 January 2025` is not a date (`generate.date` in `content/careers/_index.md`): write it as YYYY-MM-DD\n  |\n2 | Nurse,CA,2 January 2025\n  |          ^\n\nerror: build failed with 1 error\n"
    );
}

#[test]
fn a_yaml_record_without_a_field_of_the_pattern_is_an_error_at_the_record() {
    let section = SECTION.replace("jobs.csv", "jobs.yaml");
    let shown = failing_build(&[
        ("content/careers/_index.md", &section),
        (
            "data/jobs.yaml",
            "- career: Nurse\n  state: CA\n  updated: 2025-01-02\n- career: Nurse\n  updated: 2025-01-02\n",
        ),
    ]);
    assert_eq!(
        shown,
        "data/jobs.yaml:4:3: error: record 2: has no `state`, which `generate.path` in `content/careers/_index.md` names\n  |\n4 | - career: Nurse\n  |   ^\n\nerror: build failed with 1 error\n"
    );
}

#[test]
fn an_unknown_data_file_is_an_error_at_generate_data_with_a_guess() {
    let section = SECTION.replace("jobs.csv", "job.csv");
    let shown = failing_build(&[("content/careers/_index.md", &section)]);
    assert_eq!(
        shown,
        "content/careers/_index.md:5:1: error: `generate.data`: no data file `data/job.csv` (did you mean `jobs.csv`?)\n  |\n5 | data = \"job.csv\"\n  | ^\n\nerror: build failed with 1 error\n"
    );
}

#[test]
fn a_map_is_no_list_of_records() {
    let section = SECTION.replace("jobs.csv", "jobs.toml");
    let shown = failing_build(&[
        ("content/careers/_index.md", &section),
        ("data/jobs.toml", "career = \"Nurse\"\n"),
    ]);
    assert_eq!(
        shown,
        "content/careers/_index.md:5:1: error: `generate.data`: `data/jobs.toml` holds a map, not a list of records: make pages from a CSV file, or a JSON or YAML list of maps\n  |\n5 | data = \"jobs.toml\"\n  | ^\n\nerror: build failed with 1 error\n"
    );
}

#[test]
fn generate_in_a_page_is_an_error_at_the_key() {
    let shown = failing_build(&[(
        "content/careers/guide.md",
        "+++\ntitle = \"Guide\"\n\n[generate]\ndata = \"jobs.csv\"\npath = \"{career}\"\ntitle = \"{career}\"\n+++\n",
    )]);
    assert_eq!(
        shown,
        "content/careers/guide.md:4:2: error: `generate` makes the pages of a section: move it to the section's `_index.md`\n  |\n4 | [generate]\n  |  ^\n\nerror: build failed with 1 error\n"
    );
}

#[test]
fn a_path_without_a_field_is_an_error_at_its_key() {
    let section = SECTION.replace("{career}/{state}", "all");
    let shown = failing_build(&[("content/careers/_index.md", &section)]);
    assert_eq!(
        shown,
        "content/careers/_index.md:6:1: error: `generate.path` `all` names no field: every record would get the same URL; write fields as `{field}`\n  |\n6 | path = \"all\"\n  | ^\n\nerror: build failed with 1 error\n"
    );
}

#[test]
fn an_undeclared_taxonomy_is_an_error_at_its_key() {
    let section = SECTION.replace(
        "date = \"{updated}\"\n",
        "date = \"{updated}\"\n\n[generate.taxonomies]\nregions = [\"{state}\"]\n",
    );
    let shown = failing_build(&[("content/careers/_index.md", &section)]);
    assert_eq!(
        shown,
        "content/careers/_index.md:11:1: error: `generate.taxonomies.regions`: site.toml declares no taxonomy `regions` (declared: states)\n   |\n11 | regions = [\"{state}\"]\n   | ^\n\nerror: build failed with 1 error\n"
    );
}

#[test]
fn a_schema_violation_in_the_records_is_reported_by_the_data_file_binding() {
    let site = format!("{SITE}\n[data.\"jobs.csv\"]\nschema = \"schemas/jobs.schema.json\"\n");
    let schema = r#"{"type": "array", "items": {"type": "object", "properties": {"state": {"type": "string", "pattern": "^[A-Z]{2}$"}}}}"#;
    let shown = failing_build(&[
        ("site.toml", &site),
        ("schemas/jobs.schema.json", schema),
        (
            "data/jobs.csv",
            "career,state,updated\nNurse,CA,\nNurse,Texas,\n",
        ),
    ]);
    assert_eq!(
        shown,
        "data/jobs.csv:3:7: error: column `state` (row 2): expected text matching `^[A-Z]{2}$`, found string \"Texas\"\n  |\n3 | Nurse,Texas,\n  |       ^\n\nerror: build failed with 1 error\n"
    );
}
