//! Output paths: slugs, aliases, relative URLs, and the site path of a
//! content folder. Every path medsite writes is built here and is a plain
//! relative path that cannot leave the output folder.

/// Why a slug or alias cannot be used.
pub fn unsafe_reason(value: &str) -> Option<&'static str> {
    let lower = value.to_ascii_lowercase();
    if value.contains('\\') {
        Some("it contains a backslash")
    } else if value.starts_with('/') && value.trim_start_matches('/').is_empty() {
        Some("it is only slashes")
    } else if value.split('/').any(|part| part == ".." || part == ".") {
        Some("it contains a `.` or `..` path segment")
    } else if lower.contains("%2e") || lower.contains("%2f") || lower.contains("%5c") {
        Some("it contains percent-encoded dots or slashes")
    } else if value.chars().any(char::is_control) {
        Some("it contains control characters")
    } else if value.contains(':') {
        Some("it contains a `:` (a URL scheme or drive letter)")
    } else {
        None
    }
}

/// Checks and slugifies a front-matter `slug`, which is one path segment.
pub fn page_slug(value: &str) -> Result<String, String> {
    if let Some(reason) = unsafe_reason(value) {
        return Err(format!("slug `{value}` would leave its folder: {reason}"));
    }
    if value.contains('/') {
        return Err(format!(
            "slug `{value}` contains `/`: a slug is one path segment"
        ));
    }
    let slug = slug::slugify(value);
    if slug.is_empty() {
        return Err(format!("slug `{value}` has no letters or digits"));
    }
    if slug.len() > MAX_NAME_BYTES {
        return Err(format!(
            "the slug is {} characters long, and file systems allow folder names of at most {MAX_NAME_BYTES}: shorten the `slug`",
            slug.len()
        ));
    }
    Ok(slug)
}

/// The longest file or folder name most file systems accept, in bytes.
pub const MAX_NAME_BYTES: usize = 255;

/// Turns an alias such as `/old/path/` or `old.html` into the output file
/// that will hold the redirect.
pub fn alias_file(value: &str) -> Result<String, String> {
    if let Some(reason) = unsafe_reason(value) {
        return Err(format!(
            "alias `{value}` would leave the output folder: {reason}"
        ));
    }
    let trimmed = value.trim_start_matches('/');
    if trimmed.is_empty() {
        return Err(format!("alias `{value}` points at the home page"));
    }
    let segments: Vec<&str> = trimmed.split('/').filter(|s| !s.is_empty()).collect();
    if segments.iter().any(|s| s.starts_with('.')) {
        return Err(format!("alias `{value}` has a segment starting with `.`"));
    }
    let joined = segments.join("/");
    if joined.ends_with(".html") {
        Ok(joined)
    } else {
        Ok(format!("{joined}/index.html"))
    }
}

/// The URL segment for a folder or file name.
pub fn segment(name: &str) -> String {
    let slug = slug::slugify(name);
    if slug.is_empty() {
        "-".to_string()
    } else {
        slug
    }
}

/// Relative URL from the page at site path `from` (a folder path such as
/// `careers/x/`, or `` for the home page) to the site path `to`.
pub fn relative_url(from: &str, to: &str) -> String {
    let from_parts: Vec<&str> = from.split('/').filter(|s| !s.is_empty()).collect();
    let to_parts: Vec<&str> = to.split('/').filter(|s| !s.is_empty()).collect();
    let common = from_parts
        .iter()
        .zip(&to_parts)
        .take_while(|(a, b)| a == b)
        .count();
    let mut url = "../".repeat(from_parts.len() - common);
    for part in &to_parts[common..] {
        url.push_str(part);
        url.push('/');
    }
    if !to.is_empty() && !to.ends_with('/') && url.ends_with('/') {
        url.pop();
    }
    if url.is_empty() {
        "./".to_string()
    } else {
        url
    }
}

/// The prefix that leads from the page at `path` back to the site root.
pub fn root_prefix(path: &str) -> String {
    let depth = path.split('/').filter(|s| !s.is_empty()).count();
    if depth == 0 {
        "./".to_string()
    } else {
        "../".repeat(depth)
    }
}

/// Resolves `.` and `..` in a `/`-separated path; `None` if it climbs out.
pub fn normalise(path: &str) -> Option<String> {
    let mut parts: Vec<&str> = Vec::new();
    for part in path.split('/') {
        match part {
            "" | "." => {}
            ".." => {
                parts.pop()?;
            }
            other => parts.push(other),
        }
    }
    Some(parts.join("/"))
}

/// True when `path` is a plain relative path: no root, no `..`, no `.`,
/// no backslash. The output stage refuses anything else.
pub fn is_contained(path: &str) -> bool {
    !path.is_empty()
        && !path.starts_with('/')
        && !path.contains('\\')
        && !path.contains(':')
        && path
            .split('/')
            .all(|part| !part.is_empty() && part != "." && part != "..")
}

/// The content folder a page belongs to: its own folder, or for a page
/// bundle (`a/b/index.md`) the folder holding the bundle.
pub fn page_folder(source: &str) -> String {
    let folder = parent_folder(source);
    if source == "index.md" || source.ends_with("/index.md") {
        parent_folder(&folder)
    } else {
        folder
    }
}

/// The folder of a path relative to `content/` (empty at the top).
pub fn parent_folder(path: &str) -> String {
    path.rsplit_once('/')
        .map_or(String::new(), |(parent, _)| parent.to_string())
}

/// Site path of a content folder: each segment slugified, ending with `/`.
pub fn folder_path(folder: &str) -> String {
    folder
        .split('/')
        .filter(|s| !s.is_empty())
        .map(|s| format!("{}/", segment(s)))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn relative_urls_between_pages() {
        assert_eq!(relative_url("careers/a/", "careers/b/"), "../b/");
        assert_eq!(relative_url("", "careers/"), "careers/");
        assert_eq!(relative_url("careers/a/", ""), "../../");
        assert_eq!(relative_url("careers/a/", "careers/a/"), "./");
        assert_eq!(relative_url("about/", "style.css"), "../style.css");
    }

    #[test]
    fn unsafe_slugs_are_refused() {
        for slug in ["../x", "a/b", "..", "%2e%2e", "a\\b", "/etc/passwd", "C:x"] {
            assert!(page_slug(slug).is_err(), "{slug} was accepted");
        }
        assert_eq!(
            page_slug("Dialysis Technician").unwrap(),
            "dialysis-technician"
        );
    }

    #[test]
    fn aliases_become_index_files() {
        assert_eq!(alias_file("/old/path/").unwrap(), "old/path/index.html");
        assert_eq!(alias_file("old.html").unwrap(), "old.html");
        assert!(alias_file("/../x/").is_err());
        assert!(alias_file("/a/%2E%2E/x").is_err());
    }
}
