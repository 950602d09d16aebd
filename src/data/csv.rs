//! CSV data files: a header line, then one record per row, read into a
//! list of maps keyed by the header's names.
//!
//! **Typing rule.** Every cell is trimmed. A column that the file's schema
//! types (`items.properties.<name>.type`) is read as that type: a cell that
//! is a number becomes one when the type allows `number` or `integer`,
//! `true`/`false` become booleans when it allows `boolean`, an empty cell is
//! `null` when it allows `null`; anything else stays text, for the schema
//! to refuse ("expected number, found string \"n/a\""). A column the schema
//! does not type, or any column of a file without a schema, has numbers
//! where a cell is a number as JSON writes one (`12`, `-3.5`, `1e3`; not
//! `007`, `+1` or `1,000`, which stay text) and text everywhere else.
//!
//! Every problem is reported at its line and column: a row with the wrong
//! number of fields, a header name that is empty or repeated, a quote
//! never closed, and each schema violation at the cell it names, as
//! `column `median_pay` (row 3): ...`.

use serde_json::{Map, Value};

use crate::diagnostics::Diagnostic;
use crate::locate::Segment;
use crate::schema::SectionSchema;

/// Reads `text` (without byte-order mark) and checks it against `schema`.
pub fn parse(
    display: &str,
    text: &str,
    schema: Option<&SectionSchema>,
) -> Result<(Value, Vec<String>), Vec<Diagnostic>> {
    let error = |offset: usize, message: String| {
        Diagnostic::error(display, "data-syntax", message).at_offset(text, offset)
    };
    let mut reader = ::csv::ReaderBuilder::new()
        .flexible(true)
        .trim(::csv::Trim::All)
        .from_reader(text.as_bytes());
    let mut errors = Vec::new();
    let headers: Vec<String> = match reader.headers() {
        Ok(headers) => headers.iter().map(str::to_string).collect(),
        Err(problem) => return Err(vec![error(0, format!("invalid CSV: {problem}"))]),
    };
    for (index, name) in headers.iter().enumerate() {
        if name.is_empty() {
            let message = format!("column {} has no name in the header", index + 1);
            errors.push(error(field_offset(text, 0, index), message));
        } else if headers[..index].contains(name) {
            let message = format!("column `{name}` appears twice in the header");
            errors.push(error(field_offset(text, 0, index), message));
        }
    }
    let types = schema.map_or_else(Vec::new, |schema| column_types(&schema.document, &headers));
    let mut records = Vec::new();
    // Where each record of `records` starts, and its row number.
    let mut rows: Vec<(usize, usize)> = Vec::new();
    let mut last_start = 0;
    for (index, result) in reader.records().enumerate() {
        let row = index + 1;
        let record = match result {
            Ok(record) => record,
            Err(problem) => {
                let offset = problem.position().map_or(0, |p| p.byte() as usize);
                errors.push(error(
                    offset,
                    format!("invalid CSV in row {row}: {problem}"),
                ));
                continue;
            }
        };
        let start = record_start(text, record.position().map_or(0, |p| p.byte() as usize));
        last_start = start;
        if record.len() != headers.len() {
            let message = format!(
                "row {row} has {} field{}, but the header names {} column{}: every row needs one field per column (quote a field that holds a comma)",
                record.len(),
                plural(record.len()),
                headers.len(),
                plural(headers.len())
            );
            errors.push(error(start, message));
            continue;
        }
        let mut map = Map::new();
        for (column, cell) in record.iter().enumerate() {
            let value = typed(cell, types.get(column).and_then(Option::as_ref));
            map.insert(headers[column].clone(), value);
        }
        records.push(Value::Object(map));
        rows.push((row, start));
    }
    if let Some(offset) = unclosed_quote(text, last_start) {
        errors.push(error(
            offset,
            "this quoted field is never closed: add the closing `\"` (write a quote inside a quoted field as `\"\"`)".to_string(),
        ));
    }
    let value = Value::Array(records);
    if let Some(schema) = schema {
        for violation in schema.validate(&value) {
            let (offset, message) = match violation.field.as_slice() {
                [Segment::Index(i), Segment::Key(name), ..] => {
                    let (row, start) = rows[*i];
                    let offset = match headers.iter().position(|h| h == name) {
                        Some(column) => field_offset(text, start, column),
                        None => start,
                    };
                    (
                        offset,
                        format!("column `{name}` (row {row}): {}", violation.detail),
                    )
                }
                [Segment::Index(i), ..] => {
                    let (row, start) = rows[*i];
                    (start, format!("row {row}: {}", violation.detail))
                }
                _ => (0, violation.detail),
            };
            errors.push(Diagnostic::error(display, "schema", message).at_offset(text, offset));
        }
    }
    if errors.is_empty() {
        Ok((value, headers))
    } else {
        Err(errors)
    }
}

/// The header's names and where each record of `text` (a file that
/// [`parse`] read without error) starts: record `i` of the list starts at
/// `starts[i]`. For positions in errors found after loading.
pub(super) fn layout(text: &str) -> (Vec<String>, Vec<usize>) {
    let mut reader = ::csv::ReaderBuilder::new()
        .flexible(true)
        .trim(::csv::Trim::All)
        .from_reader(text.as_bytes());
    let headers = reader
        .headers()
        .map(|headers| headers.iter().map(str::to_string).collect())
        .unwrap_or_default();
    let starts = reader
        .records()
        .filter_map(Result::ok)
        .map(|record| record_start(text, record.position().map_or(0, |p| p.byte() as usize)))
        .collect();
    (headers, starts)
}

/// What the schema allows in one column.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
struct ColumnType {
    number: bool,
    boolean: bool,
    null: bool,
}

/// The type of each column that the schema's `items.properties` types
/// (local `$ref`s followed).
fn column_types(schema: &Value, headers: &[String]) -> Vec<Option<ColumnType>> {
    let properties = schema
        .get("items")
        .map(|items| resolve(schema, items))
        .and_then(|items| items.get("properties"));
    headers
        .iter()
        .map(|name| {
            let types = resolve(schema, properties?.get(name)?).get("type")?;
            let names: Vec<&str> = match types {
                Value::String(one) => vec![one.as_str()],
                Value::Array(many) => many.iter().filter_map(Value::as_str).collect(),
                _ => return None,
            };
            Some(ColumnType {
                number: names.iter().any(|t| *t == "number" || *t == "integer"),
                boolean: names.contains(&"boolean"),
                null: names.contains(&"null"),
            })
        })
        .collect()
}

/// `value`, or the schema its local `$ref` points at (followed a few times).
fn resolve<'a>(schema: &'a Value, mut value: &'a Value) -> &'a Value {
    for _ in 0..8 {
        match value.get("$ref").and_then(Value::as_str) {
            Some(reference) if reference.starts_with('#') => {
                match schema.pointer(&reference[1..]) {
                    Some(target) => value = target,
                    None => break,
                }
            }
            _ => break,
        }
    }
    value
}

/// A cell's value under the typing rule of this module's documentation.
fn typed(cell: &str, column: Option<&ColumnType>) -> Value {
    let Some(column) = column else {
        return number(cell).unwrap_or_else(|| Value::String(cell.to_string()));
    };
    if cell.is_empty() && column.null {
        return Value::Null;
    }
    if column.number
        && let Some(number) = number(cell)
    {
        return number;
    }
    match cell {
        "true" if column.boolean => Value::Bool(true),
        "false" if column.boolean => Value::Bool(false),
        _ => Value::String(cell.to_string()),
    }
}

/// `cell` as a number, when it is one as JSON writes numbers.
fn number(cell: &str) -> Option<Value> {
    if !cell.starts_with(|c: char| c == '-' || c.is_ascii_digit()) {
        return None;
    }
    serde_json::from_str::<serde_json::Number>(cell)
        .ok()
        .map(Value::Number)
}

/// Where a record really starts: the reader may place it on the line
/// break before it (the `\n` of a `\r\n`).
fn record_start(text: &str, mut offset: usize) -> usize {
    while matches!(text.as_bytes().get(offset), Some(b'\r' | b'\n')) {
        offset += 1;
    }
    offset
}

/// Byte offset of field `column` (0-based) of the record starting at
/// `start`, past any leading spaces. Quotes are followed, so a comma or a
/// line break inside a quoted field does not count.
pub(super) fn field_offset(text: &str, start: usize, column: usize) -> usize {
    let bytes = text.as_bytes();
    let (mut field, mut field_start, mut quoted) = (0, start, false);
    let mut index = start;
    while index < bytes.len() && field < column {
        match bytes[index] {
            // A doubled quote inside a quoted field toggles twice.
            b'"' => quoted = !quoted,
            b',' if !quoted => {
                field += 1;
                field_start = index + 1;
            }
            b'\n' | b'\r' if !quoted => break,
            _ => {}
        }
        index += 1;
    }
    while matches!(bytes.get(field_start), Some(b' ' | b'\t')) {
        field_start += 1;
    }
    field_start
}

/// The offset of a quote opened in the last record (starting at `start`)
/// and never closed: the CSV reader would silently take the rest of the
/// file as that field. A quote opens a quoted field only as the field's
/// first character, as the reader sees it.
fn unclosed_quote(text: &str, start: usize) -> Option<usize> {
    enum State {
        FieldStart,
        Unquoted,
        Quoted(usize),
        /// A quote inside a quoted field: its end, or the first of `""`.
        QuoteInQuoted(usize),
    }
    let mut state = State::FieldStart;
    for (index, byte) in text.bytes().enumerate().skip(start) {
        let separator = matches!(byte, b',' | b'\n' | b'\r');
        state = match (state, byte) {
            (State::FieldStart, b'"') => State::Quoted(index),
            (State::Quoted(open), b'"') => State::QuoteInQuoted(open),
            (State::Quoted(open), _) => State::Quoted(open),
            (State::QuoteInQuoted(open), b'"') => State::Quoted(open),
            (_, _) if separator => State::FieldStart,
            (_, _) => State::Unquoted,
        };
    }
    match state {
        State::Quoted(open) => Some(open),
        _ => None,
    }
}

fn plural(count: usize) -> &'static str {
    if count == 1 { "" } else { "s" }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn read(text: &str) -> Value {
        parse("data/t.csv", text, None).unwrap().0
    }

    fn errors(text: &str) -> Vec<String> {
        parse("data/t.csv", text, None)
            .unwrap_err()
            .iter()
            .map(|d| format!("{}:{}: {}", d.line, d.column, d.message))
            .collect()
    }

    #[test]
    fn numbers_as_json_writes_them_become_numbers() {
        assert_eq!(
            read("a,b,c,d,e\n12,-3.5,007,+1,\"1,000\"\n"),
            json!([{"a": 12, "b": -3.5, "c": "007", "d": "+1", "e": "1,000"}])
        );
    }

    #[test]
    fn crlf_quotes_spaces_and_empty_files_are_read() {
        assert_eq!(
            read("name, note\r\n\"A, B\",\"say \"\"hi\"\"\"\r\nC,\"two\nlines\"\r\n"),
            json!([{"name": "A, B", "note": "say \"hi\""}, {"name": "C", "note": "two\nlines"}])
        );
        assert_eq!(read(""), json!([]));
        assert_eq!(read("a\n1\n\n2\n"), json!([{"a": 1}, {"a": 2}]));
        assert_eq!(read("a,b\n"), json!([]));
    }

    #[test]
    fn a_ragged_row_is_an_error_at_its_line() {
        assert_eq!(
            errors("a,b\n1,2\n3\n4,5,6\n"),
            [
                "3:1: row 2 has 1 field, but the header names 2 columns: every row needs one field per column (quote a field that holds a comma)",
                "4:1: row 3 has 3 fields, but the header names 2 columns: every row needs one field per column (quote a field that holds a comma)",
            ]
        );
        assert_eq!(
            errors("a,b\r\n1,2\r\n3\r\n"),
            [
                "3:1: row 2 has 1 field, but the header names 2 columns: every row needs one field per column (quote a field that holds a comma)"
            ]
        );
    }

    #[test]
    fn header_problems_point_at_the_column() {
        assert_eq!(
            errors("a,,b,a\n1,2,3,4\n"),
            [
                "1:3: column 2 has no name in the header",
                "1:6: column `a` appears twice in the header",
            ]
        );
    }

    #[test]
    fn an_unclosed_quote_is_an_error_where_it_opens() {
        assert_eq!(
            errors("a,b\n1,\"two\n3,4\n"),
            [
                "2:3: this quoted field is never closed: add the closing `\"` (write a quote inside a quoted field as `\"\"`)"
            ]
        );
        assert_eq!(read("a\n\"x\"\"y\"\n"), json!([{"a": "x\"y"}]));
    }

    #[test]
    fn field_offsets_follow_quotes() {
        let text = "a,\"b,c\",d\n";
        assert_eq!(field_offset(text, 0, 2), 8);
        assert_eq!(field_offset(text, 0, 0), 0);
    }

    #[test]
    fn schema_types_type_their_columns() {
        let document = json!({"items": {"$ref": "#/$defs/row"}, "$defs": {"row": {"properties": {
            "code": {"type": "string"},
            "pay": {"type": ["number", "null"]},
            "ok": {"type": "boolean"}
        }}}});
        let types = column_types(
            &document,
            &["code".into(), "pay".into(), "ok".into(), "x".into()],
        );
        assert_eq!(typed("123", types[0].as_ref()), json!("123"));
        assert_eq!(typed("", types[1].as_ref()), Value::Null);
        assert_eq!(typed("n/a", types[1].as_ref()), json!("n/a"));
        assert_eq!(typed("5", types[1].as_ref()), json!(5));
        assert_eq!(typed("true", types[2].as_ref()), json!(true));
        assert_eq!(typed("5", types[3].as_ref()), json!(5));
    }
}
