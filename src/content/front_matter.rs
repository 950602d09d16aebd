//! Front matter: split it from the body, then parse it with gray_matter's
//! engines, guarded against what gray_matter alone gets wrong.
//!
//! gray_matter on its own publishes YAML as body text when a file starts
//! with a byte-order mark or never closes its fence, counts YAML error
//! lines from inside the block, names no field in type errors, and expands
//! YAML aliases without bound (a 300-byte "billion laughs" took 14 s and
//! 2 GB). So medsite splits the file itself, reports every position as a
//! line of the whole file, scans YAML events first to refuse anchors and
//! aliases and to bound depth and size, and deserializes through
//! `serde_path_to_error` so a type error names its field.

use std::collections::BTreeMap;

use gray_matter::engine::{Engine, JSON, TOML, YAML};
use serde::Deserialize;
use serde_json::Value;

use crate::locate::{self, Format, Segment};

/// Front matter larger than this is refused before parsing.
pub const MAX_FRONT_MATTER_BYTES: usize = 256 * 1024;
/// Deepest nesting of maps and lists accepted in YAML front matter.
pub const MAX_YAML_DEPTH: usize = 32;

/// A file cut into front matter and body. Offsets are bytes into the text
/// after any byte-order mark.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Split<'a> {
    pub format: Option<Format>,
    /// The front matter without its fences.
    pub block: &'a str,
    /// Byte offset of `block` in the text.
    pub block_offset: usize,
    pub body: &'a str,
    /// Byte offset of `body` in the text.
    pub body_offset: usize,
}

/// A problem at a byte offset of the text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FrontMatterError {
    pub offset: usize,
    pub code: &'static str,
    pub message: String,
}

fn error_at(offset: usize, code: &'static str, message: impl Into<String>) -> FrontMatterError {
    FrontMatterError {
        offset,
        code,
        message: message.into(),
    }
}

/// Removes a UTF-8 byte-order mark, which editors on Windows like to add.
pub fn strip_bom(text: &str) -> &str {
    text.strip_prefix('\u{feff}').unwrap_or(text)
}

/// Cuts `text` (already without BOM) into front matter and body.
pub fn split(text: &str) -> Result<Split<'_>, FrontMatterError> {
    let first_line_end = text.find('\n').map_or(text.len(), |i| i + 1);
    let first_line = text[..first_line_end].trim_end();
    let fence = match first_line {
        "---" => Some(("---", Format::Yaml)),
        "+++" => Some(("+++", Format::Toml)),
        _ => None,
    };
    if let Some((fence, format)) = fence {
        let mut line_start = first_line_end;
        while line_start < text.len() {
            let line_end = text[line_start..]
                .find('\n')
                .map_or(text.len(), |i| line_start + i + 1);
            if text[line_start..line_end].trim_end() == fence {
                return Ok(Split {
                    format: Some(format),
                    block: &text[first_line_end..line_start],
                    block_offset: first_line_end,
                    body: &text[line_end..],
                    body_offset: line_end,
                });
            }
            line_start = line_end;
        }
        return Err(error_at(
            0,
            "front-matter-unclosed",
            format!(
                "front matter opened with `{fence}` is never closed: add a line `{fence}` after it"
            ),
        ));
    }
    if text.starts_with('{') {
        let mut stream = serde_json::Deserializer::from_str(text).into_iter::<serde_json::Value>();
        return match stream.next() {
            Some(Ok(_)) => {
                let end = stream.byte_offset();
                let body_offset = text[end..].find('\n').map_or(text.len(), |i| end + i + 1);
                Ok(Split {
                    format: Some(Format::Json),
                    block: &text[..end],
                    block_offset: 0,
                    body: &text[body_offset..],
                    body_offset,
                })
            }
            Some(Err(error)) => Err(error_at(
                offset_of(text, error.line(), error.column()),
                "front-matter-syntax",
                format!(
                    "invalid JSON front matter: {}",
                    strip_position(&error.to_string())
                ),
            )),
            None => unreachable!("text starts with `{{`, so there is a value to read"),
        };
    }
    Ok(Split {
        format: None,
        block: "",
        block_offset: 0,
        body: text,
        body_offset: 0,
    })
}

/// The fields medsite knows. Anything of the writer's own goes under `extra`.
#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FrontMatter {
    pub title: Option<String>,
    pub description: Option<String>,
    pub date: Option<String>,
    pub updated: Option<String>,
    #[serde(default)]
    pub draft: bool,
    pub slug: Option<String>,
    pub weight: Option<i64>,
    pub template: Option<String>,
    #[serde(default)]
    pub aliases: Vec<String>,
    #[serde(default)]
    pub taxonomies: BTreeMap<String, Vec<String>>,
    #[serde(default)]
    pub extra: serde_json::Map<String, Value>,
    /// A section's pages made from the records of a data file (only in
    /// `_index.md`; see `content::generate`).
    pub generate: Option<crate::content::generate::Generate>,
}

/// Parses the front matter of a split file. Errors point into `text`.
pub fn parse(split: &Split<'_>) -> Result<FrontMatter, FrontMatterError> {
    from_value(split, &parse_value(split)?)
}

/// Parses the front matter into a JSON value: always a map, empty when the
/// file has none. Schemas validate this value, before medsite reads its own
/// fields from it with [`from_value`].
pub fn parse_value(split: &Split<'_>) -> Result<Value, FrontMatterError> {
    let Some(format) = split.format else {
        return Ok(Value::Object(serde_json::Map::new()));
    };
    let block = split.block;
    if block.len() > MAX_FRONT_MATTER_BYTES {
        return Err(error_at(
            split.block_offset,
            "front-matter-too-large",
            format!(
                "front matter is {} bytes; the limit is {MAX_FRONT_MATTER_BYTES}",
                block.len()
            ),
        ));
    }
    let in_block = |offset: usize| split.block_offset + offset.min(block.len());
    let generic = |error: gray_matter::Error| {
        error_at(
            split.block_offset,
            "front-matter-syntax",
            format!("invalid front matter: {error}"),
        )
    };
    let pod = match format {
        Format::Yaml => {
            scan_yaml(block).map_err(|(offset, message)| {
                error_at(in_block(offset), "front-matter-syntax", message)
            })?;
            YAML::parse(block).map_err(generic)?
        }
        // gray_matter's TOML message has no position; toml's own error does.
        Format::Toml => {
            TOML::parse(block).map_err(|error| match toml::from_str::<toml::Table>(block) {
                Err(toml_error) => error_at(
                    in_block(toml_error.span().map_or(0, |span| span.start)),
                    "front-matter-syntax",
                    format!(
                        "invalid TOML front matter: {}",
                        toml_error.message().trim_end()
                    ),
                ),
                Ok(_) => generic(error),
            })?
        }
        Format::Json => {
            check_json_duplicates(block).map_err(|error| {
                error_at(
                    in_block(offset_of(block, error.line(), error.column())),
                    "front-matter-syntax",
                    format!(
                        "invalid JSON front matter: {}",
                        strip_position(&error.to_string())
                    ),
                )
            })?;
            JSON::parse(block).map_err(generic)?
        }
    };
    let value: Value = pod.deserialize().map_err(|error| {
        error_at(
            split.block_offset,
            "front-matter-syntax",
            format!("invalid front matter: {error}"),
        )
    })?;
    match value {
        Value::Null => Ok(Value::Object(serde_json::Map::new())),
        Value::Object(map) => Ok(Value::Object(map)),
        other => Err(error_at(
            split.block_offset,
            "front-matter-type",
            format!(
                "front matter must be a map of keys to values, found {}",
                describe(&other)
            ),
        )),
    }
}

/// Reads medsite's own fields from the value [`parse_value`] returned; a
/// type error names its field and points at it.
pub fn from_value(split: &Split<'_>, value: &Value) -> Result<FrontMatter, FrontMatterError> {
    serde_path_to_error::deserialize(value).map_err(|error| {
        let mut at: Vec<Segment> = error
            .path()
            .iter()
            .filter_map(|segment| match segment {
                serde_path_to_error::Segment::Map { key } => Some(Segment::key(key.clone())),
                serde_path_to_error::Segment::Seq { index } => Some(Segment::Index(*index)),
                _ => None,
            })
            .collect();
        let inner = error.inner().to_string();
        let unknown = inner
            .strip_prefix("unknown field `")
            .and_then(|rest| rest.split_once('`'))
            .map(|(name, _)| name.to_string());
        if let Some(name) = &unknown
            && at.last() == Some(&Segment::key(name.as_str()))
        {
            at.pop();
        }
        let top_level = at.is_empty();
        at.extend(unknown.iter().map(Segment::key));
        let offset = locate::offset_in_file(split.block, split.block_offset, split.format, &at);
        let dotted = at
            .iter()
            .filter_map(|segment| match segment {
                Segment::Key(key) => Some(key.as_str()),
                Segment::Index(_) => None,
            })
            .collect::<Vec<_>>()
            .join(".");
        let message = match unknown {
            Some(name) if top_level => {
                const KNOWN: [&str; 12] = [
                    "title", "description", "date", "updated", "draft", "slug", "weight",
                    "template", "aliases", "taxonomies", "extra", "generate",
                ];
                match crate::diagnostics::did_you_mean(&name, KNOWN) {
                    Some(guess) => format!(
                        "unknown front matter field `{name}` (did you mean `{guess}`?); put your own fields under `extra`"
                    ),
                    None => format!(
                        "unknown front matter field `{name}`: medsite knows {}; put your own fields under `extra`",
                        KNOWN.join(", ")
                    ),
                }
            }
            _ => format!("`{dotted}`: {}", plain_serde_message(&inner)),
        };
        error_at(offset, "front-matter-type", message)
    })
}

/// serde speaks Rust ("expected i64"); writers read "an integer".
fn plain_serde_message(message: &str) -> String {
    let message = message
        .replace("expected i64", "expected an integer")
        .replace("expected a sequence", "expected a list")
        .replace("expected a boolean", "expected true or false");
    // "invalid type: string \"x\", expected an integer" -> expected first.
    match message
        .strip_prefix("invalid type: ")
        .and_then(|rest| rest.rsplit_once(", expected "))
    {
        Some((found, expected)) => format!("expected {expected}, found {found}"),
        None => message,
    }
}

fn describe(value: &Value) -> &'static str {
    match value {
        Value::Null => "nothing",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "a list",
        Value::Object(_) => "a map",
    }
}

/// Walks YAML events before anything is built from them: refuses anchors
/// and aliases (the "billion laughs" bomb), bounds nesting and the number of
/// events, and turns syntax errors into byte offsets of the block.
fn scan_yaml(block: &str) -> Result<(), (usize, String)> {
    use std::collections::HashSet;
    use yaml_rust2::parser::Event;

    /// Where the scan is: inside a map (expecting a key or a value, with
    /// the keys seen so far) or inside a list.
    enum Frame {
        Map {
            keys: HashSet<String>,
            expecting_key: bool,
        },
        List,
    }

    let mut stack: Vec<Frame> = Vec::new();
    let mut documents = 0usize;
    for item in locate::YamlEvents::new(block) {
        let (event, offset) = item.map_err(|error| {
            let mut offset = error.offset;
            // YAML forbids tabs for indentation; point at the tab itself,
            // not at the scalar the parser was reading.
            if error.info.contains("tab")
                && let Some(tab) = block.get(offset..).and_then(|rest| rest.find('\t'))
            {
                offset += tab;
            }
            (offset, format!("invalid YAML: {}", error.info))
        })?;
        let refuse = |message: &str| Err((offset, message.to_string()));
        let is_node = matches!(
            event,
            Event::Scalar(..)
                | Event::SequenceStart(..)
                | Event::MappingStart(..)
                | Event::Alias(_)
        );
        if is_node
            && let Some(Frame::Map {
                keys,
                expecting_key,
            }) = stack.last_mut()
        {
            if *expecting_key
                && let Event::Scalar(key, ..) = &event
                && !keys.insert(key.clone())
            {
                return refuse(&format!(
                    "duplicate key `{key}`: it is already set above in this map"
                ));
            }
            *expecting_key = !*expecting_key;
        }
        let anchor = match &event {
            Event::StreamEnd => return Ok(()),
            Event::DocumentStart => {
                documents += 1;
                if documents > 1 {
                    return refuse("front matter holds more than one YAML document");
                }
                0
            }
            Event::Alias(_) => {
                return refuse(
                    "YAML aliases (`*name`) are not allowed in front matter: write the value out",
                );
            }
            Event::Scalar(_, _, anchor, _) => *anchor,
            Event::SequenceStart(anchor, _) | Event::MappingStart(anchor, _) => {
                stack.push(match event {
                    Event::MappingStart(..) => Frame::Map {
                        keys: HashSet::new(),
                        expecting_key: true,
                    },
                    _ => Frame::List,
                });
                if stack.len() > MAX_YAML_DEPTH {
                    return refuse(&format!(
                        "front matter is nested more than {MAX_YAML_DEPTH} levels deep"
                    ));
                }
                *anchor
            }
            Event::SequenceEnd | Event::MappingEnd => {
                stack.pop();
                0
            }
            _ => 0,
        };
        if anchor > 0 {
            return refuse(
                "YAML anchors (`&name`) are not allowed in front matter: write the value out",
            );
        }
    }
    Ok(())
}

/// Refuses duplicate keys in JSON front matter, which serde_json would
/// otherwise resolve silently by keeping the last one.
fn check_json_duplicates(block: &str) -> Result<(), serde_json::Error> {
    use serde::de::{DeserializeSeed, Deserializer, Error, MapAccess, SeqAccess, Visitor};

    struct Unique;

    impl<'de> DeserializeSeed<'de> for Unique {
        type Value = ();
        fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<(), D::Error> {
            deserializer.deserialize_any(self)
        }
    }

    impl<'de> Visitor<'de> for Unique {
        type Value = ();
        fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
            f.write_str("a JSON value")
        }
        fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<(), A::Error> {
            let mut keys = std::collections::HashSet::new();
            while let Some(key) = map.next_key::<String>()? {
                if !keys.insert(key.clone()) {
                    return Err(A::Error::custom(format!("duplicate key `{key}`")));
                }
                map.next_value_seed(Unique)?;
            }
            Ok(())
        }
        fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<(), A::Error> {
            while seq.next_element_seed(Unique)?.is_some() {}
            Ok(())
        }
        fn visit_bool<E>(self, _: bool) -> Result<(), E> {
            Ok(())
        }
        fn visit_i64<E>(self, _: i64) -> Result<(), E> {
            Ok(())
        }
        fn visit_u64<E>(self, _: u64) -> Result<(), E> {
            Ok(())
        }
        fn visit_f64<E>(self, _: f64) -> Result<(), E> {
            Ok(())
        }
        fn visit_str<E>(self, _: &str) -> Result<(), E> {
            Ok(())
        }
        fn visit_unit<E>(self) -> Result<(), E> {
            Ok(())
        }
    }

    let mut deserializer = serde_json::Deserializer::from_str(block);
    Unique.deserialize(&mut deserializer)
}

fn offset_of(text: &str, line: usize, column: usize) -> usize {
    let line_start: usize = text
        .split_inclusive('\n')
        .take(line.saturating_sub(1))
        .map(str::len)
        .sum();
    (line_start + column.saturating_sub(1)).min(text.len())
}

fn strip_position(message: &str) -> String {
    match message.rfind(" at line ") {
        Some(index) => message[..index].to_string(),
        None => message.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn split_reassembles_into_the_input() {
        let text = "---\ntitle: A\n---\nBody\n";
        let split = split(text).unwrap();
        assert_eq!(split.block, "title: A\n");
        assert_eq!(&text[..split.block_offset], "---\n");
        assert_eq!(
            &text[split.block_offset + split.block.len()..split.body_offset],
            "---\n"
        );
        assert_eq!(split.body, "Body\n");
    }

    #[test]
    fn unclosed_fence_is_an_error_at_the_start() {
        let error = split("---\ntitle: A\nBody\n").unwrap_err();
        assert_eq!(error.offset, 0);
        assert_eq!(error.code, "front-matter-unclosed");
    }

    #[test]
    fn json_front_matter_ends_at_its_closing_brace() {
        let text = "{\n  \"title\": \"A\"\n}\nBody\n";
        let split = split(text).unwrap();
        assert_eq!(split.format, Some(Format::Json));
        assert_eq!(split.body, "Body\n");
        let front = parse(&split).unwrap();
        assert_eq!(front.title.as_deref(), Some("A"));
    }

    #[test]
    fn toml_front_matter_is_read() {
        let text = "+++\ntitle = \"A\"\nweight = 3\n[extra]\nx = 1\n+++\nBody\n";
        let split = split(text).unwrap();
        let front = parse(&split).unwrap();
        assert_eq!(front.weight, Some(3));
        assert_eq!(front.extra["x"], 1);
    }

    #[test]
    fn duplicate_keys_are_refused_in_yaml_and_json() {
        for text in [
            "---\ntitle: A\nextra:\n  a: 1\n  a: 2\n---\n",
            "{\"title\": \"A\", \"extra\": {\"a\": 1, \"a\": 2}}\n",
        ] {
            let error = parse(&split(text).unwrap()).unwrap_err();
            assert!(
                error.message.contains("duplicate key `a`"),
                "{}",
                error.message
            );
        }
        let same_key_in_two_maps = "---\ntitle: A\nextra:\n  x: {a: 1}\n  y: {a: 2}\n---\n";
        assert!(parse(&split(same_key_in_two_maps).unwrap()).is_ok());
    }

    #[test]
    fn alias_bomb_is_refused_quickly() {
        let text = "---\na: &a [\"lol\",\"lol\"]\nb: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]\nc: [*b,*b,*b,*b,*b,*b,*b,*b,*b]\n---\n";
        let split = split(text).unwrap();
        let error = parse(&split).unwrap_err();
        assert!(error.message.contains("anchors"), "{}", error.message);
    }

    #[test]
    fn type_error_names_the_field_and_points_at_it() {
        let text = "---\ntitle: A\nweight: heavy\n---\n";
        let split = split(text).unwrap();
        let error = parse(&split).unwrap_err();
        assert!(error.message.starts_with("`weight`:"), "{}", error.message);
        assert_eq!(&text[error.offset..error.offset + 6], "weight");
    }
}
