//! Bad input, run through the real binary: the exact error text a writer
//! sees, the exit code, and that the previous output is untouched.

use crate::support::{TempSite, read_tree, stderr};

const HOME: (&str, &str) = ("content/_index.md", "---\ntitle: Home\n---\n");

/// Builds a site made of the fixture theme, a home page and `files`, and
/// returns what medsite printed on stderr; the build must fail with exit 1.
fn failing_build(files: &[(&str, &str)]) -> String {
    let mut all = vec![HOME];
    all.extend_from_slice(files);
    let site = TempSite::with_theme(&all);
    let output = site.build(&["--quiet"]);
    assert_eq!(
        output.status.code(),
        Some(1),
        "stderr:\n{}",
        stderr(&output)
    );
    assert!(
        !site.path().join("dist").exists(),
        "a failed first build must not create dist/"
    );
    stderr(&output)
}

#[test]
fn unclosed_front_matter_fence_is_an_error_at_line_1() {
    let shown = failing_build(&[("content/a.md", "---\ntitle: A\n\nBody text.\n")]);
    assert_eq!(
        shown,
        "content/a.md:1:1: error: front matter opened with `---` is never closed: add a line `---` after it\n  |\n1 | ---\n  | ^\n\nerror: build failed with 1 error\n"
    );
}

#[test]
fn yaml_syntax_error_points_at_the_line_in_the_file() {
    let shown = failing_build(&[(
        "content/a.md",
        "---\ntitle: A\ndescription: [unclosed\nweight: 2\n---\nBody\n",
    )]);
    assert_eq!(
        shown,
        "content/a.md:4:7: error: invalid YAML: illegal placement of ':' indicator\n  |\n4 | weight: 2\n  |       ^\n\nerror: build failed with 1 error\n"
    );
}

#[test]
fn wrong_type_names_the_field() {
    let shown = failing_build(&[("content/a.md", "---\ntitle: A\nweight: heavy\n---\nBody\n")]);
    assert_eq!(
        shown,
        "content/a.md:3:1: error: `weight`: expected an integer, found string \"heavy\"\n  |\n3 | weight: heavy\n  | ^\n\nerror: build failed with 1 error\n"
    );
}

#[test]
fn yaml_alias_bomb_is_refused() {
    let bomb = "---\ntitle: A\na: &a [\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\"]\nb: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]\nc: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b]\nd: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c]\ne: &e [*d,*d,*d,*d,*d,*d,*d,*d,*d]\nf: &f [*e,*e,*e,*e,*e,*e,*e,*e,*e]\ng: &g [*f,*f,*f,*f,*f,*f,*f,*f,*f]\n---\n";
    let started = std::time::Instant::now();
    let shown = failing_build(&[("content/a.md", bomb)]);
    assert!(
        started.elapsed().as_secs() < 5,
        "the alias bomb was expanded"
    );
    assert_eq!(
        shown,
        "content/a.md:3:7: error: YAML anchors (`&name`) are not allowed in front matter: write the value out\n  |\n3 | a: &a [\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\"]\n  |       ^\n\nerror: build failed with 1 error\n"
    );
}

#[test]
fn unknown_front_matter_field_is_named() {
    let shown = failing_build(&[("content/a.md", "---\ntitle: A\nwieght: 2\n---\n")]);
    assert_eq!(
        shown,
        "content/a.md:3:1: error: unknown front matter field `wieght` (did you mean `weight`?); put your own fields under `extra`\n  |\n3 | wieght: 2\n  | ^\n\nerror: build failed with 1 error\n"
    );
}

#[test]
fn two_pages_on_one_url_name_both_files() {
    let shown = failing_build(&[
        ("content/dialysis-technician.md", "---\ntitle: A\n---\n"),
        (
            "content/other.md",
            "---\ntitle: B\nslug: Dialysis Technician\n---\n",
        ),
    ]);
    assert_eq!(
        shown,
        "content/other.md:3:1: error: `/dialysis-technician/` is also the URL of content/dialysis-technician.md: give one of them another `slug` or file name\n  |\n3 | slug: Dialysis Technician\n  | ^\n\nerror: build failed with 1 error\n"
    );
}

#[test]
fn urls_differing_only_by_case_collide() {
    let shown = failing_build(&[
        ("content/Guide.md", "---\ntitle: A\n---\n"),
        ("content/guide.md", "---\ntitle: B\n---\n"),
    ]);
    assert_eq!(
        shown,
        "content/guide.md: error: `/guide/` is also the URL of content/Guide.md: give one of them another `slug` or file name\n\nerror: build failed with 1 error\n"
    );
}

#[test]
fn unsafe_slugs_are_refused() {
    let shown = failing_build(&[
        ("content/a.md", "---\ntitle: A\nslug: ../../etc\n---\n"),
        ("content/b.md", "---\ntitle: B\nslug: \"%2e%2e\"\n---\n"),
        ("content/c.md", "---\ntitle: C\nslug: 'a\\b'\n---\n"),
        (
            "content/d.md",
            "---\ntitle: D\naliases: [/../../outside/]\n---\n",
        ),
    ]);
    assert_eq!(
        shown,
        "content/a.md:3:1: error: slug `../../etc` would leave its folder: it contains a `.` or `..` path segment\n  |\n3 | slug: ../../etc\n  | ^\n\ncontent/b.md:3:1: error: slug `%2e%2e` would leave its folder: it contains percent-encoded dots or slashes\n  |\n3 | slug: \"%2e%2e\"\n  | ^\n\ncontent/c.md:3:1: error: slug `a\\b` would leave its folder: it contains a backslash\n  |\n3 | slug: 'a\\b'\n  | ^\n\ncontent/d.md:3:1: error: alias `/../../outside/` would leave the output folder: it contains a `.` or `..` path segment\n  |\n3 | aliases: [/../../outside/]\n  | ^\n\nerror: build failed with 4 errors\n"
    );
}

#[test]
fn link_to_a_missing_file_is_an_error_at_its_line() {
    let shown = failing_build(&[(
        "content/a.md",
        "---\ntitle: A\n---\nFirst line.\n\nSee [the dialysis page](@/careers/dialysis.md#pay).\n",
    )]);
    assert_eq!(
        shown,
        "content/a.md:6:5: error: link to `@/careers/dialysis.md`: no such file in content/ (or it is a draft)\n  |\n6 | See [the dialysis page](@/careers/dialysis.md#pay).\n  |     ^\n\nerror: build failed with 1 error\n"
    );
}

#[test]
fn template_errors_name_the_template_and_line() {
    let shown = failing_build(&[
        (
            "templates/page.html",
            "{% extends \"base.html\" %}\n{% block main %}\n<h1>{{ page.titel }}</h1>\n{% endblock main %}\n",
        ),
        ("content/a.md", "---\ntitle: A\n---\n"),
    ]);
    assert_eq!(
        shown,
        "templates/page.html:3:13: error: Field `titel` is not defined. Available fields: ancestors, content, date, date_display, description, extra, json_ld, next, path, permalink, previous, reading_time, slug, summary, taxonomies, title, toc, updated, updated_display, weight, word_count (while rendering content/a.md)\n  |\n3 | <h1>{{ page.titel }}</h1>\n  |             ^\n\nerror: build failed with 1 error\n"
    );
}

/// Tera said `Unknown tag` with the caret on `{% endblock %}`.
#[test]
fn a_missing_endif_is_named_at_the_tag_left_open() {
    let shown = failing_build(&[(
        "templates/page.html",
        "{% extends \"base.html\" %}\n{% block main %}\n{% if page.title %}\n{% endblock main %}\n",
    )]);
    assert_eq!(
        shown,
        "templates/page.html:3:1: error: `{% if %}` is never closed: add `{% endif %}` before `{% endblock %}` on line 4\n  |\n3 | {% if page.title %}\n  | ^\n\nerror: build failed with 1 error\n"
    );
}

#[test]
fn unknown_site_toml_key_is_named_with_its_line() {
    let site = TempSite::with_theme(&[HOME]);
    site.write(
        "site.toml",
        "title = \"T\"\ntheme = \"fixture\"\nbase_ulr = \"https://example.org/\"\n",
    );
    let output = site.build(&[]);
    assert_eq!(output.status.code(), Some(1));
    assert_eq!(
        stderr(&output),
        "site.toml:3:1: error: unknown key `base_ulr` in site.toml (did you mean `base_url`?)\n  |\n3 | base_ulr = \"https://example.org/\"\n  | ^\n\nerror: build failed with 1 error\n"
    );
}

#[test]
fn all_errors_are_reported_and_the_previous_dist_is_kept() {
    let site = TempSite::with_theme(&[
        HOME,
        ("content/a.md", "---\ntitle: A\n---\nFine.\n"),
        ("content/b.md", "---\ntitle: B\n---\nFine.\n"),
    ]);
    assert!(site.build(&["--quiet"]).status.success());
    let before = read_tree(&site.path().join("dist"));
    site.write(
        "content/a.md",
        "---\ntitle: A\nweight: [\n---\nBroken front matter.\n",
    );
    site.write(
        "content/b.md",
        "---\ntitle: B\n---\nA [broken link](@/nowhere.md).\n",
    );
    let output = site.build(&["--quiet"]);
    assert_eq!(output.status.code(), Some(1));
    assert_eq!(
        stderr(&output),
        "content/a.md:4:1: error: invalid YAML: while parsing a node, did not find expected node content\n  |\n4 | ---\n  | ^\n\ncontent/b.md:4:3: error: link to `@/nowhere.md`: no such file in content/ (or it is a draft)\n  |\n4 | A [broken link](@/nowhere.md).\n  |   ^\n\nerror: build failed with 2 errors\n"
    );
    assert_eq!(
        read_tree(&site.path().join("dist")),
        before,
        "the failed build changed dist/"
    );
}

/// A broken base template was reported once per page it rendered.
#[test]
fn a_template_error_is_printed_once_with_how_many_outputs_hit_it() {
    let shown = failing_build(&[
        (
            "templates/page.html",
            "{% extends \"base.html\" %}\n{% block main %}\n<h1>{{ page.titel }}</h1>\n{% endblock main %}\n",
        ),
        ("content/a.md", "---\ntitle: A\n---\n"),
        ("content/b.md", "---\ntitle: B\n---\n"),
        ("content/c.md", "---\ntitle: C\n---\n"),
    ]);
    assert_eq!(shown.matches("error: Field `titel`").count(), 1, "{shown}");
    assert!(
        shown.contains("(while rendering content/a.md and 2 other outputs)\n  |\n3 | <h1>{{ page.titel }}</h1>\n"),
        "{shown}"
    );
    assert!(
        shown.ends_with("error: build failed with 1 error\n"),
        "{shown}"
    );
}

#[test]
fn hugo_and_zola_spellings_get_medsites_names() {
    let shown = failing_build(&[(
        "site.toml",
        "title = \"T\"\ntheme = \"fixture\"\nbaseURL = \"https://example.org/\"\n",
    )]);
    assert_eq!(
        shown,
        "site.toml:3:1: error: unknown key `baseURL` in site.toml (did you mean `base_url`?)\n  |\n3 | baseURL = \"https://example.org/\"\n  | ^\n\nerror: build failed with 1 error\n"
    );
    let shown = failing_build(&[("content/a.md", "---\ntitle: A\ntags: [x]\n---\n")]);
    assert_eq!(
        shown,
        "content/a.md:3:1: error: unknown front matter field `tags` (did you mean `taxonomies`?); put your own fields under `extra`\n  |\n3 | tags: [x]\n  | ^\n\nerror: build failed with 1 error\n"
    );
}

/// A page moved into a folder of its own (`x.md` -> `x/index.md`, to hold
/// its images) left links to `x.md` with only "no such file".
#[test]
fn a_link_to_a_page_that_became_a_folder_names_the_new_file() {
    let shown = failing_build(&[
        ("content/a.md", "---\ntitle: A\n---\nSee [x](x.md).\n"),
        ("content/x/index.md", "---\ntitle: X\n---\n"),
    ]);
    assert_eq!(
        shown,
        "content/a.md:4:5: error: link to `x.md`: no such file in content/ (did you mean `x/index.md`? the page is a folder now)\n  |\n4 | See [x](x.md).\n  |     ^\n\nerror: build failed with 1 error\n"
    );
}

/// Builds a site whose `site.toml` is `config` (with the fixture theme) and
/// returns stderr; the build must fail with exit 1.
fn failing_build_with_config(config: &str) -> String {
    let site = TempSite::with_theme(&[HOME]);
    site.write("site.toml", config);
    let output = site.build(&["--quiet"]);
    assert_eq!(output.status.code(), Some(1), "{}", stderr(&output));
    stderr(&output)
}

const ACCENTED: &str = "Ça va à l’école";

#[test]
fn duplicate_yaml_key_after_accented_letters_points_at_the_key() {
    let shown = failing_build(&[(
        "content/a.md",
        &format!("---\ntitle: A\ndescription: {ACCENTED}\nweight: 2\ntitle: B\n---\n"),
    )]);
    assert_eq!(
        shown,
        "content/a.md:5:1: error: duplicate key `title`: it is already set above in this map\n  |\n5 | title: B\n  | ^\n\nerror: build failed with 1 error\n"
    );
}

#[test]
fn yaml_syntax_error_after_accented_letters_points_at_the_line_in_the_file() {
    let shown = failing_build(&[(
        "content/a.md",
        &format!("---\ntitle: A\ndescription: [{ACCENTED}\nweight: 2\n---\nBody\n"),
    )]);
    assert_eq!(
        shown,
        "content/a.md:4:7: error: invalid YAML: illegal placement of ':' indicator\n  |\n4 | weight: 2\n  |       ^\n\nerror: build failed with 1 error\n"
    );
}

#[test]
fn duplicate_toml_key_after_accented_letters_points_at_the_key() {
    let shown = failing_build(&[(
        "content/a.md",
        &format!(
            "+++\ntitle = \"A\"\ndescription = \"{ACCENTED}\"\nweight = 2\ntitle = \"B\"\n+++\n"
        ),
    )]);
    assert_eq!(
        shown,
        "content/a.md:5:1: error: invalid TOML front matter: duplicate key\n  |\n5 | title = \"B\"\n  | ^\n\nerror: build failed with 1 error\n"
    );
}

/// serde_json reports a duplicate key at its closing quote (as
/// docs/bad-input.md shows); counted in characters, not bytes.
#[test]
fn duplicate_json_key_after_accented_letters_points_past_the_key() {
    let shown = failing_build(&[(
        "content/a.md",
        &format!(
            "{{\n  \"title\": \"A\",\n  \"description\": \"{ACCENTED}\",\n  \"weight\": 2,\n  \"title\": \"B\"\n}}\nBody\n"
        ),
    )]);
    assert_eq!(
        shown,
        "content/a.md:5:9: error: invalid JSON front matter: duplicate key `title`\n  |\n5 |   \"title\": \"B\"\n  |         ^\n\nerror: build failed with 1 error\n"
    );
}

/// serde_json reports a duplicate key at its closing quote (as
/// docs/bad-input.md shows); counted in characters, not bytes.
#[test]
fn duplicate_json_key_on_one_line_after_accented_letters_points_past_the_key() {
    let shown = failing_build(&[(
        "content/a.md",
        &format!("{{\"description\": \"{ACCENTED}\", \"title\": \"A\", \"title\": \"B\"}}\nBody\n"),
    )]);
    assert_eq!(
        shown,
        format!(
            "content/a.md:1:56: error: invalid JSON front matter: duplicate key `title`\n  |\n1 | {{\"description\": \"{ACCENTED}\", \"title\": \"A\", \"title\": \"B\"}}\n  |                                                        ^\n\nerror: build failed with 1 error\n"
        )
    );
}

#[test]
fn paginate_by_zero_in_a_second_section_table_points_at_that_table() {
    let shown = failing_build_with_config(
        "title = \"T\"\ntheme = \"fixture\"\n[sections.careers]\npaginate_by = 2\n[sections.guides]\npaginate_by = 0\n",
    );
    assert_eq!(
        shown,
        "site.toml:6:1: error: section `guides`: `paginate_by` must be at least 1 (leave it out to list every page)\n  |\n6 | paginate_by = 0\n  | ^\n\nerror: build failed with 1 error\n"
    );
}

#[test]
fn paginate_by_zero_in_a_second_taxonomy_points_at_that_taxonomy() {
    let shown = failing_build_with_config(
        "title = \"T\"\ntheme = \"fixture\"\n[[taxonomies]]\nname = \"tags\"\npaginate_by = 2\n[[taxonomies]]\nname = \"roles\"\npaginate_by = 0\n",
    );
    assert_eq!(
        shown,
        "site.toml:8:1: error: taxonomy `roles`: `paginate_by` must be at least 1 (leave it out to list every page)\n  |\n8 | paginate_by = 0\n  | ^\n\nerror: build failed with 1 error\n"
    );
}

#[test]
fn a_slug_too_long_for_a_folder_name_is_an_error_at_the_slug() {
    let slug = "a".repeat(300);
    let shown = failing_build(&[(
        "content/a.md",
        &format!("---\ntitle: A\nslug: {slug}\n---\n"),
    )]);
    assert_eq!(
        shown,
        format!(
            "content/a.md:3:1: error: the slug is 300 characters long, and file systems allow folder names of at most 255: shorten the `slug`\n  |\n3 | slug: {slug}\n  | ^\n\nerror: build failed with 1 error\n"
        )
    );
}

#[test]
fn a_link_to_a_page_whose_front_matter_fails_is_not_reported_as_missing() {
    let shown = failing_build(&[
        (
            "content/_index.md",
            "---\ntitle: Home\n---\nSee [the nurse page](@/careers/nurse.md).\n",
        ),
        (
            "content/careers/nurse.md",
            "---\ntitel: Nurse\n---\nText.\n",
        ),
    ]);
    assert_eq!(
        shown,
        "content/careers/nurse.md:2:1: error: unknown front matter field `titel` (did you mean `title`?); put your own fields under `extra`\n  |\n2 | titel: Nurse\n  | ^\n\nerror: build failed with 1 error\n"
    );
}

#[test]
fn a_link_to_a_page_without_a_title_is_not_reported_as_missing() {
    let shown = failing_build(&[
        (
            "content/_index.md",
            "---\ntitle: Home\n---\nSee [the nurse page](@/careers/nurse.md).\n",
        ),
        (
            "content/careers/nurse.md",
            "---\ndescription: Nurse\n---\nText.\n",
        ),
    ]);
    assert_eq!(
        shown,
        "content/careers/nurse.md:1:1: error: the page has no `title` in its front matter\n  |\n1 | ---\n  | ^\n\nerror: build failed with 1 error\n"
    );
}

#[test]
fn asset_of_a_file_that_is_not_fingerprinted_names_it() {
    let shown = failing_build(&[
        ("static/notes.txt", "notes\n"),
        (
            "templates/index.html",
            "{% extends \"base.html\" %}{% block main %}{% set a = asset(path=\"notes.txt\") %}{{ a.path }}{% endblock main %}\n",
        ),
    ]);
    assert_eq!(
        shown,
        "templates/index.html:1:53: error: asset: no `notes.txt` in static/ to fingerprint (only .css and .js files are) (while rendering content/_index.md)\n  |\n1 | {% extends \"base.html\" %}{% block main %}{% set a = asset(path=\"notes.txt\") %}{{ a.path }}{% endblock main %}\n  |                                                     ^\n\nerror: build failed with 1 error\n"
    );
}
