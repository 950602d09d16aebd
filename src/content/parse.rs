//! Reading and parsing one Markdown file: UTF-8 without a byte-order mark,
//! front matter split and parsed, dates read. Everything here works on one
//! file's text, so it can be tested without a disk.

use std::borrow::Cow;
use std::path::{Path, PathBuf};
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
    /// The file's text; only up to `body_offset` (its front matter) when
    /// the body was left on disk (see [`ParsedFile::leave_body_on_disk`]).
    pub(super) text: String,
    pub(super) body_on_disk: Option<BodyOnDisk>,
    pub(super) block_offset: usize,
    pub(super) block_len: usize,
    pub(super) body_offset: usize,
    pub(super) format: Option<Format>,
    /// The whole front matter as parsed, for schema validation; `Null`
    /// once a full build knows no schema checks the file (see
    /// [`ParsedFile::forget_value`]).
    pub(super) value: serde_json::Value,
    /// Where the front matter holds placeholders left by `medsite new`.
    pub(super) placeholders: Vec<Vec<Segment>>,
    /// Shared with the page or section made from the file.
    pub(super) front: Arc<FrontMatter>,
}

/// Where a body left on disk is, and what it was when the file was parsed.
#[derive(Debug)]
pub(super) struct BodyOnDisk {
    root: PathBuf,
    path: PathBuf,
    hash: u64,
}

impl ParsedFile {
    /// Drops the body from memory: [`ParsedFile::body`] reads it again.
    /// A full build holds every page's front matter at once but needs each
    /// body only while rendering it, so this keeps the bodies (the largest
    /// part of the content) out of its peak memory.
    pub(super) fn leave_body_on_disk(&mut self, root: &Path, path: &Path) {
        let hash = xxhash_rust::xxh3::xxh3_64(&self.text.as_bytes()[self.body_offset..]);
        self.text.truncate(self.body_offset);
        self.text.shrink_to_fit();
        self.body_on_disk = Some(BodyOnDisk {
            root: root.to_path_buf(),
            path: path.to_path_buf(),
            hash,
        });
    }

    /// Drops the front matter's JSON value, which only a schema reads:
    /// for a full build, each file's is otherwise held until the end.
    pub(super) fn forget_value(&mut self) {
        self.value = serde_json::Value::Null;
    }

    /// The Markdown body. A body left on disk is read again, and must be
    /// what was parsed: a file changed meanwhile is an error, not a page
    /// half old and half new.
    pub(super) fn body(&self) -> Result<Cow<'_, str>, Diagnostic> {
        let Some(on_disk) = &self.body_on_disk else {
            return Ok(Cow::Borrowed(&self.text[self.body_offset..]));
        };
        let text = read_file(&on_disk.root, &on_disk.path)?;
        let body = text.get(self.body_offset..).unwrap_or("");
        if !text.starts_with(&self.text)
            || xxhash_rust::xxh3::xxh3_64(body.as_bytes()) != on_disk.hash
        {
            return Err(Diagnostic::error(
                &self.display,
                "changed-while-building",
                "the file changed while medsite was building: build again",
            ));
        }
        Ok(Cow::Owned(body.to_string()))
    }

    /// The whole text of the file, for a diagnostic (read again when the
    /// body was left on disk).
    pub(super) fn full_text(&self) -> String {
        match self.body() {
            Ok(body) => self.text_with(&body).into_owned(),
            Err(_) => self.text.clone(),
        }
    }

    /// The whole text of the file, for a diagnostic's line and column:
    /// `body` is the file's body.
    pub(super) fn text_with(&self, body: &str) -> Cow<'_, str> {
        match self.body_on_disk {
            None => Cow::Borrowed(&self.text),
            Some(_) => Cow::Owned(format!("{}{body}", self.text)),
        }
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
    let placeholders = (crate::schema::placeholders(&value).into_iter())
        .map(|(path, _)| path)
        .collect();
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
        body_on_disk: None,
        block_offset,
        block_len,
        body_offset,
        format,
        value,
        placeholders,
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

#[cfg(test)]
mod tests {
    use super::{parse_text, read_file};

    const TEXT: &str = "---\ntitle: A\n---\nFirst *line*.\n";

    fn parsed_on_disk(text: &str) -> (tempfile::TempDir, super::ParsedFile) {
        let root = tempfile::tempdir().unwrap();
        let path = root.path().join("a.md");
        std::fs::write(&path, text).unwrap();
        let read = read_file(root.path(), &path).unwrap();
        let mut parsed = parse_text("a.md", "content/a.md".into(), read).unwrap();
        parsed.leave_body_on_disk(root.path(), &path);
        (root, parsed)
    }

    #[test]
    fn a_body_left_on_disk_is_read_again_and_counts_its_lines_from_the_top() {
        let (_root, parsed) = parsed_on_disk(TEXT);
        assert_eq!(parsed.text, "---\ntitle: A\n---\n");
        let body = parsed.body().unwrap();
        assert_eq!(body, "First *line*.\n");
        assert_eq!(parsed.text_with(&body), TEXT);
        assert_eq!(parsed.full_text(), TEXT);
    }

    #[test]
    fn a_file_changed_after_its_front_matter_was_read_is_an_error() {
        let (root, parsed) = parsed_on_disk(TEXT);
        std::fs::write(root.path().join("a.md"), TEXT.replace("First", "Second")).unwrap();
        let error = parsed.body().unwrap_err();
        assert_eq!(error.code, "changed-while-building");
        assert_eq!(
            error.to_string(),
            "content/a.md: error: the file changed while medsite was building: build again"
        );
    }
}
