//! Provenance as a type: a data file declared `kind = "figures"` in
//! `site.toml` is a map from a figure's key to the figure, checked by
//! medsite's built-in schema (`figures.schema.json`): its value, unit,
//! reference period (and series), scope, and source (URL, publisher,
//! title, primary or secondary, date accessed).
//!
//! Templates render a figure one way, with `get_fact(data=..., key=...)`:
//! the figure's fields, its value as text (`display`), and `html`, the
//! value with its period and source link, so that every place that shows
//! a figure shows where it came from.

use std::collections::BTreeMap;
use std::sync::Arc;

use serde_json::Value;
use tera::{Kwargs, State, Tera};

use super::DataFiles;
use crate::diagnostics::{self, Diagnostic};
use crate::schema::SectionSchema;

/// The `kind` of a figures file in `site.toml`.
pub const KIND: &str = "figures";

/// The name templates call.
pub const FUNCTION: &str = "get_fact";

/// The built-in schema every figures file must meet.
pub const SCHEMA: &str = include_str!("figures.schema.json");

/// The built-in schema, compiled.
pub fn schema() -> Result<SectionSchema, Diagnostic> {
    let document: Value = serde_json::from_str(SCHEMA).map_err(|error| {
        Diagnostic::error(
            "(built-in) figures.schema.json",
            "schema-invalid",
            error.to_string(),
        )
    })?;
    SectionSchema::compile("(built-in) figures.schema.json".to_string(), document)
}

/// Registers `get_fact` on `tera`, with every figure of every figures file
/// made into its template value once.
pub fn register(tera: &mut Tera, data: &DataFiles) {
    let mut files: BTreeMap<String, BTreeMap<String, tera::Value>> = BTreeMap::new();
    let mut others: Vec<String> = Vec::new();
    for (path, file) in data.iter() {
        match (&file.value, file.figures) {
            (Value::Object(figures), true) => {
                let values = figures
                    .iter()
                    .map(|(key, figure)| {
                        let fact = fact(path, key, figure);
                        (key.clone(), tera::Value::from_serializable(&fact))
                    })
                    .collect();
                files.insert(path.to_string(), values);
            }
            _ => others.push(path.to_string()),
        }
    }
    let files = Arc::new(files);
    tera.register_function(FUNCTION, move |kwargs: Kwargs, _: &State| {
        let path: &str = kwargs.must_get("data")?;
        let key: &str = kwargs.must_get("key")?;
        let Some(figures) = files.get(path) else {
            let message = if others.iter().any(|other| other == path) {
                format!(
                    "get_fact: `{path}` is not a figures file: declare `[data.\"{path}\"] kind = \"{KIND}\"` in site.toml"
                )
            } else {
                let guess = diagnostics::did_you_mean(path, files.keys().map(String::as_str))
                    .map_or(String::new(), |guess| format!(" (did you mean `{guess}`?)"));
                format!("get_fact: no figures file `{path}` in `data/`{guess}")
            };
            return Err(tera::Error::message(message));
        };
        figures.get(key).cloned().ok_or_else(|| {
            let guess = diagnostics::did_you_mean(key, figures.keys().map(String::as_str))
                .map_or(String::new(), |guess| format!(" (did you mean `{guess}`?)"));
            tera::Error::message(format!("get_fact: no figure `{key}` in `data/{path}`{guess}"))
        })
    });
}

/// A figure as templates see it: its own fields, plus `display` and `html`.
pub fn fact(path: &str, key: &str, figure: &Value) -> Value {
    let mut fact = figure.as_object().cloned().unwrap_or_default();
    let text = |name: &str| {
        fact.get(name)
            .and_then(Value::as_str)
            .unwrap_or_default()
            .to_string()
    };
    let display = display(fact.get("value").unwrap_or(&Value::Null), &text("unit"));
    let period = text("period");
    let source = fact.get("source").cloned().unwrap_or_default();
    let source_text = |name: &str| source.get(name).and_then(Value::as_str).unwrap_or_default();
    let escape = |text: &str| html_escape::encode_double_quoted_attribute(text).into_owned();
    let html = format!(
        "<span class=\"fact\" data-source=\"{kind}\">{value} <span class=\"fact-source\">(<a href=\"{url}\" title=\"{title}\">{period}, {publisher}</a>)</span></span>",
        kind = escape(source_text("type")),
        value = escape(&display),
        url = escape(source_text("url")),
        title = escape(source_text("title")),
        period = escape(&period),
        publisher = escape(source_text("publisher")),
    );
    let value_html = format!(
        "<span class=\"fact\" data-source=\"{kind}\" data-fact=\"{id}\">{value}</span>",
        kind = escape(source_text("type")),
        id = escape(&mark(path, key)),
        value = escape(&display),
    );
    fact.insert("display".into(), Value::String(display));
    fact.insert("html".into(), Value::String(html));
    fact.insert("value_html".into(), Value::String(value_html));
    Value::Object(fact)
}

/// A value as a reader reads it: thousands grouped, `$` before a value in
/// US dollars (`USD`, `USD per year`), `%` after a percentage.
/// What `value_html` names its figure by (`data-fact="figures/pay.yaml#a.pay"`),
/// so that `check` can tell which figures an output shows.
pub fn mark(path: &str, key: &str) -> String {
    format!("{path}#{key}")
}

pub fn display(value: &Value, unit: &str) -> String {
    let number = match value.as_f64() {
        Some(number) if number.fract() == 0.0 && number.abs() < 1e15 => {
            crate::templates::thousands(number as i64)
        }
        Some(_) => value.to_string(),
        None => return value.as_str().unwrap_or_default().to_string(),
    };
    let unit = unit.trim();
    if unit == "USD" || unit.starts_with("USD ") {
        match number.strip_prefix('-') {
            Some(positive) => format!("-${positive}"),
            None => format!("${number}"),
        }
    } else if unit == "percent" || unit == "%" {
        format!("{number}%")
    } else {
        number
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn the_built_in_schema_compiles_and_names_what_is_missing() {
        let schema = schema().unwrap();
        let figures = json!({
            "pay": {"value": 48300, "unit": "USD per year", "period": "May 2024", "scope": "x",
                    "source": {"url": "https://www.bls.gov/oes/", "publisher": "BLS",
                               "title": "OEWS", "type": "primary", "accessed": "2025-04-02"}},
            "jobs": {"value": "many", "unit": "jobs", "period": "2024", "scope": "x",
                     "source": {"url": "ftp://x", "publisher": "BLS", "title": "EP", "type": "tertiary"}}
        });
        let mut messages: Vec<String> = schema
            .validate(&figures)
            .into_iter()
            .map(|v| v.message)
            .collect();
        messages.sort();
        assert_eq!(
            messages,
            [
                "jobs.source.accessed: required, but missing",
                "jobs.source.type: expected one of \"primary\", \"secondary\", found string \"tertiary\"",
                "jobs.source.url: expected an http(s) URL, found string \"ftp://x\"",
                "jobs.value: expected number, found string \"many\"",
            ]
        );
    }

    #[test]
    fn values_display_as_readers_read_them() {
        assert_eq!(display(&json!(48300), "USD per year"), "$48,300");
        assert_eq!(display(&json!(119900), "jobs"), "119,900");
        assert_eq!(display(&json!(5.5), "percent"), "5.5%");
        assert_eq!(display(&json!(-3), "percent"), "-3%");
        assert_eq!(display(&json!(-1200), "USD"), "-$1,200");
    }

    #[test]
    fn a_fact_carries_its_period_and_source_link_escaped() {
        let figure = json!({"value": 48300, "unit": "USD", "period": "May 2024",
            "source": {"url": "https://x.org/?a=1&b=2", "publisher": "A \"B\"", "title": "T", "type": "primary"}});
        let fact = fact("figures/pay.yaml", "a.pay", &figure);
        assert_eq!(fact["display"], "$48,300");
        assert_eq!(
            fact["html"],
            "<span class=\"fact\" data-source=\"primary\">$48,300 <span class=\"fact-source\">(<a href=\"https://x.org/?a=1&amp;b=2\" title=\"T\">May 2024, A &quot;B&quot;</a>)</span></span>"
        );
        assert_eq!(
            fact["value_html"],
            "<span class=\"fact\" data-source=\"primary\" data-fact=\"figures/pay.yaml#a.pay\">$48,300</span>"
        );
    }
}
