//! Reading and parsing one Markdown file: UTF-8 without a byte-order mark,
//! front matter split and parsed, dates read. Everything here works on one
//! file's text, so it can be tested without a disk.

use std::path::Path;
use std::sync::Arc;

use super::front_matter::{self, FrontMatter, Split};
use crate::diagnostics::{self, Diagnostic};
use crate::locate::{self, Format, Segment};

/// Markdown files larger than this are refused, so that no single file can
/// push a build past a gigabyte of memory.
pub const MAX_MARKDOWN_BYTES: u64 = 4_000_000;

/// A Markdown file read and split, before it is placed in the site.
#[derive(Debug)]
pub(super) struct ParsedFile {
    pub(super) source: String,
    pub(super) display: String,
    pub(super) text: String,
    pub(super) block_offset: usize,
    pub(super) block_len: usize,
    pub(super) body_offset: usize,
    pub(super) format: Option<Format>,
    /// The whole front matter as parsed, for schema validation.
    pub(super) value: serde_json::Value,
    /// Shared with the page or section made from the file.
    pub(super) front: Arc<FrontMatter>,
}

impl ParsedFile {
    pub(super) fn body(&self) -> &str {
        &self.text[self.body_offset..]
    }

    /// A diagnostic at the front-matter key `path` (or at the fence).
    pub(super) fn at_key(&self, path: &[&str], code: &'static str, message: String) -> Diagnostic {
        self.at_path(&locate::keys(path), code, message)
    }

    /// A diagnostic at the element `path` (keys and list indexes) of the
    /// front matter, or at its nearest ancestor found, or at the opening
    /// fence.
    pub(super) fn at_path(
        &self,
        path: &[Segment],
        code: &'static str,
        message: String,
    ) -> Diagnostic {
        let block = &self.text[self.block_offset..self.block_offset + self.block_len];
        let offset = locate::offset_in_file(block, self.block_offset, self.format, path);
        Diagnostic::error(&self.display, code, message).at_offset(&self.text, offset)
    }
}

/// Reads a Markdown file as UTF-8 text without a byte-order mark.
pub(super) fn read_file(root: &Path, path: &Path) -> Result<String, Diagnostic> {
    let display = diagnostics::display_path(root, path);
    // A bound on what one file may cost: pages are articles, not data dumps.
    if let Ok(metadata) = std::fs::metadata(path)
        && metadata.len() > MAX_MARKDOWN_BYTES
    {
        return Err(Diagnostic::error(
            &display,
            "file-too-large",
            format!(
                "the file is {} MB; medsite reads Markdown files of up to {} MB",
                metadata.len() / 1_000_000,
                MAX_MARKDOWN_BYTES / 1_000_000
            ),
        ));
    }
    let bytes =
        crate::fs::read(path).map_err(|e| Diagnostic::error(&display, "io", e.to_string()))?;
    let text = match String::from_utf8(bytes) {
        Ok(text) => text,
        Err(error) => {
            let valid = error.utf8_error().valid_up_to();
            let lossy = String::from_utf8_lossy(error.as_bytes()).into_owned();
            return Err(Diagnostic::error(
                &display,
                "encoding",
                "the file is not valid UTF-8: save it as UTF-8",
            )
            .at_offset(&lossy, valid));
        }
    };
    Ok(match front_matter::strip_bom(&text).len() {
        len if len == text.len() => text,
        _ => front_matter::strip_bom(&text).to_string(),
    })
}

/// Splits and parses a file's text; `relative` is its path in `content/`.
pub(super) fn parse_text(
    relative: &str,
    display: String,
    text: String,
) -> Result<ParsedFile, Diagnostic> {
    let split: Split<'_> = front_matter::split(&text)
        .map_err(|e| Diagnostic::error(&display, e.code, e.message).at_offset(&text, e.offset))?;
    let to_diagnostic = |e: front_matter::FrontMatterError| {
        Diagnostic::error(&display, e.code, e.message).at_offset(&text, e.offset)
    };
    let value = front_matter::parse_value(&split).map_err(to_diagnostic)?;
    let front = front_matter::from_value(&split, &value).map_err(to_diagnostic)?;
    let (block_offset, block_len, body_offset, format) = (
        split.block_offset,
        split.block.len(),
        split.body_offset,
        split.format,
    );
    Ok(ParsedFile {
        source: relative.to_string(),
        display,
        text,
        block_offset,
        block_len,
        body_offset,
        format,
        value,
        front: Arc::new(front),
    })
}

pub(super) fn parse_date(
    file: &ParsedFile,
    key: &str,
    value: Option<&str>,
) -> Result<Option<jiff::civil::Date>, Diagnostic> {
    let Some(value) = value else { return Ok(None) };
    match date_from_text(value) {
        Some(date) => Ok(Some(date)),
        None => Err(file.at_key(
            &[key],
            "front-matter-type",
            format!(
                "`{key}`: `{}` is not a date; write it as YYYY-MM-DD",
                value.trim()
            ),
        )),
    }
}

/// A date written `2025-04-02`, or a date and time (RFC 3339 or without a
/// zone): its day.
pub(super) fn date_from_text(value: &str) -> Option<jiff::civil::Date> {
    let value = value.trim();
    value
        .parse::<jiff::civil::Date>()
        .ok()
        .or_else(|| {
            value
                .parse::<jiff::civil::DateTime>()
                .ok()
                .map(|d| d.date())
        })
        .or_else(|| {
            value
                .parse::<jiff::Timestamp>()
                .ok()
                .map(|t| t.to_zoned(jiff::tz::TimeZone::UTC).date())
        })
}
