//! Section schemas through the real binary: every violation of every
//! file in one run, in YAML, TOML and JSON front matter, each at the line
//! and column of the offending key (or of its parent when it is missing).

use crate::support::{TempSite, repo, stderr};

/// A site with the fixture theme, a home page and a careers schema with
/// nested figures and lists: `tests/fixtures/schema-errors/`, the careers
/// schema as it was while career pages held their figures in front matter
/// (they now live in `data/`), kept so the violations below stay nested.
fn careers_site(files: &[(&str, &str)]) -> TempSite {
    let site = TempSite::with_theme(&[("content/_index.md", "---\ntitle: Home\n---\n")]);
    site.write(
        "site.toml",
        "title = \"T\"\ntheme = \"fixture\"\n\n[sections.careers]\nschema = \"schemas/career.schema.json\"\n",
    );
    site.write(
        "schemas/career.schema.json",
        &std::fs::read_to_string(repo().join("tests/fixtures/schema-errors/career.schema.json"))
            .unwrap(),
    );
    for (path, text) in files {
        site.write(path, text);
    }
    site
}

const DIALYSIS: &str = r#"---
title: Dialysis technician
description: "Dialysis technicians in the US."
extra:
  us_title: Patient care dialysis technician
  soc_code: "29-20"
  entry_education: "High school diploma"
  entry_education_source: {url: "https://example.org/cms", year: "2010"}
  credentials:
    - abbr: CCHT
      name: Certified Clinical Hemodialysis Technician
      body: NNCC
    - abbr: CHT
      name: Certified Hemodialysis Technologist/Technician
  stats:
    median_pay: {usd: "forty thousand", ref: "May 2023", year: 2023, source_url: "https://example.org/pay"}
    growth: {percent: 5, period: "2022-32", year: 2022}
  sources:
    - {label: "CMS", url: "docplayer.net/x", year: 2010, primary: true}
---
Body.
"#;

const EMT: &str = r#"+++
title = "Emergency medical technician"
description = "EMTs in the US."

[extra]
us_title = "Emergency Medical Technicians"
soc_code = 292042
entry_education = "Postsecondary nondegree award"
entry_education_source = { url = "https://example.org/ooh", year = 2023 }
credentials = []
sources = []

[extra.stats.employment]
count = 269000
ref = "2022"
source_url = "https://example.org/ooh"

[extra.stats.median_pay_usd]
value = 38930
+++
Body.
"#;

const PHARMACY: &str = r#"{
  "title": "Pharmacy technician",
  "extra": {
    "us_title": "Pharmacy Technicians",
    "entry_education": "High school diploma",
    "entry_education_source": {"url": "https://example.org/ooh"},
    "credentials": [{"abbr": "CPhT", "name": "Certified Pharmacy Technician", "body": "PTCB", "kind": "diploma"}],
    "seed_claims": [{"claim": "Counts pills", "status": "maybe"}],
    "sources": [{"label": "BLS", "url": "https://example.org/ooh", "year": 2023, "primary": "yes"}]
  }
}
Body.
"#;

#[test]
fn fifteen_violations_in_three_files_are_reported_in_one_run_at_their_keys() {
    let site = careers_site(&[
        ("content/careers/dialysis-technician.md", DIALYSIS),
        ("content/careers/emt.md", EMT),
        ("content/careers/pharmacy.md", PHARMACY),
    ]);
    let output = site.build(&["--quiet"]);
    assert_eq!(output.status.code(), Some(1));
    assert!(
        !site.path().join("dist").exists(),
        "a failed build wrote dist/"
    );
    let expected = concat!(
        "content/careers/dialysis-technician.md:6:3: error: extra.soc_code: expected a SOC code such as 29-2042, found string \"29-20\"\n",
        "  |\n",
        "6 |   soc_code: \"29-20\"\n",
        "  |   ^\n",
        "\n",
        "content/careers/dialysis-technician.md:8:60: error: extra.entry_education_source.year: expected integer, found string \"2010\"\n",
        "  |\n",
        "8 |   entry_education_source: {url: \"https://example.org/cms\", year: \"2010\"}\n",
        "  |                                                            ^\n",
        "\n",
        "content/careers/dialysis-technician.md:13:7: error: extra.credentials[1].body: required, but missing\n",
        "   |\n",
        "13 |     - abbr: CHT\n",
        "   |       ^\n",
        "\n",
        "content/careers/dialysis-technician.md:16:18: error: extra.stats.median_pay.usd: expected integer, found string \"forty thousand\"\n",
        "   |\n",
        "16 |     median_pay: {usd: \"forty thousand\", ref: \"May 2023\", year: 2023, source_url: \"https://example.org/pay\"}\n",
        "   |                  ^\n",
        "\n",
        "content/careers/dialysis-technician.md:17:5: error: extra.stats.growth.source_url: required, but missing\n",
        "   |\n",
        "17 |     growth: {percent: 5, period: \"2022-32\", year: 2022}\n",
        "   |     ^\n",
        "\n",
        "content/careers/dialysis-technician.md:19:22: error: extra.sources[0].url: expected an http(s) URL, found string \"docplayer.net/x\"\n",
        "   |\n",
        "19 |     - {label: \"CMS\", url: \"docplayer.net/x\", year: 2010, primary: true}\n",
        "   |                      ^\n",
        "\n",
        "content/careers/emt.md:7:1: error: extra.soc_code: expected string, found integer 292042\n",
        "  |\n",
        "7 | soc_code = 292042\n",
        "  | ^\n",
        "\n",
        "content/careers/emt.md:11:1: error: extra.sources: expected at least 1 item, found a list of 0 items\n",
        "   |\n",
        "11 | sources = []\n",
        "   | ^\n",
        "\n",
        "content/careers/emt.md:13:14: error: extra.stats.employment.year: required, but missing\n",
        "   |\n",
        "13 | [extra.stats.employment]\n",
        "   |              ^\n",
        "\n",
        "content/careers/emt.md:18:14: error: extra.stats.median_pay_usd: unknown key, expected one of `employment`, `growth`, `median_pay`\n",
        "   |\n",
        "18 | [extra.stats.median_pay_usd]\n",
        "   |              ^\n",
        "\n",
        "content/careers/pharmacy.md:1:1: error: description: required, but missing\n",
        "  |\n",
        "1 | {\n",
        "  | ^\n",
        "\n",
        "content/careers/pharmacy.md:6:5: error: extra.entry_education_source.year: required, but missing\n",
        "  |\n",
        "6 |     \"entry_education_source\": {\"url\": \"https://example.org/ooh\"},\n",
        "  |     ^\n",
        "\n",
        "content/careers/pharmacy.md:7:95: error: extra.credentials[0].kind: expected one of \"certification\", \"licence\", \"registration\", \"certificate\", \"degree\", found string \"diploma\"\n",
        "  |\n",
        "7 |     \"credentials\": [{\"abbr\": \"CPhT\", \"name\": \"Certified Pharmacy Technician\", \"body\": \"PTCB\", \"kind\": \"diploma\"}],\n",
        "  |                                                                                               ^\n",
        "\n",
        "content/careers/pharmacy.md:8:47: error: extra.seed_claims[0].status: expected one of \"verified\", \"qualified\", \"unverified\", \"contradicted\", found string \"maybe\"\n",
        "  |\n",
        "8 |     \"seed_claims\": [{\"claim\": \"Counts pills\", \"status\": \"maybe\"}],\n",
        "  |                                               ^\n",
        "\n",
        "content/careers/pharmacy.md:9:82: error: extra.sources[0].primary: expected boolean, found string \"yes\"\n",
        "  |\n",
        "9 |     \"sources\": [{\"label\": \"BLS\", \"url\": \"https://example.org/ooh\", \"year\": 2023, \"primary\": \"yes\"}]\n",
        "  |                                                                                  ^\n",
        "\n",
        "error: build failed with 15 errors\n",
    );
    assert_eq!(stderr(&output), expected);
}

#[test]
fn missing_schema_file_is_an_error_at_its_key_in_site_toml() {
    let site = careers_site(&[("content/careers/a.md", "---\ntitle: A\n---\n")]);
    std::fs::remove_file(site.path().join("schemas/career.schema.json")).unwrap();
    let output = site.build(&["--quiet"]);
    assert_eq!(output.status.code(), Some(1));
    let shown = stderr(&output);
    assert!(
        shown.starts_with("site.toml:5:1: error: schema `schemas/career.schema.json` cannot be read: could not read `"),
        "{shown}"
    );
    assert!(shown.ends_with("\n  |\n5 | schema = \"schemas/career.schema.json\"\n  | ^\n\nerror: build failed with 1 error\n"), "{shown}");
}

#[test]
fn a_schema_outside_the_schemas_folder_is_refused_at_its_key() {
    for file in [
        "career.schema.json",
        "data/career.schema.json",
        "schemas/../career.schema.json",
    ] {
        let site = careers_site(&[("content/careers/a.md", "---\ntitle: A\n---\n")]);
        site.write(file, "{}");
        site.write(
            "site.toml",
            &format!(
                "title = \"T\"\ntheme = \"fixture\"\n\n[sections.careers]\nschema = \"{file}\"\n"
            ),
        );
        let output = site.build(&["--quiet"]);
        assert_eq!(output.status.code(), Some(1), "{file}");
        assert_eq!(
            stderr(&output),
            format!(
                "site.toml:5:1: error: schema `{file}` is not in the `schemas/` folder: keep section schemas there (e.g. `schemas/career.schema.json`), where `build` and `watch` notice when they change\n  |\n5 | schema = \"{file}\"\n  | ^\n\nerror: build failed with 1 error\n"
            )
        );
    }
}

#[test]
fn an_edited_schema_is_applied_by_the_next_build() {
    let site = careers_site(&[("content/careers/a.md", "---\ntitle: A\n---\n")]);
    site.write("schemas/career.schema.json", "{\"required\": [\"title\"]}");
    assert!(site.build(&["--quiet"]).status.success());
    // Old enough for the next builds to trust the files' times (a stamp).
    std::thread::sleep(medsite::stamp::SETTLE + std::time::Duration::from_millis(200));
    assert!(site.build(&["--quiet"]).status.success());
    site.write(
        "schemas/career.schema.json",
        "{\"required\": [\"title\", \"author\"]}",
    );
    std::thread::sleep(medsite::stamp::SETTLE + std::time::Duration::from_millis(200));
    let output = site.build(&["--quiet"]);
    assert_eq!(output.status.code(), Some(1));
    assert!(
        stderr(&output)
            .starts_with("content/careers/a.md:1:1: error: author: required, but missing\n"),
        "{}",
        stderr(&output)
    );
}

#[test]
fn schema_that_is_not_json_is_an_error_at_its_line() {
    let site = careers_site(&[("content/careers/a.md", "---\ntitle: A\n---\n")]);
    site.write(
        "schemas/career.schema.json",
        "{\n  \"type\": \"object\",\n  \"required\": [\"title\"\n}\n",
    );
    let output = site.build(&["--quiet"]);
    assert_eq!(output.status.code(), Some(1));
    assert_eq!(
        stderr(&output),
        "schemas/career.schema.json:4:1: error: the schema is not valid JSON: expected `,` or `]`\n  |\n4 | }\n  | ^\n\nerror: build failed with 1 error\n"
    );
}

#[test]
fn schema_for_a_folder_that_does_not_exist_is_an_error() {
    let site = careers_site(&[("content/jobs/a.md", "---\ntitle: A\n---\n")]);
    let output = site.build(&["--quiet"]);
    assert_eq!(output.status.code(), Some(1));
    assert_eq!(
        stderr(&output),
        "site.toml: error: `[sections.careers]` has a schema, but there is no folder `content/careers/`\n\nerror: build failed with 1 error\n"
    );
}

#[test]
fn pages_of_sub_folders_get_their_parents_schema_and_the_section_page_does_not() {
    let site = careers_site(&[
        ("content/careers/_index.md", "---\ntitle: Careers\n---\n"),
        ("content/careers/nursing/rn.md", "---\ntitle: RN\n---\n"),
    ]);
    let output = site.build(&["--quiet"]);
    assert_eq!(output.status.code(), Some(1));
    assert_eq!(
        stderr(&output),
        "content/careers/nursing/rn.md:1:1: error: description: required, but missing\n  |\n1 | ---\n  | ^\n\ncontent/careers/nursing/rn.md:1:1: error: extra: required, but missing\n  |\n1 | ---\n  | ^\n\nerror: build failed with 2 errors\n"
    );
}
