//! Search, tested by querying the careers site's index: Node runs the real
//! `pagefind.js` and its WebAssembly against the built files
//! (tests/search/query.mjs). The browser checks (tests/browser) do the same
//! through the search page in Chromium, from a sub-path.

use std::process::Command;

use crate::support::{build_careers, repo};

/// Runs `node tests/search/query.mjs DIST QUERY...`: result URLs per query.
fn query(dist: &std::path::Path, queries: &[&str]) -> Vec<(String, Vec<String>)> {
    let output = Command::new("node")
        .arg(repo().join("tests/search/query.mjs"))
        .arg(dist)
        .args(queries)
        .output()
        .expect("this test needs Node.js 20 or later as `node` on PATH");
    assert!(
        output.status.success(),
        "query.mjs failed:\n{}",
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8_lossy(&output.stdout)
        .lines()
        .map(|line| {
            let result: serde_json::Value = serde_json::from_str(line).unwrap();
            let urls = result["urls"]
                .as_array()
                .unwrap()
                .iter()
                .map(|u| u.as_str().unwrap().to_string())
                .collect();
            (result["query"].as_str().unwrap().to_string(), urls)
        })
        .collect()
}

#[test]
fn search_finds_the_dialysis_page_for_dialysis_and_the_emt_page_for_ambulance() {
    let out = build_careers(None);
    let dist = out.path().join("dist");

    // Split into fragments, not one monolithic index.
    let fragments = std::fs::read_dir(dist.join("pagefind/fragment"))
        .unwrap()
        .count();
    assert!(fragments >= 12, "{fragments} fragments");

    let results = query(&dist, &["dialysis", "ambulance", "xyzzy"]);
    assert_eq!(results[0].0, "dialysis");
    assert_eq!(
        results[0].1.first().map(String::as_str),
        Some("/careers/dialysis-technician/"),
        "{:?}",
        results[0]
    );
    assert!(
        results[1].1[..3.min(results[1].1.len())]
            .contains(&"/careers/emergency-medical-technician/".to_string()),
        "{:?}",
        results[1]
    );
    assert_eq!(
        results[2].1,
        Vec::<String>::new(),
        "a nonsense word found pages"
    );
    // The search page itself is not indexed (it has no data-pagefind-body).
    assert!(
        results
            .iter()
            .all(|(_, urls)| !urls.contains(&"/search/".to_string()))
    );
}
