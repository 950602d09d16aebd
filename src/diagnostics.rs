//! Diagnostics a writer can act on: file, 1-based line and column, severity,
//! a stable code and a message, rendered like a compiler's.
//!
//! ```text
//! content/careers/x.md:4:10: error: `weight`: expected an integer, found a string
//!   |
//! 4 | weight: heavy
//!   |         ^
//! ```

use std::fmt;
use std::path::Path;

use serde::Serialize;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Error,
    Warning,
}

impl fmt::Display for Severity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Severity::Error => "error",
            Severity::Warning => "warning",
        })
    }
}

/// One problem found in the site's input.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Diagnostic {
    /// Path relative to the site root, with `/` separators.
    pub file: String,
    /// 1-based; 0 when the problem concerns the whole file.
    pub line: usize,
    /// 1-based; 0 when unknown.
    pub column: usize,
    pub severity: Severity,
    /// Stable, machine-readable kind, e.g. `front-matter-syntax`.
    pub code: &'static str,
    pub message: String,
    /// The offending source line, shown with a caret under `column`.
    #[serde(skip)]
    pub source_line: Option<String>,
}

impl Diagnostic {
    pub fn error(file: impl Into<String>, code: &'static str, message: impl Into<String>) -> Self {
        Diagnostic {
            file: file.into(),
            line: 0,
            column: 0,
            severity: Severity::Error,
            code,
            message: message.into(),
            source_line: None,
        }
    }

    pub fn warning(
        file: impl Into<String>,
        code: &'static str,
        message: impl Into<String>,
    ) -> Self {
        Diagnostic {
            severity: Severity::Warning,
            ..Diagnostic::error(file, code, message)
        }
    }

    /// Points the diagnostic at `line`:`column` (1-based) of `text`, the
    /// whole file, and keeps that line for display.
    pub fn at(mut self, text: &str, line: usize, column: usize) -> Self {
        self.line = line;
        self.column = column;
        self.source_line = text
            .lines()
            .nth(line.saturating_sub(1))
            .map(|l| l.trim_end_matches('\r').to_string());
        self
    }

    /// Points the diagnostic at a byte offset of `text`.
    pub fn at_offset(self, text: &str, offset: usize) -> Self {
        let (line, column) = line_column(text, offset);
        self.at(text, line, column)
    }

    pub fn is_error(&self) -> bool {
        self.severity == Severity::Error
    }
}

/// 1-based line and column (in characters) of a byte offset.
pub fn line_column(text: &str, offset: usize) -> (usize, usize) {
    let offset = offset.min(text.len());
    let before = &text[..floor_char_boundary(text, offset)];
    let line = before.matches('\n').count() + 1;
    let line_start = before.rfind('\n').map_or(0, |i| i + 1);
    let column = before[line_start..].chars().count() + 1;
    (line, column)
}

fn floor_char_boundary(text: &str, mut offset: usize) -> usize {
    while !text.is_char_boundary(offset) {
        offset -= 1;
    }
    offset
}

impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match (self.line, self.column) {
            (0, _) => write!(f, "{}: ", self.file)?,
            (line, 0) => write!(f, "{}:{line}: ", self.file)?,
            (line, column) => write!(f, "{}:{line}:{column}: ", self.file)?,
        }
        write!(f, "{}: {}", self.severity, self.message)?;
        if let Some(source) = &self.source_line {
            let number = self.line.to_string();
            let gutter = " ".repeat(number.len());
            // Tabs would shift the caret; show them as single spaces.
            let shown = source.replace('\t', " ");
            write!(f, "\n{gutter} |\n{number} | {shown}")?;
            if self.column > 0 {
                let pad = " ".repeat(self.column - 1);
                write!(f, "\n{gutter} | {pad}^")?;
            }
        }
        Ok(())
    }
}

/// Display form of a path relative to the site root.
pub fn display_path(root: &Path, path: &Path) -> String {
    let relative = path.strip_prefix(root).unwrap_or(path);
    relative
        .components()
        .map(|c| c.as_os_str().to_string_lossy())
        .collect::<Vec<_>>()
        .join("/")
}

/// Sorts diagnostics so that output is stable whatever order threads found them in.
pub fn sort(diagnostics: &mut [Diagnostic]) {
    diagnostics.sort_by(|a, b| {
        (&a.file, a.line, a.column, &a.message).cmp(&(&b.file, b.line, b.column, &b.message))
    });
}

/// Convenience: all diagnostics, one after the other, separated by blank lines.
pub struct Report<'a>(pub &'a [Diagnostic]);

impl fmt::Display for Report<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for diagnostic in self.0 {
            writeln!(f, "{diagnostic}\n")?;
        }
        Ok(())
    }
}

/// Keys as Hugo and Zola spell them, and medsite's name for the same thing.
const HABITS: [(&str, &str); 12] = [
    ("baseURL", "base_url"),
    ("baseurl", "base_url"),
    ("languageCode", "language"),
    ("defaultContentLanguage", "language"),
    ("tags", "taxonomies"),
    ("categories", "taxonomies"),
    ("lastmod", "updated"),
    ("publishDate", "date"),
    ("params", "extra"),
    ("paginate", "paginate_by"),
    ("build_search_index", "search"),
    ("generate_feeds", "feeds"),
];

/// The candidate closest to a mistyped `name`, when one is close enough to
/// be the likely intent; a key as Hugo or Zola spell it gets medsite's.
pub fn did_you_mean<'a>(
    name: &str,
    candidates: impl IntoIterator<Item = &'a str>,
) -> Option<&'a str> {
    let candidates: Vec<&'a str> = candidates.into_iter().collect();
    let habit = HABITS.iter().find(|(from, _)| *from == name);
    if let Some(known) = habit.and_then(|(_, to)| candidates.iter().find(|c| *c == to)) {
        return Some(known);
    }
    candidates
        .into_iter()
        .map(|candidate| (strsim::jaro_winkler(name, candidate), candidate))
        .filter(|(score, _)| *score > 0.85)
        .max_by(|a, b| a.0.total_cmp(&b.0))
        .map(|(_, candidate)| candidate)
}

/// Rewrites serde's "unknown field `x`, expected one of `a`, `b`" into
/// "unknown key `x` in `place` (did you mean `a`?)".
pub fn unknown_key_message(serde_message: &str, place: &str) -> Option<String> {
    let rest = serde_message.strip_prefix("unknown field `")?;
    let (name, rest) = rest.split_once('`')?;
    let expected: Vec<&str> = rest.split('`').skip(1).step_by(2).collect();
    Some(match did_you_mean(name, expected.iter().copied()) {
        Some(guess) => format!("unknown key `{name}` in {place} (did you mean `{guess}`?)"),
        None => format!(
            "unknown key `{name}` in {place}; known keys: {}",
            expected.join(", ")
        ),
    })
}
