//! Structured data (schema.org JSON-LD) that any page has: an `Article`
//! (headline, description, dates, language, URL) and a `BreadcrumbList`,
//! given to templates as `page.json_ld`, a value, not text. The engine
//! knows no site's field names: a theme that describes more (the careers
//! theme's `Occupation`, from its data files) adds to this value in its
//! template and writes it with the `json_encode` filter, which is the one
//! place that makes JSON safe inside `<script>`.

use serde_json::{Map, Value, json};
use tera::{Kwargs, State, Tera};

use crate::content::{Page, Site};

/// The filter that writes a template value as JSON for a
/// `<script type="application/ld+json">` element.
pub const FILTER: &str = "json_encode";

/// Registers [`FILTER`] on `tera`.
pub fn register(tera: &mut Tera) {
    tera.register_filter(FILTER, |value: tera::Value, kwargs: Kwargs, _: &State| {
        let mut json = serde_json::to_value(&value)
            .map_err(|error| tera::Error::message(format!("{FILTER}: {error}")))?;
        // `skip_null=true` leaves out map entries whose value is `none`, so
        // a template can write `"url": c.body_url or none` for an optional key.
        if kwargs.get::<bool>("skip_null")?.unwrap_or(false) {
            drop_nulls(&mut json);
        }
        Ok::<_, tera::Error>(tera::Value::safe_string(&script_safe(&json)))
    });
}

/// Removes every map entry whose value is `null`, at any depth.
fn drop_nulls(value: &mut Value) {
    match value {
        Value::Object(map) => {
            map.retain(|_, v| !v.is_null());
            map.values_mut().for_each(drop_nulls);
        }
        Value::Array(items) => items.iter_mut().for_each(drop_nulls),
        _ => {}
    }
}

/// `value` as compact JSON that can stand inside `<script>`: `<`, `>` and
/// `&` are written as `\u003c`, `\u003e`, `\u0026` (the same characters
/// to a JSON parser), so neither `</script>` nor `<!--` can end or confuse
/// the element, and U+2028/U+2029 are escaped for older JavaScript parsers.
pub fn script_safe(value: &Value) -> String {
    serde_json::to_string(value)
        .expect("a JSON value always serializes")
        .replace('<', "\\u003c")
        .replace('>', "\\u003e")
        .replace('&', "\\u0026")
        .replace('\u{2028}', "\\u2028")
        .replace('\u{2029}', "\\u2029")
}

/// The generic JSON-LD graph of a page: `{"@context", "@graph": [Article,
/// BreadcrumbList]}`. Templates write it with `| json_encode`.
pub fn for_page(site: &Site, page: &Page) -> Value {
    let mut article = Map::new();
    article.insert("@type".into(), json!("Article"));
    article.insert("headline".into(), json!(page.title));
    if let Some(description) = &page.front.description {
        article.insert("description".into(), json!(description));
    }
    if let Some(date) = page.date {
        article.insert("datePublished".into(), json!(date.to_string()));
    }
    if let Some(date) = page.updated.or(page.date) {
        article.insert("dateModified".into(), json!(date.to_string()));
    }
    article.insert("inLanguage".into(), json!(site.config.language));
    if let Some(url) = site.permalink(&page.path) {
        article.insert("url".into(), json!(url));
    }

    let mut crumbs = Vec::new();
    let mut index = Some(page.section);
    let mut chain = Vec::new();
    while let Some(i) = index {
        chain.push((&site.sections[i].title, &site.sections[i].path));
        index = site.sections[i].parent;
    }
    chain.reverse();
    chain.push((&page.title, &page.path));
    for (position, (name, path)) in chain.into_iter().enumerate() {
        let mut item = Map::new();
        item.insert("@type".into(), json!("ListItem"));
        item.insert("position".into(), json!(position + 1));
        item.insert("name".into(), json!(name));
        if let Some(url) = site.permalink(path) {
            item.insert("item".into(), json!(url));
        }
        crumbs.push(Value::Object(item));
    }
    json!({
        "@context": "https://schema.org",
        "@graph": [
            Value::Object(article),
            {"@type": "BreadcrumbList", "itemListElement": crumbs},
        ],
    })
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    #[test]
    fn script_safe_json_cannot_close_the_script_and_parses_back() {
        let value = json!({"name": "</script><!-- a & b \u{2028}"});
        let text = super::script_safe(&value);
        assert!(!text.contains('<') && !text.contains('>') && !text.contains('&'));
        assert_eq!(
            serde_json::from_str::<serde_json::Value>(&text).unwrap(),
            value
        );
    }

    #[test]
    fn drop_nulls_removes_null_entries_at_any_depth() {
        let mut value = json!({"a": null, "b": [{"c": null, "d": 1}]});
        super::drop_nulls(&mut value);
        assert_eq!(value, json!({"b": [{"d": 1}]}));
    }
}
