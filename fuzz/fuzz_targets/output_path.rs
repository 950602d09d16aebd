//! Slugs and aliases: whatever a writer types, the output path medsite
//! accepts stays inside the output folder.
#![no_main]

use libfuzzer_sys::fuzz_target;
use medsite::content::paths;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    if let Ok(slug) = paths::page_slug(text) {
        let path = format!("section/{slug}/index.html");
        assert!(paths::is_contained(&path), "{text:?} -> {path:?}");
    }
    if let Ok(file) = paths::alias_file(text) {
        assert!(paths::is_contained(&file), "{text:?} -> {file:?}");
        assert!(!file.split('/').any(|part| part == ".." || part.starts_with('.')));
    }
    let url = paths::relative_url(text, "careers/x/");
    assert!(!url.contains('\\') || text.contains('\\'));
});
