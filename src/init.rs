//! `medsite init [DIR]`: writes a starter site that builds and passes
//! `medsite check --deny-warnings` as it stands: `site.toml` (with an
//! `[extra]` table), a home page, a `posts` section with one post, its
//! archetype and its schema. It uses the built-in theme, so it has no
//! `themes/` folder.
//!
//! `init` never overwrites a file: every file is checked before any is
//! written, and one that exists stops it with nothing written.

use std::fmt;
use std::path::{Path, PathBuf};

use crate::failure::Failure;

/// The starter site: path relative to DIR, text. `{{ date }}` in the
/// first post becomes today's date (archetypes keep theirs for `new`).
const FILES: &[(&str, &str)] = &[
    ("site.toml", include_str!("builtin/init/site.toml")),
    (
        "content/_index.md",
        include_str!("builtin/init/content/_index.md"),
    ),
    (
        "content/posts/_index.md",
        include_str!("builtin/init/content/posts/_index.md"),
    ),
    (
        "content/posts/hello-world.md",
        include_str!("builtin/init/content/posts/hello-world.md"),
    ),
    (
        "archetypes/posts.md",
        include_str!("builtin/init/archetypes/posts.md"),
    ),
    (
        "schemas/post.schema.json",
        include_str!("builtin/init/schemas/post.schema.json"),
    ),
];

/// The one file whose `{{ date }}` is filled in.
const DATED: &str = "content/posts/hello-world.md";

/// Options of `medsite init`, free of any CLI library.
#[derive(Debug, Clone, Default)]
pub struct InitOptions {
    /// The folder to write the site into; created when missing.
    pub dir: PathBuf,
}

/// What `medsite init` wrote.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Initialized {
    pub dir: PathBuf,
    /// Relative to `dir`, in the order written.
    pub files: Vec<String>,
}

impl fmt::Display for Initialized {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let dir = self.dir.display();
        writeln!(f, "Created a new site in {dir}:")?;
        for file in &self.files {
            writeln!(f, "  {file}")?;
        }
        if !shown(&self.dir, "").is_empty() {
            write!(f, "Next: `cd {dir}`, then ")?;
        } else {
            write!(f, "Next: ")?;
        }
        write!(
            f,
            "`medsite serve` to preview it, `medsite build` to build it into dist/"
        )
    }
}

pub fn run(options: &InitOptions) -> Result<Initialized, Failure> {
    let dir = &options.dir;
    let existing: Vec<String> = FILES
        .iter()
        .map(|(path, _)| *path)
        .filter(|path| std::fs::symlink_metadata(dir.join(path)).is_ok())
        .map(|path| format!("`{}`", shown(dir, path)))
        .collect();
    if !existing.is_empty() {
        let (them, exist) = if existing.len() == 1 {
            ("it", "exists")
        } else {
            ("them", "exist")
        };
        return Err(Failure::Refused(format!(
            "{} already {exist}: medsite init never overwrites a file, and wrote nothing; move {them} away or choose another folder",
            existing.join(", ")
        )));
    }
    let date = crate::new::today().to_string();
    let mut files = Vec::new();
    for (path, text) in FILES {
        let target = dir.join(path);
        if let Some(parent) = target.parent() {
            crate::fs::create_dir_all(parent).map_err(|error| Failure::Io(error.to_string()))?;
        }
        let text = if *path == DATED {
            text.replace("{{ date }}", &date)
        } else {
            text.to_string()
        };
        crate::fs::create_new(&target, text.as_bytes()).map_err(|error| {
            if error.source.kind() == std::io::ErrorKind::AlreadyExists {
                Failure::Refused(format!(
                    "`{}` appeared while medsite init was writing: it never overwrites a file",
                    shown(dir, path)
                ))
            } else {
                Failure::Io(error.to_string())
            }
        })?;
        files.push(path.to_string());
    }
    Ok(Initialized {
        dir: dir.clone(),
        files,
    })
}

/// `path` inside `dir` as the writer named the folder (`site/site.toml`),
/// or alone when the folder is the current one.
fn shown(dir: &Path, path: &str) -> String {
    if dir.as_os_str().is_empty() || dir == Path::new(".") {
        path.to_string()
    } else {
        dir.join(path).display().to_string()
    }
}
