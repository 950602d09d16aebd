//! Patterns of `generate` (`"{career}/{state}"`, `"{title} in {state_name}"`):
//! text with `{field}` placeholders filled from one record. `{{` and `}}`
//! write a brace. Parsed once per section, filled once per record.

use serde_json::{Map, Value};

/// One pattern, parsed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct Pattern(Vec<Part>);

#[derive(Debug, Clone, PartialEq, Eq)]
enum Part {
    Text(String),
    Field(String),
}

/// Why a record cannot fill a pattern.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) enum FillError {
    /// The record has no such field.
    Missing(String),
    /// The field holds a list or a map (named: "a list").
    NotText(String, &'static str),
}

impl Pattern {
    /// Parses `text`; the error says what is wrong, for the writer.
    pub(super) fn parse(text: &str) -> Result<Pattern, String> {
        let mut parts = Vec::new();
        let mut literal = String::new();
        let mut chars = text.char_indices().peekable();
        while let Some((index, c)) = chars.next() {
            match c {
                '{' if chars.peek().map(|&(_, next)| next) == Some('{') => {
                    chars.next();
                    literal.push('{');
                }
                '}' if chars.peek().map(|&(_, next)| next) == Some('}') => {
                    chars.next();
                    literal.push('}');
                }
                '{' => {
                    let rest = &text[index + 1..];
                    let Some(end) = rest.find('}') else {
                        return Err(format!(
                            "`{{` at {} is never closed with `}}` (write a brace as `{{{{`)",
                            index + 1
                        ));
                    };
                    let name = rest[..end].trim();
                    if name.is_empty() || name.contains('{') {
                        return Err(format!(
                            "`{{{}}}` names no field: write `{{field}}`, a field of the records",
                            &rest[..end]
                        ));
                    }
                    if !literal.is_empty() {
                        parts.push(Part::Text(std::mem::take(&mut literal)));
                    }
                    parts.push(Part::Field(name.to_string()));
                    for _ in 0..=rest[..end].chars().count() {
                        chars.next();
                    }
                }
                '}' => {
                    return Err(format!(
                        "`}}` at {} closes nothing (write a brace as `}}}}`)",
                        index + 1
                    ));
                }
                c => literal.push(c),
            }
        }
        if !literal.is_empty() {
            parts.push(Part::Text(literal));
        }
        Ok(Pattern(parts))
    }

    /// The fields the pattern names, in order.
    pub(super) fn fields(&self) -> impl Iterator<Item = &str> {
        self.0.iter().filter_map(|part| match part {
            Part::Field(name) => Some(name.as_str()),
            Part::Text(_) => None,
        })
    }

    /// The pattern filled from `record`: text as it is, numbers and
    /// booleans as JSON writes them, `null` as nothing.
    pub(super) fn fill(&self, record: &Map<String, Value>) -> Result<String, FillError> {
        let mut filled = String::new();
        for part in &self.0 {
            match part {
                Part::Text(text) => filled.push_str(text),
                Part::Field(name) => match record.get(name) {
                    None => return Err(FillError::Missing(name.clone())),
                    Some(Value::String(text)) => filled.push_str(text),
                    Some(Value::Null) => {}
                    Some(value @ (Value::Number(_) | Value::Bool(_))) => {
                        filled.push_str(&value.to_string());
                    }
                    Some(Value::Array(_)) => {
                        return Err(FillError::NotText(name.clone(), "a list"));
                    }
                    Some(Value::Object(_)) => {
                        return Err(FillError::NotText(name.clone(), "a map"));
                    }
                },
            }
        }
        Ok(filled)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn fill(pattern: &str, record: Value) -> Result<String, FillError> {
        let Value::Object(record) = record else {
            panic!()
        };
        Pattern::parse(pattern).unwrap().fill(&record)
    }

    #[test]
    fn fields_are_filled_from_the_record() {
        let record = json!({"career": "Dental assistant", "state": "CA", "pay": 48300, "new": true, "note": null});
        assert_eq!(
            fill("{career} in {state}", record.clone()).unwrap(),
            "Dental assistant in CA"
        );
        assert_eq!(
            fill("{ pay }/{new}/{note}", record.clone()).unwrap(),
            "48300/true/"
        );
        assert_eq!(
            fill("{{literal}} {state}", record.clone()).unwrap(),
            "{literal} CA"
        );
        assert_eq!(
            fill("{city}", record).unwrap_err(),
            FillError::Missing("city".into())
        );
        assert_eq!(
            fill("{tags}", json!({"tags": [1]})).unwrap_err(),
            FillError::NotText("tags".into(), "a list")
        );
    }

    #[test]
    fn bad_patterns_say_what_is_wrong() {
        assert_eq!(
            Pattern::parse("{career/{state}").unwrap_err(),
            "`{career/{state}` names no field: write `{field}`, a field of the records"
        );
        assert_eq!(
            Pattern::parse("a/{state").unwrap_err(),
            "`{` at 3 is never closed with `}` (write a brace as `{{`)"
        );
        assert_eq!(
            Pattern::parse("{}").unwrap_err(),
            "`{}` names no field: write `{field}`, a field of the records"
        );
        assert_eq!(
            Pattern::parse("a}").unwrap_err(),
            "`}` at 2 closes nothing (write a brace as `}}`)"
        );
        let pattern = Pattern::parse("{career}/{state}").unwrap();
        assert_eq!(pattern.fields().collect::<Vec<_>>(), ["career", "state"]);
    }
}
