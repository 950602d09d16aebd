//! Markdown to HTML. This is the one place that sets pulldown-cmark's
//! options, and rendering returns one value: the HTML, the summary, the
//! table of contents and the problems found in links, with their offsets.

use pulldown_cmark::{CowStr, Event, HeadingLevel, Options, Parser, Tag, TagEnd};
use serde::Serialize;

/// Marks the end of a page's summary.
pub const MORE_MARKER: &str = "<!-- more -->";

fn options() -> Options {
    Options::ENABLE_TABLES
        | Options::ENABLE_FOOTNOTES
        | Options::ENABLE_STRIKETHROUGH
        | Options::ENABLE_TASKLISTS
        | Options::ENABLE_HEADING_ATTRIBUTES
        | Options::ENABLE_SMART_PUNCTUATION
}

/// One entry of a table of contents, with the headings nested below it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct TocEntry {
    pub level: u8,
    pub id: String,
    pub title: String,
    pub children: Vec<TocEntry>,
}

/// What happened to a link or image destination.
pub enum LinkTarget {
    /// Leave it as written.
    Keep,
    /// Replace it with this URL.
    Rewrite(String),
    /// It points at something that does not exist.
    Broken(String),
}

/// A problem at a byte offset of the Markdown source.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MarkdownProblem {
    pub offset: usize,
    pub message: String,
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Rendered {
    pub html: String,
    /// HTML before `<!-- more -->`, when the page has that marker.
    pub summary: Option<String>,
    pub toc: Vec<TocEntry>,
    /// Every heading id, in order, for fragment checks.
    pub anchors: Vec<String>,
    pub word_count: usize,
    pub problems: Vec<MarkdownProblem>,
}

/// A heading being collected: level, explicit id, classes, inner events.
type OpenHeading<'a> = (HeadingLevel, Option<String>, Vec<String>, Vec<Event<'a>>);

/// Renders `source`; `resolve` decides what each link destination becomes.
pub fn render(source: &str, resolve: &dyn Fn(&str) -> LinkTarget) -> Rendered {
    let mut rendered = Rendered::default();
    let mut events: Vec<Event<'_>> = Vec::new();
    let mut summary_end = None;
    let mut flat_headings: Vec<(u8, String, String)> = Vec::new();
    // Heading being collected: its level, explicit id, classes and inner events.
    let mut heading: Option<OpenHeading<'_>> = None;

    for (event, range) in Parser::new_ext(source, options()).into_offset_iter() {
        let event = match event {
            Event::Start(Tag::Link {
                link_type,
                dest_url,
                title,
                id,
            }) => {
                let dest_url = rewrite(&dest_url, range.start, resolve, &mut rendered.problems)
                    .unwrap_or(dest_url);
                Event::Start(Tag::Link {
                    link_type,
                    dest_url,
                    title,
                    id,
                })
            }
            Event::Start(Tag::Image {
                link_type,
                dest_url,
                title,
                id,
            }) => {
                let dest_url = rewrite(&dest_url, range.start, resolve, &mut rendered.problems)
                    .unwrap_or(dest_url);
                Event::Start(Tag::Image {
                    link_type,
                    dest_url,
                    title,
                    id,
                })
            }
            Event::Text(ref text) => {
                rendered.word_count += count_words(text);
                event
            }
            Event::Html(ref html) if html.trim() == MORE_MARKER && summary_end.is_none() => {
                summary_end = Some(events.len());
                continue;
            }
            other => other,
        };
        match event {
            Event::Start(Tag::Heading {
                level, id, classes, ..
            }) => {
                heading = Some((
                    level,
                    id.map(|id| id.to_string()),
                    classes.iter().map(|c| c.to_string()).collect(),
                    Vec::new(),
                ));
            }
            Event::End(TagEnd::Heading(_)) => {
                let Some((level, explicit_id, classes, inner)) = heading.take() else {
                    continue;
                };
                let title = plain_text(&inner);
                let base = explicit_id.unwrap_or_else(|| {
                    let slug = slug::slugify(&title);
                    if slug.is_empty() {
                        "section".to_string()
                    } else {
                        slug
                    }
                });
                let id = unique_id(&base, &rendered.anchors);
                rendered.anchors.push(id.clone());
                let level_number = level as u8;
                let class_attribute = if classes.is_empty() {
                    String::new()
                } else {
                    format!(" class=\"{}\"", escape(&classes.join(" ")))
                };
                events.push(Event::Html(CowStr::from(format!(
                    "<h{level_number} id=\"{}\"{class_attribute}>",
                    escape(&id)
                ))));
                events.extend(inner);
                events.push(Event::Html(CowStr::from(format!(
                    "<a class=\"anchor\" href=\"#{}\" aria-label=\"Link to this section: {}\">#</a></h{level_number}>\n",
                    escape(&id),
                    escape(&title)
                ))));
                flat_headings.push((level_number, id, title));
            }
            other => match heading.as_mut() {
                Some((_, _, _, inner)) => inner.push(other),
                None => events.push(other),
            },
        }
    }

    if let Some(end) = summary_end {
        let mut summary = String::new();
        pulldown_cmark::html::push_html(&mut summary, events[..end].iter().cloned());
        rendered.summary = Some(summary);
    }
    pulldown_cmark::html::push_html(&mut rendered.html, events.into_iter());
    rendered.toc = nest(&flat_headings);
    rendered
}

/// The number of words in `text`, as `split_whitespace().count()` says;
/// ASCII text, nearly all of it, is counted bytewise, which is several
/// times faster than decoding characters.
fn count_words(text: &str) -> usize {
    if !text.is_ascii() {
        return text.split_whitespace().count();
    }
    // The ASCII characters that `char::is_whitespace` accepts.
    let is_space = |byte: u8| matches!(byte, b' ' | b'\t' | b'\n' | 0x0b | 0x0c | b'\r');
    let mut words = 0;
    let mut in_word = false;
    for &byte in text.as_bytes() {
        let space = is_space(byte);
        words += usize::from(in_word && space);
        in_word = !space;
    }
    words + usize::from(in_word)
}

fn rewrite<'a>(
    dest: &str,
    offset: usize,
    resolve: &dyn Fn(&str) -> LinkTarget,
    problems: &mut Vec<MarkdownProblem>,
) -> Option<CowStr<'a>> {
    match resolve(dest) {
        LinkTarget::Keep => None,
        LinkTarget::Rewrite(url) => Some(CowStr::from(url)),
        LinkTarget::Broken(message) => {
            problems.push(MarkdownProblem { offset, message });
            None
        }
    }
}

fn plain_text(events: &[Event<'_>]) -> String {
    let mut text = String::new();
    for event in events {
        match event {
            Event::Text(t) | Event::Code(t) => text.push_str(t),
            Event::SoftBreak | Event::HardBreak => text.push(' '),
            _ => {}
        }
    }
    text.trim().to_string()
}

fn unique_id(base: &str, taken: &[String]) -> String {
    if !taken.iter().any(|t| t == base) {
        return base.to_string();
    }
    (1..)
        .map(|n| format!("{base}-{n}"))
        .find(|candidate| !taken.contains(candidate))
        .expect("some suffix is free")
}

/// Nests a flat list of headings by level.
fn nest(headings: &[(u8, String, String)]) -> Vec<TocEntry> {
    fn take(
        headings: &[(u8, String, String)],
        index: &mut usize,
        parent_level: u8,
    ) -> Vec<TocEntry> {
        let mut entries = Vec::new();
        while let Some((level, id, title)) = headings.get(*index) {
            if *level <= parent_level {
                break;
            }
            *index += 1;
            let children = take(headings, index, *level);
            entries.push(TocEntry {
                level: *level,
                id: id.clone(),
                title: title.clone(),
                children,
            });
        }
        entries
    }
    let mut index = 0;
    let mut entries = Vec::new();
    while index < headings.len() {
        entries.extend(take(headings, &mut index, 0));
    }
    entries
}

/// Escapes text for an HTML attribute or element.
pub fn escape(text: &str) -> String {
    let mut escaped = String::with_capacity(text.len());
    pulldown_cmark_escape::escape_html(&mut escaped, text)
        .expect("writing to a String cannot fail");
    escaped
}

#[cfg(test)]
mod tests {
    use super::*;

    fn keep(_: &str) -> LinkTarget {
        LinkTarget::Keep
    }

    #[test]
    fn headings_get_unique_ids_and_anchor_links() {
        let rendered = render("## Pay\n\n## Pay\n", &keep);
        assert_eq!(rendered.anchors, ["pay", "pay-1"]);
        assert!(
            rendered
                .html
                .contains("<h2 id=\"pay\">Pay<a class=\"anchor\" href=\"#pay\"")
        );
    }

    #[test]
    fn toc_nests_by_level() {
        let rendered = render("## A\n### B\n## C\n", &keep);
        assert_eq!(rendered.toc.len(), 2);
        assert_eq!(rendered.toc[0].children[0].title, "B");
    }

    #[test]
    fn summary_stops_at_the_more_marker() {
        let rendered = render("First.\n\n<!-- more -->\n\nSecond.\n", &keep);
        assert_eq!(rendered.summary.as_deref(), Some("<p>First.</p>\n"));
        assert!(rendered.html.contains("Second."));
    }

    #[test]
    fn broken_link_is_reported_at_its_offset() {
        let source = "See [x](@/missing.md).\n";
        let rendered = render(source, &|_| LinkTarget::Broken("no such page".into()));
        assert_eq!(rendered.problems[0].offset, 4);
    }

    #[test]
    fn words_are_counted_like_split_whitespace() {
        for text in [
            "",
            " ",
            "one",
            " one  two\tthree\n",
            "a\x0bb\x0cc\rd",
            "x\x1cy",
            "caf\u{e9} na\u{ef}ve\u{a0}words\u{2003}here",
        ] {
            assert_eq!(
                count_words(text),
                text.split_whitespace().count(),
                "{text:?}"
            );
        }
    }

    #[test]
    fn extensions_are_on() {
        let rendered = render("| a |\n|---|\n| b |\n\n~~x~~ - [x] t \"q\"\n", &keep);
        assert!(rendered.html.contains("<table>"));
        assert!(rendered.html.contains("<del>x</del>"));
        assert!(rendered.html.contains('\u{201c}'));
    }
}
