//! Deploy recipes, tested as far as this machine allows: the files parse,
//! run `./build.sh` with a base URL and publish `dist/`, and a build with a
//! sub-path base URL works when served under that sub-path.

use crate::support::{broken_internal_links, build_careers, repo};

#[test]
fn github_pages_workflow_builds_with_the_pages_url_and_uploads_dist() {
    let text = std::fs::read_to_string(repo().join(".github/workflows/pages.yml")).unwrap();
    let docs = yaml_rust2::YamlLoader::load_from_str(&text).expect("the workflow is valid YAML");
    let steps = &docs[0]["jobs"]["build"]["steps"];
    let runs: Vec<&str> = steps
        .as_vec()
        .unwrap()
        .iter()
        .filter_map(|s| s["run"].as_str())
        .collect();
    assert_eq!(
        runs,
        ["./build.sh --base-url \"${{ steps.pages.outputs.base_url }}/\""]
    );
    let upload = steps
        .as_vec()
        .unwrap()
        .iter()
        .find(|s| {
            s["uses"]
                .as_str()
                .is_some_and(|u| u.starts_with("actions/upload-pages-artifact"))
        })
        .unwrap();
    assert_eq!(upload["with"]["path"].as_str(), Some("dist"));
}

#[test]
fn netlify_builds_with_its_url_and_publishes_dist() {
    let text = std::fs::read_to_string(repo().join("netlify.toml")).unwrap();
    let config: toml::Table = toml::from_str(&text).unwrap();
    assert_eq!(config["build"]["publish"].as_str(), Some("dist"));
    assert_eq!(
        config["build"]["command"].as_str(),
        Some("./build.sh --base-url \"$URL/\"")
    );
}

#[test]
fn a_sub_path_base_url_reaches_canonical_links_sitemap_feeds_and_every_link() {
    let out = build_careers(Some("https://example.org/sub/"));
    let dist = out.path().join("dist");
    let page = std::fs::read_to_string(dist.join("about/index.html")).unwrap();
    assert!(
        page.contains("<link rel=\"canonical\" href=\"https://example.org/sub/about/\">"),
        "{page}"
    );
    let sitemap = std::fs::read_to_string(dist.join("sitemap.xml")).unwrap();
    assert!(sitemap.contains("<loc>https://example.org/sub/about/</loc>"));
    let feed = std::fs::read_to_string(dist.join("atom.xml")).unwrap();
    assert!(feed.contains("href=\"https://example.org/sub/atom.xml\""));
    let not_found = std::fs::read_to_string(dist.join("404.html")).unwrap();
    assert!(
        not_found.contains("href=\"/sub/"),
        "the 404 page links from the base path"
    );
    assert_eq!(broken_internal_links(&dist, "/sub/"), Vec::<String>::new());
}
