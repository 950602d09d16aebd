//! YAML data files, read straight from the parser's events into a JSON
//! value, guarded as front matter is: anchors and aliases are refused (a
//! few hundred bytes of aliases can expand into gigabytes), as are
//! duplicate keys, keys that are maps or lists, more than one document and
//! nesting deeper than [`MAX_DEPTH`]. Plain scalars are typed as YAML 1.2's
//! core schema types them (`12` a number, `true` a boolean, `~` null);
//! quoted ones and those tagged `!!str` stay text.

use serde_json::{Map, Value};
use yaml_rust2::parser::{Event, Parser, Tag};
use yaml_rust2::scanner::TScalarStyle;

/// Deepest nesting of maps and lists accepted.
pub const MAX_DEPTH: usize = 64;

/// A map or list being read.
enum Frame {
    List(Vec<Value>),
    /// The entries so far, and the key whose value comes next.
    Map(Map<String, Value>, Option<String>),
}

/// Parses `text` (without byte-order mark); an error is a byte offset and
/// a message. An empty file is `null`.
pub fn parse(text: &str) -> Result<Value, (usize, String)> {
    // Marks count characters; offsets are bytes.
    let byte_of = |index: usize| {
        text.char_indices()
            .nth(index)
            .map_or(text.len(), |(byte, _)| byte)
    };
    let mut parser = Parser::new_from_str(text);
    let mut stack: Vec<Frame> = Vec::new();
    let mut root: Option<Value> = None;
    let mut documents = 0usize;
    loop {
        let (event, mark) = parser.next_token().map_err(|error| {
            (
                byte_of(error.marker().index()),
                format!("invalid YAML: {}", error.info()),
            )
        })?;
        let refuse = |message: &str| Err((byte_of(mark.index()), message.to_string()));
        let expecting_key = matches!(stack.last(), Some(Frame::Map(_, None)));
        let value = match event {
            Event::StreamEnd => return Ok(root.unwrap_or(Value::Null)),
            Event::DocumentStart => {
                documents += 1;
                if documents > 1 {
                    return refuse("the file holds more than one YAML document");
                }
                continue;
            }
            Event::Alias(_) => {
                return refuse(
                    "YAML aliases (`*name`) are not allowed in data files: write the value out",
                );
            }
            Event::Scalar(_, _, anchor, _)
            | Event::SequenceStart(anchor, _)
            | Event::MappingStart(anchor, _)
                if anchor > 0 =>
            {
                return refuse(
                    "YAML anchors (`&name`) are not allowed in data files: write the value out",
                );
            }
            Event::Scalar(text, ..) if expecting_key => {
                let Some(Frame::Map(map, key)) = stack.last_mut() else {
                    unreachable!("expecting a key means a map is open");
                };
                if map.contains_key(&text) {
                    return refuse(&format!(
                        "duplicate key `{text}`: it is already set above in this map"
                    ));
                }
                *key = Some(text);
                continue;
            }
            Event::SequenceStart(..) | Event::MappingStart(..) if expecting_key => {
                return refuse("a map or a list as a key is not supported: keys are text");
            }
            Event::SequenceStart(..) | Event::MappingStart(..) => {
                if stack.len() >= MAX_DEPTH {
                    return refuse(&format!(
                        "the file is nested more than {MAX_DEPTH} levels deep"
                    ));
                }
                stack.push(match event {
                    Event::MappingStart(..) => Frame::Map(Map::new(), None),
                    _ => Frame::List(Vec::new()),
                });
                continue;
            }
            Event::Scalar(text, style, _, tag) => scalar(text, style, tag.as_ref()),
            Event::SequenceEnd | Event::MappingEnd => match stack.pop() {
                Some(Frame::List(items)) => Value::Array(items),
                Some(Frame::Map(map, _)) => Value::Object(map),
                None => continue,
            },
            _ => continue,
        };
        match stack.last_mut() {
            None => root = Some(value),
            Some(Frame::List(items)) => items.push(value),
            Some(Frame::Map(map, key)) => {
                if let Some(key) = key.take() {
                    map.insert(key, value);
                }
            }
        }
    }
}

/// A scalar's value: plain scalars typed by YAML 1.2's core schema.
fn scalar(text: String, style: TScalarStyle, tag: Option<&Tag>) -> Value {
    use yaml_rust2::Yaml;
    if style != TScalarStyle::Plain || tag.is_some_and(|tag| tag.suffix == "str") {
        return Value::String(text);
    }
    match Yaml::from_str(&text) {
        Yaml::Null => Value::Null,
        Yaml::Boolean(b) => Value::Bool(b),
        Yaml::Integer(i) => Value::from(i),
        // `.inf` and `.nan` have no JSON number: they stay text.
        Yaml::Real(real) => real
            .parse::<f64>()
            .ok()
            .and_then(serde_json::Number::from_f64)
            .map_or(Value::String(text), Value::Number),
        _ => Value::String(text),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn plain_scalars_are_typed_and_quoted_ones_are_text() {
        let value =
            parse("a: 12\nb: '12'\nc: 1.5\nd: true\ne: ~\nf: !!str 7\ng: text\nh: .inf\n").unwrap();
        assert_eq!(
            value,
            json!({"a": 12, "b": "12", "c": 1.5, "d": true, "e": null, "f": "7", "g": "text", "h": ".inf"})
        );
    }

    #[test]
    fn nested_lists_and_maps_are_read() {
        let value = parse("- name: A\n  tags: [x, y]\n- name: B\n  tags: []\n").unwrap();
        assert_eq!(
            value,
            json!([{"name": "A", "tags": ["x", "y"]}, {"name": "B", "tags": []}])
        );
        assert_eq!(parse("").unwrap(), Value::Null);
        assert_eq!(parse("\u{e9}t\u{e9}: 1\n").unwrap(), json!({"été": 1}));
    }

    #[test]
    fn aliases_duplicates_and_depth_are_refused_at_their_offset() {
        let (offset, message) = parse("a: &x 1\nb: *x\n").unwrap_err();
        assert_eq!(offset, 6);
        assert!(message.starts_with("YAML anchors"), "{message}");
        let (offset, message) = parse("a: 1\na: 2\n").unwrap_err();
        assert_eq!(
            (offset, message.as_str()),
            (5, "duplicate key `a`: it is already set above in this map")
        );
        let deep = format!("{}{}", "[".repeat(MAX_DEPTH + 1), "]".repeat(MAX_DEPTH + 1));
        assert!(parse(&deep).unwrap_err().1.contains("levels deep"));
        assert!(
            parse("a: 1\n---\nb: 2\n")
                .unwrap_err()
                .1
                .contains("more than one")
        );
        assert!(parse("? [a]\n: 1\n").unwrap_err().1.contains("as a key"));
    }
}
