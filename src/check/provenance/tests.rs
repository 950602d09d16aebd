//! Each rule over provenance on figures built in memory.

use super::*;

fn figure<'a>(key: &'a str, series: Option<&'a str>, period: &'a str) -> Figure<'a> {
    Figure {
        file: "pay.yaml",
        key,
        period,
        series,
        scope: "SOC 29-2099",
        source_type: "primary",
        url: "https://www.bls.gov/oes/",
        publisher: "BLS",
        accessed: "2025-04-02",
    }
}

fn date(text: &str) -> Date {
    text.parse().unwrap()
}

fn messages(findings: &[Finding]) -> Vec<(&str, &[&str], &str)> {
    findings
        .iter()
        .map(|f| (f.key.as_str(), f.field, f.message.as_str()))
        .collect()
}

#[test]
fn a_period_is_of_the_first_year_it_names() {
    assert_eq!(period_year("May 2024"), Some(2024));
    assert_eq!(period_year("2024-34"), Some(2024));
    assert_eq!(period_year("2023–2033"), Some(2023));
    assert_eq!(period_year("FY2022"), Some(2022));
    assert_eq!(period_year("current"), None);
    assert_eq!(period_year("12345 or 0999"), None);
}

#[test]
fn figures_older_than_the_maximum_age_are_found_by_period_then_accessed() {
    let figures = [
        figure("new.pay", Some("OEWS"), "May 2023"),
        figure("old.pay", Some("OEWS"), "May 2022"),
        Figure {
            accessed: "2020-01-31",
            ..figure("undated.pay", None, "current")
        },
    ];
    let found = too_old(&figures, 3, date("2026-06-01"));
    assert_eq!(
        messages(&found),
        [
            (
                "old.pay",
                &["period"][..],
                "`old.pay` is of May 2022: 4 years old in 2026, more than the 3 that `[check] max_figure_age_years` in site.toml allows; update it to a newer edition"
            ),
            (
                "undated.pay",
                &["source", "accessed"][..],
                "`undated.pay` was accessed 2020-01-31 (its period `current` names no year): 6 years old in 2026, more than the 3 that `[check] max_figure_age_years` in site.toml allows; update it to a newer edition"
            ),
        ]
    );
    assert!(found.iter().all(|f| f.code == "figure-age"));
    // "Now" decides: the same figures were young enough in 2025.
    assert!(too_old(&figures[..2], 3, date("2025-12-31")).is_empty());
}

#[test]
fn one_series_in_two_periods_in_one_file_warns_at_the_older() {
    let figures = [
        figure("a.pay", Some("OEWS"), "May 2023"),
        figure("b.pay", Some("OEWS"), "May 2019"),
        figure("c.pay", Some("OEWS"), "May 2023"),
        // Another series, and figures without one, are not compared.
        figure("a.growth", Some("Employment Projections"), "2024-34"),
        figure("x", None, "May 2017"),
        // The same series in another file is that file's business.
        Figure {
            file: "other.yaml",
            ..figure("d.pay", Some("OEWS"), "May 2020")
        },
    ];
    assert_eq!(
        messages(&mixed_editions_in_file(&figures)),
        [(
            "b.pay",
            &["period"][..],
            "`b.pay` is OEWS May 2019, but `a.pay` in this file is OEWS May 2023: one series in 2 editions side by side; move them to one edition"
        )]
    );
}

#[test]
fn a_secondary_source_warns_when_a_primary_for_the_same_figure_is_on_record() {
    let secondary = |key, scope, period| Figure {
        source_type: "secondary",
        publisher: "Salary guide",
        url: "https://example.org/",
        scope,
        ..figure(key, Some("OEWS"), period)
    };
    let figures = [
        figure("a.pay", Some("OEWS"), "May 2024"),
        secondary("b.pay", "SOC 29-2099", "May 2024"),
        // Another scope, another period, or no series: not the same figure.
        secondary("c.pay", "SOC 29-2055", "May 2024"),
        secondary("d.pay", "SOC 29-2099", "May 2023"),
        Figure {
            source_type: "secondary",
            ..figure("e.pay", None, "May 2024")
        },
    ];
    let found = secondary_with_primary(&figures);
    assert_eq!(
        messages(&found),
        [(
            "b.pay",
            &["source", "type"][..],
            "`b.pay` cites a secondary source (Salary guide), but a primary source for OEWS May 2024 of SOC 29-2099 is on record: `a.pay` in `data/pay.yaml` cites https://www.bls.gov/oes/; cite the primary source"
        )]
    );
    assert_eq!(found[0].code, "secondary-source");
}

#[test]
fn a_page_showing_one_series_in_two_periods_is_named_once_per_series() {
    let (a, b, c) = (
        figure("a.pay", Some("OEWS"), "May 2023"),
        figure("b.pay", Some("OEWS"), "May 2019"),
        figure("c.pay", Some("OEWS"), "May 2023"),
    );
    let shown = BTreeMap::from([
        ("careers/index.html".to_string(), vec![&a, &b, &c]),
        ("careers/x/index.html".to_string(), vec![&a, &c]),
    ]);
    assert_eq!(
        mixed_editions_on_pages(&shown),
        [(
            "careers/index.html".to_string(),
            "`/careers/` shows OEWS in 2 editions side by side: May 2019 (`b.pay` in `data/pay.yaml`), May 2023 (`a.pay` in `data/pay.yaml`); show one edition of a series on a page".to_string()
        )]
    );
}

#[test]
fn figures_are_found_in_output_by_their_html() {
    let value = |period: &str| {
        serde_json::json!({"value": 1, "unit": "USD", "period": period, "series": "OEWS",
            "scope": "s", "source": {"url": "https://x.org/", "publisher": "P", "title": "T",
            "type": "primary", "accessed": "2025-01-01"}})
    };
    let data = DataFiles::for_test([(
        "pay.yaml",
        serde_json::json!({"a": value("May 2023"), "b": value("May 2019")}),
    )]);
    let all = figures(&data);
    let html = |key: &str| {
        let period = if key == "a" { "May 2023" } else { "May 2019" };
        figures::fact("pay.yaml", key, &value(period))["html"]
            .as_str()
            .unwrap()
            .to_string()
    };
    let mut output = Output::default();
    for (file, body) in [
        (
            "both/index.html",
            format!("<p>{} and {}</p>", html("a"), html("b")),
        ),
        ("one/index.html", format!("<td>{}</td>", html("a"))),
        ("none/index.html", "<p>$1</p>".to_string()),
        (
            "value/index.html",
            figures::fact("pay.yaml", "b", &value("May 2019"))["value_html"]
                .as_str()
                .unwrap()
                .to_string(),
        ),
    ] {
        output
            .files
            .insert(file.to_string(), Content::Bytes(body.into_bytes()));
    }
    let shown = shown_figures(&all, &data, &output);
    let keys: BTreeMap<&str, Vec<&str>> = shown
        .iter()
        .map(|(file, figures)| (file.as_str(), figures.iter().map(|f| f.key).collect()))
        .collect();
    assert_eq!(
        keys,
        BTreeMap::from([
            ("both/index.html", vec!["a", "b"]),
            ("one/index.html", vec!["a"]),
            ("value/index.html", vec!["b"])
        ])
    );
}

#[test]
fn a_link_to_a_figures_source_warns_unless_a_figure_on_the_page_has_it() {
    let oes = figure("a.pay", Some("OEWS"), "May 2024");
    let ooh = Figure {
        url: "https://bls.gov/ooh/healthcare/x.htm",
        ..figure("a.jobs", Some("EP"), "2024-34")
    };
    let figures = [oes.clone(), ooh.clone()];
    let links = [
        (10, "https://bls.gov/oes/#tables"),
        (20, "https://www.bls.gov/ooh/healthcare/x.htm/"),
        (30, "https://www.bls.gov/cps/"),
        (40, "https://www.aarc.org/"),
        (50, "@/other.md"),
    ];
    let found = sources_not_shown(&links, &figures, &[&oes]);
    let offsets: Vec<usize> = found.iter().map(|(offset, _)| *offset).collect();
    assert_eq!(offsets, [20], "a shown source and other URLs pass");
    assert_eq!(
        found[0].1,
        "link `https://www.bls.gov/ooh/healthcare/x.htm/` cites the source of `a.jobs` in `data/pay.yaml`, but no figure this page shows comes from it: show the figure with a component (its source link comes with it), or link elsewhere"
    );
    assert!(sources_not_shown(&links, &figures, &[&oes, &ooh]).is_empty());
}
