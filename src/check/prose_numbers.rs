//! `prose-number`: a number typed in a page's prose that its sentence
//! ties to a figure the page shows, but that is not the figure's value.
//!
//! Prose does not say which figure a typed number quotes, so the rule
//! looks only where the sentence says it: the sentence names the
//! **period** of a figure the page shows, written out in full and more than
//! a bare year (`May 2024`, `2024-34`; a bare `2024` names too much), and
//! the number is of that figure's **kind**: `$48,300` for a figure in US
//! dollars, `6.4%` or `6.4 percent` for a percentage, a number of 1,000 or
//! more for anything else. A number that equals the value of any figure of
//! its kind and named period is fine; one that equals none is reported at
//! the number. Code, component calls and the period itself are not read as
//! numbers.

use std::collections::BTreeMap;
use std::ops::Range;

use pulldown_cmark::{Event, Parser, Tag, TagEnd};
use serde_json::Value;

use super::provenance::Figure;
use crate::content::Site;
use crate::data::{DataFiles, FOLDER, figures};
use crate::diagnostics::Diagnostic;

/// What a number counts, as a reader tells it from how it is written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Dollars,
    Percent,
    Count,
}

impl Kind {
    /// The kind of a figure's `unit` (`USD per year`, `percent`, `jobs`).
    fn of_unit(unit: &str) -> Kind {
        let unit = unit.trim();
        if unit == "USD" || unit.starts_with("USD ") {
            Kind::Dollars
        } else if unit == "percent" || unit == "%" {
            Kind::Percent
        } else {
            Kind::Count
        }
    }
}

/// A number as typed in prose, at a byte range of the text it was read from.
#[derive(Debug, Clone, PartialEq)]
pub struct Typed {
    pub range: Range<usize>,
    pub value: f64,
    pub kind: Kind,
}

/// A figure the page shows, as this rule compares it.
#[derive(Debug, Clone)]
pub struct Quotable<'a> {
    pub figure: &'a Figure<'a>,
    pub value: f64,
    pub kind: Kind,
    /// `$43,460`, as the figure prints it.
    pub display: String,
}

/// Every number of `text` a reader would take for a quantity: `$`, digits
/// with `,` thousands and a `.` fraction, then `%` or ` percent`. Counts
/// below 1,000 and four-digit years without a comma are left out.
pub fn numbers(text: &str) -> Vec<Typed> {
    let bytes = text.as_bytes();
    let mut found = Vec::new();
    let mut at = 0;
    while at < bytes.len() {
        let dollar = bytes[at] == b'$';
        let start = at;
        let digits = if dollar { at + 1 } else { at };
        let word_before =
            at > 0 && (bytes[at - 1].is_ascii_alphanumeric() || bytes[at - 1] == b'.');
        if !bytes.get(digits).is_some_and(u8::is_ascii_digit) || (!dollar && word_before) {
            at += 1;
            continue;
        }
        let mut end = digits;
        while end < bytes.len()
            && (bytes[end].is_ascii_digit()
                || (matches!(bytes[end], b',' | b'.')
                    && bytes.get(end + 1).is_some_and(u8::is_ascii_digit)))
        {
            end += 1;
        }
        let written = &text[digits..end];
        at = end;
        let Ok(value) = written.replace(',', "").parse::<f64>() else {
            continue;
        };
        let (kind, end) = if dollar {
            (Kind::Dollars, end)
        } else if text[end..].starts_with('%') {
            (Kind::Percent, end + 1)
        } else if text[end..].starts_with(" percent") {
            (Kind::Percent, end + " percent".len())
        } else {
            let year = written.len() == 4 && (1800.0..=2200.0).contains(&value);
            if value < 1000.0 || year {
                continue;
            }
            (Kind::Count, end)
        };
        found.push(Typed {
            range: start..end,
            value,
            kind,
        });
    }
    found
}

/// The byte ranges of `text`'s sentences: up to a `.`, `!`, `?` or `;`
/// followed by white space, or the end.
pub fn sentences(text: &str) -> Vec<Range<usize>> {
    let mut found = Vec::new();
    let mut start = 0;
    let bytes = text.as_bytes();
    for (at, &byte) in bytes.iter().enumerate() {
        let ends = matches!(byte, b'.' | b'!' | b'?' | b';')
            && bytes.get(at + 1).is_none_or(u8::is_ascii_whitespace);
        if ends {
            found.push(start..at + 1);
            start = at + 1;
        }
    }
    if start < text.len() {
        found.push(start..text.len());
    }
    found
}

/// Whether `period` is named by itself in `sentence`: not inside a longer
/// run of letters or digits (`May 2024` is not in `May 20245`).
fn names(sentence: &str, period: &str) -> bool {
    sentence.match_indices(period).any(|(at, _)| {
        let before = sentence[..at].chars().next_back();
        let after = sentence[at + period.len()..].chars().next();
        !before.is_some_and(char::is_alphanumeric) && !after.is_some_and(char::is_alphanumeric)
    })
}

/// A period a sentence can name: it has a year and more than the year.
fn nameable(period: &str) -> bool {
    super::provenance::period_year(period).is_some() && period.trim().len() > 4
}

/// The numbers of one sentence that its named periods tie to figures of
/// their kind but that equal none of them, each with the message.
pub fn in_sentence(sentence: &str, shown: &[Quotable<'_>]) -> Vec<(Range<usize>, String)> {
    let named: Vec<&Quotable<'_>> = shown
        .iter()
        .filter(|q| nameable(q.figure.period) && names(sentence, q.figure.period))
        .collect();
    if named.is_empty() {
        return Vec::new();
    }
    let mut blanked = sentence.to_string();
    for quotable in &named {
        blanked = blanked.replace(
            quotable.figure.period,
            &" ".repeat(quotable.figure.period.len()),
        );
    }
    let mut found = Vec::new();
    for typed in numbers(&blanked) {
        let of_kind: Vec<&&Quotable<'_>> = named.iter().filter(|q| q.kind == typed.kind).collect();
        if of_kind.is_empty() || of_kind.iter().any(|q| (q.value - typed.value).abs() < 1e-9) {
            continue;
        }
        let listed: Vec<String> = of_kind
            .iter()
            .map(|q| {
                format!(
                    "{} (`{}` in `{FOLDER}/{}`)",
                    q.display, q.figure.key, q.figure.file
                )
            })
            .collect();
        let periods: Vec<&str> = of_kind.iter().map(|q| q.figure.period).collect();
        found.push((
            typed.range.clone(),
            format!(
                "`{}` is typed in a sentence about {}, but this page shows {}; print the figure with a component, or correct the number",
                &sentence[typed.range.clone()],
                dedup(periods).join(" and "),
                listed.join(", ")
            ),
        ));
    }
    found
}

fn dedup(mut items: Vec<&str>) -> Vec<&str> {
    items.dedup();
    items
}

/// The prose of a Markdown body as text blocks (a paragraph, a list item's
/// text, a heading, a table cell), each with the body offset of every
/// piece of its text. Code, HTML and component placeholders are left out.
pub fn prose_blocks(body: &str) -> Vec<(String, Vec<(usize, usize)>)> {
    let mut blocks = Vec::new();
    let mut text = String::new();
    let mut pieces: Vec<(usize, usize)> = Vec::new();
    let mut flush = |text: &mut String, pieces: &mut Vec<(usize, usize)>| {
        if !text.trim().is_empty() {
            blocks.push((std::mem::take(text), std::mem::take(pieces)));
        }
        text.clear();
        pieces.clear();
    };
    let mut in_code = false;
    for (event, range) in Parser::new(body).into_offset_iter() {
        match event {
            Event::Start(Tag::CodeBlock(_)) => in_code = true,
            Event::End(TagEnd::CodeBlock) => in_code = false,
            Event::Text(_) if in_code => {}
            Event::Text(piece) => {
                pieces.push((text.len(), range.start));
                text.push_str(&without_placeholders(&piece));
            }
            Event::SoftBreak | Event::HardBreak | Event::Code(_) => text.push(' '),
            Event::Start(Tag::Paragraph | Tag::Item | Tag::TableCell | Tag::Heading { .. })
            | Event::End(
                TagEnd::Paragraph | TagEnd::Item | TagEnd::TableCell | TagEnd::Heading(_),
            ) => {
                flush(&mut text, &mut pieces);
            }
            _ => {}
        }
    }
    flush(&mut text, &mut pieces);
    blocks
}

/// `text` with each component placeholder (`\u{1}3xx\u{2}`) blanked out,
/// keeping its length so offsets hold.
fn without_placeholders(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut inside = false;
    for c in text.chars() {
        match c {
            '\u{1}' => inside = true,
            '\u{2}' => inside = false,
            _ => {}
        }
        if inside || c == '\u{2}' {
            out.extend(std::iter::repeat_n(' ', c.len_utf8()));
        } else {
            out.push(c);
        }
    }
    out
}

/// Every mismatch of a Markdown body (without front matter), at the body
/// offsets of the typed numbers.
pub fn in_body(body: &str, shown: &[Quotable<'_>]) -> Vec<(usize, String)> {
    let (body, _, _) = crate::components::extract(body);
    let mut found = Vec::new();
    for (text, pieces) in prose_blocks(&body) {
        for sentence in sentences(&text) {
            for (range, message) in in_sentence(&text[sentence.clone()], shown) {
                let at = sentence.start + range.start;
                let piece = pieces.iter().rev().find(|(start, _)| *start <= at);
                let offset = piece.map_or(0, |(start, source)| source + (at - start));
                found.push((offset, message));
            }
        }
    }
    found
}

/// The body ranges of the sentences of a Markdown body (without front
/// matter) that type a number: where a citation may be a figure's.
pub fn numbered_sentences(body: &str) -> Vec<Range<usize>> {
    let (body, _, _) = crate::components::extract(body);
    let mut found = Vec::new();
    for (text, pieces) in prose_blocks(&body) {
        let at = |offset: usize| {
            let piece = pieces.iter().rev().find(|(start, _)| *start <= offset);
            piece.map_or(0, |(start, source)| source + (offset - start))
        };
        for sentence in sentences(&text) {
            if !numbers(&text[sentence.clone()]).is_empty() {
                found.push(at(sentence.start)..at(sentence.end - 1) + 1);
            }
        }
    }
    found
}

/// The figures an output shows, with their values, kinds and displays.
fn quotables<'a>(figures: &[&'a Figure<'a>], values: &DataFiles) -> Vec<Quotable<'a>> {
    figures
        .iter()
        .filter_map(|figure| {
            let value = values.get(figure.file)?.value.get(figure.key)?;
            let unit = value
                .get("unit")
                .and_then(Value::as_str)
                .unwrap_or_default();
            let number = value.get("value")?.as_f64()?;
            Some(Quotable {
                figure,
                value: number,
                kind: Kind::of_unit(unit),
                display: figures::display(&value["value"], unit),
            })
        })
        .collect()
}

/// The rule over every page and section whose output shows figures.
pub fn check(site: &Site, shown: &BTreeMap<String, Vec<&Figure<'_>>>) -> Vec<Diagnostic> {
    let sources = site
        .pages
        .iter()
        .map(|page| (&page.path, &page.display))
        .chain(site.sections.iter().map(|s| (&s.path, &s.display)));
    let mut found = Vec::new();
    for (path, display) in sources {
        let Some(figures) = shown.get(&format!("{path}index.html")) else {
            continue;
        };
        let Ok(text) = crate::fs::read_to_string(&site.root.join(display)) else {
            continue;
        };
        let text = crate::content::front_matter::strip_bom(&text);
        let Ok(split) = crate::content::front_matter::split(text) else {
            continue;
        };
        let quotables = quotables(figures, &site.data);
        for (offset, message) in in_body(split.body, &quotables) {
            found.push(
                Diagnostic::warning(display.as_str(), "prose-number", message)
                    .at_offset(text, split.body_offset + offset),
            );
        }
    }
    found
}

#[cfg(test)]
mod tests;
