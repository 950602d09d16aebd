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

/// How an editor or a tool saves a file; each makes the file system
/// report other events, and `watch` must see them all.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Save {
    /// Open without truncating, overwrite, then cut to length: same inode.
    InPlace,
    /// Truncate, then write (`std::fs::write`, most editors' plain save).
    TruncateAndWrite,
    /// Write a temporary file beside it, rename it over (atomic save).
    TempAndRename,
    /// Copy another file over it (`cp new.css style.css`).
    CopyOver,
}

impl Save {
    pub const ALL: [Save; 4] = [
        Save::InPlace,
        Save::TruncateAndWrite,
        Save::TempAndRename,
        Save::CopyOver,
    ];

    /// Saves `text` at `path` (made with its folders if missing) and
    /// returns the paths a file-system watcher reports for it.
    pub fn write(self, path: &Path, text: &str) -> Vec<PathBuf> {
        use std::io::Write;
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        match self {
            Save::InPlace => {
                let mut file = std::fs::OpenOptions::new()
                    .write(true)
                    .create(true)
                    .truncate(false)
                    .open(path)
                    .unwrap();
                file.write_all(text.as_bytes()).unwrap();
                file.set_len(text.len() as u64).unwrap();
                vec![path.to_path_buf()]
            }
            Save::TruncateAndWrite => {
                std::fs::write(path, text).unwrap();
                vec![path.to_path_buf()]
            }
            Save::TempAndRename => {
                let name = path.file_name().unwrap().to_string_lossy();
                let temporary = path.with_file_name(format!("{name}.medsite-test-tmp"));
                std::fs::write(&temporary, text).unwrap();
                std::fs::rename(&temporary, path).unwrap();
                vec![temporary, path.to_path_buf()]
            }
            Save::CopyOver => {
                let elsewhere = tempfile::NamedTempFile::new().unwrap();
                std::fs::write(elsewhere.path(), text).unwrap();
                std::fs::copy(elsewhere.path(), path).unwrap();
                vec![path.to_path_buf()]
            }
        }
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

/// Like [`read_tree`], but `None` when a file vanishes while it is read
/// (a watcher may be writing the folder).
pub fn try_read_tree(root: &Path) -> Option<BTreeMap<String, Vec<u8>>> {
    let mut files = BTreeMap::new();
    let mut stack = vec![root.to_path_buf()];
    while let Some(dir) = stack.pop() {
        for entry in std::fs::read_dir(&dir).ok()? {
            let path = entry.ok()?.path();
            if path.is_dir() {
                stack.push(path);
            } else {
                let relative = path.strip_prefix(root).ok()?.to_string_lossy().into_owned();
                files.insert(relative, std::fs::read(&path).ok()?);
            }
        }
    }
    Some(files)
}

/// What a reader of `dist/` sees: every file in it (medsite's marker, whose
/// manifest records modification times, is beside it, never in it).
pub fn try_read_output(dist: &Path) -> Option<BTreeMap<String, Vec<u8>>> {
    try_read_tree(dist)
}

/// Waits until `condition` holds, checking every 20 ms; false after `timeout`.
pub fn wait_until(timeout: std::time::Duration, mut condition: impl FnMut() -> bool) -> bool {
    let deadline = std::time::Instant::now() + timeout;
    loop {
        if condition() {
            return true;
        }
        if std::time::Instant::now() > deadline {
            return false;
        }
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
}

/// A `medsite watch` or `serve` process, stopped when dropped. Its output
/// lines are collected as they come.
pub struct Running {
    child: std::process::Child,
    lines: std::sync::Arc<std::sync::Mutex<Vec<String>>>,
}

impl Running {
    pub fn start(args: &[&std::ffi::OsStr]) -> Running {
        Running::start_in(&std::env::current_dir().unwrap(), args)
    }

    /// Starts medsite in `folder`, as a user runs it from a site's folder
    /// without `--root`.
    pub fn start_in(folder: &Path, args: &[&std::ffi::OsStr]) -> Running {
        use std::io::BufRead;
        let mut child = medsite()
            .current_dir(folder)
            .args(args)
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::piped())
            .spawn()
            .unwrap();
        let lines = std::sync::Arc::new(std::sync::Mutex::new(Vec::new()));
        let stdout = child.stdout.take().unwrap();
        let stderr = child.stderr.take().unwrap();
        for stream in [
            Box::new(stdout) as Box<dyn std::io::Read + Send>,
            Box::new(stderr),
        ] {
            let lines = lines.clone();
            std::thread::spawn(move || {
                for line in std::io::BufReader::new(stream).lines() {
                    let Ok(line) = line else { break };
                    lines.lock().unwrap().push(line);
                }
            });
        }
        Running { child, lines }
    }

    /// Everything printed so far, stdout and stderr interleaved.
    pub fn output(&self) -> String {
        self.lines.lock().unwrap().join("\n")
    }

    /// How many printed lines contain `text`.
    pub fn count(&self, text: &str) -> usize {
        self.lines
            .lock()
            .unwrap()
            .iter()
            .filter(|l| l.contains(text))
            .count()
    }

    /// Waits (up to 30 s) until `count(text)` reaches `n`, and panics with
    /// the output otherwise.
    pub fn wait_for(&self, text: &str, n: usize) {
        let found = wait_until(std::time::Duration::from_secs(30), || self.count(text) >= n);
        assert!(found, "no {n}th `{text}` in the output:\n{}", self.output());
    }
}

impl Drop for Running {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// The careers site of this repository built into `<temp>/dist`, with an
/// optional base URL; the build must succeed.
pub fn build_careers(base_url: Option<&str>) -> tempfile::TempDir {
    let out = tempfile::tempdir().unwrap();
    let mut command = medsite();
    command
        .args(["build", "--quiet", "--root"])
        .arg(repo())
        .arg("--output")
        .arg(out.path().join("dist"));
    if let Some(url) = base_url {
        command.args(["--base-url", url]);
    }
    let output = command.output().unwrap();
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    out
}

/// The career pages, by slug, in the order the site lists them.
pub const CAREERS: [&str; 9] = [
    "surgical-technologist",
    "dialysis-technician",
    "emergency-medical-technician",
    "medical-laboratory-technician",
    "radiologic-technologist",
    "diagnostic-medical-sonographer",
    "dental-hygienist",
    "pharmacy-technician",
    "medical-equipment-repairer",
];

/// What `site`'s build printed on stderr, when it must fail: exit 1, and
/// no output folder written.
pub fn failed_build(site: &TempSite) -> String {
    let output = site.build(&["--quiet"]);
    assert_eq!(
        output.status.code(),
        Some(1),
        "stderr:\n{}",
        stderr(&output)
    );
    assert!(!site.path().join("dist").exists());
    stderr(&output)
}
