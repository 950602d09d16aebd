//! Highlighted code blocks: an adapter over pulldown-cmark's events that,
//! with `[markdown] highlight` on, turns each fenced block in a language
//! the highlighter knows into one HTML event (classes, no inline styles;
//! see [`crate::highlight`]). A block in an unknown language is left as
//! it was, plain, with a warning at its fence, as Zola does.

use std::collections::VecDeque;
use std::ops::Range;

use pulldown_cmark::{CodeBlockKind, CowStr, Event, Tag, TagEnd};

use super::{MarkdownProblem, Rendered, count_words, escape, fence_language};
use crate::highlight::{self, Highlighted};

/// The events of a Markdown document with its code blocks highlighted.
pub struct CodeBlocks<'a, I> {
    inner: I,
    on: bool,
    /// The events of a block that was read but left plain, to hand back.
    replay: VecDeque<(Event<'a>, Range<usize>)>,
    problems: Vec<MarkdownProblem>,
    /// Words of the highlighted blocks, which bypass the word count.
    words: usize,
}

impl<'a, I: Iterator<Item = (Event<'a>, Range<usize>)>> CodeBlocks<'a, I> {
    pub fn new(inner: I, on: bool) -> Self {
        CodeBlocks {
            inner,
            on,
            replay: VecDeque::new(),
            problems: Vec::new(),
            words: 0,
        }
    }

    /// Adds what the blocks read so far contribute: warnings, words.
    pub fn finish(self, rendered: &mut Rendered) {
        rendered.problems.extend(self.problems);
        rendered.word_count += self.words;
    }

    /// Reads a fenced block's text up to its end and highlights it; the
    /// events as they were when it cannot be highlighted.
    fn block(&mut self, language: &str, offset: usize) -> Result<Event<'a>, Vec<Event<'a>>> {
        let mut text = String::new();
        let mut events = Vec::new();
        for (event, _) in self.inner.by_ref() {
            match &event {
                Event::Text(part) => text.push_str(part),
                Event::End(TagEnd::CodeBlock) => {
                    events.push(event);
                    break;
                }
                _ => {}
            }
            events.push(event);
        }
        match highlight::code(language, &text) {
            Highlighted::Html(html) => {
                self.words += count_words(&text);
                Ok(Event::Html(CowStr::from(format!(
                    "<pre tabindex=\"0\" class=\"{}code\"><code class=\"language-{}\">{html}</code></pre>\n",
                    highlight::CLASS_PREFIX,
                    escape(language)
                ))))
            }
            Highlighted::Plain => Err(events),
            Highlighted::Unknown => {
                self.problems.push(MarkdownProblem {
                    offset,
                    code: "unknown-language",
                    message: format!(
                        "no highlighting for the language `{language}`: the code block is left plain"
                    ),
                    is_error: false,
                });
                Err(events)
            }
        }
    }
}

impl<'a, I: Iterator<Item = (Event<'a>, Range<usize>)>> Iterator for CodeBlocks<'a, I> {
    type Item = (Event<'a>, Range<usize>);

    fn next(&mut self) -> Option<Self::Item> {
        if let Some(replayed) = self.replay.pop_front() {
            return Some(replayed);
        }
        let (event, range) = self.inner.next()?;
        let language = match &event {
            Event::Start(Tag::CodeBlock(CodeBlockKind::Fenced(info))) if self.on => {
                fence_language(info).to_string()
            }
            _ => return Some((event, range)),
        };
        if language.is_empty() {
            return Some((event, range));
        }
        match self.block(&language, range.start) {
            Ok(html) => Some((html, range)),
            Err(events) => {
                self.replay
                    .extend(events.into_iter().map(|e| (e, range.clone())));
                Some((event, range))
            }
        }
    }
}
