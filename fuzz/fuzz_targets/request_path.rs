//! Request paths: whatever path a browser (or an attacker) sends to
//! `medsite serve`, the file it gets is inside the output folder, never
//! hidden, never reached through a symbolic link that leads out, and a
//! folder redirect stays on the site.
//!
//! The target runs the server's own resolver on a small output folder with
//! traps around it, built once per process.
#![no_main]

use std::fs;
use std::os::unix::fs::symlink;
use std::path::{Component, PathBuf};
use std::sync::OnceLock;

use libfuzzer_sys::fuzz_target;
use medsite::serve::{Found, resolve};

/// The canonical paths of the trap tree.
struct Tree {
    output: PathBuf,
    outside: Vec<PathBuf>,
}

/// ```text
/// <tmp>/outside.txt                 must never be served
/// <tmp>/dist-sibling/index.html     shares a name prefix with the output
/// <tmp>/dist/                       the output
///     index.html, nested/index.html, nested/page.html, empty/
///     .secret, .hidden/index.html   hidden: never served
///     .well-known/security.txt      published (RFC 8615): served
///     .well-known/.git/config       hidden inside it: never served
///     escape -> ../outside.txt      symbolic links leading out
///     escape-folder -> ..
///     sibling -> ../dist-sibling
///     absolute -> <tmp>/outside.txt
///     to-secret -> .secret          symbolic links to hidden entries
///     to-hidden -> .hidden
///     loop -> loop
/// ```
fn tree() -> &'static Tree {
    static TREE: OnceLock<Tree> = OnceLock::new();
    TREE.get_or_init(|| {
        let root = std::env::temp_dir().join(format!(
            "medsite-fuzz-request-path-{}",
            std::process::id()
        ));
        let _ = fs::remove_dir_all(&root);
        let output = root.join("dist");
        fs::create_dir_all(output.join("nested")).unwrap();
        fs::create_dir_all(output.join("empty")).unwrap();
        fs::create_dir_all(output.join(".hidden")).unwrap();
        fs::create_dir_all(output.join(".well-known/.git")).unwrap();
        fs::create_dir_all(root.join("dist-sibling")).unwrap();
        for (file, text) in [
            (root.join("outside.txt"), "outside"),
            (root.join("dist-sibling/index.html"), "sibling"),
            (output.join("index.html"), "home"),
            (output.join("nested/index.html"), "nested"),
            (output.join("nested/page.html"), "page"),
            (output.join(".secret"), "secret"),
            (output.join(".hidden/index.html"), "hidden"),
            (output.join(".well-known/security.txt"), "contact"),
            (output.join(".well-known/.git/config"), "hidden"),
        ] {
            fs::write(file, text).unwrap();
        }
        for (target, link) in [
            (PathBuf::from("../outside.txt"), "escape"),
            (PathBuf::from(".."), "escape-folder"),
            (PathBuf::from("../dist-sibling"), "sibling"),
            (root.join("outside.txt"), "absolute"),
            (PathBuf::from(".secret"), "to-secret"),
            (PathBuf::from(".hidden"), "to-hidden"),
            (PathBuf::from("loop"), "loop"),
        ] {
            symlink(target, output.join(link)).unwrap();
        }
        let outside = ["outside.txt", "dist-sibling/index.html"]
            .iter()
            .map(|file| root.join(file).canonicalize().unwrap())
            .collect();
        Tree {
            output: output.canonicalize().unwrap(),
            outside,
        }
    })
}

fn check(tree: &Tree, raw: &str) {
    match resolve(&tree.output, raw) {
        Found::File(file) => {
            let real = file.canonicalize().unwrap();
            assert!(real.is_file(), "{raw:?} -> {file:?} is not a file");
            let inside = real
                .strip_prefix(&tree.output)
                .unwrap_or_else(|_| panic!("{raw:?} -> {real:?} is outside the output"));
            assert!(!tree.outside.contains(&real), "{raw:?} -> {real:?}");
            // Hidden: any dot-named part but a leading `.well-known`.
            assert!(
                !inside.components().enumerate().any(|(i, part)| match part {
                    Component::Normal(name) => {
                        let name = name.to_string_lossy();
                        name.starts_with('.') && !(i == 0 && name == ".well-known")
                    }
                    _ => true,
                }),
                "{raw:?} -> {real:?} is hidden"
            );
        }
        Found::Folder { location } => {
            // `//host/` in a Location header is another site.
            assert!(
                location.starts_with('/') && !location.starts_with("//"),
                "{raw:?} redirects to {location:?}"
            );
            assert!(location.ends_with('/'), "{raw:?} redirects to {location:?}");
        }
        Found::Missing | Found::Refused => {}
    }
}

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    let tree = tree();
    check(tree, text);
    check(tree, &format!("/{text}"));
});
