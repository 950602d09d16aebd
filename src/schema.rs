//! Typed content: the JSON Schemas that `site.toml` attaches to sections
//! (`[sections.careers] schema = "schemas/career.schema.json"`), compiled
//! once per build and checked against every page's whole front matter.
//!
//! The validator is the `jsonschema` crate; its errors are turned into
//! [`Violation`]s that name the field (`extra.stats.median_pay.usd`), say
//! what was expected in a writer's words, and know which key to point at.

use std::collections::BTreeMap;
use std::path::{Component, Path};

use serde_json::Value;

use crate::config::{self, Config};
use crate::diagnostics::Diagnostic;
use crate::locate::{self, FieldPath, Format, Segment};

/// A front-matter text starting with this is a placeholder to replace, as
/// `medsite new` writes them: build warns about it, check refuses it.
pub const PLACEHOLDER: &str = "TODO:";

/// Every placeholder text in a front matter, with its path.
pub fn placeholders(value: &Value) -> Vec<(Vec<Segment>, &str)> {
    fn walk<'a>(value: &'a Value, path: &mut Vec<Segment>, out: &mut Vec<(Vec<Segment>, &'a str)>) {
        match value {
            Value::String(text) if text.trim_start().starts_with(PLACEHOLDER) => {
                out.push((path.clone(), text));
            }
            Value::Array(items) => {
                for (index, item) in items.iter().enumerate() {
                    path.push(Segment::Index(index));
                    walk(item, path, out);
                    path.pop();
                }
            }
            Value::Object(map) => {
                for (key, item) in map {
                    path.push(Segment::Key(key.clone()));
                    walk(item, path, out);
                    path.pop();
                }
            }
            _ => {}
        }
    }
    let mut found = Vec::new();
    walk(value, &mut Vec::new(), &mut found);
    found
}

/// A compiled schema and where it came from.
pub struct SectionSchema {
    /// Path relative to the site root, as written in `site.toml`.
    pub file: String,
    /// The schema document, for messages (allowed keys) and for `medsite new`.
    pub document: Value,
    validator: jsonschema::Validator,
}

impl std::fmt::Debug for SectionSchema {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SectionSchema")
            .field("file", &self.file)
            .finish_non_exhaustive()
    }
}

/// The schemas of a site, keyed by section folder (`careers`).
#[derive(Debug, Default)]
pub struct Schemas {
    by_section: BTreeMap<String, SectionSchema>,
}

/// One way a front matter breaks its schema.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Violation {
    /// The key to point at: the offending key, or for a missing key its
    /// parent (empty: the front matter as a whole).
    pub at: Vec<Segment>,
    /// The field the message names: `at`, or for a missing key the key.
    pub field: Vec<Segment>,
    /// What is wrong, without the field: `expected integer, found ...`.
    pub detail: String,
    /// `field: detail`, as a front-matter writer reads it.
    pub message: String,
}

impl Violation {
    fn new(at: Vec<Segment>, field: Vec<Segment>, detail: String) -> Violation {
        let message = if field.is_empty() {
            format!("front matter: {detail}")
        } else {
            format!("{}: {detail}", FieldPath(field.clone()))
        };
        Violation {
            at,
            field,
            detail,
            message,
        }
    }
}

/// Whether the schema of section `schema` (a content folder, `` for all)
/// checks the pages of content folder `folder`, as [`Schemas::for_folder`]
/// finds it when no folder between them has one.
pub fn covers(schema: &str, folder: &str) -> bool {
    schema.is_empty()
        || folder
            .strip_prefix(schema)
            .is_some_and(|rest| rest.is_empty() || rest.starts_with('/'))
}

impl Schemas {
    /// Reads and compiles every schema named in `site.toml`. Problems point
    /// at the `schema` key in `site.toml` or into the schema file.
    pub fn load(root: &Path, config: &Config) -> Result<Schemas, Vec<Diagnostic>> {
        let mut by_section = BTreeMap::new();
        let mut errors = Vec::new();
        for (folder, settings) in &config.sections {
            let Some(file) = &settings.schema else {
                continue;
            };
            match SectionSchema::load(root, folder, file) {
                Ok(schema) => {
                    by_section.insert(folder.clone(), schema);
                }
                Err(diagnostic) => errors.push(diagnostic),
            }
        }
        if errors.is_empty() {
            Ok(Schemas { by_section })
        } else {
            Err(errors)
        }
    }

    /// The schema of a page in content folder `folder` (`careers/sub`):
    /// that of the folder, or else of its nearest parent that has one.
    /// Folders are matched whether or not they have an `_index.md`.
    pub fn for_folder(&self, folder: &str) -> Option<&SectionSchema> {
        let mut current = folder;
        loop {
            if let Some(schema) = self.by_section.get(current) {
                return Some(schema);
            }
            if current.is_empty() {
                return None;
            }
            current = current.rsplit_once('/').map_or("", |(parent, _)| parent);
        }
    }

    /// The section folder of every schema.
    pub fn folders(&self) -> impl Iterator<Item = &str> {
        self.by_section.keys().map(String::as_str)
    }
}

impl SectionSchema {
    /// Reads `<root>/<file>`, the schema of the section `folder`, and
    /// compiles it.
    pub fn load(root: &Path, folder: &str, file: &str) -> Result<SectionSchema, Diagnostic> {
        let display = file.trim_start_matches("./").to_string();
        // `build` stamps and `watch` watches the site's folders; a schema
        // elsewhere could change without either noticing.
        if !in_schemas_folder(&display) {
            return Err(config_diagnostic(
                root,
                folder,
                format!(
                    "schema `{file}` is not in the `schemas/` folder: keep section schemas \
                     there (e.g. `schemas/career.schema.json`), where `build` and `watch` \
                     notice when they change"
                ),
            ));
        }
        let text = crate::fs::read_to_string(&root.join(file)).map_err(|error| {
            config_diagnostic(
                root,
                folder,
                format!("schema `{file}` cannot be read: {error}"),
            )
        })?;
        let document: Value = serde_json::from_str(&text).map_err(|error| {
            Diagnostic::error(
                &display,
                "schema-invalid",
                format!("the schema is not valid JSON: {}", strip_position(&error)),
            )
            .at(&text, error.line(), error.column())
        })?;
        SectionSchema::compile(display, document)
    }

    /// Compiles a schema document; `file` names it in messages.
    pub fn compile(file: String, document: Value) -> Result<SectionSchema, Diagnostic> {
        let validator = jsonschema::options()
            .should_validate_formats(true)
            .build(&document)
            .map_err(|error| {
                Diagnostic::error(
                    &file,
                    "schema-invalid",
                    format!("the schema is not a valid JSON Schema: {error}"),
                )
            })?;
        Ok(SectionSchema {
            file,
            document,
            validator,
        })
    }

    /// Every violation of the schema by `front`, a page's whole front matter.
    pub fn validate(&self, front: &Value) -> Vec<Violation> {
        let mut violations = Vec::new();
        for error in self.validator.iter_errors(front) {
            let instance_path = segments(front, error.instance_path().as_str());
            let field = FieldPath(instance_path.clone());
            let found = describe(error.instance());
            use jsonschema::error::ValidationErrorKind as Kind;
            let message = match error.kind() {
                Kind::Required { property } => {
                    let name = property.as_str().unwrap_or_default().to_string();
                    let mut missing = instance_path.clone();
                    missing.push(Segment::Key(name));
                    violations.push(Violation::new(
                        instance_path,
                        missing,
                        "required, but missing".to_string(),
                    ));
                    continue;
                }
                Kind::AdditionalProperties { unexpected }
                | Kind::UnevaluatedProperties { unexpected } => {
                    let allowed = self.allowed_keys(error.schema_path().as_str());
                    for name in unexpected {
                        let mut at = instance_path.clone();
                        at.push(Segment::Key(name.clone()));
                        violations.push(Violation::new(
                            at.clone(),
                            at,
                            format!("unknown key{allowed}"),
                        ));
                    }
                    continue;
                }
                Kind::Type { kind } => format!("expected {}, found {found}", type_names(kind)),
                Kind::Pattern { pattern } => match self.title_of(error.schema_path().as_str()) {
                    Some(title) => format!("expected {title}, found {found}"),
                    None => format!("expected text matching `{pattern}`, found {found}"),
                },
                Kind::Enum { options } => format!("expected {}, found {found}", one_of(options)),
                Kind::Constant { expected_value } => {
                    format!("expected {expected_value}, found {found}")
                }
                Kind::Format { format } => format!("expected a valid {format}, found {found}"),
                Kind::Minimum { limit } => format!("expected at least {limit}, found {found}"),
                Kind::Maximum { limit } => format!("expected at most {limit}, found {found}"),
                Kind::ExclusiveMinimum { limit } => {
                    format!("expected more than {limit}, found {found}")
                }
                Kind::ExclusiveMaximum { limit } => {
                    format!("expected less than {limit}, found {found}")
                }
                Kind::MinLength { limit } => {
                    format!("expected at least {limit} characters, found {found}")
                }
                Kind::MaxLength { limit } => {
                    format!("expected at most {limit} characters, found {found}")
                }
                Kind::MinItems { limit } => {
                    format!(
                        "expected at least {limit} item{}, found {found}",
                        plural(*limit)
                    )
                }
                Kind::MaxItems { limit } => {
                    format!(
                        "expected at most {limit} item{}, found {found}",
                        plural(*limit)
                    )
                }
                Kind::UniqueItems => "expected every item to be different".to_string(),
                Kind::FalseSchema => "not allowed here".to_string(),
                _ => error.to_string(),
            };
            violations.push(Violation::new(instance_path, field.0, message));
        }
        violations
    }

    /// The `title` of the schema holding the keyword at `keyword_location`:
    /// a schema author's words for what a pattern means.
    fn title_of(&self, keyword_location: &str) -> Option<&str> {
        let parent = keyword_location.rsplit_once('/')?.0;
        self.document.pointer(parent)?.get("title")?.as_str()
    }

    /// ", expected one of `a`, `b`" from the `properties` beside the
    /// `additionalProperties` keyword that failed; empty if not found.
    fn allowed_keys(&self, keyword_location: &str) -> String {
        let parent = keyword_location
            .strip_suffix("/additionalProperties")
            .or_else(|| keyword_location.strip_suffix("/unevaluatedProperties"));
        let keys: Vec<String> = parent
            .and_then(|pointer| self.document.pointer(pointer))
            .and_then(|schema| schema.get("properties"))
            .and_then(Value::as_object)
            .map(|properties| properties.keys().map(|k| format!("`{k}`")).collect())
            .unwrap_or_default();
        if keys.is_empty() {
            String::new()
        } else {
            format!(", expected one of {}", keys.join(", "))
        }
    }
}

/// Whether `file` (relative to the site root) names a file inside
/// `schemas/`, without leaving it through `..`.
fn in_schemas_folder(file: &str) -> bool {
    let mut parts = Path::new(file).components();
    parts.next() == Some(Component::Normal("schemas".as_ref()))
        && parts.clone().next().is_some()
        && parts.all(|part| matches!(part, Component::Normal(_)))
}

/// An error at the `schema` key of the section `folder` in `site.toml`,
/// whose table may name the folder with slashes (`[sections."careers/"]`).
fn config_diagnostic(root: &Path, folder: &str, message: String) -> Diagnostic {
    let diagnostic = Diagnostic::error(config::CONFIG_FILE, "schema-invalid", message);
    let Ok(text) = crate::fs::read_to_string(&root.join(config::CONFIG_FILE)) else {
        return diagnostic;
    };
    let sections = locate::keys(&["sections"]);
    let written = locate::toml_table_keys(&text, &sections)
        .into_iter()
        .find(|key| key.trim_matches('/') == folder);
    let path = locate::keys(&["sections", written.as_deref().unwrap_or(folder), "schema"]);
    match locate::nearest(&text, Format::Toml, &path) {
        Some(offset) => diagnostic.at_offset(&text, offset),
        None => diagnostic,
    }
}

/// A JSON Pointer into `value` as keys and indexes; a numeric segment is
/// an index only where the value there is a list.
fn segments(value: &Value, pointer: &str) -> Vec<Segment> {
    let mut current = Some(value);
    let mut path = Vec::new();
    for raw in pointer.split('/').skip(1) {
        let part = raw.replace("~1", "/").replace("~0", "~");
        let segment = match (current, part.parse::<usize>()) {
            (Some(Value::Array(items)), Ok(index)) => {
                current = items.get(index);
                Segment::Index(index)
            }
            (Some(Value::Object(map)), _) => {
                current = map.get(&part);
                Segment::Key(part)
            }
            _ => {
                current = None;
                Segment::Key(part)
            }
        };
        path.push(segment);
    }
    path
}

/// `string "forty thousand"`, `integer 5`, `a list of 2 items`.
pub fn describe(value: &Value) -> String {
    match value {
        Value::Null => "nothing (null)".to_string(),
        Value::Bool(b) => format!("boolean {b}"),
        Value::Number(n) if n.is_i64() || n.is_u64() => format!("integer {n}"),
        Value::Number(n) => format!("number {n}"),
        Value::String(s) => {
            let shown: String = s.chars().take(60).collect();
            let ellipsis = if s.chars().count() > 60 { "…" } else { "" };
            format!("string {}{ellipsis}", Value::String(shown))
        }
        Value::Array(items) => format!(
            "a list of {} item{}",
            items.len(),
            plural(items.len() as u64)
        ),
        Value::Object(_) => "a map".to_string(),
    }
}

fn type_names(kind: &jsonschema::error::TypeKind) -> String {
    use jsonschema::error::TypeKind;
    let names: Vec<String> = match kind {
        TypeKind::Single(kind) => vec![type_name(&kind.to_string())],
        TypeKind::Multiple(kinds) => kinds
            .iter()
            .map(|kind| type_name(&kind.to_string()))
            .collect(),
    };
    match names.split_last() {
        Some((last, [])) => last.clone(),
        Some((last, rest)) => format!("{} or {last}", rest.join(", ")),
        None => "nothing".to_string(),
    }
}

/// JSON Schema's type names, in the words of a front-matter writer.
fn type_name(json_type: &str) -> String {
    match json_type {
        "array" => "a list".to_string(),
        "object" => "a map".to_string(),
        "null" => "nothing".to_string(),
        other => other.to_string(),
    }
}

fn one_of(options: &Value) -> String {
    match options.as_array() {
        Some(items) => {
            let shown: Vec<String> = items.iter().map(Value::to_string).collect();
            format!("one of {}", shown.join(", "))
        }
        None => options.to_string(),
    }
}

fn plural(count: u64) -> &'static str {
    if count == 1 { "" } else { "s" }
}

/// serde_json's message without its " at line L column C" tail, for
/// diagnostics that give the position themselves.
pub fn strip_position(error: &serde_json::Error) -> String {
    let text = error.to_string();
    match text.rfind(" at line ") {
        Some(index) => text[..index].to_string(),
        None => text,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn a_sections_schema_covers_its_folder_and_the_folders_below_it() {
        assert!(covers("careers", "careers"));
        assert!(covers("careers", "careers/emt"));
        assert!(covers("", "blog"));
        assert!(covers("", ""));
        assert!(!covers("careers", "careers-old"));
        assert!(!covers("careers", "blog"));
        assert!(!covers("careers", ""));
        assert!(!covers("careers/emt", "careers"));
    }

    #[test]
    fn only_files_inside_schemas_are_schema_files() {
        for inside in [
            "schemas/a.json",
            "schemas/careers/a.json",
            "schemas//a.json",
        ] {
            assert!(in_schemas_folder(inside), "{inside}");
        }
        for outside in [
            "a.json",
            "schemas",
            "schemas/",
            "schemas/../a.json",
            "/schemas/a.json",
            "data/schemas/a.json",
        ] {
            assert!(!in_schemas_folder(outside), "{outside}");
        }
    }

    fn schema(document: Value) -> SectionSchema {
        SectionSchema {
            file: "s.json".into(),
            validator: jsonschema::validator_for(&document).unwrap(),
            document,
        }
    }

    fn messages(schema: &SectionSchema, front: Value) -> Vec<String> {
        let mut messages: Vec<String> = schema
            .validate(&front)
            .into_iter()
            .map(|v| v.message)
            .collect();
        messages.sort();
        messages
    }

    #[test]
    fn type_errors_name_the_field_and_the_value() {
        let schema = schema(json!({
            "type": "object",
            "properties": {"extra": {"type": "object", "properties": {
                "pay": {"type": "object", "properties": {"usd": {"type": "integer"}}}
            }}}
        }));
        assert_eq!(
            messages(
                &schema,
                json!({"extra": {"pay": {"usd": "forty thousand"}}})
            ),
            ["extra.pay.usd: expected integer, found string \"forty thousand\""]
        );
    }

    #[test]
    fn missing_keys_point_at_their_parent() {
        let schema = schema(json!({
            "type": "object",
            "required": ["title"],
            "properties": {"list": {"type": "array", "items": {
                "type": "object", "required": ["body"]
            }}}
        }));
        let violations = schema.validate(&json!({"list": [{"body": 1}, {"name": "x"}]}));
        let mut violations: Vec<(String, String)> = violations
            .into_iter()
            .map(|v| (FieldPath(v.at).to_string(), v.message))
            .collect();
        violations.sort();
        assert_eq!(
            violations,
            [
                ("".to_string(), "title: required, but missing".to_string()),
                (
                    "list[1]".to_string(),
                    "list[1].body: required, but missing".to_string()
                ),
            ]
        );
    }

    #[test]
    fn unknown_keys_list_the_allowed_ones() {
        let schema = schema(json!({
            "type": "object",
            "properties": {"stats": {"$ref": "#/$defs/stats"}},
            "$defs": {"stats": {
                "type": "object",
                "properties": {"median_pay": {}, "growth": {}},
                "additionalProperties": false
            }}
        }));
        assert_eq!(
            messages(&schema, json!({"stats": {"median_pay_usd": 1}})),
            ["stats.median_pay_usd: unknown key, expected one of `growth`, `median_pay`"]
        );
    }
}
