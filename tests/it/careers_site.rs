//! The careers site itself: every required page is built, twice
//! identically, with well-formed feeds and sitemap and no broken links.

use crate::support::{
    CAREERS, broken_internal_links, build_careers, medsite, read_tree, repo, stderr,
};

#[test]
fn every_required_page_is_built() {
    let out = build_careers(None);
    let dist = out.path().join("dist");
    let mut required = vec![
        "index.html".to_string(),
        "careers/index.html".into(),
        "studying-online/index.html".into(),
        "about/index.html".into(),
        "compare/index.html".into(),
        "atom.xml".into(),
        "robots.txt".into(),
        "404.html".into(),
    ];
    required.extend(CAREERS.iter().map(|c| format!("careers/{c}/index.html")));
    for path in required {
        assert!(dist.join(&path).is_file(), "{path} was not built");
    }
    // Built without a base URL: no sitemap (it needs absolute URLs).
    assert!(!dist.join("sitemap.xml").exists());
    let dialysis =
        std::fs::read_to_string(dist.join("careers/dialysis-technician/index.html")).unwrap();
    assert!(dialysis.contains("class=\"key-facts"), "no key-facts panel");
}

#[test]
fn two_builds_are_byte_identical() {
    let first = build_careers(None);
    let second = build_careers(None);
    // The marker, medsite's own record of what it wrote (with each file's
    // modification time), is beside the output; every file in it must be
    // identical.
    let site = |dir: &tempfile::TempDir| {
        assert!(dir.path().join(".dist.medsite").is_file(), "no marker");
        read_tree(&dir.path().join("dist"))
    };
    assert_eq!(site(&first), site(&second));
}

#[test]
fn sitemap_and_feed_are_well_formed_and_list_every_page() {
    let out = build_careers(Some("https://example.org/sub/"));
    let dist = out.path().join("dist");
    let sitemap = std::fs::read_to_string(dist.join("sitemap.xml")).unwrap();
    let sitemap = roxmltree::Document::parse(&sitemap).expect("sitemap.xml is well-formed XML");
    let locs: Vec<&str> = sitemap
        .descendants()
        .filter(|n| n.has_tag_name("loc"))
        .filter_map(|n| n.text())
        .collect();
    let feed = std::fs::read_to_string(dist.join("atom.xml")).unwrap();
    let feed = roxmltree::Document::parse(&feed).expect("atom.xml is well-formed XML");
    assert_eq!(
        feed.root_element().tag_name().namespace(),
        Some("http://www.w3.org/2005/Atom")
    );
    let entries: Vec<&str> = feed
        .descendants()
        .filter(|n| n.has_tag_name("entry"))
        .flat_map(|e| {
            e.children()
                .filter(|c| c.has_tag_name("link"))
                .filter_map(|l| l.attribute("href"))
        })
        .collect();
    let mut pages = vec![
        "".to_string(),
        "about/".into(),
        "studying-online/".into(),
        "compare/".into(),
    ];
    pages.extend(CAREERS.iter().map(|c| format!("careers/{c}/")));
    for page in pages {
        let url = format!("https://example.org/sub/{page}");
        assert!(locs.contains(&url.as_str()), "sitemap lacks {url}");
        if !page.is_empty() {
            assert!(entries.contains(&url.as_str()), "atom.xml lacks {url}");
        }
    }
    let robots = std::fs::read_to_string(dist.join("robots.txt")).unwrap();
    assert!(
        robots.contains("Sitemap: https://example.org/sub/sitemap.xml"),
        "{robots}"
    );
    let home =
        std::fs::read_to_string(dist.join("careers/dialysis-technician/index.html")).unwrap();
    assert!(home.contains(
        "<link rel=\"canonical\" href=\"https://example.org/sub/careers/dialysis-technician/\">"
    ));
}

#[test]
fn every_work_setting_has_a_feed_its_page_advertises() {
    let out = build_careers(None);
    let dist = out.path().join("dist");
    let hospital = std::fs::read_to_string(dist.join("work-settings/hospital/index.html")).unwrap();
    assert!(hospital.contains(
        "<link rel=\"alternate\" type=\"application/atom+xml\" title=\"Hospital · Work settings · Medical technician careers\" href=\"../../work-settings/hospital/atom.xml\">"
    ), "the hospital page does not link its feed");
    // The term is written "hospital" in front matter; headings capitalise it.
    assert!(hospital.contains("<h1>Hospital</h1>"));
    let office =
        std::fs::read_to_string(dist.join("work-settings/dental-office/index.html")).unwrap();
    assert!(office.contains("<h1>Dental office</h1>"));
    let feed = std::fs::read_to_string(dist.join("work-settings/hospital/atom.xml")).unwrap();
    let feed = roxmltree::Document::parse(&feed).expect("the term feed is well-formed XML");
    let titles: Vec<&str> = feed
        .descendants()
        .filter(|n| n.has_tag_name("entry"))
        .filter_map(|e| e.children().find(|c| c.has_tag_name("title"))?.text())
        .collect();
    assert!(titles.contains(&"Surgical technologist"), "{titles:?}");
    assert!(!titles.contains(&"Dental hygienist"), "{titles:?}");
    let careers = std::fs::read_to_string(dist.join("careers/index.html")).unwrap();
    assert!(
        careers.contains("href=\"../careers/atom.xml\">"),
        "the careers list does not link its feed"
    );
}

#[test]
fn internal_links_resolve_from_the_domain_root_and_from_a_sub_path() {
    let out = build_careers(None);
    let dist = out.path().join("dist");
    assert_eq!(broken_internal_links(&dist, "/"), Vec::<String>::new());
    assert_eq!(
        broken_internal_links(&dist, "/medsite/"),
        Vec::<String>::new()
    );
}

/// Issue 12: every pay, employment and growth figure lives once, in
/// `data/`; content only calls a component (`:figure{key=...}`) for it.
/// Scans every Markdown file of `content/` (front matter too), outside code
/// and component calls, for dollar amounts (`$48,300`), percentages (`7%`,
/// `6.4%`; "the lowest-paid 10%" and "the top 10%" name percentiles, not
/// figures) and counts of jobs, openings, workers or people employed.
#[test]
fn no_pay_employment_or_growth_figure_is_typed_in_content() {
    let mut typed = Vec::new();
    for entry in walkdir::WalkDir::new(crate::support::repo().join("content")) {
        let entry = entry.unwrap();
        if entry.path().extension().is_none_or(|e| e != "md") {
            continue;
        }
        let text = std::fs::read_to_string(entry.path()).unwrap();
        let prose = without_code_and_components(&text);
        for (line_index, line) in prose.lines().enumerate() {
            for figure in figures_in(line) {
                typed.push(format!(
                    "{}:{}: {figure}",
                    entry.path().display(),
                    line_index + 1
                ));
            }
        }
    }
    assert!(
        typed.is_empty(),
        "figures typed outside a component:\n{}",
        typed.join("\n")
    );
}

/// The text with fenced code blocks, code spans and `:name{...}` calls
/// blanked (line breaks kept, so line numbers stay true).
fn without_code_and_components(text: &str) -> String {
    let mut out = String::new();
    let mut fenced = false;
    for line in text.lines() {
        if line.trim_start().starts_with("```") || line.trim_start().starts_with("~~~") {
            fenced = !fenced;
            out.push('\n');
            continue;
        }
        if fenced {
            out.push('\n');
            continue;
        }
        let mut in_span = false;
        let mut in_call = false;
        let chars: Vec<char> = line.chars().collect();
        for (i, &c) in chars.iter().enumerate() {
            if c == '`' {
                in_span = !in_span;
            } else if !in_span
                && !in_call
                && c == ':'
                && chars.get(i + 1).is_some_and(|n| n.is_ascii_lowercase())
            {
                let rest: String = chars[i + 1..].iter().collect();
                let name_end =
                    rest.find(|n: char| !(n.is_ascii_alphanumeric() || n == '_' || n == '-'));
                if name_end.is_some_and(|end| rest[end..].starts_with('{')) {
                    in_call = true;
                }
            } else if in_call && c == '}' {
                in_call = false;
            } else if !in_span && !in_call {
                out.push(c);
            }
        }
        out.push('\n');
    }
    out
}

/// Dollar amounts, percentages and counts of jobs in one line of prose.
fn figures_in(line: &str) -> Vec<String> {
    let bytes = line.as_bytes();
    let mut found = Vec::new();
    let mut i = 0;
    while i < bytes.len() {
        let dollar = bytes[i] == b'$';
        let start = if dollar { i + 1 } else { i };
        let starts_number = bytes.get(start).is_some_and(u8::is_ascii_digit)
            && (dollar
                || i == 0
                || !(bytes[i - 1].is_ascii_alphanumeric()
                    || bytes[i - 1] == b'.'
                    || bytes[i - 1] == b','));
        if !starts_number {
            i += 1;
            continue;
        }
        let mut end = start;
        while end < bytes.len()
            && (bytes[end].is_ascii_digit()
                || ((bytes[end] == b',' || bytes[end] == b'.')
                    && bytes.get(end + 1).is_some_and(u8::is_ascii_digit)))
        {
            end += 1;
        }
        let number = &line[start..end];
        let after = &line[end..];
        let before = &line[..i];
        let percentile = before.ends_with("lowest-paid ") || before.ends_with("top ");
        let count = number.contains(',')
            && [" jobs", " more jobs", " openings", " workers", " employed"]
                .iter()
                .any(|word| after.starts_with(word));
        if dollar || (after.starts_with('%') && !percentile) || count {
            found.push(line[i..end + usize::from(after.starts_with('%'))].to_string());
        }
        i = end.max(i + 1);
    }
    found
}

#[test]
fn the_figure_scan_finds_typed_figures_and_skips_calls_and_code() {
    let text = "Pay $48,300 and 7% growth, 221,600 jobs.\n`$1,000` :figure{key=\"a.b\"} the top 10% of 3,000 hours\n```\n$2,000\n```\n";
    let prose = without_code_and_components(text);
    let found: Vec<String> = prose.lines().flat_map(figures_in).collect();
    assert_eq!(found, ["$48,300", "7%", "221,600"]);
}

/// The maximum figure age is set once for `medsite check` (site.toml) and
/// stated once to readers (the about page): the two must agree, and the
/// site must pass `check --deny-warnings` with it. The check is run as of
/// the date the about page says the figures were last checked, so that the
/// test does not start failing when the calendar year turns (publishing
/// later is what the age check itself is for).
#[test]
fn check_passes_with_the_maximum_figure_age_the_about_page_states() {
    let about = std::fs::read_to_string(repo().join("content/about.md")).unwrap();
    let stated = numbers_between(&about, "more than ", " years old");
    let flagged = numbers_between(&about, "older than ", " years is flagged");
    assert_eq!(
        stated.len(),
        1,
        "the about page states one maximum age: {stated:?}"
    );
    assert_eq!(
        flagged, stated,
        "the about page states two different maximum ages"
    );

    let site: toml::Table =
        toml::from_str(&std::fs::read_to_string(repo().join("site.toml")).unwrap()).unwrap();
    let configured = site["check"]["max_figure_age_years"].as_integer();
    assert_eq!(
        configured,
        Some(stated[0]),
        "site.toml and content/about.md disagree"
    );

    let checked_on = about
        .split("last checked on ")
        .nth(1)
        .and_then(|rest| rest.get(..10))
        .expect("the about page says when the figures were last checked");
    let output = medsite()
        .env("SOURCE_DATE_EPOCH", epoch_seconds(checked_on).to_string())
        .args(["check", "--deny-warnings", "--root"])
        .arg(repo())
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    assert_eq!(stderr(&output), "");
}

/// Every whole number that sits between `before` and `after` in `text`.
fn numbers_between(text: &str, before: &str, after: &str) -> Vec<i64> {
    text.match_indices(before)
        .filter_map(|(at, _)| {
            let rest = &text[at + before.len()..];
            rest[..rest.find(after)?].parse().ok()
        })
        .collect()
}

/// Seconds since 1970 at the start (UTC) of a `YYYY-MM-DD` date.
pub fn epoch_seconds(date: &str) -> i64 {
    let date: jiff::civil::Date = date
        .parse()
        .unwrap_or_else(|_| panic!("not a date: {date}"));
    date.to_zoned(jiff::tz::TimeZone::UTC)
        .unwrap()
        .timestamp()
        .as_second()
}
