//! `medsite check` over provenance: the warnings that only a site whose
//! figures carry their period, series, scope and source can have.
//!
//! - **Age** ([`too_old`]): a figure older than `[check]
//!   max_figure_age_years` in `site.toml`, counted in whole years from the
//!   first year its period names (`May 2024`, `2024-34`: 2024) or, when the
//!   period names none, from its source's `accessed` date.
//! - **Mixed editions** ([`mixed_editions_in_file`],
//!   [`mixed_editions_on_pages`]): one series in several periods side by
//!   side, in one figures file or on one output page.
//! - **Secondary sources** ([`secondary_with_primary`]): a figure cited
//!   from a secondary source while a primary source for the same series,
//!   scope and period is on record.
//! - **Typed numbers** ([`super::prose_numbers`]): a number in prose that
//!   its sentence ties to a figure the page shows but that is not its value.
//! - **Sources in prose** ([`sources_not_shown`]): a link, in a sentence
//!   of a page's Markdown that types a number, to a figure's source when no
//!   figure the page shows has it.
//!
//! Each rule is a pure function from figures (and, for pages, the figures
//! each output shows) to findings; [`check`] reads the site and places the
//! findings at their line. Figures without a `series` are never compared
//! with each other: without it, median pay and employment of one
//! occupation in one period could not be told apart.

use std::collections::{BTreeMap, BTreeSet, HashMap};

use jiff::civil::Date;
use rayon::prelude::*;
use serde_json::Value;

use crate::content::Site;
use crate::data::{DataFiles, DataFormat, FOLDER, figures};
use crate::diagnostics::Diagnostic;
use crate::locate::{self, Format, Segment};
use crate::render::{Content, Output};

/// One figure of a figures file, as the rules read it.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Figure<'a> {
    /// The figures file, relative to `data/`.
    pub file: &'a str,
    pub key: &'a str,
    pub period: &'a str,
    pub series: Option<&'a str>,
    pub scope: &'a str,
    /// `primary` or `secondary`.
    pub source_type: &'a str,
    pub url: &'a str,
    pub publisher: &'a str,
    /// `2025-04-02`.
    pub accessed: &'a str,
}

impl<'a> Figure<'a> {
    fn read(file: &'a str, key: &'a str, figure: &'a Value) -> Figure<'a> {
        let text = |value: Option<&'a Value>| value.and_then(Value::as_str).unwrap_or_default();
        let source = figure.get("source");
        let of_source = |name: &str| text(source.and_then(|source| source.get(name)));
        Figure {
            file,
            key,
            period: text(figure.get("period")),
            series: figure
                .get("series")
                .and_then(Value::as_str)
                .filter(|s| !s.trim().is_empty()),
            scope: text(figure.get("scope")),
            source_type: of_source("type"),
            url: of_source("url"),
            publisher: of_source("publisher"),
            accessed: of_source("accessed"),
        }
    }

    /// `OEWS May 2024`, or the period alone without a series.
    fn edition(&self) -> String {
        match self.series {
            Some(series) => format!("{series} {}", self.period),
            None => self.period.to_string(),
        }
    }
}

/// Every figure of every figures file, by file and key.
pub fn figures(data: &DataFiles) -> Vec<Figure<'_>> {
    data.iter()
        .filter(|(_, file)| file.figures)
        .filter_map(|(path, file)| Some((path, file.value.as_object()?)))
        .flat_map(|(path, map)| map.iter().map(move |(key, v)| Figure::read(path, key, v)))
        .collect()
}

/// A warning about one figure, to be placed at `field` of the figure in
/// its file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Finding {
    /// The figures file, relative to `data/`.
    pub file: String,
    pub key: String,
    /// The figure's field the warning points at: `["period"]`.
    pub field: &'static [&'static str],
    pub code: &'static str,
    pub message: String,
}

/// The first year a period names: a run of four digits from 1800 to 2200
/// (`May 2024` and `2024-34` are of 2024), or `None`.
pub fn period_year(period: &str) -> Option<i16> {
    let bytes = period.as_bytes();
    let mut start = 0;
    while start < bytes.len() {
        let end = start
            + bytes[start..]
                .iter()
                .take_while(|b| b.is_ascii_digit())
                .count();
        if end - start == 4 {
            let year: i16 = period[start..end].parse().ok()?;
            if (1800..=2200).contains(&year) {
                return Some(year);
            }
        }
        start = end.max(start + 1);
    }
    None
}

/// Figures older than `max_years` on `today`: the current year minus the
/// year of the figure's period, else of its source's `accessed` date.
pub fn too_old(figures: &[Figure<'_>], max_years: i64, today: Date) -> Vec<Finding> {
    let mut found = Vec::new();
    for figure in figures {
        let (year, field, what): (i16, &'static [&'static str], String) =
            match period_year(figure.period) {
                Some(year) => (year, &["period"], format!("is of {}", figure.period)),
                None => match figure.accessed.parse::<Date>() {
                    Ok(date) => (
                        date.year(),
                        &["source", "accessed"],
                        format!(
                            "was accessed {} (its period `{}` names no year)",
                            figure.accessed, figure.period
                        ),
                    ),
                    Err(_) => continue,
                },
            };
        let age = i64::from(today.year()) - i64::from(year);
        if age > max_years {
            found.push(Finding {
                file: figure.file.to_string(),
                key: figure.key.to_string(),
                field,
                code: "figure-age",
                message: format!(
                    "`{}` {what}: {age} years old in {}, more than the {max_years} that `[check] max_figure_age_years` in site.toml allows; update it to a newer edition",
                    figure.key,
                    today.year()
                ),
            });
        }
    }
    found
}

/// The newest of a series' periods: the latest year, then the greatest
/// text, so that the choice never depends on the order of the figures.
fn newest<'a>(periods: impl Iterator<Item = &'a str>) -> Option<&'a str> {
    periods.max_by_key(|period| (period_year(period), *period))
}

/// One series in several periods within one figures file: a warning at
/// each figure that is not of the series' newest period.
pub fn mixed_editions_in_file(figures: &[Figure<'_>]) -> Vec<Finding> {
    let mut by_series: BTreeMap<(&str, &str), Vec<&Figure<'_>>> = BTreeMap::new();
    for figure in figures {
        if let Some(series) = figure.series {
            by_series
                .entry((figure.file, series))
                .or_default()
                .push(figure);
        }
    }
    let mut found = Vec::new();
    for group in by_series.values() {
        let periods: BTreeSet<&str> = group.iter().map(|figure| figure.period).collect();
        if periods.len() < 2 {
            continue;
        }
        let latest = newest(periods.iter().copied()).unwrap_or_default();
        let Some(reference) = group.iter().find(|figure| figure.period == latest) else {
            continue;
        };
        for figure in group.iter().filter(|figure| figure.period != latest) {
            found.push(Finding {
                file: figure.file.to_string(),
                key: figure.key.to_string(),
                field: &["period"],
                code: "mixed-editions",
                message: format!(
                    "`{}` is {}, but `{}` in this file is {}: one series in {} editions side by side; move them to one edition",
                    figure.key,
                    figure.edition(),
                    reference.key,
                    reference.edition(),
                    periods.len()
                ),
            });
        }
    }
    found
}

/// A figure cited from a secondary source while a figure of the same
/// series, scope and period cites a primary one.
pub fn secondary_with_primary(figures: &[Figure<'_>]) -> Vec<Finding> {
    let mut primaries: HashMap<(&str, &str, &str), &Figure<'_>> = HashMap::new();
    for figure in figures.iter().filter(|f| f.source_type == "primary") {
        if let Some(series) = figure.series {
            primaries
                .entry((series, figure.scope, figure.period))
                .or_insert(figure);
        }
    }
    figures
        .iter()
        .filter(|figure| figure.source_type == "secondary")
        .filter_map(|figure| {
            let primary = primaries.get(&(figure.series?, figure.scope, figure.period))?;
            Some(Finding {
                file: figure.file.to_string(),
                key: figure.key.to_string(),
                field: &["source", "type"],
                code: "secondary-source",
                message: format!(
                    "`{}` cites a secondary source ({}), but a primary source for {} of {} is on record: `{}` in `{FOLDER}/{}` cites {}; cite the primary source",
                    figure.key,
                    figure.publisher,
                    figure.edition(),
                    figure.scope,
                    primary.key,
                    primary.file,
                    primary.url
                ),
            })
        })
        .collect()
}

/// Which figures each HTML output shows, found by the one way a figure is
/// shown with its provenance: `get_fact`'s `html`, written as it is. A
/// figure shown only through its `display` or `value` is not seen.
pub fn shown_figures<'f>(
    figures: &'f [Figure<'_>],
    values: &DataFiles,
    output: &Output,
) -> BTreeMap<String, Vec<&'f Figure<'f>>> {
    // Two figures with the same html are told apart only when they agree
    // on series and period, all that the page rule needs.
    let mut by_html: HashMap<String, Vec<&Figure<'_>>> = HashMap::new();
    for figure in figures {
        let Some(value) = values
            .get(figure.file)
            .and_then(|file| file.value.get(figure.key))
        else {
            continue;
        };
        if let Some(html) = figures::fact(figure.file, figure.key, value)["html"].as_str() {
            by_html.entry(html.to_string()).or_default().push(figure);
        }
    }
    let by_mark: HashMap<String, &Figure<'_>> = figures
        .iter()
        .map(|figure| (figures::mark(figure.file, figure.key), figure))
        .collect();
    let shown = |html: &str| -> Vec<&'f Figure<'f>> {
        let mut found: Vec<&Figure<'_>> = Vec::new();
        for mark in fact_marks(html) {
            if let Some(figure) = by_mark.get(mark)
                && !found.contains(figure)
            {
                found.push(figure);
            }
        }
        for span in fact_spans(html) {
            if let Some([one, rest @ ..]) = by_html.get(span).map(Vec::as_slice)
                && rest
                    .iter()
                    .all(|o| (o.series, o.period) == (one.series, one.period))
                && !found.contains(one)
            {
                found.push(one);
            }
        }
        found
    };
    output
        .files
        .par_iter()
        .filter(|(path, _)| path.ends_with(".html"))
        .filter_map(|(path, content)| match content {
            Content::Bytes(bytes) => {
                let html = std::str::from_utf8(bytes).ok()?;
                let found = shown(html);
                (!found.is_empty()).then(|| (path.clone(), found))
            }
            Content::Copy(_) => None,
        })
        .collect()
}

/// The figure each `data-fact="..."` of `html` names (a `value_html`).
fn fact_marks(html: &str) -> impl Iterator<Item = &str> {
    const OPEN: &str = " data-fact=\"";
    html.match_indices(OPEN).filter_map(move |(start, _)| {
        let rest = &html[start + OPEN.len()..];
        Some(&rest[..rest.find('"')?])
    })
}

/// Every `<span class="fact" ...>...</span></span>` of `html`.
fn fact_spans(html: &str) -> impl Iterator<Item = &str> {
    const OPEN: &str = "<span class=\"fact\" ";
    const CLOSE: &str = "</span></span>";
    html.match_indices(OPEN).filter_map(move |(start, _)| {
        let end = html[start..].find(CLOSE)?;
        Some(&html[start..start + end + CLOSE.len()])
    })
}

/// One series shown in several periods on one output: for each output
/// and series, the message.
pub fn mixed_editions_on_pages(
    shown: &BTreeMap<String, Vec<&Figure<'_>>>,
) -> Vec<(String, String)> {
    let mut found = Vec::new();
    for (output, figures) in shown {
        let mut by_series: BTreeMap<&str, BTreeMap<&str, &Figure<'_>>> = BTreeMap::new();
        for figure in figures {
            if let Some(series) = figure.series {
                by_series
                    .entry(series)
                    .or_default()
                    .entry(figure.period)
                    .or_insert(figure);
            }
        }
        for (series, periods) in by_series.into_iter().filter(|(_, p)| p.len() > 1) {
            let mut listed: Vec<&&Figure<'_>> = periods.values().collect();
            listed.sort_by_key(|figure| (period_year(figure.period), figure.period));
            let listed: Vec<String> = listed
                .iter()
                .map(|f| format!("{} (`{}` in `{FOLDER}/{}`)", f.period, f.key, f.file))
                .collect();
            let page = output.strip_suffix("index.html").unwrap_or(output);
            found.push((
                output.clone(),
                format!(
                    "`/{page}` shows {series} in {} editions side by side: {}; show one edition of a series on a page",
                    listed.len(),
                    listed.join(", ")
                ),
            ));
        }
    }
    found
}

/// A source's identity for comparing links with figures' sources: the
/// URL without its fragment, a trailing `/` or a leading `www.`; `None`
/// for anything but an `http(s)` URL.
fn source_key(link: &str) -> Option<String> {
    let mut url = url::Url::parse(link.trim()).ok()?;
    if !matches!(url.scheme(), "http" | "https") {
        return None;
    }
    url.set_fragment(None);
    let host = url.host_str()?.to_string();
    if let Some(bare) = host.strip_prefix("www.") {
        url.set_host(Some(bare)).ok()?;
    }
    Some(url.as_str().trim_end_matches('/').to_string())
}

/// Links in a page's prose (offset, destination) to the source of a
/// figure on record when no figure the page shows has that source: the
/// page cites a source it does not show. (offset, message) for each.
pub fn sources_not_shown(
    links: &[(usize, &str)],
    figures: &[Figure<'_>],
    shown: &[&Figure<'_>],
) -> Vec<(usize, String)> {
    let mut sources: BTreeMap<String, &Figure<'_>> = BTreeMap::new();
    for figure in figures {
        if let Some(url) = source_key(figure.url) {
            sources.entry(url).or_insert(figure);
        }
    }
    let cited: BTreeSet<String> = shown
        .iter()
        .filter_map(|figure| source_key(figure.url))
        .collect();
    links
        .iter()
        .filter_map(|&(offset, link)| {
            let url = source_key(link)?;
            let figure = sources.get(&url)?;
            if cited.contains(&url) {
                return None;
            }
            Some((
                offset,
                format!(
                    "link `{}` cites the source of `{}` in `{FOLDER}/{}`, but no figure this page shows comes from it: show the figure with a component (its source link comes with it), or link elsewhere",
                    link.trim(),
                    figure.key,
                    figure.file
                ),
            ))
        })
        .collect()
}

/// [`sources_not_shown`] over every page and section with a Markdown file,
/// for links in sentences that type a number (a citation of a figure, not
/// of a definition or a rule), placed at each link.
fn sources_in_prose(
    site: &Site,
    figures: &[Figure<'_>],
    shown: &BTreeMap<String, Vec<&Figure<'_>>>,
) -> Vec<Diagnostic> {
    let pages = site
        .pages
        .iter()
        .map(|p| (&p.display, &p.path, &p.rendered));
    let sections = site
        .sections
        .iter()
        .map(|s| (&s.display, &s.path, &s.rendered));
    let mut found = Vec::new();
    for (display, path, rendered) in pages.chain(sections) {
        let links: Vec<(usize, &str)> = rendered
            .links
            .iter()
            .filter(|link| !link.image)
            .map(|link| (link.offset, link.destination.as_str()))
            .collect();
        let on_page = shown.get(&format!("{path}index.html"));
        let findings = sources_not_shown(&links, figures, on_page.map_or(&[], Vec::as_slice));
        if findings.is_empty() {
            continue;
        }
        let Some(source) = crate::check::Source::read(site, display) else {
            continue;
        };
        let numbered = super::prose_numbers::numbered_sentences(source.body());
        let findings = findings
            .into_iter()
            .filter(|(offset, _)| numbered.iter().any(|range| range.contains(offset)));
        found.extend(findings.map(|(offset, message)| {
            let diagnostic = Diagnostic::warning(display, "source-not-in-sources", message);
            source.at_body(diagnostic, offset)
        }));
    }
    found
}

/// Every rule over the site's figures, placed at their lines: figure
/// warnings in the figures file, page warnings at the top of the page's
/// source (or, for an output without one, at the output's path).
pub fn check(site: &Site, output: Option<&Output>, today: Date) -> Vec<Diagnostic> {
    let figures = figures(&site.data);
    if figures.is_empty() {
        return Vec::new();
    }
    let mut findings = mixed_editions_in_file(&figures);
    findings.extend(secondary_with_primary(&figures));
    if let Some(years) = site.config.check.max_figure_age_years {
        findings.extend(too_old(&figures, years, today));
    }
    // The check keeps no file text: each figures file with a finding is
    // read again, once, for positions.
    let mut texts: HashMap<String, Option<String>> = HashMap::new();
    let mut found: Vec<Diagnostic> = findings
        .into_iter()
        .map(|finding| {
            let display = format!("{FOLDER}/{}", finding.file);
            let text = texts
                .entry(finding.file.clone())
                .or_insert_with(|| crate::fs::read_to_string(&site.root.join(&display)).ok());
            let diagnostic = Diagnostic::warning(&display, finding.code, finding.message);
            place(
                diagnostic,
                text.as_deref(),
                &finding.file,
                &finding.key,
                finding.field,
            )
        })
        .collect();
    if let Some(output) = output {
        let sources: HashMap<String, &str> = site
            .pages
            .iter()
            .map(|page| (&page.path, &page.display))
            .chain(site.sections.iter().map(|s| (&s.path, &s.display)))
            .filter(|(_, display)| site.root.join(display).is_file())
            .map(|(path, display)| (format!("{path}index.html"), display.as_str()))
            .collect();
        let shown = shown_figures(&figures, &site.data, output);
        found.extend(super::prose_numbers::check(site, &shown));
        found.extend(sources_in_prose(site, &figures, &shown));
        for (file, message) in mixed_editions_on_pages(&shown) {
            found.push(match sources.get(&file) {
                Some(display) => {
                    let text = crate::fs::read_to_string(&site.root.join(display));
                    let diagnostic = Diagnostic::warning(*display, "mixed-editions", message);
                    match text {
                        Ok(text) => diagnostic.at(&text, 1, 1),
                        Err(_) => diagnostic,
                    }
                }
                None => Diagnostic::warning(file, "mixed-editions", message),
            });
        }
    }
    found
}

/// `diagnostic` at `field` of figure `key` in the figures file's `text`.
pub(crate) fn place(
    diagnostic: Diagnostic,
    text: Option<&str>,
    file: &str,
    key: &str,
    field: &[&str],
) -> Diagnostic {
    let format = match DataFormat::of(file) {
        Some(DataFormat::Json) => Format::Json,
        Some(DataFormat::Toml) => Format::Toml,
        Some(DataFormat::Yaml) => Format::Yaml,
        Some(DataFormat::Csv) | None => return diagnostic,
    };
    let Some(text) = text else { return diagnostic };
    let text = crate::content::front_matter::strip_bom(text);
    let mut path = vec![Segment::key(key)];
    path.extend(field.iter().map(|name| Segment::key(*name)));
    match locate::nearest(text, format, &path) {
        Some(offset) => diagnostic.at_offset(text, offset),
        None => diagnostic,
    }
}

#[cfg(test)]
mod tests;
