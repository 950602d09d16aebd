//! Links between content files: what a link in Markdown becomes
//! (`@/x.md` and `x.md` -> the relative URL of that page), and the
//! rendering of a file's Markdown with its links resolved, cached with
//! every target it looked up so that it is reused while they stay the same.

use std::cell::RefCell;
use std::collections::HashMap;
use std::sync::Arc;

use super::parse::ParsedFile;
use super::paths::{self, parent_folder};
use crate::diagnostics::Diagnostic;
use crate::markdown::{self, LinkTarget, Rendered};

/// A file's rendered Markdown, valid while the file's text, its page path
/// and the targets of its links stay the same.
#[derive(Debug, Clone)]
pub(super) struct CachedMarkdown {
    pub(super) file: Arc<ParsedFile>,
    pub(super) page_path: String,
    /// Every content file the links looked up, and the site path found.
    pub(super) lookups: Vec<(String, Option<String>)>,
    pub(super) rendered: Arc<Rendered>,
    pub(super) problems: Vec<Diagnostic>,
}

impl CachedMarkdown {
    /// A link's output depends only on the page's path and on what its
    /// lookup finds, so equal lookups mean an equal rendering.
    pub(super) fn is_valid_for(
        &self,
        file: &Arc<ParsedFile>,
        page_path: &str,
        targets: &HashMap<String, String>,
    ) -> bool {
        Arc::ptr_eq(&self.file, file)
            && self.page_path == page_path
            && self
                .lookups
                .iter()
                .all(|(key, found)| targets.get(key) == found.as_ref())
    }
}

/// Renders a file's Markdown, recording every link it resolved so that
/// the rendering can be reused while those links resolve the same way.
/// With a `spill` (a page in a full build), the HTML goes there.
pub(super) fn render_markdown(
    file: &Arc<ParsedFile>,
    page_path: &str,
    targets: &(dyn Fn(&str) -> Option<String> + Sync),
    options: markdown::MarkdownOptions,
    spill: Option<&Arc<markdown::HtmlSpill>>,
) -> CachedMarkdown {
    let folder = parent_folder(&file.source);
    let lookups = RefCell::new(Vec::new());
    let lookup = |key: &str| {
        let found = targets(key);
        lookups.borrow_mut().push((key.to_string(), found.clone()));
        found
    };
    let resolve = |dest: &str| resolve_link_with(dest, &folder, page_path, &lookup);
    let body = match file.body() {
        Ok(body) => body,
        Err(error) => {
            return CachedMarkdown {
                file: Arc::clone(file),
                page_path: page_path.to_string(),
                lookups: Vec::new(),
                rendered: Arc::default(),
                problems: vec![error],
            };
        }
    };
    let mut rendered = markdown::render(&body, options, &resolve);
    if let Some(spill) = spill {
        rendered.spill_to(spill);
    }
    let nothing_to_locate = rendered.problems.is_empty()
        && rendered.components.is_empty()
        && rendered.images.is_empty();
    // Diagnostics count lines from the top of the file.
    let text = if nothing_to_locate {
        std::borrow::Cow::Borrowed("")
    } else {
        file.text_with(&body)
    };
    let problems = std::mem::take(&mut rendered.problems)
        .into_iter()
        .map(|p| {
            let diagnostic = if p.is_error {
                Diagnostic::error(&file.display, p.code, p.message)
            } else {
                Diagnostic::warning(&file.display, p.code, p.message)
            };
            diagnostic.at_offset(&text, file.body_offset + p.offset)
        })
        .collect();
    for call in &mut rendered.components {
        let at = Diagnostic::error(&file.display, "component", "");
        call.at = Some(at.at_offset(&text, file.body_offset + call.offset));
    }
    for image in &mut rendered.images {
        let at = Diagnostic::error(&file.display, "image", "");
        image.at = Some(at.at_offset(&text, file.body_offset + image.offset));
    }
    CachedMarkdown {
        file: Arc::clone(file),
        page_path: page_path.to_string(),
        lookups: lookups.into_inner(),
        rendered: Arc::new(rendered),
        problems,
    }
}

/// What a link destination written in `folder` (relative to `content/`)
/// becomes on the page at `page_path`, the lookup of a content file's site
/// path given as a function so that a rendering can record what it looked up.
fn resolve_link_with(
    dest: &str,
    folder: &str,
    page_path: &str,
    lookup: &dyn Fn(&str) -> Option<String>,
) -> LinkTarget {
    let lower = dest.trim_start().to_ascii_lowercase();
    if dest.starts_with('#')
        || dest.starts_with("//")
        || lower.contains("://")
        || lower.starts_with("mailto:")
        || lower.starts_with("tel:")
        || lower.starts_with("data:")
        || lower.starts_with("javascript:")
    {
        return LinkTarget::Keep;
    }
    let (target, fragment) = match dest.split_once('#') {
        Some((target, fragment)) => (target, Some(fragment)),
        None => (dest, None),
    };
    let with_fragment = |url: String| match fragment {
        Some(fragment) => format!("{url}#{fragment}"),
        None => url,
    };
    let key = match linked_source(target, folder) {
        Some(key) => key,
        None => {
            return match target.strip_prefix('/') {
                Some(absolute) => {
                    LinkTarget::Rewrite(with_fragment(paths::relative_url(page_path, absolute)))
                }
                None => LinkTarget::Keep,
            };
        }
    };
    match key.as_deref().and_then(lookup) {
        Some(path) => LinkTarget::Rewrite(with_fragment(paths::relative_url(page_path, &path))),
        None => LinkTarget::Broken(broken_link_message(target, key.as_deref(), lookup)),
    }
}

/// Why a link to a content file is broken; when the file became a bundle
/// or a section (`x.md` is now `x/index.md`), which link to write instead.
fn broken_link_message(
    target: &str,
    key: Option<&str>,
    lookup: &dyn Fn(&str) -> Option<String>,
) -> String {
    let moved = key.and_then(|key| {
        let stem = key.strip_suffix(".md")?;
        ["index.md", "_index.md"]
            .into_iter()
            .find(|index| lookup(&format!("{stem}/{index}")).is_some())
    });
    match moved {
        Some(index) => {
            let stem = target.strip_suffix(".md").unwrap_or(target);
            format!(
                "link to `{target}`: no such file in content/ (did you mean `{stem}/{index}`? the page is a folder now)"
            )
        }
        None => format!("link to `{target}`: no such file in content/ (or it is a draft)"),
    }
}

/// The content file (relative to `content/`) that a link target written in
/// `folder` names: `Some(Some(key))` for `@/x.md` and relative `x.md`
/// links, `Some(None)` when such a link climbs out of `content/`, `None`
/// for any other kind of link. `target` has no `#fragment`.
pub fn linked_source(target: &str, folder: &str) -> Option<Option<String>> {
    if let Some(rest) = target.strip_prefix("@/") {
        Some(paths::normalise(rest))
    } else if target.ends_with(".md") && !target.starts_with('/') {
        Some(paths::normalise(&if folder.is_empty() {
            target.to_string()
        } else {
            format!("{folder}/{target}")
        }))
    } else {
        None
    }
}
