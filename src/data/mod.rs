//! Data files: the site's `data/` folder of CSV, JSON, TOML and YAML files
//! (sub-folders allowed), read once per build, each checked against the
//! JSON Schema that `site.toml` binds to it (`[data."careers.csv"] schema =
//! "schemas/careers.schema.json"`), and given to templates by `get_data`
//! (see [`template`]); files declared `kind = "figures"` are checked by a
//! built-in schema and rendered with their provenance by `get_fact` (see
//! [`figures`]).
//!
//! Every parse error and every schema violation is a diagnostic at the
//! file's line and column: YAML, JSON and TOML through the same position
//! helpers as front matter ([`crate::locate`]), CSV at the row
//! and cell (`csv.rs`). Files with other extensions, and editors'
//! temporary files, are not data and are left alone.

mod csv;
pub mod figures;
pub mod records;
pub mod template;
mod yaml;

use std::collections::BTreeMap;
use std::path::Path;

use rayon::prelude::*;
use serde_json::Value;
use walkdir::WalkDir;

use crate::config::{self, Config};
use crate::diagnostics::{self, Diagnostic};
use crate::locate::{self, FieldPath, Format};
use crate::schema::SectionSchema;

/// The folder of data files, relative to the site root.
pub const FOLDER: &str = "data";

/// The formats of data files, by extension.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DataFormat {
    Csv,
    Json,
    Toml,
    Yaml,
}

impl DataFormat {
    /// The format of a file named `name`, if it is a data file.
    pub fn of(name: &str) -> Option<DataFormat> {
        let extension = name.rsplit_once('.')?.1.to_ascii_lowercase();
        match extension.as_str() {
            "csv" => Some(DataFormat::Csv),
            "json" => Some(DataFormat::Json),
            "toml" => Some(DataFormat::Toml),
            "yaml" | "yml" => Some(DataFormat::Yaml),
            _ => None,
        }
    }
}

/// One data file, parsed and checked.
#[derive(Debug, Clone, PartialEq)]
pub struct DataFile {
    /// CSV: a list of records, each a map keyed by the header's names.
    pub value: Value,
    /// CSV: the header's names, in order, for templates to see the columns
    /// in the file's order. Empty for other formats.
    pub columns: Vec<String>,
    /// Declared `kind = "figures"`: a map of figures with provenance,
    /// checked by the built-in schema, read with `get_fact`.
    pub figures: bool,
}

/// Every data file of the site, keyed by its path relative to `data/`
/// (`careers.csv`, `states/ca.yaml`).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct DataFiles {
    files: BTreeMap<String, DataFile>,
}

impl DataFiles {
    pub fn get(&self, path: &str) -> Option<&DataFile> {
        self.files.get(path)
    }

    /// Paths relative to `data/`, in order.
    pub fn paths(&self) -> impl Iterator<Item = &str> {
        self.files.keys().map(String::as_str)
    }

    pub fn iter(&self) -> impl Iterator<Item = (&str, &DataFile)> {
        self.files.iter().map(|(path, file)| (path.as_str(), file))
    }

    /// Figures files with these values, for unit tests.
    #[cfg(test)]
    pub fn for_test<'a>(figures: impl IntoIterator<Item = (&'a str, Value)>) -> DataFiles {
        let files = figures
            .into_iter()
            .map(|(path, value)| {
                let file = DataFile {
                    value,
                    columns: Vec::new(),
                    figures: true,
                };
                (path.to_string(), file)
            })
            .collect();
        DataFiles { files }
    }
}

/// Reads, parses and checks every file in `<root>/data/`; all problems
/// come back together.
pub fn load(root: &Path, config: &Config) -> Result<DataFiles, Vec<Diagnostic>> {
    let (found, mut errors) = walk(root);
    let mut schemas: BTreeMap<&str, SectionSchema> = BTreeMap::new();
    for (path, settings) in &config.data {
        if !found.contains_key(path.as_str()) {
            errors.push(unbound_file(root, path, &found));
            continue;
        }
        let schema = match (settings.kind.as_deref(), &settings.schema) {
            (None, None) => continue,
            (None, Some(file)) => SectionSchema::load(root, path, file).map_err(|diagnostic| {
                if diagnostic.file == config::CONFIG_FILE {
                    at_data_table(root, &[path, "schema"], diagnostic)
                } else {
                    diagnostic
                }
            }),
            (Some(figures::KIND), None) if found[path.as_str()] != DataFormat::Csv => {
                figures::schema()
            }
            (Some(kind), schema) => {
                errors.push(bad_kind(root, path, kind, schema.is_some()));
                continue;
            }
        };
        match schema {
            Ok(schema) => {
                schemas.insert(path, schema);
            }
            Err(diagnostic) => errors.push(diagnostic),
        }
    }
    let results: Vec<(String, Result<DataFile, Vec<Diagnostic>>)> = found
        .into_par_iter()
        .map(|(path, format)| {
            let display = format!("{FOLDER}/{path}");
            let parsed = crate::fs::read_to_string(&root.join(&display))
                .map_err(|error| vec![Diagnostic::error(&display, "io", error.to_string())])
                .and_then(|text| {
                    let text = crate::content::front_matter::strip_bom(&text);
                    parse(&display, text, format, schemas.get(path.as_str()))
                })
                .map(|file| DataFile {
                    figures: config.data.get(&path).and_then(|s| s.kind.as_deref())
                        == Some(figures::KIND),
                    ..file
                });
            (path, parsed)
        })
        .collect();
    let mut files = BTreeMap::new();
    for (path, parsed) in results {
        match parsed {
            Ok(file) => {
                files.insert(path, file);
            }
            Err(problems) => errors.extend(problems),
        }
    }
    if errors.is_empty() {
        Ok(DataFiles { files })
    } else {
        diagnostics::sort(&mut errors);
        Err(errors)
    }
}

/// The data files under `<root>/data/` with their formats, by path
/// relative to `data/`.
fn walk(root: &Path) -> (BTreeMap<String, DataFormat>, Vec<Diagnostic>) {
    let folder = root.join(FOLDER);
    let mut found = BTreeMap::new();
    let mut errors = Vec::new();
    if !folder.is_dir() {
        return (found, errors);
    }
    let entries = WalkDir::new(&folder)
        .sort_by_file_name()
        .into_iter()
        .filter_entry(|entry| {
            entry.depth() == 0
                || !crate::content::is_editor_temporary(&entry.file_name().to_string_lossy())
        });
    for entry in entries {
        match entry {
            Ok(entry) if entry.file_type().is_dir() => {}
            Ok(entry) => {
                let relative = diagnostics::display_path(&folder, entry.path());
                if let Some(format) = DataFormat::of(&relative) {
                    found.insert(relative, format);
                }
            }
            Err(error) => errors.push(Diagnostic::error(FOLDER, "walk", error.to_string())),
        }
    }
    (found, errors)
}

/// `[data."x"]` names a file that is not in `data/`: an error at that line.
fn unbound_file(root: &Path, path: &str, found: &BTreeMap<String, DataFormat>) -> Diagnostic {
    let mut message = format!("`[data.\"{path}\"]` names no file in `{FOLDER}/`");
    if let Some(guess) = diagnostics::did_you_mean(path, found.keys().map(String::as_str)) {
        message.push_str(&format!(" (did you mean `{guess}`?)"));
    } else if DataFormat::of(path).is_none() {
        message.push_str(": data files end in .csv, .json, .toml, .yaml or .yml");
    }
    at_data_table(
        root,
        &[path],
        Diagnostic::error(config::CONFIG_FILE, "data-missing", message),
    )
}

/// A `kind` that medsite does not know, or `kind = "figures"` where it
/// cannot apply: an error at the file's `[data."..."]` line.
fn bad_kind(root: &Path, path: &str, kind: &str, with_schema: bool) -> Diagnostic {
    let message = if kind != figures::KIND {
        format!(
            "`[data.\"{path}\"]`: unknown kind `{kind}`; the only kind is `{}`",
            figures::KIND
        )
    } else if with_schema {
        format!(
            "`[data.\"{path}\"]`: a figures file is checked by medsite's built-in schema: leave out `schema`"
        )
    } else {
        format!(
            "`[data.\"{path}\"]`: a figures file is YAML, JSON or TOML (a figure's source is a map), not CSV"
        )
    };
    at_data_table(
        root,
        &[path],
        Diagnostic::error(config::CONFIG_FILE, "data-kind", message),
    )
}

/// Points `diagnostic` at `data.<keys>` in `site.toml` (`[data."x.csv"]`
/// for the file's path alone), or the nearest part of it found.
fn at_data_table(root: &Path, keys: &[&str], diagnostic: Diagnostic) -> Diagnostic {
    let Ok(text) = crate::fs::read_to_string(&root.join(config::CONFIG_FILE)) else {
        return diagnostic;
    };
    let mut path = vec![FOLDER];
    path.extend_from_slice(keys);
    match locate::nearest(&text, Format::Toml, &locate::keys(&path)) {
        Some(offset) => diagnostic.at_offset(&text, offset),
        None => diagnostic,
    }
}

/// Parses one data file's text (without byte-order mark) and checks it
/// against its schema. `display` is its path from the site root.
pub fn parse(
    display: &str,
    text: &str,
    format: DataFormat,
    schema: Option<&SectionSchema>,
) -> Result<DataFile, Vec<Diagnostic>> {
    let syntax = |offset: usize, message: String| {
        vec![Diagnostic::error(display, "data-syntax", message).at_offset(text, offset)]
    };
    let (value, located) = match format {
        DataFormat::Csv => {
            let (value, columns) = csv::parse(display, text, schema)?;
            return Ok(DataFile {
                value,
                columns,
                figures: false,
            });
        }
        DataFormat::Json => match serde_json::from_str::<Value>(text) {
            Ok(value) => (value, Format::Json),
            Err(error) => {
                let message = format!("invalid JSON: {}", crate::schema::strip_position(&error));
                return Err(vec![Diagnostic::error(display, "data-syntax", message).at(
                    text,
                    error.line(),
                    error.column(),
                )]);
            }
        },
        DataFormat::Yaml => match yaml::parse(text) {
            Ok(value) => (value, Format::Yaml),
            Err((offset, message)) => return Err(syntax(offset, message)),
        },
        DataFormat::Toml => match toml::from_str::<toml::Table>(text) {
            Ok(table) => (toml_to_json(toml::Value::Table(table)), Format::Toml),
            Err(error) => {
                let offset = error.span().map_or(0, |span| span.start);
                let message = format!("invalid TOML: {}", error.message().trim_end());
                return Err(syntax(offset, message));
            }
        },
    };
    let violations = schema
        .map(|schema| schema.validate(&value))
        .unwrap_or_default();
    if violations.is_empty() {
        return Ok(DataFile {
            value,
            columns: Vec::new(),
            figures: false,
        });
    }
    Err(violations
        .into_iter()
        .map(|violation| {
            let offset = locate::offset_in_file(text, 0, Some(located), &violation.at);
            let message = if violation.field.is_empty() {
                violation.detail
            } else {
                format!("{}: {}", FieldPath(violation.field), violation.detail)
            };
            Diagnostic::error(display, "schema", message).at_offset(text, offset)
        })
        .collect())
}

/// A TOML value as JSON: dates and times become their text, and the
/// floats JSON has no number for (`inf`, `nan`) too.
fn toml_to_json(value: toml::Value) -> Value {
    match value {
        toml::Value::String(text) => Value::String(text),
        toml::Value::Integer(integer) => Value::from(integer),
        toml::Value::Float(float) => serde_json::Number::from_f64(float)
            .map_or_else(|| Value::String(float.to_string()), Value::Number),
        toml::Value::Boolean(boolean) => Value::Bool(boolean),
        toml::Value::Datetime(datetime) => Value::String(datetime.to_string()),
        toml::Value::Array(items) => Value::Array(items.into_iter().map(toml_to_json).collect()),
        toml::Value::Table(table) => Value::Object(
            table
                .into_iter()
                .map(|(key, value)| (key, toml_to_json(value)))
                .collect(),
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn errors(name: &str, text: &str, schema: Option<Value>) -> Vec<String> {
        let schema =
            schema.map(|document| SectionSchema::compile("s.json".into(), document).unwrap());
        let format = DataFormat::of(name).unwrap();
        parse(&format!("data/{name}"), text, format, schema.as_ref())
            .unwrap_err()
            .iter()
            .map(|d| format!("{}:{}: {}", d.line, d.column, d.message))
            .collect()
    }

    #[test]
    fn formats_are_known_by_extension() {
        assert_eq!(DataFormat::of("a.CSV"), Some(DataFormat::Csv));
        assert_eq!(DataFormat::of("dir/a.yml"), Some(DataFormat::Yaml));
        assert_eq!(DataFormat::of("README.md"), None);
        assert_eq!(DataFormat::of("csv"), None);
    }

    #[test]
    fn toml_dates_become_text() {
        let file = parse(
            "data/a.toml",
            "when = 2024-05-01\n[[rows]]\nn = 1.5\n",
            DataFormat::Toml,
            None,
        )
        .unwrap();
        assert_eq!(
            file.value,
            json!({"when": "2024-05-01", "rows": [{"n": 1.5}]})
        );
    }

    #[test]
    fn syntax_errors_point_into_the_file() {
        assert_eq!(
            errors("a.json", "{\n  \"a\": 1,\n}\n", None),
            ["3:1: invalid JSON: trailing comma"]
        );
        assert_eq!(
            errors("a.toml", "a = 1\nb = \n", None),
            ["2:5: invalid TOML: string values must be quoted, expected literal string"]
        );
        assert_eq!(
            errors("a.yaml", "a: [1\nb: 2\n", None),
            ["2:2: invalid YAML: illegal placement of ':' indicator"]
        );
    }

    #[test]
    fn violations_point_at_their_key() {
        let schema = json!({"type": "object", "properties": {"rows": {"type": "array", "items": {
            "type": "object", "required": ["pay"], "properties": {"pay": {"type": "number"}}
        }}}});
        assert_eq!(
            errors(
                "a.yaml",
                "rows:\n  - pay: 5\n  - pay: n/a\n  - other: 1\n",
                Some(schema.clone())
            ),
            [
                "3:5: rows[1].pay: expected number, found string \"n/a\"",
                "4:5: rows[2].pay: required, but missing",
            ]
        );
        assert_eq!(
            errors("a.toml", "[[rows]]\npay = \"x\"\n", Some(schema)),
            ["2:1: rows[0].pay: expected number, found string \"x\""]
        );
    }
}
