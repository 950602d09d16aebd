//! The one place that answers "where is this key?", in front matter (YAML,
//! TOML, JSON) and in `site.toml`: a path of map keys and list indexes
//! (`extra.credentials[1].body`, `sections.guides.paginate_by`) becomes a
//! byte offset, so that every error points at the offending key.
//!
//! YAML (and JSON, which YAML's flow syntax reads) is walked as parser
//! events through [`YamlEvents`], the only reader of yaml-rust2's marks:
//! they count characters, and it turns them into byte offsets. TOML is read
//! with `toml`'s spanned parser, whose spans are bytes. Both see text that
//! already parsed, so they fail only on exotic input (a YAML map used as a
//! key); then the nearest ancestor found, or the start of the file, stands
//! in.

use std::fmt;

use yaml_rust2::parser::{Event, Parser};

/// The language of a front-matter block (`site.toml` is TOML).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Yaml,
    Toml,
    Json,
}

/// One step into a front-matter value.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Segment {
    Key(String),
    Index(usize),
}

impl Segment {
    pub fn key(name: impl Into<String>) -> Segment {
        Segment::Key(name.into())
    }
}

/// The path of map keys `keys`, such as `["sections", "guides", "schema"]`.
pub fn keys(keys: &[&str]) -> Vec<Segment> {
    keys.iter().map(|&key| Segment::key(key)).collect()
}

/// A path into a front-matter value, shown as `extra.credentials[1].body`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct FieldPath(pub Vec<Segment>);

impl fmt::Display for FieldPath {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (position, segment) in self.0.iter().enumerate() {
            match segment {
                Segment::Key(key) if position == 0 => f.write_str(key)?,
                Segment::Key(key) => write!(f, ".{key}")?,
                Segment::Index(index) => write!(f, "[{index}]")?,
            }
        }
        Ok(())
    }
}

/// Byte offset in `text` of the element at `path`: the key of a map entry,
/// the start of a list item. `None` for the empty path or when the whole
/// path is not in the text.
pub fn locate(text: &str, format: Format, path: &[Segment]) -> Option<usize> {
    deepest(text, format, path)
        .filter(|(depth, _)| *depth == path.len())
        .map(|(_, offset)| offset)
}

/// Byte offset in `text` of the element at `path`, else of its nearest
/// ancestor found; `None` when not even the first step is found.
pub fn nearest(text: &str, format: Format, path: &[Segment]) -> Option<usize> {
    deepest(text, format, path).map(|(_, offset)| offset)
}

/// Byte offset in the whole file of the element at `path` of a front-matter
/// `block` that starts at `block_offset`, else of its nearest ancestor,
/// else 0: the start of the file, where the front matter opens.
pub fn offset_in_file(
    block: &str,
    block_offset: usize,
    format: Option<Format>,
    path: &[Segment],
) -> usize {
    format
        .and_then(|format| nearest(block, format, path))
        .map_or(0, |offset| block_offset + offset)
}

/// How many steps of `path` were found, and the offset of the last one.
fn deepest(text: &str, format: Format, path: &[Segment]) -> Option<(usize, usize)> {
    if path.is_empty() {
        return None;
    }
    match format {
        Format::Yaml | Format::Json => {
            let positions = yaml_positions(text)?;
            (1..=path.len()).rev().find_map(|depth| {
                positions
                    .iter()
                    .find(|(p, _)| p == &path[..depth])
                    .map(|(_, offset)| (depth, *offset))
            })
        }
        Format::Toml => toml_position(text, path),
    }
}

/// A YAML syntax error at a byte offset of the text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct YamlError {
    pub offset: usize,
    pub info: String,
}

/// yaml-rust2's parser events, each with the byte offset where it starts.
/// Its marks count characters: this is the one place that converts them,
/// so that text after accented letters is found where it is.
pub struct YamlEvents<'a> {
    parser: Parser<std::str::Chars<'a>>,
    /// Byte offset of each character (and of the end); empty for ASCII
    /// text, where the two are the same.
    char_to_byte: Vec<usize>,
    text_len: usize,
    done: bool,
}

impl<'a> YamlEvents<'a> {
    pub fn new(text: &'a str) -> YamlEvents<'a> {
        let char_to_byte = if text.is_ascii() {
            Vec::new()
        } else {
            text.char_indices()
                .map(|(byte, _)| byte)
                .chain([text.len()])
                .collect()
        };
        YamlEvents {
            parser: Parser::new_from_str(text),
            char_to_byte,
            text_len: text.len(),
            done: false,
        }
    }

    /// The byte offset of the character at `index`.
    fn byte(&self, index: usize) -> usize {
        if self.char_to_byte.is_empty() {
            index.min(self.text_len)
        } else {
            self.char_to_byte
                .get(index)
                .copied()
                .unwrap_or(self.text_len)
        }
    }
}

impl Iterator for YamlEvents<'_> {
    type Item = Result<(Event, usize), YamlError>;

    /// Every event up to and including `StreamEnd`, or the first error.
    fn next(&mut self) -> Option<Self::Item> {
        if self.done {
            return None;
        }
        match self.parser.next_token() {
            Ok((event, mark)) => {
                self.done = event == Event::StreamEnd;
                Some(Ok((event, self.byte(mark.index()))))
            }
            Err(error) => {
                self.done = true;
                Some(Err(YamlError {
                    offset: self.byte(error.marker().index()),
                    info: error.info().to_string(),
                }))
            }
        }
    }
}

/// Where the walk of [`yaml_positions`] is: in a map (with the key whose
/// value comes next, if any) or in a list (with the next item's index).
enum Frame {
    Map { key: Option<String> },
    Sequence { next: usize },
}

/// Every key and list item of a YAML (or JSON) text with its byte offset;
/// `None` on a syntax error or a complex key (a map or list as a key),
/// which no path can name.
fn yaml_positions(text: &str) -> Option<Vec<(Vec<Segment>, usize)>> {
    let mut positions: Vec<(Vec<Segment>, usize)> = Vec::new();
    let mut path: Vec<Segment> = Vec::new();
    let mut stack: Vec<Frame> = Vec::new();
    for item in YamlEvents::new(text) {
        let (event, offset) = item.ok()?;
        match event {
            Event::Scalar(..) | Event::MappingStart(..) | Event::SequenceStart(..) => {
                let entered = match enter_node(&event, offset, &path, &mut stack, &mut positions) {
                    Slot::ComplexKey => return None,
                    Slot::Key => continue,
                    Slot::Value(entered) => entered,
                };
                if matches!(event, Event::MappingStart(..) | Event::SequenceStart(..)) {
                    path.extend(entered);
                    stack.push(match event {
                        Event::MappingStart(..) => Frame::Map { key: None },
                        _ => Frame::Sequence { next: 0 },
                    });
                }
            }
            Event::MappingEnd | Event::SequenceEnd => {
                stack.pop();
                if !stack.is_empty() {
                    path.pop();
                }
            }
            _ => {}
        }
    }
    move_items_to_their_first_key(&mut positions);
    Some(positions)
}

/// What a node is to its parent.
enum Slot {
    /// A map or list as a key: no path names what follows.
    ComplexKey,
    /// A key; its value comes next.
    Key,
    /// A value, filling this slot of its parent (none for the root).
    Value(Option<Segment>),
}

/// Records the node `event` at `offset` in its parent.
fn enter_node(
    event: &Event,
    offset: usize,
    path: &[Segment],
    stack: &mut [Frame],
    positions: &mut Vec<(Vec<Segment>, usize)>,
) -> Slot {
    let child = |segment: Segment| {
        let mut child = path.to_vec();
        child.push(segment);
        child
    };
    match stack.last_mut() {
        Some(Frame::Map { key }) => match key.take() {
            Some(name) => Slot::Value(Some(Segment::Key(name))),
            None => {
                let Event::Scalar(text, ..) = event else {
                    return Slot::ComplexKey;
                };
                positions.push((child(Segment::key(text.clone())), offset));
                *key = Some(text.clone());
                Slot::Key
            }
        },
        Some(Frame::Sequence { next }) => {
            let index = *next;
            *next += 1;
            positions.push((child(Segment::Index(index)), offset));
            Slot::Value(Some(Segment::Index(index)))
        }
        None => Slot::Value(None),
    }
}

/// A block map's start is marked at its first `:`, past its first key: a
/// list item that is a map starts at that key, which is the first position
/// recorded after the item.
fn move_items_to_their_first_key(positions: &mut [(Vec<Segment>, usize)]) {
    for index in 1..positions.len() {
        let (item, item_offset) = &positions[index - 1];
        let first_key = Some(&positions[index])
            .filter(|(p, _)| p.len() == item.len() + 1 && p.starts_with(item))
            .map(|(_, offset)| *offset);
        if let Some(key_offset) = first_key.filter(|o| o < item_offset) {
            positions[index - 1].1 = key_offset;
        }
    }
}

/// How deep `path` goes in a TOML text, and the offset (from `toml`'s
/// spans) of the deepest step found.
fn toml_position(text: &str, path: &[Segment]) -> Option<(usize, usize)> {
    use toml::de::{DeTable, DeValue};
    let table = DeTable::parse(text).ok()?;
    let mut current: &DeValue<'_> = &DeValue::Boolean(false);
    let mut table_ref = Some(table.get_ref());
    let mut found = None;
    for (depth, segment) in path.iter().enumerate() {
        let (offset, value) = match (segment, table_ref, current) {
            (Segment::Key(key), Some(table), _) => {
                let Some((name, value)) = table.iter().find(|(name, _)| name.get_ref() == key)
                else {
                    break;
                };
                (name.span().start, value)
            }
            (Segment::Index(index), None, DeValue::Array(items)) => {
                let Some(item) = items.get(*index) else {
                    break;
                };
                (item.span().start, item)
            }
            _ => break,
        };
        found = Some((depth + 1, offset));
        current = value.get_ref();
        table_ref = match current {
            DeValue::Table(table) => Some(table),
            _ => None,
        };
    }
    found
}

/// The keys of the TOML table at `path`, as written (`site.toml`'s
/// `[sections."careers/"]` is the section `careers`).
pub fn toml_table_keys(text: &str, path: &[Segment]) -> Vec<String> {
    use toml::de::{DeTable, DeValue};
    let Ok(table) = DeTable::parse(text) else {
        return Vec::new();
    };
    let mut table = table.get_ref();
    for segment in path {
        let Segment::Key(key) = segment else {
            return Vec::new();
        };
        match table.iter().find(|(name, _)| name.get_ref() == key) {
            Some((_, value)) => match value.get_ref() {
                DeValue::Table(inner) => table = inner,
                _ => return Vec::new(),
            },
            None => return Vec::new(),
        }
    }
    table
        .keys()
        .map(|name| name.get_ref().to_string())
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key(k: &str) -> Segment {
        Segment::Key(k.into())
    }

    #[test]
    fn yaml_list_items_and_flow_maps_are_found() {
        let block = "title: x\nextra:\n  credentials:\n    - abbr: A\n      body: B\n    - abbr: C\n  stats:\n    pay: {usd: 5, year: 2020}\n";
        let second = locate(
            block,
            Format::Yaml,
            &[key("extra"), key("credentials"), Segment::Index(1)],
        )
        .unwrap();
        assert!(
            block[second..].starts_with("abbr: C"),
            "{}",
            &block[second..]
        );
        let year = locate(
            block,
            Format::Yaml,
            &[key("extra"), key("stats"), key("pay"), key("year")],
        )
        .unwrap();
        assert!(block[year..].starts_with("year: 2020"));
        assert_eq!(locate(block, Format::Yaml, &[key("missing")]), None);
    }

    #[test]
    fn yaml_offsets_are_bytes_after_non_ascii_text() {
        let block = "title: Ça va – oui\nweight: 2\n";
        let offset = locate(block, Format::Yaml, &[key("weight")]).unwrap();
        assert!(block[offset..].starts_with("weight"));
    }

    #[test]
    fn json_is_walked_like_yaml() {
        let block = "{\n  \"title\": \"x\",\n  \"extra\": {\"list\": [1, {\"a\": 2}]}\n}";
        let offset = locate(
            block,
            Format::Json,
            &[key("extra"), key("list"), Segment::Index(1), key("a")],
        )
        .unwrap();
        assert!(block[offset..].starts_with("\"a\""));
    }

    #[test]
    fn toml_tables_and_arrays_of_tables_are_found() {
        let block = "title = \"x\"\n[extra]\nsoc = 1\n[[extra.items]]\nname = \"a\"\n[[extra.items]]\nname = \"b\"\n";
        let offset = locate(
            block,
            Format::Toml,
            &[key("extra"), key("items"), Segment::Index(1), key("name")],
        )
        .unwrap();
        assert!(block[offset..].starts_with("name = \"b\""));
    }

    #[test]
    fn yaml_event_offsets_are_bytes_after_non_ascii_text() {
        let block = "a: Ça – é\nb: 1\n";
        let offsets: Vec<usize> = YamlEvents::new(block)
            .map(|item| item.unwrap())
            .filter(|(event, _)| matches!(event, Event::Scalar(..)))
            .map(|(_, offset)| offset)
            .collect();
        assert_eq!(&block[offsets[2]..offsets[2] + 1], "b");
        let error = YamlEvents::new("a: [Ça\nb: 1\n")
            .find_map(Result::err)
            .unwrap();
        assert!(error.offset <= "a: [Ça\nb: 1\n".len());
    }

    #[test]
    fn toml_keys_of_a_second_table_are_found_in_that_table() {
        let text = "[sections.a]\npaginate_by = 2\n[sections.b]\npaginate_by = 0\n";
        let offset = locate(text, Format::Toml, &keys(&["sections", "b", "paginate_by"])).unwrap();
        assert_eq!(offset, text.rfind("paginate_by").unwrap());
        assert_eq!(toml_table_keys(text, &keys(&["sections"])), ["a", "b"]);
    }

    #[test]
    fn nearest_falls_back_to_the_deepest_ancestor_found() {
        let yaml = "title: x\nextra:\n  a: 1\n";
        let offset = nearest(yaml, Format::Yaml, &keys(&["extra", "missing"])).unwrap();
        assert!(yaml[offset..].starts_with("extra"));
        assert_eq!(
            locate(yaml, Format::Yaml, &keys(&["extra", "missing"])),
            None
        );
        let toml = "title = \"x\"\n[extra]\na = 1\n";
        let offset = nearest(toml, Format::Toml, &keys(&["extra", "missing"])).unwrap();
        assert!(toml[offset..].starts_with("extra"));
        assert_eq!(nearest(toml, Format::Toml, &keys(&["missing"])), None);
    }

    #[test]
    fn field_paths_read_like_code() {
        let path = FieldPath(vec![
            key("extra"),
            key("credentials"),
            Segment::Index(1),
            key("body"),
        ]);
        assert_eq!(path.to_string(), "extra.credentials[1].body");
    }
}
