//! The prose-number rule on sentences and bodies built in memory.

use super::*;

fn figure<'a>(key: &'a str, period: &'a str) -> Figure<'a> {
    Figure {
        file: "figures/x.yaml",
        key,
        period,
        ..Figure::default()
    }
}

fn quotable<'a>(figure: &'a Figure<'a>, value: f64, unit: &str) -> Quotable<'a> {
    Quotable {
        figure,
        value,
        kind: Kind::of_unit(unit),
        display: figures::display(&serde_json::json!(value), unit),
    }
}

#[test]
fn numbers_are_read_as_a_reader_reads_them() {
    let text =
        "$43,460 a year, 6.4% or 6.4 percent, 31,500 jobs, 12 months, in 2024, v1000 and 2,000.";
    let found: Vec<(&str, f64, Kind)> = numbers(text)
        .into_iter()
        .map(|t| (&text[t.range], t.value, t.kind))
        .collect();
    assert_eq!(
        found,
        [
            ("$43,460", 43460.0, Kind::Dollars),
            ("6.4%", 6.4, Kind::Percent),
            ("6.4 percent", 6.4, Kind::Percent),
            ("31,500", 31500.0, Kind::Count),
            ("2,000", 2000.0, Kind::Count),
        ]
    );
}

#[test]
fn sentences_end_at_a_stop_before_white_space() {
    let text = "Pay was $43,460.50 in May 2024. Growth is 6.4%; fast! Next";
    let found: Vec<&str> = sentences(text).into_iter().map(|r| &text[r]).collect();
    assert_eq!(
        found,
        [
            "Pay was $43,460.50 in May 2024.",
            " Growth is 6.4%;",
            " fast!",
            " Next"
        ]
    );
}

#[test]
fn a_number_in_a_sentence_naming_a_figures_period_must_be_its_value() {
    let pay = figure("x.median_pay", "May 2024");
    let growth = figure("x.growth", "2024-34");
    let shown = [
        quotable(&pay, 43460.0, "USD per year"),
        quotable(&growth, 6.4, "percent"),
    ];
    let found = in_sentence("Median pay was $41,000 a year in May 2024.", &shown);
    assert_eq!(
        found,
        [(
            15..22,
            "`$41,000` is typed in a sentence about May 2024, but this page shows $43,460 (`x.median_pay` in `data/figures/x.yaml`); print the figure with a component, or correct the number".to_string()
        )]
    );
    assert!(in_sentence("Median pay was $43,460 in May 2024.", &shown).is_empty());
    assert!(in_sentence("Jobs grow 6.4% over 2024-34.", &shown).is_empty());
    assert_eq!(in_sentence("Jobs grow 7% over 2024-34.", &shown).len(), 1);
}

#[test]
fn what_cannot_be_told_is_not_reported() {
    let pay = figure("x.median_pay", "May 2024");
    let jobs = figure("x.employment", "2024");
    let shown = [
        quotable(&pay, 43460.0, "USD per year"),
        quotable(&jobs, 490400.0, "jobs"),
    ];
    // No period of a shown figure named: the number may quote anything.
    assert!(in_sentence("In May 2023 median pay was $41,000.", &shown).is_empty());
    // A bare year names too much: 31,500 new jobs from 2024 is not employment.
    assert!(in_sentence("From 2024 to 2034, about 31,500 more jobs.", &shown).is_empty());
    // A number of another kind than every named figure.
    assert!(in_sentence("In May 2024, 5% of them worked nights.", &shown).is_empty());
    // A longer period is not the figure's.
    assert!(in_sentence("In May 20245 pay was $1,000.", &shown).is_empty());
}

#[test]
fn code_and_component_calls_are_not_prose_and_offsets_point_at_the_number() {
    let pay = figure("x.median_pay", "May 2024");
    let shown = [quotable(&pay, 43460.0, "USD per year")];
    let body = "Intro.\n\n- Pay in May 2024: :figure{key=\"x.median_pay\"} a year, not `$1,000` in May 2024.\n- In May 2024 it was **about** $40,000.\n\n```\n$9,999 in May 2024\n```\n";
    let found = in_body(body, &shown);
    let offsets: Vec<&str> = found.iter().map(|(at, _)| &body[*at..*at + 7]).collect();
    assert_eq!(offsets, ["$40,000"]);
}
