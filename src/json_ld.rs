//! Structured data (schema.org JSON-LD) for pages, built from front matter
//! only: an `Article` (with an `Occupation` as its main entity when the
//! page's `extra` describes one) and a `BreadcrumbList`. A figure missing
//! from front matter is simply not emitted.

use serde_json::{Map, Value, json};

use crate::content::{Page, Site};

/// The JSON-LD for a page, safe to place inside `<script>`.
pub fn for_page(site: &Site, page: &Page) -> String {
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
    if let Some(occupation) = occupation(&page.front.extra) {
        article.insert("mainEntity".into(), occupation);
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
    let graph = json!({
        "@context": "https://schema.org",
        "@graph": [
            Value::Object(article),
            {"@type": "BreadcrumbList", "itemListElement": crumbs},
        ],
    });
    // `</script>` or `<!--` inside a string would end or confuse the
    // script element; `\u003c` is the same character to a JSON parser.
    serde_json::to_string(&graph)
        .expect("a JSON value always serializes")
        .replace('<', "\\u003c")
}

/// A schema.org `Occupation` from a career page's `extra`, or `None` when
/// the page does not describe one (no `us_title`).
fn occupation(extra: &Map<String, Value>) -> Option<Value> {
    let name = extra.get("us_title")?.as_str()?;
    let mut occupation = Map::new();
    occupation.insert("@type".into(), json!("Occupation"));
    occupation.insert("name".into(), json!(name));
    occupation.insert(
        "occupationLocation".into(),
        json!({"@type": "Country", "name": "US"}),
    );
    if let Some(code) = extra.get("soc_code").and_then(Value::as_str) {
        occupation.insert(
            "occupationalCategory".into(),
            json!({
                "@type": "CategoryCode",
                "codeValue": code,
                "name": name,
                "inCodeSet": {
                    "@type": "CategoryCodeSet",
                    "name": "Standard Occupational Classification (SOC) 2018",
                    "url": "https://www.bls.gov/soc/"
                }
            }),
        );
    }
    if let Some(education) = extra.get("entry_education").and_then(Value::as_str) {
        occupation.insert("educationRequirements".into(), json!(education));
    }
    if let Some(credentials) = extra.get("credentials").and_then(Value::as_array) {
        let qualifications: Vec<Value> = credentials
            .iter()
            .filter_map(|credential| {
                let name = credential.get("name")?.as_str()?;
                let abbr = credential.get("abbr").and_then(Value::as_str);
                let mut item = Map::new();
                item.insert("@type".into(), json!("EducationalOccupationalCredential"));
                item.insert(
                    "name".into(),
                    json!(match abbr {
                        Some(abbr) => format!("{name} ({abbr})"),
                        None => name.to_string(),
                    }),
                );
                if let Some(kind) = credential.get("kind").and_then(Value::as_str) {
                    item.insert("credentialCategory".into(), json!(kind));
                }
                if let Some(body) = credential.get("body").and_then(Value::as_str) {
                    let mut organisation = Map::new();
                    organisation.insert("@type".into(), json!("Organization"));
                    organisation.insert("name".into(), json!(body));
                    if let Some(url) = credential.get("body_url").and_then(Value::as_str) {
                        organisation.insert("url".into(), json!(url));
                    }
                    item.insert("recognizedBy".into(), Value::Object(organisation));
                }
                Some(Value::Object(item))
            })
            .collect();
        if !qualifications.is_empty() {
            occupation.insert("qualifications".into(), Value::Array(qualifications));
        }
    }
    let pay = extra.get("stats").and_then(|s| s.get("median_pay"));
    if let Some(usd) = pay.and_then(|p| p.get("usd")).and_then(Value::as_i64) {
        let pay = pay.expect("checked above");
        let mut salary = Map::new();
        salary.insert("@type".into(), json!("MonetaryAmountDistribution"));
        salary.insert("currency".into(), json!("USD"));
        salary.insert("duration".into(), json!("P1Y"));
        salary.insert("median".into(), json!(usd));
        if let Some(reference) = pay.get("ref").and_then(Value::as_str) {
            salary.insert(
                "name".into(),
                json!(format!("Median annual pay, {reference}")),
            );
        }
        occupation.insert("estimatedSalary".into(), Value::Object(salary));
    }
    Some(Value::Object(occupation))
}
