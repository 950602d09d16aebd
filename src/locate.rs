//! Where a value sits in a front-matter block: a path of map keys and list
//! indexes (`extra.credentials[1].body`) becomes a byte offset, so that
//! schema violations point at the offending key and not at the file.
//!
//! YAML (and JSON, which YAML's flow syntax reads) is walked as parser
//! events, whose marks are exact; TOML is read with `toml`'s spanned
//! parser. Both see the same block that was already parsed successfully,
//! so they only fail on exotic input, and callers fall back to the
//! key-only [`locate_key`] or to the fence.

use std::fmt;

/// The language of a front-matter block (or of `site.toml`: TOML).
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

/// Byte offset in `block` of the element at `path`: the key of a map entry,
/// the start of a list item. `None` for the empty path or when the path
/// is not in the block.
pub fn locate(block: &str, format: Format, path: &[Segment]) -> Option<usize> {
    if path.is_empty() {
        return None;
    }
    match format {
        Format::Yaml | Format::Json => yaml_positions(block)?
            .into_iter()
            .find(|(p, _)| p == path)
            .map(|(_, offset)| offset),
        Format::Toml => toml_position(block, path),
    }
}

/// Byte offset in the whole file of the element at `path`, else of its
/// nearest ancestor found (by keys alone if need be), else 0: the start of
/// the file, where the front matter opens. `block` starts at `block_offset`.
pub fn offset_in_file(
    block: &str,
    block_offset: usize,
    format: Option<Format>,
    path: &[Segment],
) -> usize {
    let found = format.and_then(|format| {
        (1..=path.len())
            .rev()
            .find_map(|length| locate(block, format, &path[..length]))
            .or_else(|| {
                let keys: Vec<String> = path
                    .iter()
                    .filter_map(|segment| match segment {
                        Segment::Key(key) => Some(key.clone()),
                        Segment::Index(_) => None,
                    })
                    .collect();
                locate_key(block, &keys)
            })
    });
    found.map_or(0, |offset| block_offset + offset)
}

/// Every key and list item of a YAML (or JSON) block with its byte offset.
fn yaml_positions(block: &str) -> Option<Vec<(Vec<Segment>, usize)>> {
    use yaml_rust2::parser::{Event, Parser};

    enum Frame {
        /// `key` is the key whose value comes next, if any.
        Map {
            key: Option<String>,
        },
        Sequence {
            next: usize,
        },
    }

    // Marks count characters; offsets are bytes.
    let char_to_byte: Vec<usize> = block
        .char_indices()
        .map(|(byte, _)| byte)
        .chain([block.len()])
        .collect();
    let mut positions: Vec<(Vec<Segment>, usize)> = Vec::new();
    let mut path: Vec<Segment> = Vec::new();
    let mut stack: Vec<Frame> = Vec::new();
    let mut parser = Parser::new_from_str(block);
    loop {
        let (event, mark) = parser.next_token().ok()?;
        let offset = *char_to_byte.get(mark.index())?;
        let opens = matches!(event, Event::MappingStart(..) | Event::SequenceStart(..));
        match event {
            Event::StreamEnd => {
                // A block map's start is marked at its first `:`, past its
                // first key: a list item that is a map starts at that key.
                // The first position recorded after an item is its first key.
                for index in 1..positions.len() {
                    let (item, item_offset) = &positions[index - 1];
                    let first_key = Some(&positions[index])
                        .filter(|(p, _)| p.len() == item.len() + 1 && p.starts_with(item))
                        .map(|(_, offset)| *offset);
                    if let Some(key_offset) = first_key.filter(|o| o < item_offset) {
                        positions[index - 1].1 = key_offset;
                    }
                }
                return Some(positions);
            }
            Event::Scalar(..) | Event::MappingStart(..) | Event::SequenceStart(..) => {
                // Which slot of the parent this node fills.
                let entered = match stack.last_mut() {
                    Some(Frame::Map { key }) => match key.take() {
                        Some(name) => Some(Segment::Key(name)),
                        None => {
                            // A key: remember it and where it is.
                            if let Event::Scalar(text, ..) = &event {
                                let mut key_path = path.clone();
                                key_path.push(Segment::Key(text.clone()));
                                positions.push((key_path, offset));
                                *key = Some(text.clone());
                                continue;
                            }
                            // A complex key (a map or list as key): no path names it.
                            return None;
                        }
                    },
                    Some(Frame::Sequence { next }) => {
                        let index = *next;
                        *next += 1;
                        let mut item_path = path.clone();
                        item_path.push(Segment::Index(index));
                        positions.push((item_path, offset));
                        Some(Segment::Index(index))
                    }
                    None => None,
                };
                if opens {
                    if let Some(segment) = entered {
                        path.push(segment);
                    }
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
}

/// The offset of `path` in a TOML block, from `toml`'s spans.
fn toml_position(block: &str, path: &[Segment]) -> Option<usize> {
    use toml::de::{DeTable, DeValue};
    let table = DeTable::parse(block).ok()?;
    let mut current: &DeValue<'_> = &DeValue::Boolean(false);
    let mut table_ref = Some(table.get_ref());
    let mut offset = None;
    for segment in path {
        match (segment, table_ref, current) {
            (Segment::Key(key), Some(table), _) => {
                let (name, value) = table.iter().find(|(name, _)| name.get_ref() == key)?;
                offset = Some(name.span().start);
                current = value.get_ref();
            }
            (Segment::Index(index), None, DeValue::Array(items)) => {
                let item = items.get(*index)?;
                offset = Some(item.span().start);
                current = item.get_ref();
            }
            _ => return None,
        }
        table_ref = match current {
            DeValue::Table(table) => Some(table),
            _ => None,
        };
    }
    offset
}

/// Finds the byte offset (in `block`) of the key at the end of `path`,
/// looking for each segment after the previous one. Works for YAML
/// (`key:`), TOML (`key =`, `[a.key]`) and JSON (`"key":`).
pub fn locate_key(block: &str, path: &[String]) -> Option<usize> {
    let mut search_from = 0;
    let mut found = None;
    for key in path {
        let mut offset = search_from;
        let mut hit = None;
        for line in block[search_from..].split_inclusive('\n') {
            let content = line.trim_start().trim_start_matches("- ");
            let lead = line.len() - content.len();
            let bare = content.trim_start_matches(['"', '\'']);
            if let Some(rest) = bare.strip_prefix(key.as_str()) {
                let rest = rest.trim_start_matches(['"', '\'']).trim_start();
                if rest.starts_with(':') || rest.starts_with('=') {
                    hit = Some(offset + lead);
                    break;
                }
            }
            if content.starts_with('[') {
                let header = content
                    .trim_start_matches('[')
                    .trim_end()
                    .trim_end_matches(']');
                if header.rsplit('.').next().map(str::trim) == Some(key.as_str()) {
                    hit = Some(offset + lead);
                    break;
                }
            }
            offset += line.len();
        }
        let hit = hit?;
        found = Some(hit);
        search_from = hit;
    }
    found
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
