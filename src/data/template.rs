//! `get_data(path="careers.csv")`: the Tera function through which
//! templates read data files. It returns the file's parsed value (a CSV
//! file: a list of records keyed by the header's names, in the header's
//! order); an unknown path is a template error naming the files there are.

use std::collections::BTreeMap;
use std::sync::Arc;

use serde::ser::{Serialize, SerializeMap, Serializer};
use tera::{Kwargs, State, Tera, Value};

use super::{DataFile, DataFiles};
use crate::diagnostics;

/// The name templates call.
pub const FUNCTION: &str = "get_data";

/// Registers `get_data` on `tera`, with every file converted once.
pub fn register(tera: &mut Tera, data: &DataFiles) {
    let values: Arc<BTreeMap<String, Value>> = Arc::new(
        data.iter()
            .map(|(path, file)| (path.to_string(), tera_value(file)))
            .collect(),
    );
    tera.register_function(FUNCTION, move |kwargs: Kwargs, _: &State| {
        let path: &str = kwargs.must_get("path")?;
        let key = path.trim_start_matches("./");
        values
            .get(key)
            .cloned()
            .ok_or_else(|| tera::Error::message(missing(key, values.keys())))
    });
}

/// The message for a path that names no data file.
fn missing<'a>(path: &str, known: impl Iterator<Item = &'a String> + Clone) -> String {
    let mut message = format!("get_data: no data file `{path}` in `data/`");
    if let Some(stripped) = path.strip_prefix("data/")
        && known.clone().any(|k| k == stripped)
    {
        message.push_str(&format!(
            " (paths are relative to `data/`: write `{stripped}`)"
        ));
    } else if let Some(guess) = diagnostics::did_you_mean(path, known.clone().map(String::as_str)) {
        message.push_str(&format!(" (did you mean `{guess}`?)"));
    } else {
        let names: Vec<String> = known.map(|k| format!("`{k}`")).collect();
        if names.is_empty() {
            message.push_str(": the site has no data files");
        } else {
            message.push_str(&format!("; there are {}", names.join(", ")));
        }
    }
    message
}

/// A file's value for templates: CSV records keep the header's order.
fn tera_value(file: &DataFile) -> Value {
    match &file.value {
        serde_json::Value::Array(records) if !file.columns.is_empty() => {
            let ordered: Vec<Record<'_>> = records
                .iter()
                .filter_map(serde_json::Value::as_object)
                .map(|record| Record {
                    columns: &file.columns,
                    record,
                })
                .collect();
            Value::from_serializable(&ordered)
        }
        value => Value::from_serializable(value),
    }
}

/// A CSV record serialized in column order (serde_json's maps are sorted).
struct Record<'a> {
    columns: &'a [String],
    record: &'a serde_json::Map<String, serde_json::Value>,
}

impl Serialize for Record<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut map = serializer.serialize_map(Some(self.columns.len()))?;
        for column in self.columns {
            if let Some(value) = self.record.get(column) {
                map.serialize_entry(column, value)?;
            }
        }
        map.end()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_missing_path_names_what_there_is() {
        let known = ["careers.csv".to_string(), "states/ca.yaml".to_string()];
        assert_eq!(
            missing("data/careers.csv", known.iter()),
            "get_data: no data file `data/careers.csv` in `data/` (paths are relative to `data/`: write `careers.csv`)"
        );
        assert_eq!(
            missing("carers.csv", known.iter()),
            "get_data: no data file `carers.csv` in `data/` (did you mean `careers.csv`?)"
        );
        assert_eq!(
            missing("x.json", known.iter()),
            "get_data: no data file `x.json` in `data/`; there are `careers.csv`, `states/ca.yaml`"
        );
        assert_eq!(
            missing("x.json", [].iter()),
            "get_data: no data file `x.json` in `data/`: the site has no data files"
        );
    }
}
