//! The output folder: refused places, dot-files kept, byte-identical and
//! untouched rebuilds.

use std::os::unix::fs::MetadataExt;

use crate::support::{TempSite, read_tree, stderr};

fn site() -> TempSite {
    TempSite::with_theme(&[
        ("content/_index.md", "---\ntitle: Home\n---\n"),
        ("content/a.md", "---\ntitle: A\n---\nText.\n"),
    ])
}

#[test]
fn output_dot_and_content_are_refused_and_nothing_is_deleted() {
    let site = site();
    let before = read_tree(site.path());
    for (output, reason) in [
        (".", "it is or contains the site root"),
        ("content", "it is inside the site's `content/` folder"),
        ("themes/fixture", "it is inside the site's `themes/` folder"),
        ("..", "it is or contains the site root"),
    ] {
        let result = site.build(&["--output", &site.path().join(output).to_string_lossy()]);
        assert_eq!(result.status.code(), Some(2), "{output}");
        assert!(
            stderr(&result).contains(reason),
            "{output}: {}",
            stderr(&result)
        );
    }
    assert_eq!(
        read_tree(site.path()),
        before,
        "a refused build changed the site"
    );
}

#[test]
fn a_folder_medsite_did_not_make_is_not_emptied() {
    let site = site();
    site.write("elsewhere/notes.txt", "my notes");
    let result = site.build(&["--output", &site.path().join("elsewhere").to_string_lossy()]);
    assert_eq!(result.status.code(), Some(2));
    assert!(
        stderr(&result).contains("holds files medsite did not write"),
        "{}",
        stderr(&result)
    );
    assert_eq!(
        std::fs::read_to_string(site.path().join("elsewhere/notes.txt")).unwrap(),
        "my notes"
    );
}

#[test]
fn git_folder_inside_dist_survives_a_rebuild() {
    let site = site();
    assert!(site.build(&["--quiet"]).status.success());
    site.write("dist/.git/HEAD", "ref: refs/heads/gh-pages\n");
    site.write("content/a.md", "---\ntitle: A\n---\nChanged.\n");
    assert!(site.build(&["--quiet"]).status.success());
    assert_eq!(
        std::fs::read_to_string(site.path().join("dist/.git/HEAD")).unwrap(),
        "ref: refs/heads/gh-pages\n"
    );
    assert!(
        std::fs::read_to_string(site.path().join("dist/a/index.html"))
            .unwrap()
            .contains("Changed.")
    );
}

#[test]
fn two_builds_are_byte_identical_and_unchanged_files_keep_their_inode() {
    let site = site();
    assert!(site.build(&["--quiet"]).status.success());
    let first = read_tree(&site.path().join("dist"));
    let inode = std::fs::metadata(site.path().join("dist/a/index.html"))
        .unwrap()
        .ino();
    let output = site.build(&[]);
    assert!(output.status.success());
    assert_eq!(read_tree(&site.path().join("dist")), first);
    assert_eq!(
        std::fs::metadata(site.path().join("dist/a/index.html"))
            .unwrap()
            .ino(),
        inode
    );
    let summary = String::from_utf8_lossy(&output.stdout);
    assert!(summary.contains("(0 written)"), "{summary}");
}

#[test]
fn a_hand_edited_output_file_is_rewritten_by_the_next_build() {
    let site = site();
    assert!(site.build(&["--quiet"]).status.success());
    let built = std::fs::read(site.path().join("dist/a/index.html")).unwrap();
    site.write("dist/a/index.html", "edited by hand");
    assert!(site.build(&["--quiet"]).status.success());
    assert_eq!(
        std::fs::read(site.path().join("dist/a/index.html")).unwrap(),
        built
    );
}

#[test]
fn a_file_added_at_the_top_of_the_output_is_removed_by_the_next_build() {
    let site = site();
    assert!(site.build(&["--quiet"]).status.success());
    site.write("dist/stray.html", "not medsite's");
    assert!(site.build(&["--quiet"]).status.success());
    assert!(!site.path().join("dist/stray.html").exists());
}

#[test]
fn an_unchanged_site_writes_nothing_and_a_same_length_edit_is_still_built() {
    let site = site();
    assert!(site.build(&["--quiet"]).status.success());
    // Inputs younger than the settling time are never trusted by their
    // times alone; let them age so that the next build records a stamp.
    std::thread::sleep(medsite::stamp::SETTLE + std::time::Duration::from_millis(200));
    assert!(site.build(&["--quiet"]).status.success());
    let marker = site.path().join(".dist.medsite");
    let page = site.path().join("dist/a/index.html");
    let before = (
        std::fs::metadata(&marker).unwrap().modified().unwrap(),
        std::fs::metadata(&page).unwrap().ino(),
        std::fs::metadata(&page).unwrap().modified().unwrap(),
    );
    let output = site.build(&[]);
    assert!(output.status.success());
    let summary = String::from_utf8_lossy(&output.stdout);
    assert!(
        summary.contains("Built 1 page and 1 section:") && summary.contains("(0 written)"),
        "{summary}"
    );
    let after = (
        std::fs::metadata(&marker).unwrap().modified().unwrap(),
        std::fs::metadata(&page).unwrap().ino(),
        std::fs::metadata(&page).unwrap().modified().unwrap(),
    );
    assert_eq!(before, after, "a build with nothing to do wrote a file");
    // The same length, so only the file's times tell of the change.
    site.write("content/a.md", "---\ntitle: A\n---\nTuxt.\n");
    assert!(site.build(&["--quiet"]).status.success());
    assert!(
        std::fs::read_to_string(&page).unwrap().contains("Tuxt."),
        "the edit was not built"
    );
}

#[test]
fn static_dot_files_a_host_reads_are_published_and_leave_with_their_source() {
    let site = site();
    site.write(
        "static/.well-known/security.txt",
        "Contact: mailto:a@example.org\n",
    );
    site.write("static/.htaccess", "ErrorDocument 404 /404.html\n");
    site.write("static/.nojekyll", "");
    site.write("static/.DS_Store", "junk");
    site.write("static/.notes.md.swp", "junk");
    std::fs::create_dir_all(site.path().join("dist/.git")).unwrap();
    site.write("dist/.git/HEAD", "ref: refs/heads/main\n");
    assert!(site.build(&["--quiet"]).status.success());
    let dist = site.path().join("dist");
    assert_eq!(
        std::fs::read_to_string(dist.join(".well-known/security.txt")).unwrap(),
        "Contact: mailto:a@example.org\n"
    );
    assert!(dist.join(".htaccess").is_file() && dist.join(".nojekyll").is_file());
    assert!(!dist.join(".DS_Store").exists() && !dist.join(".notes.md.swp").exists());

    // Gone from static/, gone from the output; the user's .git stays.
    std::fs::remove_file(site.path().join("static/.nojekyll")).unwrap();
    std::fs::remove_dir_all(site.path().join("static/.well-known")).unwrap();
    assert!(site.build(&["--quiet"]).status.success());
    assert!(!dist.join(".nojekyll").exists() && !dist.join(".well-known").exists());
    assert!(dist.join(".htaccess").is_file());
    assert_eq!(
        std::fs::read_to_string(dist.join(".git/HEAD")).unwrap(),
        "ref: refs/heads/main\n"
    );
}

#[test]
fn a_published_dot_folder_never_replaces_the_users_own() {
    let site = site();
    assert!(site.build(&["--quiet"]).status.success());
    // Put there by hand (a certificate challenge), not by a build.
    site.write("dist/.well-known/acme-challenge/token", "proof\n");
    site.write("static/.well-known/security.txt", "Contact: x\n");
    let before = read_tree(&site.path().join("dist"));
    let output = site.build(&["--quiet"]);
    assert_eq!(output.status.code(), Some(1));
    let dist = site.path().join("dist").canonicalize().unwrap();
    assert_eq!(
        stderr(&output),
        format!(
            "error: `{}` is not from a build, and the site now publishes its own `.well-known` (from static/): move one of them so that neither is lost\n",
            dist.join(".well-known").display()
        )
    );
    assert_eq!(read_tree(&site.path().join("dist")), before);
}

#[test]
fn staging_folders_of_killed_builds_are_removed_and_those_of_running_builds_kept() {
    let site = site();
    let parent = site.path();
    // No process has this id (Linux's limit is 2^22).
    let dead = parent.join(".dist.staging-999999999");
    std::fs::create_dir_all(dead.join("careers")).unwrap();
    std::fs::write(dead.join("careers/index.html"), "half written").unwrap();
    // A process that is running: this test.
    let live = parent.join(format!(".dist.staging-{}", std::process::id()));
    std::fs::create_dir_all(&live).unwrap();
    std::fs::write(live.join("index.html"), "being written").unwrap();
    // Not a staging folder, whatever its name says after the prefix.
    let other = parent.join(".dist.staging-notes");
    std::fs::create_dir_all(&other).unwrap();
    let output = site.build(&["--quiet"]);
    assert!(output.status.success(), "{}", stderr(&output));
    assert!(!dead.exists(), "the killed build's staging folder is left");
    assert!(
        live.join("index.html").exists(),
        "a running build's staging folder was removed"
    );
    assert!(other.exists());
}

/// Issue 14, item 7: a deploy uploads the output folder whole, so
/// medsite's record of what it wrote lives beside it.
#[test]
fn nothing_of_medsites_bookkeeping_is_in_the_output() {
    let site = site();
    assert!(site.build(&["--quiet"]).status.success());
    let dot_files: Vec<String> = read_tree(&site.path().join("dist"))
        .into_keys()
        .filter(|path| path.starts_with('.') || path.contains("/."))
        .collect();
    assert_eq!(dot_files, Vec::<String>::new());
    let marker = std::fs::read_to_string(site.path().join(".dist.medsite")).unwrap();
    assert!(
        marker.starts_with(
            "The folder beside this file is written by medsite; it is replaced on every build.\n"
        ),
        "{marker}"
    );
    assert!(marker.contains("\n# folder "), "{marker}");
    assert!(marker.contains(" a/index.html\n"), "{marker}");
}

/// The marker names the folder it was written for: a folder made anew in
/// its place (same name, the user's files) is not medsite's to empty.
#[test]
fn a_marker_beside_a_folder_made_anew_vouches_for_nothing() {
    let site = site();
    assert!(site.build(&["--quiet"]).status.success());
    std::fs::remove_dir_all(site.path().join("dist")).unwrap();
    site.write("dist/notes.txt", "my notes");
    let result = site.build(&[]);
    assert_eq!(result.status.code(), Some(2));
    let dist = site.path().join("dist");
    assert_eq!(
        stderr(&result),
        format!(
            "error: refusing to use `{}` as the output folder: it holds files medsite did not write (no `{}` marker beside it naming this folder); empty it or choose another folder\n",
            dist.display(),
            std::fs::canonicalize(site.path())
                .unwrap()
                .join(".dist.medsite")
                .display()
        )
    );
    assert_eq!(
        std::fs::read_to_string(dist.join("notes.txt")).unwrap(),
        "my notes"
    );
}

/// An output made by an older medsite holds its marker inside: still
/// medsite's, and the next build leaves the marker out.
#[test]
fn an_output_with_the_marker_of_older_versions_is_rebuilt_without_it() {
    let site = site();
    assert!(site.build(&["--quiet"]).status.success());
    std::fs::remove_file(site.path().join(".dist.medsite")).unwrap();
    site.write(
        "dist/.medsite-output",
        "This folder is written by medsite; it is replaced on every build.\n",
    );
    let result = site.build(&["--quiet"]);
    assert!(result.status.success(), "{}", stderr(&result));
    assert!(!site.path().join("dist/.medsite-output").exists());
    assert!(site.path().join(".dist.medsite").is_file());
    assert!(site.path().join("dist/a/index.html").is_file());
}

/// The staging folders beside the output of `site`.
fn staging_folders(site: &TempSite) -> Vec<String> {
    std::fs::read_dir(site.path())
        .unwrap()
        .map(|entry| entry.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|name| name.starts_with(".dist.staging-"))
        .collect()
}

/// Issue 16: a build writes each file into its staging folder as soon as
/// it is rendered, instead of holding the whole output in memory. A
/// template error part way through (after other pages were written)
/// leaves the output and its marker as they were, and no staging folder.
#[test]
fn a_build_failing_part_way_leaves_the_output_as_it_was_and_no_staging_folder() {
    let pages: Vec<(String, String)> = (0..200)
        .map(|i| {
            (
                format!("content/p{i}.md"),
                format!("---\ntitle: P{i}\n---\nText {i}.\n"),
            )
        })
        .collect();
    let mut files: Vec<(&str, &str)> = vec![("content/_index.md", "---\ntitle: Home\n---\n")];
    files.extend(
        pages
            .iter()
            .map(|(path, text)| (path.as_str(), text.as_str())),
    );
    let site = TempSite::with_theme(&files);
    assert!(site.build(&["--quiet"]).status.success());
    let before = read_tree(&site.path().join("dist"));
    let marker = std::fs::read(site.path().join(".dist.medsite")).unwrap();
    // Every page changes, so each one rendered goes to the staging folder;
    // one of them (P150) stops the build.
    site.write(
        "templates/page.html",
        "{% if page.title == \"P150\" %}{{ page.no_such_field.x }}{% endif %}<p>{{ page.title }}, again</p>\n",
    );
    let output = site.build(&["--quiet"]);
    assert_eq!(output.status.code(), Some(1), "{}", stderr(&output));
    assert!(
        stderr(&output).contains("(while rendering content/p150.md)"),
        "{}",
        stderr(&output)
    );
    assert_eq!(read_tree(&site.path().join("dist")), before);
    assert_eq!(
        std::fs::read(site.path().join(".dist.medsite")).unwrap(),
        marker
    );
    assert_eq!(staging_folders(&site), Vec::<String>::new());
    assert!(!site.path().join(".dist.medsite.new").exists());
}

/// A build refused at the end (here: the site now publishes a dot-folder
/// the user made in the output) also leaves no staging folder behind,
/// though every file was written into it.
#[test]
fn a_build_refused_after_writing_leaves_no_staging_folder() {
    let site = site();
    assert!(site.build(&["--quiet"]).status.success());
    site.write("dist/.well-known/acme-challenge/token", "proof\n");
    site.write("static/.well-known/security.txt", "Contact: x\n");
    site.write("content/a.md", "---\ntitle: A\n---\nChanged.\n");
    let before = read_tree(&site.path().join("dist"));
    assert_eq!(site.build(&["--quiet"]).status.code(), Some(1));
    assert_eq!(read_tree(&site.path().join("dist")), before);
    assert_eq!(staging_folders(&site), Vec::<String>::new());
}
