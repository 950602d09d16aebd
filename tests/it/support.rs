//! Helpers shared by the integration tests: temporary sites, running the
//! binary, listing and resolving built files.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

pub fn medsite() -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_medsite"));
    command.env_remove("CI");
    command
}

pub fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// Copies a folder tree.
pub fn copy_tree(from: &Path, to: &Path) {
    for entry in walkdir_sorted(from) {
        let relative = entry.strip_prefix(from).unwrap();
        let target = to.join(relative);
        if entry.is_dir() {
            std::fs::create_dir_all(&target).unwrap();
        } else {
            std::fs::create_dir_all(target.parent().unwrap()).unwrap();
            std::fs::copy(&entry, &target).unwrap();
        }
    }
}

fn walkdir_sorted(root: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let mut stack = vec![root.to_path_buf()];
    while let Some(dir) = stack.pop() {
        let mut entries: Vec<PathBuf> = std::fs::read_dir(&dir)
            .unwrap()
            .map(|e| e.unwrap().path())
            .collect();
        entries.sort();
        for entry in entries {
            // Never follow a symbolic link to a folder (a loop would never end).
            let is_real_dir = std::fs::symlink_metadata(&entry).is_ok_and(|m| m.is_dir());
            if is_real_dir {
                stack.push(entry.clone());
            }
            out.push(entry);
        }
    }
    out
}

/// Every file under `root` (relative path -> bytes), dot-files included.
pub fn read_tree(root: &Path) -> BTreeMap<String, Vec<u8>> {
    walkdir_sorted(root)
        .into_iter()
        .filter(|p| p.is_file())
        .map(|p| {
            let relative = p
                .strip_prefix(root)
                .unwrap()
                .to_string_lossy()
                .replace('\\', "/");
            (relative, std::fs::read(&p).unwrap())
        })
        .collect()
}

/// A site in a temporary folder, written from `(path, text)` pairs.
pub struct TempSite {
    pub dir: tempfile::TempDir,
}

impl TempSite {
    pub fn new(files: &[(&str, &str)]) -> TempSite {
        let dir = tempfile::tempdir().unwrap();
        let site = TempSite { dir };
        for (path, text) in files {
            site.write(path, text);
        }
        site
    }

    /// A site with the fixture theme and the given extra files.
    pub fn with_theme(files: &[(&str, &str)]) -> TempSite {
        let site = TempSite::new(&[("site.toml", "title = \"T\"\ntheme = \"fixture\"\n")]);
        copy_tree(
            &repo().join("tests/fixtures/_theme"),
            &site.path().join("themes/fixture"),
        );
        for (path, text) in files {
            site.write(path, text);
        }
        site
    }

    pub fn path(&self) -> &Path {
        self.dir.path()
    }

    pub fn write(&self, path: &str, text: &str) {
        let target = self.path().join(path);
        std::fs::create_dir_all(target.parent().unwrap()).unwrap();
        std::fs::write(target, text).unwrap();
    }

    pub fn build(&self, args: &[&str]) -> Output {
        medsite()
            .arg("build")
            .arg("--root")
            .arg(self.path())
            .args(args)
            .output()
            .unwrap()
    }
}

pub fn stderr(output: &Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

/// Every internal `href`/`src` of every HTML file in `dist`, resolved as if
/// the site were served under `prefix` (`/` or `/sub/`). Returns the links
/// that do not reach a file in `dist`, as `page -> link`.
pub fn broken_internal_links(dist: &Path, prefix: &str) -> Vec<String> {
    let files = read_tree(dist);
    let mut broken = Vec::new();
    let selector = scraper::Selector::parse("[href], [src]").unwrap();
    for (path, bytes) in &files {
        if !path.ends_with(".html") || path == "404.html" {
            continue;
        }
        let html = scraper::Html::parse_document(&String::from_utf8_lossy(bytes));
        let base = url::Url::parse(&format!("http://localhost{prefix}{path}")).unwrap();
        for element in html.select(&selector) {
            for attribute in ["href", "src"] {
                let Some(link) = element.value().attr(attribute) else {
                    continue;
                };
                let Ok(target) = base.join(link) else {
                    broken.push(format!("{path} -> {link} (unparsable)"));
                    continue;
                };
                if target.host_str() != Some("localhost") {
                    continue;
                }
                let Some(inside) = target.path().strip_prefix(prefix) else {
                    broken.push(format!("{path} -> {link} (leaves {prefix})"));
                    continue;
                };
                let inside = percent_decode(inside);
                let candidate = if inside.is_empty() || inside.ends_with('/') {
                    format!("{inside}index.html")
                } else {
                    inside
                };
                if !files.contains_key(&candidate) {
                    broken.push(format!("{path} -> {link}"));
                }
            }
        }
    }
    broken
}

fn percent_decode(text: &str) -> String {
    url::form_urlencoded::parse(text.replace('+', "%2B").as_bytes())
        .map(|(k, v)| {
            if v.is_empty() {
                k.into_owned()
            } else {
                format!("{k}={v}")
            }
        })
        .collect::<Vec<_>>()
        .join("&")
}
