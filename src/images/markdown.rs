//! Images in Markdown, found while pulldown-cmark's events stream past
//! ([`Images`], an iterator adapter that `markdown::render` wraps around
//! the parser): every image must have alt text, and a local PNG, JPEG,
//! WebP or GIF becomes a placeholder, replaced by its `<picture>` once the
//! file has been read ([`super::html::expand`]).
//!
//! Alt text is what a screen reader says instead of the image, so an
//! image without it (`![](photo.jpg)`) is an error. An image that is only
//! decoration says so with an alt of two quotes, `![""](border.png)`,
//! which becomes `alt=""`.

use std::collections::VecDeque;
use std::ops::Range;

use pulldown_cmark::{CowStr, Event, Tag, TagEnd};

use super::{Alt, ImageCall, placeholder};
use crate::markdown::MarkdownProblem;

/// Wraps a pulldown-cmark offset iterator; local images come out as
/// placeholders, listed in `calls`; missing alt text lands in `problems`.
pub struct Images<'a, 'c, I> {
    inner: I,
    calls: &'c mut Vec<ImageCall>,
    problems: &'c mut Vec<MarkdownProblem>,
    /// Events of a remote image, given back as they were.
    pending: VecDeque<(Event<'a>, Range<usize>)>,
}

impl<'a, 'c, I> Images<'a, 'c, I> {
    pub fn new(
        inner: I,
        calls: &'c mut Vec<ImageCall>,
        problems: &'c mut Vec<MarkdownProblem>,
    ) -> Self {
        Images {
            inner,
            calls,
            problems,
            pending: VecDeque::new(),
        }
    }
}

impl<'a, I: Iterator<Item = (Event<'a>, Range<usize>)>> Iterator for Images<'a, '_, I> {
    type Item = (Event<'a>, Range<usize>);

    fn next(&mut self) -> Option<Self::Item> {
        if let Some(pending) = self.pending.pop_front() {
            return Some(pending);
        }
        let (event, range) = self.inner.next()?;
        let Event::Start(Tag::Image {
            dest_url, title, ..
        }) = &event
        else {
            return Some((event, range));
        };
        let (dest_url, title) = (dest_url.to_string(), title.to_string());
        let inner = self.alt_events();
        let alt = alt_of(&inner);
        if matches!(alt, Alt::Missing) {
            self.problems.push(MarkdownProblem {
                offset: range.start,
                code: "image-alt",
                message: format!(
                    "image `{dest_url}` has no alt text: describe it, as in `![A chart of pay by year]({dest_url})`, or mark it as decoration with `![\"\"]({dest_url})`"
                ),
                is_error: true,
            });
        }
        if super::is_local_image(&dest_url) {
            let number = self.calls.len();
            self.calls.push(ImageCall {
                offset: range.start,
                destination: dest_url,
                alt,
                title,
                at: None,
            });
            return Some((Event::InlineHtml(CowStr::from(placeholder(number))), range));
        }
        // A remote image is pulldown-cmark's; a decorative one loses its quotes.
        let end = inner
            .last()
            .map(|(_, r)| r.clone())
            .unwrap_or(range.clone());
        if !matches!(alt, Alt::Decorative) {
            self.pending.extend(inner);
        }
        self.pending.push_back((Event::End(TagEnd::Image), end));
        Some((event, range))
    }
}

impl<'a, I: Iterator<Item = (Event<'a>, Range<usize>)>> Images<'a, '_, I> {
    /// The events inside an image (its alt text), its end consumed.
    fn alt_events(&mut self) -> Vec<(Event<'a>, Range<usize>)> {
        let mut depth = 1;
        let mut inner = Vec::new();
        for (event, range) in self.inner.by_ref() {
            match event {
                Event::Start(Tag::Image { .. }) => depth += 1,
                Event::End(TagEnd::Image) => {
                    depth -= 1;
                    if depth == 0 {
                        break;
                    }
                }
                _ => {}
            }
            inner.push((event, range));
        }
        inner
    }
}

/// The alt text of an image from its inner events: none, `""` (two
/// straight or curly quotes: smart punctuation turns one into the other),
/// or text.
fn alt_of(events: &[(Event<'_>, Range<usize>)]) -> Alt {
    let mut text = String::new();
    for (event, _) in events {
        match event {
            Event::Text(t) | Event::Code(t) => text.push_str(t),
            Event::SoftBreak | Event::HardBreak => text.push(' '),
            _ => {}
        }
    }
    let text = text.trim();
    match text {
        "" => Alt::Missing,
        "\"\"" | "\u{201c}\u{201d}" => Alt::Decorative,
        _ => Alt::Text(text.to_string()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn scan(source: &str) -> (String, Vec<ImageCall>, Vec<MarkdownProblem>) {
        let (mut calls, mut problems) = (Vec::new(), Vec::new());
        let parser = pulldown_cmark::Parser::new_ext(source, pulldown_cmark::Options::all());
        let events = Images::new(parser.into_offset_iter(), &mut calls, &mut problems)
            .map(|(event, _)| event);
        let mut html = String::new();
        pulldown_cmark::html::push_html(&mut html, events);
        (html, calls, problems)
    }

    #[test]
    fn a_local_image_becomes_a_placeholder_with_its_alt_and_title() {
        let (html, calls, problems) = scan("Hi ![A *big* chart](c.png \"Pay\")\n");
        assert_eq!(html, format!("<p>Hi {}</p>\n", placeholder(0)));
        assert_eq!(calls[0].alt, Alt::Text("A big chart".into()));
        assert_eq!((calls[0].offset, calls[0].title.as_str()), (3, "Pay"));
        assert!(problems.is_empty());
    }

    #[test]
    fn an_empty_alt_is_an_error_and_two_quotes_mean_decoration() {
        let (_, calls, problems) = scan("![](a.png) ![\"\"](b.jpg)\n");
        assert_eq!(calls[0].alt, Alt::Missing);
        assert_eq!(calls[1].alt, Alt::Decorative);
        assert_eq!(problems.len(), 1);
        assert_eq!((problems[0].offset, problems[0].code), (0, "image-alt"));
    }

    #[test]
    fn remote_images_stay_as_written_and_need_alt_too() {
        let (html, calls, problems) =
            scan("![x](https://e.org/a.png) ![\"\"](d.svg) ![](https://e.org/b.png)\n");
        assert!(calls.is_empty());
        assert_eq!(
            html,
            "<p><img src=\"https://e.org/a.png\" alt=\"x\" /> <img src=\"d.svg\" alt=\"\" /> <img src=\"https://e.org/b.png\" alt=\"\" /></p>\n"
        );
        assert_eq!(problems.len(), 1);
    }
}
