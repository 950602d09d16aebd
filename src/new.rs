//! `medsite new SECTION TITLE`: writes `content/SECTION/<slug>.md` from
//! the section's archetype, with every field the section's schema requires.
//!
//! The archetype is the first of `archetypes/SECTION.md` (the site's, then
//! the theme's), `archetypes/default.md` (the site's, then the theme's), or
//! a built-in one. In it, `{{ title }}`, `{{ slug }}`, `{{ date }}` and
//! `{{ section }}` are replaced; inside the front matter the title is
//! escaped for a double-quoted string, so write `title: "{{ title }}"`.
//!
//! A required field the archetype lacks gets a placeholder starting with
//! `TODO`: text for text, and for a number the text itself, so that the
//! schema refuses it until a sourced figure replaces it. medsite never
//! invents a value, and `medsite check` reports every placeholder.
//! Fields missing at the top level are added at the end of a YAML front
//! matter, below the archetype's comments; a field missing inside one of
//! the archetype's values means writing the front matter anew, without them.
//! An existing file is never overwritten.

use std::fmt;
use std::path::{Path, PathBuf};

use serde_json::{Map, Value};

use crate::config::{self, Config};
use crate::content::front_matter;
use crate::diagnostics::Diagnostic;
use crate::failure::Failure;
use crate::schema::{PLACEHOLDER, SectionSchema};

/// Used when neither the site nor the theme has an archetype.
const BUILTIN_ARCHETYPE: &str = "---\ntitle: \"{{ title }}\"\ndescription: \"TODO: one or two sentences for search results and link previews (at most 160 characters)\"\ndate: {{ date }}\n---\n\nTODO: write the page.\n";

/// Options of `medsite new`, free of any CLI library.
#[derive(Debug, Clone, Default)]
pub struct NewOptions {
    pub root: PathBuf,
    /// Section folder relative to `content/`, e.g. `careers`.
    pub section: String,
    pub title: String,
}

/// What `medsite new` wrote.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Created {
    /// Relative to the site root: `content/careers/respiratory-therapist.md`.
    pub file: String,
    /// Relative to the site root, or `(built-in)`.
    pub archetype: String,
    /// Front-matter values still starting with `TODO`.
    pub placeholders: usize,
}

impl fmt::Display for Created {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Created {} from {}", self.file, self.archetype)?;
        if self.placeholders > 0 {
            write!(
                f,
                ": replace its {} placeholder{} (`{PLACEHOLDER} ...`), then run `medsite check`",
                self.placeholders,
                if self.placeholders == 1 { "" } else { "s" }
            )?;
        }
        Ok(())
    }
}

pub fn run(options: &NewOptions) -> Result<Created, Failure> {
    let root = &options.root;
    if !root.join(config::CONFIG_FILE).is_file() {
        return Err(Failure::Usage(format!(
            "no `{}` in `{}`: run medsite in a site folder or pass --root",
            config::CONFIG_FILE,
            root.display()
        )));
    }
    let config = Config::load(root).map_err(Failure::Content)?;
    let section = options.section.trim_matches('/');
    if section.split('/').any(|part| part == ".." || part == ".")
        || !root.join("content").join(section).is_dir()
    {
        return Err(Failure::Usage(format!(
            "no section `{section}`: there is no folder `content/{section}/`"
        )));
    }
    let slug = slug::slugify(&options.title);
    if slug.is_empty() {
        return Err(Failure::Usage(format!(
            "the title `{}` has no letters or digits to make a file name from",
            options.title
        )));
    }
    let file = if section.is_empty() {
        format!("content/{slug}.md")
    } else {
        format!("content/{section}/{slug}.md")
    };
    let path = root.join(&file);
    if path.exists() {
        return Err(Failure::Refused(format!(
            "`{file}` already exists: medsite new never overwrites a file; edit it, or choose another title"
        )));
    }

    let (archetype, template) = find_archetype(root, config.theme.as_deref(), section)?;
    let date = today().to_string();
    let mut text = fill(&template, &options.title, &slug, section, &date);
    let value = parse_front_matter(&archetype, &text)?;
    let schema = match config.sections.get(section).and_then(|s| s.schema.as_ref()) {
        Some(schema) => Some(
            SectionSchema::load(root, section, schema).map_err(|d| Failure::Content(vec![d]))?,
        ),
        None => None,
    };
    let value = match &schema {
        Some(schema) => {
            let mut completed = value.clone();
            complete(&schema.document, &schema.document, &mut completed);
            if completed != value {
                text = with_missing_fields(&text, &value, &completed).unwrap_or_else(|| {
                    // Fields were added inside the archetype's own values, or
                    // its front matter is not YAML: written out anew.
                    let body = front_matter::split(&text)
                        .map(|split| split.body.to_string())
                        .unwrap_or_default();
                    format!("---\n{}---\n{body}", to_yaml(&completed))
                });
            }
            completed
        }
        None => value,
    };
    crate::fs::create_new(&path, text.as_bytes()).map_err(|error| {
        if error.source.kind() == std::io::ErrorKind::AlreadyExists {
            Failure::Refused(format!(
                "`{file}` already exists: medsite new never overwrites a file"
            ))
        } else {
            Failure::Io(error.to_string())
        }
    })?;
    Ok(Created {
        file,
        archetype,
        placeholders: count_placeholders(&value),
    })
}

/// The archetype's display name and text.
fn find_archetype(
    root: &Path,
    theme: Option<&str>,
    section: &str,
) -> Result<(String, String), Failure> {
    let name = if section.is_empty() {
        "default"
    } else {
        section
    };
    let mut candidates = vec![format!("archetypes/{name}.md")];
    if let Some(theme) = theme {
        candidates.push(format!("themes/{theme}/archetypes/{name}.md"));
    }
    candidates.push("archetypes/default.md".to_string());
    if let Some(theme) = theme {
        candidates.push(format!("themes/{theme}/archetypes/default.md"));
    }
    for candidate in candidates {
        let path = root.join(&candidate);
        if path.is_file() {
            let text =
                crate::fs::read_to_string(&path).map_err(|error| Failure::Io(error.to_string()))?;
            return Ok((candidate, front_matter::strip_bom(&text).to_string()));
        }
    }
    Ok((
        "the built-in archetype".to_string(),
        BUILTIN_ARCHETYPE.to_string(),
    ))
}

/// Replaces the archetype's placeholders; in the front matter the title is
/// escaped for a double-quoted string (YAML, TOML and JSON agree on `\"`).
fn fill(template: &str, title: &str, slug: &str, section: &str, date: &str) -> String {
    let (front, body) = match front_matter::split(template) {
        Ok(split) if split.format.is_some() => template.split_at(split.body_offset),
        _ => ("", template),
    };
    let escaped = title.replace('\\', "\\\\").replace('"', "\\\"");
    let replace = |text: &str, title: &str| {
        text.replace("{{ title }}", title)
            .replace("{{ slug }}", slug)
            .replace("{{ section }}", section)
            .replace("{{ date }}", date)
    };
    format!("{}{}", replace(front, &escaped), replace(body, title))
}

fn parse_front_matter(archetype: &str, text: &str) -> Result<Value, Failure> {
    let problem = |error: front_matter::FrontMatterError| {
        Failure::Content(vec![
            Diagnostic::error(
                archetype,
                error.code,
                format!(
                    "the archetype's front matter, once filled in, is invalid: {}",
                    error.message
                ),
            )
            .at_offset(text, error.offset),
        ])
    };
    let split = front_matter::split(text).map_err(problem)?;
    front_matter::parse_value(&split).map_err(problem)
}

/// Today's date, or the date of `SOURCE_DATE_EPOCH` when it is set, for
/// reproducible output: `new` dates pages with it, and `check` measures
/// the age of figures from it.
pub fn today() -> jiff::civil::Date {
    std::env::var("SOURCE_DATE_EPOCH")
        .ok()
        .and_then(|seconds| seconds.trim().parse::<i64>().ok())
        .and_then(|seconds| jiff::Timestamp::from_second(seconds).ok())
        .map(|time| time.to_zoned(jiff::tz::TimeZone::UTC).date())
        .unwrap_or_else(|| jiff::Zoned::now().date())
}

/// Follows a local `$ref` (`#/$defs/x`).
fn resolve<'a>(document: &'a Value, schema: &'a Value) -> &'a Value {
    let mut schema = schema;
    for _ in 0..32 {
        match schema
            .get("$ref")
            .and_then(Value::as_str)
            .and_then(|reference| reference.strip_prefix('#'))
            .and_then(|pointer| document.pointer(pointer))
        {
            Some(target) => schema = target,
            None => break,
        }
    }
    schema
}

/// Adds a placeholder for every required key missing from `value`, at any
/// depth the schema describes.
fn complete(document: &Value, schema: &Value, value: &mut Value) {
    let schema = resolve(document, schema);
    match value {
        Value::Object(map) => {
            let properties = schema.get("properties").and_then(Value::as_object);
            if let Some(required) = schema.get("required").and_then(Value::as_array) {
                for key in required.iter().filter_map(Value::as_str) {
                    if !map.contains_key(key) {
                        let property = properties.and_then(|p| p.get(key)).unwrap_or(&Value::Null);
                        map.insert(key.to_string(), placeholder(document, property, key));
                    }
                }
            }
            if let Some(properties) = properties {
                for (key, item) in map.iter_mut() {
                    if let Some(property) = properties.get(key) {
                        complete(document, property, item);
                    }
                }
            }
        }
        Value::Array(items) => {
            if let Some(item_schema) = schema.get("items") {
                for item in items {
                    complete(document, item_schema, item);
                }
            }
        }
        _ => {}
    }
}

/// A value that is clearly not a fact: maps and lists hold placeholders
/// for what they require, everything else is `TODO: ...` text.
fn placeholder(document: &Value, schema: &Value, name: &str) -> Value {
    let schema = resolve(document, schema);
    match schema.get("type").and_then(Value::as_str) {
        Some("object") => {
            let mut map = Value::Object(Map::new());
            complete(document, schema, &mut map);
            map
        }
        Some("array") => {
            let item = schema.get("items").unwrap_or(&Value::Null);
            Value::Array(vec![placeholder(document, item, name)])
        }
        kind => {
            let hint = schema
                .get("description")
                .and_then(Value::as_str)
                .map(str::to_string)
                .or_else(|| {
                    schema.get("enum").and_then(Value::as_array).map(|options| {
                        let options: Vec<String> = options.iter().map(Value::to_string).collect();
                        format!("{name}, one of {}", options.join(", "))
                    })
                })
                .unwrap_or_else(|| match kind {
                    Some("integer") | Some("number") => {
                        format!("{name} (a number, with its source)")
                    }
                    Some("boolean") => format!("{name} (true or false)"),
                    _ => name.to_string(),
                });
            Value::String(format!("{PLACEHOLDER} {hint}"))
        }
    }
}

/// The archetype's text with the top-level fields `completed` adds to
/// `value` written at the end of its YAML front matter, so that its
/// comments and layout stay as the archetype has them. `None` when the
/// front matter is not YAML or a field was added inside one of the
/// archetype's own values.
fn with_missing_fields(text: &str, value: &Value, completed: &Value) -> Option<String> {
    let (Value::Object(given), Value::Object(all)) = (value, completed) else {
        return None;
    };
    if given.iter().any(|(key, item)| all.get(key) != Some(item)) {
        return None;
    }
    let split = front_matter::split(text).ok()?;
    if split.format != Some(crate::locate::Format::Yaml) {
        return None;
    }
    let added: Map<String, Value> = all
        .iter()
        .filter(|(key, _)| !given.contains_key(*key))
        .map(|(key, item)| (key.clone(), item.clone()))
        .collect();
    // The block ends at the start of the closing fence's line.
    let end = split.block_offset + split.block.len();
    Some(format!(
        "{}{}{}",
        &text[..end],
        to_yaml(&Value::Object(added)),
        &text[end..]
    ))
}

fn count_placeholders(value: &Value) -> usize {
    crate::schema::placeholders(value).len()
}

/// Front matter as YAML: medsite's own keys first in their usual order,
/// then the others.
fn to_yaml(value: &Value) -> String {
    use yaml_rust2::{Yaml, YamlEmitter, yaml::Hash};
    const ORDER: [&str; 11] = [
        "title",
        "description",
        "date",
        "updated",
        "draft",
        "slug",
        "weight",
        "template",
        "aliases",
        "taxonomies",
        "extra",
    ];
    fn convert(value: &Value, top: bool) -> Yaml {
        match value {
            Value::Null => Yaml::Null,
            Value::Bool(b) => Yaml::Boolean(*b),
            Value::Number(n) => match n.as_i64() {
                Some(i) => Yaml::Integer(i),
                None => Yaml::Real(n.to_string()),
            },
            Value::String(s) => Yaml::String(s.clone()),
            Value::Array(items) => Yaml::Array(items.iter().map(|v| convert(v, false)).collect()),
            Value::Object(map) => {
                let mut keys: Vec<&String> = map.keys().collect();
                if top {
                    keys.sort_by_key(|k| ORDER.iter().position(|o| o == k).unwrap_or(ORDER.len()));
                }
                let mut hash = Hash::new();
                for key in keys {
                    hash.insert(Yaml::String(key.clone()), convert(&map[key], false));
                }
                Yaml::Hash(hash)
            }
        }
    }
    let mut out = String::new();
    YamlEmitter::new(&mut out)
        .dump(&convert(value, true))
        .expect("writing YAML to a String cannot fail");
    let body = out.strip_prefix("---\n").unwrap_or(&out);
    format!("{body}\n")
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn title_is_escaped_in_front_matter_only() {
        let filled = fill(
            "---\ntitle: \"{{ title }}\"\n---\n# {{ title }}\n",
            "The \"best\" job",
            "the-best-job",
            "careers",
            "2026-01-02",
        );
        assert_eq!(
            filled,
            "---\ntitle: \"The \\\"best\\\" job\"\n---\n# The \"best\" job\n"
        );
    }

    #[test]
    fn added_top_level_fields_keep_the_archetype_comments() {
        let text = "---\ntitle: \"X\"\n# taxonomies: [a, b]   # uncomment when known\nextra:\n  code: \"TODO: code\"\n---\n\nBody.\n";
        let value = json!({"title": "X", "extra": {"code": "TODO: code"}});
        let completed = json!({"title": "X", "description": "TODO: description",
            "extra": {"code": "TODO: code"}});
        assert_eq!(
            with_missing_fields(text, &value, &completed).as_deref(),
            Some(
                "---\ntitle: \"X\"\n# taxonomies: [a, b]   # uncomment when known\nextra:\n  code: \"TODO: code\"\ndescription: \"TODO: description\"\n---\n\nBody.\n"
            )
        );
        // A field added inside the archetype's `extra`: written anew.
        let nested = json!({"title": "X", "extra": {"code": "TODO: code", "year": "TODO: year"}});
        assert_eq!(with_missing_fields(text, &value, &nested), None);
        // TOML front matter gets no YAML lines.
        let toml = "+++\ntitle = \"X\"\n+++\n";
        assert_eq!(
            with_missing_fields(toml, &json!({"title": "X"}), &completed),
            None
        );
    }

    #[test]
    fn required_fields_get_placeholders_never_figures() {
        let schema = json!({
            "type": "object",
            "required": ["title", "extra"],
            "properties": {"extra": {"type": "object", "required": ["year", "items"],
                "properties": {
                    "year": {"type": "integer"},
                    "items": {"type": "array", "items": {"$ref": "#/$defs/item"}}
                }}},
            "$defs": {"item": {"type": "object", "required": ["body"], "properties": {
                "body": {"type": "string", "description": "The awarding body"}
            }}}
        });
        let mut value = json!({"title": "X"});
        complete(&schema, &schema, &mut value);
        assert_eq!(
            value,
            json!({"title": "X", "extra": {
                "year": "TODO: year (a number, with its source)",
                "items": [{"body": "TODO: The awarding body"}]
            }})
        );
        assert_eq!(count_placeholders(&value), 2);
    }
}
