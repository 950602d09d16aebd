//! Pages from data: a section whose `_index.md` has a `generate` table
//! gets one page per record of a data file, a step of
//! `content::assemble` run before URLs are claimed, so that generated
//! pages are placed, ordered, listed, paginated, fed, mapped and indexed
//! exactly like the section's Markdown pages.
//!
//! ```toml
//! [generate]
//! data = "career-states.csv"            # in data/
//! path = "{career}/{state}"             # below the section's URL
//! title = "{career_title} in {state_name}"
//! date = "{updated}"                    # optional, as are description and updated
//! template = "career-state.html"        # optional: page.html
//! taxonomies = { states = ["{state_name}"] }
//! ```
//!
//! Each `{field}` is the record's field (`generate::pattern`); every segment of the
//! filled path is made a slug the way a file name is. The record itself is
//! the page's `extra`. Problems with the table are reported at its key in
//! `_index.md`; problems with one record at the record (a CSV file's row
//! and cell), through [`RecordLocator`].

mod pattern;

use std::collections::{BTreeMap, BTreeSet};
use std::sync::Arc;

use rayon::prelude::*;
use serde::Deserialize;
use serde_json::{Map, Value};

use super::assemble::Problems;
use super::parse::{ParsedFile, date_from_text};
use super::{FrontMatter, Page, Section};
use crate::config::Config;
use crate::data::records::RecordLocator;
use crate::data::{DataFiles, FOLDER};
use crate::diagnostics::{self, Diagnostic};
use pattern::{FillError, Pattern};

/// The `generate` table of a section's front matter.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Generate {
    /// The data file, relative to `data/`.
    pub data: String,
    /// Each page's path below the section's: `"{career}/{state}"`.
    pub path: String,
    pub title: String,
    pub description: Option<String>,
    pub date: Option<String>,
    pub updated: Option<String>,
    pub template: Option<String>,
    #[serde(default)]
    pub taxonomies: BTreeMap<String, Vec<String>>,
}

/// The record a generated page was made from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RecordRef {
    /// The data file, relative to `data/`.
    pub data: Arc<str>,
    /// The record's index in the file's list (a CSV file's row - 1).
    pub index: usize,
}

/// A `generate` table checked against its data file, ready to fill.
struct Compiled<'a> {
    section: &'a Section,
    section_index: usize,
    /// `content/careers/_index.md`, for messages about records.
    declared_in: &'a str,
    data: Arc<str>,
    records: &'a [Value],
    path_text: &'a str,
    path: Vec<Pattern>,
    title: Pattern,
    description: Option<Pattern>,
    date: Option<Pattern>,
    updated: Option<Pattern>,
    taxonomies: Vec<(String, Vec<Pattern>)>,
    template: Option<String>,
}

/// A problem with one record, placed once all records are done.
struct RecordProblem {
    index: usize,
    field: Option<String>,
    message: String,
}

/// A page's file declares `generate`, which only a section can: the error
/// at the key.
pub(super) fn misplaced(file: &ParsedFile) -> Option<Diagnostic> {
    file.front.generate.as_ref()?;
    Some(file.at_key(
        &["generate"],
        "generate",
        "`generate` makes the pages of a section: move it to the section's `_index.md`".to_string(),
    ))
}

/// Step 4b: the pages every section's `generate` makes, in section order
/// and record order. Without `data` (its files had errors, already
/// reported) nothing is generated.
pub(super) fn generated_pages(
    sections: &[Section],
    section_texts: &[Option<Arc<ParsedFile>>],
    data: Option<&DataFiles>,
    config: &Config,
    locator: &RecordLocator,
    problems: &mut Problems,
) -> Vec<Page> {
    let Some(data) = data else {
        return Vec::new();
    };
    let mut pages = Vec::new();
    for (index, (section, file)) in sections.iter().zip(section_texts).enumerate() {
        let Some((file, spec)) = file
            .as_ref()
            .and_then(|f| Some((f, f.front.generate.as_ref()?)))
        else {
            continue;
        };
        let compiled = match compile(section, index, file, spec, data, config) {
            Ok(compiled) => compiled,
            Err(found) => {
                problems.errors.extend(found);
                continue;
            }
        };
        let results: Vec<Result<Page, Vec<RecordProblem>>> = (compiled.records.par_iter())
            .enumerate()
            .map(|(index, record)| record_page(&compiled, index, record))
            .collect();
        for result in results {
            match result {
                Ok(page) => pages.push(page),
                Err(found) => problems.errors.extend(found.into_iter().map(|problem| {
                    let field = problem.field.as_deref();
                    locator.at(
                        &compiled.data,
                        problem.index,
                        field,
                        "generate",
                        &problem.message,
                    )
                })),
            }
        }
    }
    pages
}

/// Checks a section's `generate` table against its data file: every error
/// at its key in `_index.md`.
fn compile<'a>(
    section: &'a Section,
    section_index: usize,
    file: &'a ParsedFile,
    spec: &'a Generate,
    data: &'a DataFiles,
    config: &Config,
) -> Result<Compiled<'a>, Vec<Diagnostic>> {
    let at = |key: &str, message: String| file.at_key(&["generate", key], "generate", message);
    let records = records(spec, data).map_err(|message| vec![at("data", message)])?;
    let mut errors = Vec::new();
    let mut parse = |key: &str, text: &str| match Pattern::parse(text) {
        Ok(pattern) => Some(pattern),
        Err(message) => {
            errors.push(at(key, format!("`generate.{key}`: {message}")));
            None
        }
    };
    let path = path_patterns(&spec.path).map_err(|message| vec![at("path", message)])?;
    let title = parse("title", &spec.title);
    let description = spec.description.as_deref().map(|t| parse("description", t));
    let date = spec.date.as_deref().map(|t| parse("date", t));
    let updated = spec.updated.as_deref().map(|t| parse("updated", t));
    let taxonomies = taxonomy_patterns(file, spec, config, &mut errors);
    let compiled = Compiled {
        section,
        section_index,
        declared_in: &file.display,
        data: Arc::from(spec.data.as_str()),
        records,
        path_text: &spec.path,
        path,
        title: title.unwrap_or(Pattern::parse("").expect("empty pattern")),
        description: description.flatten(),
        date: date.flatten(),
        updated: updated.flatten(),
        taxonomies,
        template: spec.template.clone(),
    };
    errors.extend(unknown_fields(file, &compiled, data));
    if errors.is_empty() {
        Ok(compiled)
    } else {
        Err(errors)
    }
}

/// The records of `spec.data`: a list, of maps (checked per record).
fn records<'a>(spec: &Generate, data: &'a DataFiles) -> Result<&'a [Value], String> {
    let Some(file) = data.get(&spec.data) else {
        let mut message = format!("`generate.data`: no data file `{FOLDER}/{}`", spec.data);
        if spec.data.starts_with("data/") {
            message.push_str(" (paths are relative to `data/`)");
        } else if let Some(guess) = diagnostics::did_you_mean(&spec.data, data.paths()) {
            message.push_str(&format!(" (did you mean `{guess}`?)"));
        }
        return Err(message);
    };
    match &file.value {
        Value::Array(records) => Ok(records),
        _ => Err(format!(
            "`generate.data`: `{FOLDER}/{}` holds a map, not a list of records: make pages from a CSV file, or a JSON or YAML list of maps",
            spec.data
        )),
    }
}

/// `generate.path` as one pattern per URL segment.
fn path_patterns(text: &str) -> Result<Vec<Pattern>, String> {
    if text.starts_with('/') {
        return Err(format!(
            "`generate.path` `{text}` starts with `/`: it is below the section's URL, write it without the leading `/`"
        ));
    }
    if let Some(reason) = super::paths::unsafe_reason(text) {
        return Err(format!(
            "`generate.path` `{text}` would leave the section: {reason}"
        ));
    }
    let trimmed = text.strip_suffix('/').unwrap_or(text);
    let mut segments = Vec::new();
    for segment in trimmed.split('/') {
        if segment.trim().is_empty() {
            return Err(format!("`generate.path` `{text}` has an empty segment"));
        }
        segments.push(Pattern::parse(segment).map_err(|m| format!("`generate.path`: {m}"))?);
    }
    if segments.iter().all(|s| s.fields().next().is_none()) {
        return Err(format!(
            "`generate.path` `{text}` names no field: every record would get the same URL; write fields as `{{field}}`"
        ));
    }
    Ok(segments)
}

/// `generate.taxonomies`: taxonomies `site.toml` declares, with patterns.
fn taxonomy_patterns(
    file: &ParsedFile,
    spec: &Generate,
    config: &Config,
    errors: &mut Vec<Diagnostic>,
) -> Vec<(String, Vec<Pattern>)> {
    let mut taxonomies = Vec::new();
    for (name, values) in &spec.taxonomies {
        let at =
            |message: String| file.at_key(&["generate", "taxonomies", name], "generate", message);
        if !config.taxonomies.iter().any(|t| &t.name == name) {
            let declared: Vec<&str> = config.taxonomies.iter().map(|t| t.name.as_str()).collect();
            errors.push(at(format!(
                "`generate.taxonomies.{name}`: site.toml declares no taxonomy `{name}` (declared: {})",
                if declared.is_empty() { "none".to_string() } else { declared.join(", ") }
            )));
            continue;
        }
        let mut patterns = Vec::new();
        for value in values {
            match Pattern::parse(value) {
                Ok(pattern) => patterns.push(pattern),
                Err(message) => errors.push(at(format!("`generate.taxonomies.{name}`: {message}"))),
            }
        }
        taxonomies.push((name.clone(), patterns));
    }
    taxonomies
}

/// A field no record has, at the key of the pattern that names it.
fn unknown_fields(file: &ParsedFile, compiled: &Compiled<'_>, data: &DataFiles) -> Vec<Diagnostic> {
    if compiled.records.is_empty() {
        return Vec::new();
    }
    let columns = &data.get(&compiled.data).expect("checked above").columns;
    let known: BTreeSet<&str> = if columns.is_empty() {
        (compiled.records.iter())
            .filter_map(Value::as_object)
            .flat_map(|record| record.keys().map(String::as_str))
            .collect()
    } else {
        columns.iter().map(String::as_str).collect()
    };
    let mut named: Vec<(Vec<&str>, &Pattern)> = Vec::new();
    named.extend(compiled.path.iter().map(|p| (vec!["path"], p)));
    named.push((vec!["title"], &compiled.title));
    for (key, pattern) in [
        ("description", &compiled.description),
        ("date", &compiled.date),
        ("updated", &compiled.updated),
    ] {
        named.extend(pattern.iter().map(|p| (vec![key], p)));
    }
    for (name, patterns) in &compiled.taxonomies {
        named.extend(
            patterns
                .iter()
                .map(|p| (vec!["taxonomies", name.as_str()], p)),
        );
    }
    let mut errors = Vec::new();
    for (keys, pattern) in named {
        for field in pattern.fields().filter(|f| !known.contains(f)) {
            let mut message = format!(
                "`generate.{}`: `{{{field}}}` names no field of the records of `{FOLDER}/{}`",
                keys.join("."),
                compiled.data
            );
            match diagnostics::did_you_mean(field, known.iter().copied()) {
                Some(guess) => message.push_str(&format!(" (did you mean `{guess}`?)")),
                None => message.push_str(&format!(
                    " (its fields: {})",
                    known.iter().copied().collect::<Vec<_>>().join(", ")
                )),
            }
            let mut path = vec!["generate"];
            path.extend(keys.iter().copied());
            errors.push(file.at_key(&path, "generate", message));
        }
    }
    errors
}

/// One record being made into a page, with the problems found so far.
struct Filler<'c> {
    compiled: &'c Compiled<'c>,
    record: &'c Map<String, Value>,
    index: usize,
    problems: Vec<RecordProblem>,
    /// Fields the record lacks, already reported.
    missing: Vec<String>,
}

impl Filler<'_> {
    fn problem(&mut self, field: Option<&str>, message: String) {
        self.problems.push(RecordProblem {
            index: self.index,
            field: field.map(str::to_string),
            message,
        });
    }

    /// `pattern` (of `generate.<key>`) filled, or `None` with a problem.
    fn fill(&mut self, key: &str, pattern: &Pattern) -> Option<String> {
        match pattern.fill(self.record) {
            Ok(text) => Some(text),
            // A field the record lacks is reported once, for its first pattern.
            Err(FillError::Missing(field)) if self.missing.contains(&field) => None,
            Err(error) => {
                if let FillError::Missing(field) = &error {
                    self.missing.push(field.clone());
                }
                let problem = fill_problem(self.compiled, key, error, self.index);
                self.problems.push(problem);
                None
            }
        }
    }

    /// The URL segments below the section's path, each a slug.
    fn segments(&mut self) -> Vec<String> {
        let compiled = self.compiled;
        let mut segments = Vec::new();
        for pattern in &compiled.path {
            let Some(text) = self.fill("path", pattern) else {
                continue;
            };
            let slug = slug::slugify(&text);
            if slug.is_empty() {
                let what = if text.trim().is_empty() {
                    "is empty".to_string()
                } else {
                    format!("`{text}` has no letters or digits")
                };
                let message = format!(
                    "{what}, so `generate.path` `{}` in `{}` gets an empty URL segment",
                    compiled.path_text, compiled.declared_in
                );
                self.problem(pattern.fields().next(), message);
            }
            segments.push(slug);
        }
        segments
    }

    /// An optional text (`None` when absent or blank).
    fn optional(&mut self, key: &str, pattern: Option<&Pattern>) -> Option<String> {
        let text = self.fill(key, pattern?)?;
        (!text.trim().is_empty()).then_some(text)
    }

    /// An optional date: the text and the date, or a problem at its field.
    fn date(
        &mut self,
        key: &str,
        pattern: Option<&Pattern>,
    ) -> Option<(String, jiff::civil::Date)> {
        let text = self.optional(key, pattern)?;
        match date_from_text(&text) {
            Some(date) => Some((text, date)),
            None => {
                let message = format!(
                    "`{text}` is not a date (`generate.{key}` in `{}`): write it as YYYY-MM-DD",
                    self.compiled.declared_in
                );
                self.problem(pattern.and_then(|p| p.fields().next()), message);
                None
            }
        }
    }

    /// The page's terms: blank values left out, values without a slug refused.
    fn taxonomies(&mut self) -> BTreeMap<String, Vec<String>> {
        let compiled = self.compiled;
        let mut taxonomies = BTreeMap::new();
        for (name, patterns) in &compiled.taxonomies {
            let key = format!("taxonomies.{name}");
            let mut values = Vec::new();
            for pattern in patterns {
                let Some(value) = self.optional(&key, Some(pattern)) else {
                    continue;
                };
                if slug::slugify(&value).is_empty() {
                    let message = format!(
                        "term `{value}` of `generate.{key}` in `{}` has no letters or digits",
                        compiled.declared_in
                    );
                    self.problem(pattern.fields().next(), message);
                }
                values.push(value);
            }
            taxonomies.insert(name.clone(), values);
        }
        taxonomies
    }
}

/// The page record `index` makes, or every problem it has.
fn record_page(
    compiled: &Compiled<'_>,
    index: usize,
    record: &Value,
) -> Result<Page, Vec<RecordProblem>> {
    let Some(record) = record.as_object() else {
        let message = format!(
            "is not a map of fields, so `generate` in `{}` cannot make a page of it",
            compiled.declared_in
        );
        return Err(vec![RecordProblem {
            index,
            field: None,
            message,
        }]);
    };
    let mut filler = Filler {
        compiled,
        record,
        index,
        problems: Vec::new(),
        missing: Vec::new(),
    };
    let segments = filler.segments();
    let title = filler.fill("title", &compiled.title).unwrap_or_default();
    if title.trim().is_empty() && filler.problems.is_empty() {
        let message = format!(
            "gives its page an empty title (`generate.title` in `{}`)",
            compiled.declared_in
        );
        filler.problem(compiled.title.fields().next(), message);
    }
    let description = filler.optional("description", compiled.description.as_ref());
    let date = filler.date("date", compiled.date.as_ref());
    let updated = filler.date("updated", compiled.updated.as_ref());
    let taxonomies = filler.taxonomies();
    if !filler.problems.is_empty() {
        return Err(filler.problems);
    }
    let filled = Filled {
        segments,
        title,
        description,
        date,
        updated,
        taxonomies,
    };
    Ok(page_of(compiled, index, record, filled))
}

/// What a record filled in, every pattern without a problem.
struct Filled {
    segments: Vec<String>,
    title: String,
    description: Option<String>,
    date: Option<(String, jiff::civil::Date)>,
    updated: Option<(String, jiff::civil::Date)>,
    taxonomies: BTreeMap<String, Vec<String>>,
}

/// The page of record `index`: its front matter as a Markdown page's
/// would be, with the record as `extra`.
fn page_of(
    compiled: &Compiled<'_>,
    index: usize,
    record: &Map<String, Value>,
    mut filled: Filled,
) -> Page {
    let path = format!("{}{}/", compiled.section.path, filled.segments.join("/"));
    let front = FrontMatter {
        title: Some(filled.title.clone()),
        description: filled.description,
        date: filled.date.as_ref().map(|(text, _)| text.clone()),
        updated: filled.updated.as_ref().map(|(text, _)| text.clone()),
        template: compiled.template.clone(),
        taxonomies: filled.taxonomies,
        extra: record.clone(),
        ..FrontMatter::default()
    };
    Page {
        source: format!("{FOLDER}/{}#/{path}", compiled.data),
        display: format!("{FOLDER}/{}", compiled.data),
        front: Arc::new(front),
        title: filled.title,
        date: filled.date.map(|(_, date)| date),
        updated: filled.updated.map(|(_, date)| date),
        path,
        slug: filled.segments.pop().unwrap_or_default(),
        section: compiled.section_index,
        assets: Vec::new(),
        rendered: Default::default(),
        previous: None,
        next: None,
        terms: Vec::new(),
        record: Some(RecordRef {
            data: Arc::clone(&compiled.data),
            index,
        }),
    }
}

/// Why a record cannot fill the pattern of `generate.<key>`.
fn fill_problem(
    compiled: &Compiled<'_>,
    key: &str,
    error: FillError,
    index: usize,
) -> RecordProblem {
    let (field, message) = match error {
        FillError::Missing(field) => (
            None,
            format!(
                "has no `{field}`, which `generate.{key}` in `{}` names",
                compiled.declared_in
            ),
        ),
        FillError::NotText(field, kind) => {
            let message = format!(
                "is {kind}, but `generate.{key}` in `{}` takes text, numbers or booleans",
                compiled.declared_in
            );
            (Some(field), message)
        }
    };
    RecordProblem {
        index,
        field,
        message,
    }
}

#[cfg(test)]
mod tests {
    use super::path_patterns;

    #[test]
    fn a_path_stays_below_its_section_and_names_a_field() {
        assert_eq!(path_patterns("{career}/{state}/").unwrap().len(), 2);
        assert_eq!(
            path_patterns("/careers/{state}").unwrap_err(),
            "`generate.path` `/careers/{state}` starts with `/`: it is below the section's URL, write it without the leading `/`"
        );
        assert_eq!(
            path_patterns("../{state}").unwrap_err(),
            "`generate.path` `../{state}` would leave the section: it contains a `.` or `..` path segment"
        );
        assert_eq!(
            path_patterns("{career}//{state}").unwrap_err(),
            "`generate.path` `{career}//{state}` has an empty segment"
        );
        assert_eq!(
            path_patterns("pay/all").unwrap_err(),
            "`generate.path` `pay/all` names no field: every record would get the same URL; write fields as `{field}`"
        );
        assert_eq!(
            path_patterns("{career/x}").unwrap_err(),
            "`generate.path`: `{` at 1 is never closed with `}` (write a brace as `{{`)"
        );
    }
}
