//! The careers site's structured data, parsed from the built pages: every
//! career page carries an `Article` whose `mainEntity` is an `Occupation`,
//! and a `BreadcrumbList`. The engine writes only the generic `Article` and
//! `BreadcrumbList`; the careers theme (career.html) adds the `Occupation`
//! from the data files, so every value is checked against them: titles and
//! codes from front matter, credentials from `data/training.yaml`, the
//! median pay from `data/figures/<career>.yaml`.

use serde_json::Value;

use crate::support::{CAREERS, build_careers, repo};

/// The parsed `<script type="application/ld+json">` blocks of a page.
fn json_ld(html: &str) -> Vec<Value> {
    let document = scraper::Html::parse_document(html);
    let selector = scraper::Selector::parse(r#"script[type="application/ld+json"]"#).unwrap();
    document
        .select(&selector)
        .map(|script| serde_json::from_str(&script.inner_html()).expect("JSON-LD parses"))
        .collect()
}

/// A data file of the careers site, as medsite reads it.
pub fn data_file(path: &str) -> Value {
    let text = std::fs::read_to_string(repo().join("data").join(path)).unwrap();
    let format = medsite::data::DataFormat::of(path).unwrap();
    medsite::data::parse(path, &text, format, None)
        .unwrap_or_else(|errors| panic!("{path}: {errors:?}"))
        .value
}

fn front_matter(career: &str) -> Value {
    let text =
        std::fs::read_to_string(repo().join(format!("content/careers/{career}.md"))).unwrap();
    let split = medsite::content::front_matter::split(&text).unwrap();
    medsite::content::front_matter::parse_value(&split).unwrap()
}

#[test]
fn every_career_page_has_an_article_about_an_occupation_and_breadcrumbs() {
    let out = build_careers(Some("https://example.org/sub/"));
    let dist = out.path().join("dist");

    for career in CAREERS {
        let html =
            std::fs::read_to_string(dist.join(format!("careers/{career}/index.html"))).unwrap();
        let blocks = json_ld(&html);
        assert_eq!(blocks.len(), 1, "{career}: one JSON-LD block");
        let graph = blocks[0]["@graph"].as_array().unwrap();
        assert_eq!(blocks[0]["@context"], "https://schema.org");
        let front = front_matter(career);
        let extra = &front["extra"];

        let article = graph
            .iter()
            .find(|n| n["@type"] == "Article")
            .expect("an Article");
        assert_eq!(article["headline"], front["title"], "{career}");
        let occupation = &article["mainEntity"];
        assert_eq!(occupation["@type"], "Occupation", "{career}");
        assert_eq!(occupation["name"], extra["us_title"], "{career}");

        match extra.get("soc_code") {
            Some(code) => {
                assert_eq!(occupation["occupationalCategory"]["@type"], "CategoryCode");
                assert_eq!(
                    occupation["occupationalCategory"]["codeValue"], *code,
                    "{career}"
                );
            }
            None => assert!(
                occupation.get("occupationalCategory").is_none(),
                "{career} has no SOC code, but its JSON-LD gives one"
            ),
        }
        assert_eq!(
            occupation["educationRequirements"], extra["entry_education"],
            "{career}"
        );

        let training = &data_file("training.yaml")[career];
        let figures = data_file(&format!("figures/{career}.yaml"));
        let credentials = training["credentials"].as_array().unwrap();
        match occupation.get("qualifications") {
            Some(qualifications) => {
                let qualifications = qualifications.as_array().unwrap();
                assert_eq!(qualifications.len(), credentials.len(), "{career}");
                for (q, c) in qualifications.iter().zip(credentials) {
                    assert_eq!(q["@type"], "EducationalOccupationalCredential");
                    assert!(
                        q["name"]
                            .as_str()
                            .unwrap()
                            .contains(c["name"].as_str().unwrap())
                    );
                    assert_eq!(q["recognizedBy"]["name"], c["body"], "{career}");
                }
            }
            None => assert!(
                credentials.is_empty(),
                "{career}: credentials missing from JSON-LD"
            ),
        }

        match figures.pointer("/median_pay/value") {
            Some(usd) => {
                let salary = &occupation["estimatedSalary"];
                assert_eq!(salary["@type"], "MonetaryAmountDistribution", "{career}");
                assert_eq!(salary["duration"], "P1Y", "{career}");
                assert_eq!(salary["currency"], "USD", "{career}");
                assert_eq!(salary["median"], *usd, "{career}");
                let pay = &figures["median_pay"];
                let reference = pay.get("note").unwrap_or(&pay["period"]);
                assert_eq!(
                    salary["name"],
                    format!("Median annual pay, {}", reference.as_str().unwrap()),
                    "{career}: the pay's name gives its edition"
                );
            }
            None => assert!(
                occupation.get("estimatedSalary").is_none(),
                "{career} has no pay figure, but its JSON-LD gives one"
            ),
        }

        let crumbs = graph
            .iter()
            .find(|n| n["@type"] == "BreadcrumbList")
            .expect("a BreadcrumbList");
        let items = crumbs["itemListElement"].as_array().unwrap();
        let names: Vec<&str> = items.iter().map(|i| i["name"].as_str().unwrap()).collect();
        assert_eq!(
            names,
            [
                "Careers after a medical technician programme",
                "Careers",
                front["title"].as_str().unwrap()
            ],
            "{career}"
        );
        assert_eq!(
            items[2]["item"],
            format!("https://example.org/sub/careers/{career}/"),
            "{career}"
        );
        for (index, item) in items.iter().enumerate() {
            assert_eq!(item["position"], index + 1);
        }
    }
}

#[test]
fn dialysis_has_no_soc_code_and_no_pay_and_emt_has_both() {
    // The two pages the issue names, spelled out.
    let out = build_careers(None);
    let dist = out.path().join("dist");

    let occupation = |career: &str| {
        let html =
            std::fs::read_to_string(dist.join(format!("careers/{career}/index.html"))).unwrap();
        json_ld(&html)[0]["@graph"][0]["mainEntity"].clone()
    };
    let dialysis = occupation("dialysis-technician");
    assert!(dialysis.get("occupationalCategory").is_none());
    assert!(dialysis.get("estimatedSalary").is_none());
    assert_eq!(dialysis["qualifications"].as_array().unwrap().len(), 2);
    let emt = occupation("emergency-medical-technician");
    assert_eq!(emt["occupationalCategory"]["codeValue"], "29-2042");
    assert_eq!(emt["estimatedSalary"]["median"], 38930);
    assert_eq!(emt["estimatedSalary"]["duration"], "P1Y");
}

/// `</script>` in a value could end the script element early: the theme's
/// `json_encode` writes `<` as `\u003c`, and nothing is left `null`.
#[test]
fn career_json_ld_is_script_safe_and_has_no_nulls() {
    let out = build_careers(None);
    let dist = out.path().join("dist");
    for career in CAREERS {
        let html =
            std::fs::read_to_string(dist.join(format!("careers/{career}/index.html"))).unwrap();
        let start = html.find(r#"<script type="application/ld+json">"#).unwrap();
        let body = &html[start + 35..];
        let body = &body[..body.find("</script>").unwrap()];
        assert!(!body.contains('<'), "{career}");
        assert!(!body.contains("null"), "{career}: {body}");
    }
}
