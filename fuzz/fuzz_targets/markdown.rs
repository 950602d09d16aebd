//! Markdown rendering with medsite's exact options never panics, for every
//! raw-HTML policy, and never lets a script URL through.
#![no_main]

use libfuzzer_sys::fuzz_target;
use medsite::markdown::{self, LinkTarget, MarkdownOptions, RawHtml};

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    for raw_html in [RawHtml::Pass, RawHtml::Escape, RawHtml::Strip] {
        let rendered = markdown::render(text, MarkdownOptions { raw_html }, &|dest| {
            if dest.ends_with(".md") {
                LinkTarget::Broken("missing".into())
            } else {
                LinkTarget::Keep
            }
        });
        if raw_html != RawHtml::Pass {
            assert!(!rendered.html.to_ascii_lowercase().contains("href=\"javascript:"));
        }
        for problem in &rendered.problems {
            assert!(problem.offset <= text.len());
        }
    }
});
