//! Install and release, checked as far as this machine allows: the version
//! names its commit, the release workflow parses and builds every target
//! with checksums, and the README's install commands and Pages recipe for
//! a site's own repository are the ones documented here. (The install
//! itself is a release compile of several minutes: run by hand, see the
//! README.)

use crate::support::{medsite, repo};

#[test]
fn version_names_the_commit_it_was_built_from() {
    let output = medsite().arg("--version").output().unwrap();
    assert!(output.status.success());
    let text = String::from_utf8(output.stdout).unwrap();
    let inner = text
        .strip_prefix("medsite 0.1.0 (")
        .and_then(|rest| rest.strip_suffix(")\n"))
        .unwrap_or_else(|| panic!("unexpected version line: {text:?}"));
    if inner != "unknown" {
        let (commit, date) = inner.split_once(' ').expect("a commit and its date");
        assert!(
            commit.len() >= 7 && commit.chars().all(|c| c.is_ascii_hexdigit()),
            "{text:?}"
        );
        assert!(date.parse::<jiff::civil::Date>().is_ok(), "{text:?}");
    }
}

fn yaml(path: &str) -> yaml_rust2::Yaml {
    let text = std::fs::read_to_string(repo().join(path)).unwrap();
    let mut docs = yaml_rust2::YamlLoader::load_from_str(&text).expect("valid YAML");
    docs.remove(0)
}

#[test]
fn release_workflow_builds_every_target_on_a_version_tag_with_checksums() {
    let workflow = yaml(".github/workflows/release.yml");
    let tags: Vec<&str> = workflow["on"]["push"]["tags"]
        .as_vec()
        .unwrap()
        .iter()
        .filter_map(|t| t.as_str())
        .collect();
    assert_eq!(tags, ["v*"]);
    let build = &workflow["jobs"]["build"];
    let targets: Vec<(&str, &str)> = build["strategy"]["matrix"]["include"]
        .as_vec()
        .unwrap()
        .iter()
        .map(|m| (m["target"].as_str().unwrap(), m["os"].as_str().unwrap()))
        .collect();
    assert_eq!(
        targets,
        [
            ("x86_64-unknown-linux-gnu", "ubuntu-24.04"),
            ("aarch64-unknown-linux-gnu", "ubuntu-24.04-arm"),
            ("x86_64-apple-darwin", "macos-13"),
            ("aarch64-apple-darwin", "macos-14"),
            ("x86_64-pc-windows-msvc", "windows-latest"),
        ]
    );
    let runs: Vec<&str> = build["steps"]
        .as_vec()
        .unwrap()
        .iter()
        .filter_map(|s| s["run"].as_str())
        .collect();
    assert!(
        runs.iter()
            .any(|r| r.contains("cargo build --release --locked --target ${{ matrix.target }}"))
    );
    let package = runs
        .iter()
        .find(|r| r.contains("sha256"))
        .expect("a checksum step");
    assert!(package.contains("sha256sum \"$archive\" > \"$archive.sha256\""));
    let upload = runs.last().unwrap();
    assert!(
        upload.contains("gh release upload \"$GITHUB_REF_NAME\" \"$ARCHIVE\" \"$ARCHIVE.sha256\""),
        "{upload}"
    );
}

#[test]
fn readme_documents_the_install_commands() {
    let readme = std::fs::read_to_string(repo().join("README.md")).unwrap();
    for command in [
        "cargo install --locked --path .\n",
        "cargo install --locked --git https://github.com/OWNER/medsite medsite\n",
    ] {
        assert!(
            readme.contains(&format!("```sh\n{command}```")),
            "README lacks {command:?}"
        );
    }
}

/// The recipe for a site in its own repository: a released binary,
/// checked against its checksum, builds with the Pages URL; `dist` is
/// uploaded.
#[test]
fn readme_pages_recipe_for_a_sites_own_repository_installs_builds_and_uploads() {
    let readme = std::fs::read_to_string(repo().join("README.md")).unwrap();
    let start = readme
        .find("  ```yaml\n  name: Deploy to GitHub Pages\n")
        .expect("the recipe");
    let block: String = readme[start..]
        .lines()
        .skip(1)
        .take_while(|line| line.trim() != "```")
        .map(|line| format!("{}\n", line.strip_prefix("  ").unwrap_or(line)))
        .collect();
    let workflow = yaml_rust2::YamlLoader::load_from_str(&block).expect("valid YAML")[0].clone();
    let steps = workflow["jobs"]["build"]["steps"].as_vec().unwrap();
    let runs: Vec<&str> = steps.iter().filter_map(|s| s["run"].as_str()).collect();
    assert_eq!(runs.len(), 2, "{runs:?}");
    assert!(runs[0].contains("sha256sum -c \"$MEDSITE.tar.gz.sha256\""));
    assert!(runs[0].contains("releases/download/v0.1.0/$MEDSITE.tar.gz"));
    assert_eq!(
        runs[1],
        "medsite build --base-url \"${{ steps.pages.outputs.base_url }}/\""
    );
    let upload = steps
        .iter()
        .find(|s| {
            s["uses"]
                .as_str()
                .is_some_and(|u| u.starts_with("actions/upload-pages-artifact"))
        })
        .unwrap();
    assert_eq!(upload["with"]["path"].as_str(), Some("dist"));
}
