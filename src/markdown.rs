//! Markdown to HTML. This is the one place that sets pulldown-cmark's
//! options, and rendering returns one value: the HTML, the summary, the
//! table of contents and the problems found in links, with their offsets.

use pulldown_cmark::{CowStr, Event, HeadingLevel, Options, Parser, Tag, TagEnd};
use serde::{Deserialize, Serialize};

mod code_blocks;
mod packed;
mod spill;

pub use packed::PackedHtml;
pub use spill::{HtmlSpill, SpilledHtml};

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

/// What happens to raw HTML written in Markdown (`[markdown] raw_html` in
/// site.toml). Whatever the choice, `javascript:` (and `vbscript:`,
/// `data:text/html`) URLs are always dropped.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum RawHtml {
    /// Keep it as written: the site's writers are trusted.
    #[default]
    Pass,
    /// Show it as text.
    Escape,
    /// Leave it out.
    Strip,
}

/// The writer's choices for Markdown rendering.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct MarkdownOptions {
    pub raw_html: RawHtml,
    /// Fenced code blocks get highlighting classes ([`crate::highlight`]).
    pub highlight: bool,
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
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum LinkTarget {
    /// Leave it as written.
    Keep,
    /// Replace it with this URL.
    Rewrite(String),
    /// It points at something that does not exist.
    Broken(String),
}

/// A link or image as written in the Markdown source, for `medsite check`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Link {
    /// Byte offset of the link in the source.
    pub offset: usize,
    /// The destination as written, before any rewriting.
    pub destination: String,
    pub image: bool,
}

/// A problem at a byte offset of the Markdown source.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MarkdownProblem {
    pub offset: usize,
    /// Stable kind, e.g. `broken-link`, for the diagnostic.
    pub code: &'static str,
    pub message: String,
    /// Errors fail the build; warnings (a dropped `javascript:` link) do not.
    pub is_error: bool,
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Rendered {
    /// The HTML; empty when [`Rendered::spilled`] holds it, so pages read
    /// it with [`Rendered::html_text`]. Sections are never spilled.
    pub html: PackedHtml,
    /// In a full build, a page's HTML in the build's temporary file
    /// instead of `html` (see [`HtmlSpill`]).
    pub spilled: Option<SpilledHtml>,
    /// HTML before `<!-- more -->`, when the page has that marker.
    pub summary: Option<String>,
    pub toc: Vec<TocEntry>,
    /// Every heading id, in order, for fragment checks.
    pub anchors: Vec<String>,
    pub word_count: usize,
    /// Every link and image destination, in source order.
    pub links: Vec<Link>,
    pub problems: Vec<MarkdownProblem>,
    /// Theme components called from the Markdown; `html` and `summary`
    /// hold a placeholder for each until [`crate::components::expand`].
    pub components: Vec<crate::components::Call>,
    /// Local images; `html` and `summary` hold a placeholder for each until
    /// [`crate::images::prepare`].
    pub images: Vec<crate::images::ImageCall>,
}

impl Rendered {
    /// Moves the HTML into `spill`; it stays in memory if the file cannot
    /// take it.
    pub fn spill_to(&mut self, spill: &std::sync::Arc<HtmlSpill>) {
        if let Ok(spilled) = spill.put(&self.html) {
            self.html = PackedHtml::default();
            self.spilled = Some(spilled);
        }
    }

    /// The HTML, read back from the build's temporary file when it was
    /// spilled there.
    pub fn html_text(&self) -> std::io::Result<String> {
        match &self.spilled {
            Some(spilled) => spilled.read(),
            None => Ok(self.html.text()),
        }
    }

    /// The length of the HTML in bytes.
    pub fn html_len(&self) -> usize {
        self.spilled
            .as_ref()
            .map_or_else(|| self.html.len(), SpilledHtml::len)
    }

    /// The HTML, or the error of a file whose spilled HTML could not be
    /// read back (`display` names the file).
    pub fn html_or_diagnostic(
        &self,
        display: &str,
    ) -> Result<String, crate::diagnostics::Diagnostic> {
        self.html_text()
            .map_err(|error| unreadable_html(display, &error))
    }

    /// Replaces the HTML by `change` of it, kept in memory.
    pub fn change_html(&mut self, change: impl FnOnce(&str) -> String) -> std::io::Result<()> {
        self.html = PackedHtml::new(&change(&self.html_text()?));
        self.spilled = None;
        Ok(())
    }
}

/// The error of a page whose HTML could not be read back from the build's
/// temporary file.
pub fn unreadable_html(display: &str, error: &std::io::Error) -> crate::diagnostics::Diagnostic {
    crate::diagnostics::Diagnostic::error(
        display,
        "io",
        format!(
            "the page's rendered HTML could not be read back from medsite's temporary file: {error}"
        ),
    )
}

/// A heading being collected: level, explicit id, classes, inner events.
type OpenHeading<'a> = (HeadingLevel, Option<String>, Vec<String>, Vec<Event<'a>>);

/// `source` with each component call replaced by its placeholder; the
/// calls, and the calls that could not be read, go into `rendered`.
fn extract_components(source: &str, rendered: &mut Rendered) -> String {
    let (source, calls, malformed) = crate::components::extract(source);
    rendered.components = calls;
    rendered
        .problems
        .extend(malformed.into_iter().map(|m| MarkdownProblem {
            offset: m.offset,
            code: "component",
            message: m.message,
            is_error: true,
        }));
    source
}

/// Renders `source`; `resolve` decides what each link destination becomes.
pub fn render(
    source: &str,
    options: MarkdownOptions,
    resolve: &dyn Fn(&str) -> LinkTarget,
) -> Rendered {
    let mut rendered = Rendered::default();
    let source = extract_components(source, &mut rendered);
    let source = source.as_str();
    let mut events: Vec<Event<'_>> = Vec::new();
    let mut summary_end = None;
    let mut flat_headings: Vec<(u8, String, String)> = Vec::new();
    // Heading being collected: its level, explicit id, classes and inner events.
    let mut heading: Option<OpenHeading<'_>> = None;
    // Set while skipping a link or image whose URL was dropped.
    let mut dropping_link = false;
    let mut dropping_image = false;

    let mut image_calls = Vec::new();
    let mut image_problems = Vec::new();
    let parsed = Parser::new_ext(source, self::options()).into_offset_iter();
    let parsed =
        crate::images::markdown::Images::new(parsed, &mut image_calls, &mut image_problems);
    let mut parsed = code_blocks::CodeBlocks::new(parsed, options.highlight);
    for (event, range) in parsed.by_ref() {
        if dropping_image {
            dropping_image = !matches!(event, Event::End(TagEnd::Image));
            continue;
        }
        let event = match event {
            Event::Start(Tag::Link { ref dest_url, .. } | Tag::Image { ref dest_url, .. })
                if is_script_url(dest_url) =>
            {
                rendered.problems.push(MarkdownProblem {
                    offset: range.start,
                    code: "script-url",
                    message: format!("`{dest_url}` is a script URL: the link was left out"),
                    is_error: false,
                });
                if matches!(event, Event::Start(Tag::Image { .. })) {
                    dropping_image = true;
                } else {
                    dropping_link = true;
                }
                continue;
            }
            Event::End(TagEnd::Link) if dropping_link => {
                dropping_link = false;
                continue;
            }
            Event::Html(ref html) | Event::InlineHtml(ref html)
                if options.raw_html != RawHtml::Pass
                    && html.trim() != MORE_MARKER
                    && !crate::images::is_placeholder(html) =>
            {
                match options.raw_html {
                    RawHtml::Escape => Event::Text(html.clone()),
                    _ => continue,
                }
            }
            Event::Start(mut tag @ (Tag::Link { .. } | Tag::Image { .. })) => {
                if let Tag::Link { dest_url, .. } | Tag::Image { dest_url, .. } = &tag {
                    rendered.links.push(Link {
                        offset: range.start,
                        destination: dest_url.to_string(),
                        image: matches!(tag, Tag::Image { .. }),
                    });
                }
                if let Tag::Link { dest_url, .. } | Tag::Image { dest_url, .. } = &mut tag
                    && let Some(url) =
                        rewrite(dest_url, range.start, resolve, &mut rendered.problems)
                {
                    *dest_url = url;
                }
                Event::Start(tag)
            }
            Event::Text(ref text) => {
                rendered.word_count += count_words(text);
                event
            }
            Event::Html(ref html) if html.trim() == MORE_MARKER && summary_end.is_none() => {
                summary_end = Some(events.len());
                continue;
            }
            // Wide tables scroll inside a focusable, labelled region so the
            // page never scrolls sideways on a phone and keyboards can reach it.
            Event::Start(Tag::Table(alignments)) => {
                let label = match flat_headings.last() {
                    Some((_, _, title)) => format!("Table: {title}"),
                    None => "Table".to_string(),
                };
                events.push(Event::Html(CowStr::from(format!(
                    "<div class=\"table-wrap\" tabindex=\"0\" role=\"region\" aria-label=\"{}\">\n",
                    escape(&label)
                ))));
                Event::Start(Tag::Table(alignments))
            }
            Event::End(TagEnd::Table) => {
                events.push(Event::End(TagEnd::Table));
                Event::Html(CowStr::from("</div>\n"))
            }
            // A checkbox needs a name for screen readers.
            Event::TaskListMarker(checked) => Event::InlineHtml(CowStr::from(if checked {
                "<input type=\"checkbox\" disabled checked aria-label=\"Done\"> "
            } else {
                "<input type=\"checkbox\" disabled aria-label=\"Not done\"> "
            })),
            // Long code lines scroll; keyboards must be able to scroll them.
            Event::Start(Tag::CodeBlock(kind)) => code_block_start(&kind),
            Event::End(TagEnd::CodeBlock) => Event::Html(CowStr::from("</code></pre>\n")),
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
                let Some(open) = heading.take() else {
                    continue;
                };
                flat_headings.push(close_heading(open, &mut rendered.anchors, &mut events));
            }
            other => match heading.as_mut() {
                Some((_, _, _, inner)) => inner.push(other),
                None => events.push(other),
            },
        }
    }

    parsed.finish(&mut rendered);
    rendered.images = image_calls;
    if let Some(end) = summary_end {
        let mut summary = String::new();
        pulldown_cmark::html::push_html(&mut summary, events[..end].iter().cloned());
        rendered.summary = Some(drop_script_urls(summary));
    }
    let mut html = String::new();
    pulldown_cmark::html::push_html(&mut html, events.into_iter());
    rendered.html = PackedHtml::new(&drop_script_urls(html));
    rendered.toc = nest(&flat_headings);
    add_images(&mut rendered, image_problems);
    rendered
}

/// Local images are links for `medsite check` too, and their problems
/// (missing alt text) are the page's.
fn add_images(rendered: &mut Rendered, problems: Vec<MarkdownProblem>) {
    rendered.problems.extend(problems);
    rendered
        .links
        .extend(rendered.images.iter().map(|image| Link {
            offset: image.offset,
            destination: image.destination.clone(),
            image: true,
        }));
    rendered.links.sort_by_key(|link| link.offset);
}

/// The opening of a code block: it scrolls, so keyboards must be able to
/// reach it; a fenced block's language becomes a class.
fn code_block_start(kind: &pulldown_cmark::CodeBlockKind<'_>) -> Event<'static> {
    let language = match kind {
        pulldown_cmark::CodeBlockKind::Fenced(info) => fence_language(info),
        pulldown_cmark::CodeBlockKind::Indented => "",
    };
    let class = if language.is_empty() {
        String::new()
    } else {
        format!(" class=\"language-{}\"", escape(language))
    };
    Event::Html(CowStr::from(format!("<pre tabindex=\"0\"><code{class}>")))
}

/// The language of a fenced block: the first word of its info string.
fn fence_language(info: &str) -> &str {
    info.split([' ', ',', '{']).next().unwrap_or("")
}

/// Writes a collected heading into `events` with a unique id (recorded in
/// `anchors`) and a link to itself; returns its (level, id, title) for the
/// table of contents.
fn close_heading<'a>(
    (level, explicit_id, classes, inner): OpenHeading<'a>,
    anchors: &mut Vec<String>,
    events: &mut Vec<Event<'a>>,
) -> (u8, String, String) {
    let title = plain_text(&inner);
    let base = explicit_id.unwrap_or_else(|| {
        let slug = slug::slugify(&title);
        if slug.is_empty() {
            "section".to_string()
        } else {
            slug
        }
    });
    let id = unique_id(&base, anchors);
    anchors.push(id.clone());
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
    (level_number, id, title)
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
            problems.push(MarkdownProblem {
                offset,
                code: "broken-link",
                message,
                is_error: true,
            });
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

/// True for URLs that run code when followed: `javascript:`, `vbscript:`
/// and `data:text/html`, however they are spelled (entities, case,
/// whitespace and control characters inside the scheme).
pub fn is_script_url(url: &str) -> bool {
    let decoded = html_escape::decode_html_entities(url);
    let compact: String = decoded
        .chars()
        .filter(|c| !c.is_ascii_whitespace() && !c.is_control())
        .flat_map(char::to_lowercase)
        .collect();
    compact.starts_with("javascript:")
        || compact.starts_with("vbscript:")
        || compact.starts_with("data:text/html")
}

/// Removes every attribute whose value is a script URL from raw HTML that
/// passed through. Parsing HTML is lol_html's job; the cheap test first
/// keeps pages without any such text off that path.
fn drop_script_urls(html: String) -> String {
    let lower = html.to_ascii_lowercase();
    if !lower.contains("script") && !lower.contains("data:") && !lower.contains("&#") {
        return html;
    }
    let settings = lol_html::RewriteStrSettings::new().append_element_content_handler(
        lol_html::element!("*", |element: &mut lol_html::html_content::Element| {
            let unsafe_names: Vec<String> = element
                .attributes()
                .iter()
                .filter(|attribute| is_script_url(&attribute.value()))
                .map(|attribute| attribute.name())
                .collect();
            for name in unsafe_names {
                element.remove_attribute(&name);
            }
            Ok(())
        }),
    );
    // lol_html fails only on memory limits we do not set; keep the input
    // rather than lose the page if it ever does.
    lol_html::rewrite_str(&html, settings).unwrap_or(html)
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

    fn render_default(source: &str, resolve: &dyn Fn(&str) -> LinkTarget) -> Rendered {
        render(source, MarkdownOptions::default(), resolve)
    }

    #[test]
    fn script_urls_are_dropped_from_links_images_and_raw_html() {
        let source =
            "[a](javascript:alert(1)) ![i](JaVaScRiPt:x) <a href=\"jav&#x61;script:y\">b</a>\n";
        let rendered = render_default(source, &keep);
        assert_eq!(rendered.html.text(), "<p>a  <a>b</a></p>\n");
        assert_eq!(rendered.problems.len(), 2);
        assert!(rendered.problems.iter().all(|p| !p.is_error));
    }

    /// An image's placeholder is raw HTML to pulldown-cmark: neither the
    /// `raw_html` choice nor the script-URL filter may touch it.
    #[test]
    fn image_placeholders_survive_escaped_raw_html_and_the_script_filter() {
        let source = "![A chart](c.png) [x](javascript:y) <b>b</b>\n";
        let escape = MarkdownOptions {
            raw_html: RawHtml::Escape,
            ..MarkdownOptions::default()
        };
        let rendered = render(source, escape, &keep);
        let placeholder = crate::images::placeholder(0);
        assert_eq!(
            rendered.html.text(),
            format!("<p>{placeholder} x &lt;b&gt;b&lt;/b&gt;</p>\n")
        );
        assert_eq!(rendered.images[0].destination, "c.png");
        assert_eq!(rendered.links[0].destination, "c.png");
        // Raw HTML with a script URL goes through lol_html.
        let rendered = render_default("![A chart](c.png) <a href=\"javascript:y\">b</a>\n", &keep);
        assert_eq!(
            rendered.html.text(),
            format!("<p>{placeholder} <a>b</a></p>\n")
        );
    }

    #[test]
    fn raw_html_can_be_escaped_or_stripped() {
        let source = "<b>bold</b>\n\n<div>block</div>\n";
        let escape = MarkdownOptions {
            raw_html: RawHtml::Escape,
            ..MarkdownOptions::default()
        };
        assert_eq!(
            render(source, escape, &keep).html.text(),
            "<p>&lt;b&gt;bold&lt;/b&gt;</p>\n&lt;div&gt;block&lt;/div&gt;\n"
        );
        let strip = MarkdownOptions {
            raw_html: RawHtml::Strip,
            ..MarkdownOptions::default()
        };
        assert_eq!(render(source, strip, &keep).html.text(), "<p>bold</p>\n");
    }

    #[test]
    fn fifty_thousand_nested_quotes_render_every_quote() {
        let source = format!("{}deep\n", "> ".repeat(50_000));
        let rendered = render_default(&source, &keep);
        let html = rendered.html.text();
        assert_eq!(html.matches("<blockquote>").count(), 50_000);
        assert_eq!(html.matches("</blockquote>").count(), 50_000);
        assert!(html.contains("<p>deep</p>"));
    }

    #[test]
    fn headings_get_unique_ids_and_anchor_links() {
        let rendered = render_default("## Pay\n\n## Pay\n", &keep);
        assert_eq!(rendered.anchors, ["pay", "pay-1"]);
        assert!(
            rendered
                .html
                .text()
                .contains("<h2 id=\"pay\">Pay<a class=\"anchor\" href=\"#pay\"")
        );
    }

    #[test]
    fn toc_nests_by_level() {
        let rendered = render_default("## A\n### B\n## C\n", &keep);
        assert_eq!(rendered.toc.len(), 2);
        assert_eq!(rendered.toc[0].children[0].title, "B");
    }

    #[test]
    fn summary_stops_at_the_more_marker() {
        let rendered = render_default("First.\n\n<!-- more -->\n\nSecond.\n", &keep);
        assert_eq!(rendered.summary.as_deref(), Some("<p>First.</p>\n"));
        assert!(rendered.html.text().contains("Second."));
    }

    #[test]
    fn broken_link_is_reported_at_its_offset() {
        let source = "See [x](@/missing.md).\n";
        let rendered = render(source, MarkdownOptions::default(), &|_| {
            LinkTarget::Broken("no such page".into())
        });
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
    fn links_and_images_are_listed_as_written() {
        let source = "[a](@/x.md#pay) ![b](pic.png)\n";
        let rendered = render_default(source, &|_| LinkTarget::Rewrite("../x/".into()));
        let listed: Vec<(usize, &str, bool)> = rendered
            .links
            .iter()
            .map(|l| (l.offset, l.destination.as_str(), l.image))
            .collect();
        assert_eq!(listed, [(0, "@/x.md#pay", false), (16, "pic.png", true)]);
    }

    #[test]
    fn tables_scroll_in_a_labelled_region_and_checkboxes_have_names() {
        let rendered = render_default("## Pay\n\n| a |\n|---|\n| b |\n\n- [x] t\n", &keep);
        assert!(rendered.html.text().contains(
            "<div class=\"table-wrap\" tabindex=\"0\" role=\"region\" aria-label=\"Table: Pay\">\n<table>"
        ));
        assert!(rendered.html.text().contains("</table>\n</div>"));
        assert!(rendered.html.text().contains("aria-label=\"Done\""));
    }

    #[test]
    fn code_blocks_are_focusable_and_escaped() {
        let rendered = render_default("```rust\nlet x = \"<b>\";\n```\n", &keep);
        assert_eq!(
            rendered.html.text(),
            "<pre tabindex=\"0\"><code class=\"language-rust\">let x = \"&lt;b&gt;\";\n</code></pre>\n"
        );
    }

    #[test]
    fn extensions_are_on() {
        let rendered = render_default("| a |\n|---|\n| b |\n\n~~x~~ - [x] t \"q\"\n", &keep);
        assert!(rendered.html.text().contains("<table>"));
        assert!(rendered.html.text().contains("<del>x</del>"));
        assert!(rendered.html.text().contains('\u{201c}'));
    }
}
