//! Where a record of a data file is, for problems found after loading
//! (pages made from data, `content::generate`): a record, or one of its
//! fields, placed at its line and column and named the way data errors name
//! it: ``column `state` (row 4)`` in a CSV file, `` `state` (record 4)`` in
//! a JSON or YAML list. Loading keeps no file text, so a file is read again
//! only when there is a problem to place, and once per run.

use std::cell::RefCell;
use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::rc::Rc;

use super::{DataFormat, FOLDER, csv};
use crate::diagnostics::Diagnostic;
use crate::locate::{self, Format, Segment};

/// Places records of the site's data files, reading each file at most once.
#[derive(Debug)]
pub struct RecordLocator {
    root: PathBuf,
    files: RefCell<HashMap<String, Option<Rc<Layout>>>>,
}

/// A data file's text, and for CSV where its records start.
#[derive(Debug)]
struct Layout {
    text: String,
    format: DataFormat,
    headers: Vec<String>,
    starts: Vec<usize>,
}

impl RecordLocator {
    pub fn new(root: &Path) -> RecordLocator {
        RecordLocator {
            root: root.to_path_buf(),
            files: RefCell::default(),
        }
    }

    /// "row 2 of `data/x.csv` (line 3)", "record 2 of `data/x.yaml` (line 5)".
    pub fn describe(&self, data: &str, index: usize) -> String {
        let kind = match DataFormat::of(data) {
            Some(DataFormat::Csv) => "row",
            _ => "record",
        };
        let mut described = format!("{kind} {} of `{FOLDER}/{data}`", index + 1);
        if let Some(layout) = self.layout(data) {
            let at =
                Diagnostic::error("", "", "").at_offset(&layout.text, layout.offset(index, None));
            described.push_str(&format!(" (line {})", at.line));
        }
        described
    }

    /// An error at record `index` of `data` (a path in `data/`), at its
    /// field `field` when given; `message` is prefixed with the row (CSV)
    /// or record, and the field.
    pub fn at(
        &self,
        data: &str,
        index: usize,
        field: Option<&str>,
        code: &'static str,
        message: &str,
    ) -> Diagnostic {
        let number = index + 1;
        let csv = DataFormat::of(data) == Some(DataFormat::Csv);
        let message = match (csv, field) {
            (true, Some(field)) => format!("column `{field}` (row {number}): {message}"),
            (true, None) => format!("row {number}: {message}"),
            (false, Some(field)) => format!("`{field}` (record {number}): {message}"),
            (false, None) => format!("record {number}: {message}"),
        };
        let diagnostic = Diagnostic::error(format!("{FOLDER}/{data}"), code, message);
        match self.layout(data) {
            Some(layout) => diagnostic.at_offset(&layout.text, layout.offset(index, field)),
            None => diagnostic,
        }
    }

    fn layout(&self, data: &str) -> Option<Rc<Layout>> {
        let mut files = self.files.borrow_mut();
        let entry = files.entry(data.to_string()).or_insert_with(|| {
            let format = DataFormat::of(data)?;
            let path = self.root.join(FOLDER).join(data);
            let text = crate::fs::read_to_string(&path).ok()?;
            let text = crate::content::front_matter::strip_bom(&text).to_string();
            let (headers, starts) = match format {
                DataFormat::Csv => csv::layout(&text),
                _ => Default::default(),
            };
            Some(Rc::new(Layout {
                text,
                format,
                headers,
                starts,
            }))
        });
        entry.clone()
    }
}

impl Layout {
    /// Byte offset of record `index` (its field `field` when found).
    fn offset(&self, index: usize, field: Option<&str>) -> usize {
        let format = match self.format {
            DataFormat::Csv => {
                let start = self.starts.get(index).copied().unwrap_or(0);
                return match field.and_then(|f| self.headers.iter().position(|h| h == f)) {
                    Some(column) => csv::field_offset(&self.text, start, column),
                    None => start,
                };
            }
            DataFormat::Json => Format::Json,
            DataFormat::Yaml => Format::Yaml,
            DataFormat::Toml => Format::Toml,
        };
        let mut path = vec![Segment::Index(index)];
        path.extend(field.map(Segment::key));
        locate::nearest(&self.text, format, &path).unwrap_or(0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn locator(name: &str, text: &str) -> (tempfile::TempDir, RecordLocator) {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir_all(dir.path().join("data")).unwrap();
        std::fs::write(dir.path().join("data").join(name), text).unwrap();
        let locator = RecordLocator::new(dir.path());
        (dir, locator)
    }

    fn place(diagnostic: Diagnostic) -> String {
        format!(
            "{}:{}:{}: {}",
            diagnostic.file, diagnostic.line, diagnostic.column, diagnostic.message
        )
    }

    #[test]
    fn a_csv_record_is_placed_at_its_row_and_cell() {
        let text = "career,state\nnurse,CA\n\"dental\nassistant\", TX\n";
        let (_dir, locator) = locator("jobs.csv", text);
        assert_eq!(
            place(locator.at("jobs.csv", 1, Some("state"), "x", "empty")),
            "data/jobs.csv:4:13: column `state` (row 2): empty"
        );
        assert_eq!(
            place(locator.at("jobs.csv", 0, None, "x", "twice")),
            "data/jobs.csv:2:1: row 1: twice"
        );
        assert_eq!(
            locator.describe("jobs.csv", 1),
            "row 2 of `data/jobs.csv` (line 3)"
        );
    }

    #[test]
    fn a_yaml_record_is_placed_at_its_key() {
        let text = "- career: nurse\n  state: CA\n- career: dentist\n  state: TX\n";
        let (_dir, locator) = locator("jobs.yaml", text);
        assert_eq!(
            place(locator.at("jobs.yaml", 1, Some("state"), "x", "empty")),
            "data/jobs.yaml:4:3: `state` (record 2): empty"
        );
        assert_eq!(
            locator.describe("jobs.yaml", 1),
            "record 2 of `data/jobs.yaml` (line 3)"
        );
    }
}
