//! Build script: records the commit medsite is built from, for
//! `medsite --version` (`medsite 0.1.0 (f44e86b 2026-12-03)`). Without git
//! or outside a repository (a source archive) the commit is `unknown`; this
//! script never fails the build.

use std::path::PathBuf;
use std::process::Command;

fn main() {
    let commit = git(&["log", "-1", "--format=%h %cs"])
        .filter(|line| line.split(' ').next().is_some_and(is_hex))
        .unwrap_or_else(|| "unknown".to_string());
    println!("cargo:rustc-env=MEDSITE_COMMIT={commit}");
    println!("cargo:rerun-if-changed=build.rs");
    // A new commit moves HEAD (a checkout) or the branch it names (a
    // commit); in a worktree both live in the main repository's folders.
    let git_dir = git(&["rev-parse", "--git-dir"]).map(PathBuf::from);
    let common_dir = git(&["rev-parse", "--git-common-dir"]).map(PathBuf::from);
    if let Some(git_dir) = &git_dir {
        println!("cargo:rerun-if-changed={}", git_dir.join("HEAD").display());
    }
    if let Some(common_dir) = common_dir.or(git_dir) {
        if let Some(branch) = git(&["symbolic-ref", "-q", "HEAD"]) {
            println!(
                "cargo:rerun-if-changed={}",
                common_dir.join(branch).display()
            );
        }
        println!(
            "cargo:rerun-if-changed={}",
            common_dir.join("packed-refs").display()
        );
    }
}

/// The trimmed output of a git command, or `None` if git is missing or fails.
fn git(args: &[&str]) -> Option<String> {
    let output = Command::new("git").args(args).output().ok()?;
    let text = String::from_utf8(output.stdout).ok()?;
    let text = text.trim();
    (output.status.success() && !text.is_empty()).then(|| text.to_string())
}

fn is_hex(text: &str) -> bool {
    !text.is_empty() && text.chars().all(|c| c.is_ascii_hexdigit())
}
