//! `load`: walks `content/`, parses every Markdown file, places pages in
//! sections, gives each its URL, renders the Markdown and builds taxonomy
//! terms. Every problem becomes a [`Diagnostic`]; all are returned together.

use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};

use rayon::prelude::*;
use walkdir::WalkDir;

use super::front_matter::{self, Format, FrontMatter, Split};
use super::locate::{self, Segment};
use super::paths;
use super::{Page, Section, Site, TaxonomyTerms, Term};
use crate::config::Config;
use crate::diagnostics::{self, Diagnostic};
use crate::markdown::{self, LinkTarget};
use crate::schema::Schemas;

/// Markdown files larger than this are refused, so that no single file can
/// push a build past a gigabyte of memory.
pub const MAX_MARKDOWN_BYTES: u64 = 4_000_000;

/// Choices that change what is loaded.
#[derive(Debug, Clone, Default)]
pub struct LoadOptions {
    /// Include pages whose front matter says `draft: true`.
    pub drafts: bool,
}

/// A Markdown file read and split, before it is placed in the site.
struct ParsedFile {
    source: String,
    display: String,
    text: String,
    block_offset: usize,
    block_len: usize,
    body_offset: usize,
    format: Option<Format>,
    /// The whole front matter as parsed, for schema validation.
    value: serde_json::Value,
    front: FrontMatter,
}

impl ParsedFile {
    fn body(&self) -> &str {
        &self.text[self.body_offset..]
    }

    /// A diagnostic at the front-matter key `path` (or at the fence).
    fn at_key(&self, path: &[&str], code: &'static str, message: String) -> Diagnostic {
        let block = &self.text[self.block_offset..self.block_offset + self.block_len];
        let keys: Vec<String> = path.iter().map(|s| s.to_string()).collect();
        let offset = front_matter::locate_key(block, &keys)
            .map_or(self.block_offset.saturating_sub(1), |o| {
                self.block_offset + o
            });
        Diagnostic::error(&self.display, code, message).at_offset(&self.text, offset)
    }

    /// A diagnostic at the element `path` (keys and list indexes) of the
    /// front matter, or at its nearest ancestor found, or at the opening
    /// fence.
    fn at_path(&self, path: &[Segment], code: &'static str, message: String) -> Diagnostic {
        let block = &self.text[self.block_offset..self.block_offset + self.block_len];
        let offset = locate::offset_in_file(block, self.block_offset, self.format, path);
        Diagnostic::error(&self.display, code, message).at_offset(&self.text, offset)
    }
}

/// Editors' temporary and backup files, never content.
pub fn is_editor_temporary(name: &str) -> bool {
    name.starts_with('.')
        || name.starts_with('#')
        || name.ends_with('~')
        || name.ends_with(".swp")
        || name.ends_with(".swx")
        || name.ends_with(".tmp")
        || name.ends_with("___jb_tmp___")
        || name.ends_with("___jb_old___")
        || name == "4913"
}

pub fn load(
    root: &Path,
    config: Config,
    options: &LoadOptions,
) -> Result<(Site, Vec<Diagnostic>), Vec<Diagnostic>> {
    let content_dir = root.join("content");
    let mut errors = Vec::new();
    let mut warnings = Vec::new();
    if !content_dir.is_dir() {
        return Err(vec![Diagnostic::error(
            "content",
            "content-missing",
            "the site has no `content/` folder",
        )]);
    }
    let schemas = Schemas::load(root, &config).unwrap_or_else(|problems| {
        errors.extend(problems);
        Schemas::default()
    });

    // 1. Walk.
    let mut markdown_files = Vec::new();
    let mut other_files = Vec::new();
    let walker = WalkDir::new(&content_dir)
        .sort_by_file_name()
        .into_iter()
        .filter_entry(|entry| {
            entry.depth() == 0 || !is_editor_temporary(&entry.file_name().to_string_lossy())
        });
    for entry in walker {
        let entry = match entry {
            Ok(entry) => entry,
            Err(error) => {
                let file = error.path().map_or("content".to_string(), |p| {
                    diagnostics::display_path(root, p)
                });
                errors.push(Diagnostic::error(file, "walk", error.to_string()));
                continue;
            }
        };
        let relative = diagnostics::display_path(&content_dir, entry.path());
        if entry.file_type().is_dir() {
            continue;
        }
        if entry.file_type().is_symlink() {
            let display = diagnostics::display_path(root, entry.path());
            match std::fs::canonicalize(entry.path()) {
                Ok(target)
                    if target.starts_with(crate::fs::canonicalize(root).unwrap_or_default())
                        && target.is_file() => {}
                Ok(target) if target.is_dir() => {
                    warnings.push(Diagnostic::warning(
                        display,
                        "symlink",
                        "symbolic links to folders are not followed",
                    ));
                    continue;
                }
                _ => {
                    errors.push(Diagnostic::error(
                        display,
                        "symlink",
                        "symbolic link points outside the site or nowhere; medsite reads only files inside the site",
                    ));
                    continue;
                }
            }
        }
        if relative.ends_with(".md") {
            markdown_files.push((relative, entry.into_path()));
        } else {
            other_files.push((relative, entry.into_path()));
        }
    }

    // 2. Read and parse every Markdown file, in parallel.
    let parsed: Vec<Result<ParsedFile, Diagnostic>> = markdown_files
        .par_iter()
        .map(|(relative, path)| parse_file(root, relative, path))
        .collect();
    let mut files = Vec::new();
    for result in parsed {
        match result {
            Ok(file) => files.push(file),
            Err(diagnostic) => errors.push(diagnostic),
        }
    }

    // 3. Sections: the root, then one per `_index.md`, parents before children.
    let mut section_files: Vec<ParsedFile> = Vec::new();
    let mut page_files: Vec<ParsedFile> = Vec::new();
    for file in files {
        if file.source == "_index.md" || file.source.ends_with("/_index.md") {
            section_files.push(file);
        } else if options.drafts || !file.front.draft {
            page_files.push(file);
        }
    }
    let mut sections: Vec<Section> = Vec::new();
    let has_root = section_files.iter().any(|f| f.source == "_index.md");
    if !has_root {
        sections.push(Section {
            source: "_index.md".into(),
            display: "content/_index.md".into(),
            folder: String::new(),
            front: FrontMatter::default(),
            title: config.title.clone(),
            path: String::new(),
            parent: None,
            pages: Vec::new(),
            subsections: Vec::new(),
            assets: Vec::new(),
            rendered: Default::default(),
        });
    }
    section_files.sort_by(|a, b| a.source.cmp(&b.source));
    let mut section_texts: Vec<Option<ParsedFile>> = if has_root { vec![] } else { vec![None] };
    for file in section_files {
        let folder = parent_folder(&file.source);
        let path = folder_path(&folder);
        let title = file.front.title.clone().unwrap_or_else(|| {
            if folder.is_empty() {
                config.title.clone()
            } else {
                folder.rsplit('/').next().unwrap_or("").to_string()
            }
        });
        sections.push(Section {
            source: file.source.clone(),
            display: file.display.clone(),
            folder,
            front: file.front.clone(),
            title,
            path,
            parent: None,
            pages: Vec::new(),
            subsections: Vec::new(),
            assets: Vec::new(),
            rendered: Default::default(),
        });
        section_texts.push(Some(file));
    }
    let folder_to_section: HashMap<String, usize> = sections
        .iter()
        .enumerate()
        .map(|(i, s)| (s.folder.clone(), i))
        .collect();
    let nearest_section = |folder: &str| -> usize {
        let mut current = folder.to_string();
        loop {
            if let Some(&index) = folder_to_section.get(&current) {
                return index;
            }
            if current.is_empty() {
                return 0;
            }
            current = parent_folder(&current);
        }
    };
    for index in 1..sections.len() {
        let parent = nearest_section(&parent_folder(&sections[index].folder));
        sections[index].parent = Some(parent);
        sections[parent].subsections.push(index);
    }

    // 3b. Schemas: each page's whole front matter against its section's
    // schema, before anything else can skip the page, so that one run
    // reports every violation. Placeholders left by `medsite new` warn.
    for folder in schemas.folders() {
        if !content_dir.join(folder).is_dir() {
            errors.push(Diagnostic::error(
                crate::config::CONFIG_FILE,
                "schema-invalid",
                format!(
                    "`[sections.{folder}]` has a schema, but there is no folder `content/{folder}/`"
                ),
            ));
        }
    }
    for file in page_files.iter().chain(section_texts.iter().flatten()) {
        let is_page = !file.source.ends_with("_index.md");
        let violations = match schemas.for_folder(&page_folder(&file.source)) {
            Some(schema) if is_page => schema.validate(&file.value),
            _ => Vec::new(),
        };
        // A placeholder the schema already refuses (a year, a URL) is
        // reported once, as that error.
        for (path, _) in crate::schema::placeholders(&file.value) {
            if !violations.iter().any(|v| v.at == path) {
                let message = format!(
                    "{}: placeholder left by `medsite new`: replace it with a sourced value, or remove the key if it is optional",
                    locate::FieldPath(path.clone())
                );
                let mut diagnostic = file.at_path(&path, "placeholder", message);
                diagnostic.severity = crate::diagnostics::Severity::Warning;
                warnings.push(diagnostic);
            }
        }
        for violation in violations {
            errors.push(file.at_path(&violation.at, "schema", violation.message));
        }
    }

    // 4. Pages: URL, section, title, dates.
    let bundle_folders: Vec<String> = page_files
        .iter()
        .filter(|f| f.source == "index.md" || f.source.ends_with("/index.md"))
        .map(|f| parent_folder(&f.source))
        .collect();
    let mut pages: Vec<Page> = Vec::new();
    let mut page_texts: Vec<ParsedFile> = Vec::new();
    for file in page_files {
        let is_bundle = file.source == "index.md" || file.source.ends_with("/index.md");
        let (folder, default_slug) = if is_bundle {
            let bundle = parent_folder(&file.source);
            if bundle.is_empty() {
                errors.push(Diagnostic::error(
                    &file.display,
                    "page-bundle",
                    "`content/index.md` would replace the home page: name it `_index.md`",
                ));
                continue;
            }
            let name = bundle.rsplit('/').next().unwrap_or("").to_string();
            (parent_folder(&bundle), name)
        } else {
            let stem = file
                .source
                .rsplit('/')
                .next()
                .unwrap_or("")
                .trim_end_matches(".md");
            (parent_folder(&file.source), stem.to_string())
        };
        let slug = match &file.front.slug {
            Some(slug) => match paths::page_slug(slug) {
                Ok(slug) => slug,
                Err(message) => {
                    errors.push(file.at_key(&["slug"], "unsafe-path", message));
                    continue;
                }
            },
            None => paths::segment(&default_slug),
        };
        let Some(title) = file.front.title.clone().filter(|t| !t.trim().is_empty()) else {
            errors.push(
                Diagnostic::error(
                    &file.display,
                    "front-matter-missing",
                    "the page has no `title` in its front matter",
                )
                .at(&file.text, 1, 1),
            );
            continue;
        };
        let date = match parse_date(&file, "date", file.front.date.as_deref()) {
            Ok(date) => date,
            Err(d) => {
                errors.push(d);
                continue;
            }
        };
        let updated = match parse_date(&file, "updated", file.front.updated.as_deref()) {
            Ok(date) => date,
            Err(d) => {
                errors.push(d);
                continue;
            }
        };
        let path = format!("{}{slug}/", folder_path(&folder));
        let section = nearest_section(&folder);
        pages.push(Page {
            source: file.source.clone(),
            display: file.display.clone(),
            front: file.front.clone(),
            title,
            date,
            updated,
            path,
            slug,
            section,
            assets: Vec::new(),
            rendered: Default::default(),
            previous: None,
            next: None,
            terms: Vec::new(),
        });
        page_texts.push(file);
    }

    // 5. Files that are not Markdown: bundle assets or section assets.
    for (relative, file) in other_files {
        let folder = parent_folder(&relative);
        let name = relative.rsplit('/').next().unwrap_or("").to_string();
        let bundle = bundle_folders
            .iter()
            .filter(|b| folder == **b || folder.starts_with(&format!("{b}/")))
            .max_by_key(|b| b.len());
        if let Some(bundle) = bundle {
            let bundle_source = if bundle.is_empty() {
                "index.md".to_string()
            } else {
                format!("{bundle}/index.md")
            };
            if let Some(page) = pages.iter_mut().find(|p| p.source == bundle_source) {
                let inner = &relative[bundle.len()..].trim_start_matches('/');
                page.assets.push((format!("{}{inner}", page.path), file));
            }
            // A bundle left out (a draft) takes its files with it.
            continue;
        }
        let section = nearest_section(&folder);
        let site_path = format!("{}{name}", folder_path(&folder));
        if !paths::is_contained(&site_path) {
            errors.push(Diagnostic::error(
                format!("content/{relative}"),
                "unsafe-path",
                "this file name cannot be written safely",
            ));
            continue;
        }
        sections[section].assets.push((site_path, file));
    }

    // 6. Every URL belongs to one source.
    let mut owners: HashMap<String, String> = HashMap::new();
    let mut claim = |path: String, owner: &str, at: Diagnostic, errors: &mut Vec<Diagnostic>| {
        let key = path.to_lowercase();
        match owners.get(&key) {
            Some(first) if first != owner => {
                let mut diagnostic = at;
                let url = path.strip_suffix("index.html").unwrap_or(&path);
                diagnostic.message = format!(
                    "`/{url}` is also the URL of {first}: give one of them another `slug` or file name"
                );
                errors.push(diagnostic);
            }
            Some(_) => {}
            None => {
                owners.insert(key, owner.to_string());
            }
        }
    };
    for section in &sections {
        claim(
            format!("{}index.html", section.path),
            &section.display,
            Diagnostic::error(&section.display, "duplicate-url", ""),
            &mut errors,
        );
    }
    for (page, file) in pages.iter().zip(&page_texts) {
        let at = if file.front.slug.is_some() {
            file.at_key(&["slug"], "duplicate-url", String::new())
        } else {
            Diagnostic::error(&page.display, "duplicate-url", "")
        };
        claim(
            format!("{}index.html", page.path),
            &page.display,
            at,
            &mut errors,
        );
    }
    for (page, file) in pages.iter().zip(&page_texts) {
        for alias in &page.front.aliases {
            match paths::alias_file(alias) {
                Ok(output) => claim(
                    output,
                    &page.display,
                    file.at_key(&["aliases"], "duplicate-url", String::new()),
                    &mut errors,
                ),
                Err(message) => errors.push(file.at_key(&["aliases"], "unsafe-path", message)),
            }
        }
    }
    for taxonomy in &config.taxonomies {
        claim(
            format!("{}/index.html", taxonomy.slug),
            "site.toml",
            Diagnostic::error("site.toml", "duplicate-url", ""),
            &mut errors,
        );
    }

    // 7. Order pages within sections, and link neighbours.
    for (index, page) in pages.iter().enumerate() {
        sections[page.section].pages.push(index);
    }
    for section in &mut sections {
        section
            .pages
            .sort_by(|&a, &b| page_order(&pages[a], &pages[b]));
        for window in section.pages.windows(2) {
            pages[window[0]].next = Some(window[1]);
            pages[window[1]].previous = Some(window[0]);
        }
    }
    let section_order: Vec<(Option<i64>, String)> = sections
        .iter()
        .map(|s| (s.front.weight, s.title.clone()))
        .collect();
    for section in &mut sections {
        section.subsections.sort_by(|&a, &b| {
            let (wa, ta) = &section_order[a];
            let (wb, tb) = &section_order[b];
            wa.is_none()
                .cmp(&wb.is_none())
                .then(wa.cmp(wb))
                .then(ta.cmp(tb))
        });
    }

    // 8. Render Markdown, resolving links to other content files.
    let mut targets: HashMap<String, String> = HashMap::new();
    for page in &pages {
        targets.insert(page.source.clone(), page.path.clone());
    }
    for section in &sections {
        targets.insert(section.source.clone(), section.path.clone());
    }
    let rendered_pages: Vec<(markdown::Rendered, Vec<Diagnostic>)> = pages
        .par_iter()
        .zip(&page_texts)
        .map(|(page, file)| render_markdown(file, &page.path, &targets, config.markdown))
        .collect();
    for (page, (rendered, problems)) in pages.iter_mut().zip(rendered_pages) {
        page.rendered = rendered;
        let (new_errors, new_warnings): (Vec<_>, Vec<_>) =
            problems.into_iter().partition(Diagnostic::is_error);
        errors.extend(new_errors);
        warnings.extend(new_warnings);
    }
    for (section, file) in sections.iter_mut().zip(&section_texts) {
        if let Some(file) = file {
            let (rendered, problems) =
                render_markdown(file, &section.path, &targets, config.markdown);
            section.rendered = rendered;
            let (new_errors, new_warnings): (Vec<_>, Vec<_>) =
                problems.into_iter().partition(Diagnostic::is_error);
            errors.extend(new_errors);
            warnings.extend(new_warnings);
        }
    }

    // 9. Taxonomies.
    let mut taxonomies: Vec<TaxonomyTerms> = config
        .taxonomies
        .iter()
        .map(|t| TaxonomyTerms {
            name: t.name.clone(),
            title: t.title.clone(),
            path: format!("{}/", t.slug),
            paginate_by: t.paginate_by,
            terms: Vec::new(),
        })
        .collect();
    // Per page: (taxonomy index, term slugs), resolved to indexes once the
    // terms are sorted.
    let mut page_slugs: Vec<Vec<(usize, Vec<String>)>> = vec![Vec::new(); pages.len()];
    for (index, (page, file)) in pages.iter().zip(&page_texts).enumerate() {
        for (name, values) in &page.front.taxonomies {
            let Some(position) = config.taxonomies.iter().position(|t| &t.name == name) else {
                let declared: Vec<&str> =
                    config.taxonomies.iter().map(|t| t.name.as_str()).collect();
                errors.push(file.at_key(
                    &["taxonomies", name],
                    "unknown-taxonomy",
                    format!(
                        "`taxonomies.{name}`: site.toml declares no taxonomy `{name}` (declared: {})",
                        if declared.is_empty() { "none".to_string() } else { declared.join(", ") }
                    ),
                ));
                continue;
            };
            let taxonomy = &mut taxonomies[position];
            let mut slugs = Vec::new();
            for value in values {
                let slug = slug::slugify(value);
                if slug.is_empty() {
                    errors.push(file.at_key(
                        &["taxonomies", name],
                        "unknown-taxonomy",
                        format!("`taxonomies.{name}`: term `{value}` has no letters or digits"),
                    ));
                    continue;
                }
                slugs.push(slug.clone());
                match taxonomy.terms.iter_mut().find(|t| t.slug == slug) {
                    Some(term) => {
                        if !term.pages.contains(&index) {
                            term.pages.push(index);
                        }
                    }
                    None => taxonomy.terms.push(Term {
                        name: value.clone(),
                        path: format!("{}{slug}/", taxonomy.path),
                        slug,
                        pages: vec![index],
                    }),
                }
            }
            page_slugs[index].push((position, slugs));
        }
    }
    for taxonomy in &mut taxonomies {
        taxonomy.terms.sort_by(|a, b| a.slug.cmp(&b.slug));
        for term in &mut taxonomy.terms {
            term.pages
                .sort_by(|&a, &b| page_order(&pages[a], &pages[b]));
        }
    }
    let term_index: Vec<HashMap<&str, usize>> = taxonomies
        .iter()
        .map(|t| {
            t.terms
                .iter()
                .enumerate()
                .map(|(i, term)| (term.slug.as_str(), i))
                .collect()
        })
        .collect();
    for (page, slugs) in pages.iter_mut().zip(page_slugs) {
        let mut terms: Vec<(usize, Vec<usize>)> = slugs
            .into_iter()
            .map(|(taxonomy, slugs)| {
                let indexes = slugs
                    .iter()
                    .filter_map(|slug| term_index[taxonomy].get(slug.as_str()).copied())
                    .collect();
                (taxonomy, indexes)
            })
            .collect();
        terms.sort_by_key(|(taxonomy, _)| *taxonomy);
        page.terms = terms;
    }

    // 10. Static files: the theme's, then the site's own on top.
    let mut static_map: BTreeMap<String, PathBuf> = BTreeMap::new();
    let theme_static = config
        .theme
        .as_ref()
        .map(|theme| root.join("themes").join(theme).join("static"));
    for dir in theme_static.into_iter().chain([root.join("static")]) {
        if !dir.is_dir() {
            continue;
        }
        for entry in WalkDir::new(&dir)
            .sort_by_file_name()
            .into_iter()
            .filter_entry(|e| {
                e.depth() == 0 || !is_editor_temporary(&e.file_name().to_string_lossy())
            })
        {
            match entry {
                Ok(entry) if entry.file_type().is_file() => {
                    let relative = diagnostics::display_path(&dir, entry.path());
                    static_map.insert(relative, entry.into_path());
                }
                Ok(_) => {}
                Err(error) => errors.push(Diagnostic::error(
                    diagnostics::display_path(root, &dir),
                    "walk",
                    error.to_string(),
                )),
            }
        }
    }

    diagnostics::sort(&mut warnings);
    if !errors.is_empty() {
        // The warnings too: one run shows everything it found.
        errors.append(&mut warnings);
        diagnostics::sort(&mut errors);
        errors.dedup();
        return Err(errors);
    }
    Ok((
        Site {
            config,
            root: root.to_path_buf(),
            pages,
            sections,
            taxonomies,
            static_files: static_map.into_iter().collect(),
        },
        warnings,
    ))
}

fn parse_file(root: &Path, relative: &str, path: &Path) -> Result<ParsedFile, Diagnostic> {
    let display = diagnostics::display_path(root, path);
    // A bound on what one file may cost: pages are articles, not data dumps.
    if let Ok(metadata) = std::fs::metadata(path)
        && metadata.len() > MAX_MARKDOWN_BYTES
    {
        return Err(Diagnostic::error(
            &display,
            "file-too-large",
            format!(
                "the file is {} MB; medsite reads Markdown files of up to {} MB",
                metadata.len() / 1_000_000,
                MAX_MARKDOWN_BYTES / 1_000_000
            ),
        ));
    }
    let bytes =
        crate::fs::read(path).map_err(|e| Diagnostic::error(&display, "io", e.to_string()))?;
    let text = match String::from_utf8(bytes) {
        Ok(text) => text,
        Err(error) => {
            let valid = error.utf8_error().valid_up_to();
            let lossy = String::from_utf8_lossy(error.as_bytes()).into_owned();
            return Err(Diagnostic::error(
                &display,
                "encoding",
                "the file is not valid UTF-8: save it as UTF-8",
            )
            .at_offset(&lossy, valid));
        }
    };
    let text = match front_matter::strip_bom(&text).len() {
        len if len == text.len() => text,
        _ => front_matter::strip_bom(&text).to_string(),
    };
    let split: Split<'_> = front_matter::split(&text)
        .map_err(|e| Diagnostic::error(&display, e.code, e.message).at_offset(&text, e.offset))?;
    let to_diagnostic = |e: front_matter::FrontMatterError| {
        Diagnostic::error(&display, e.code, e.message).at_offset(&text, e.offset)
    };
    let value = front_matter::parse_value(&split).map_err(to_diagnostic)?;
    let front = front_matter::from_value(&split, &value).map_err(to_diagnostic)?;
    let (block_offset, block_len, body_offset, format) = (
        split.block_offset,
        split.block.len(),
        split.body_offset,
        split.format,
    );
    Ok(ParsedFile {
        source: relative.to_string(),
        display,
        text,
        block_offset,
        block_len,
        body_offset,
        format,
        value,
        front,
    })
}

fn parse_date(
    file: &ParsedFile,
    key: &str,
    value: Option<&str>,
) -> Result<Option<jiff::civil::Date>, Diagnostic> {
    let Some(value) = value else { return Ok(None) };
    let value = value.trim();
    let parsed = value
        .parse::<jiff::civil::Date>()
        .ok()
        .or_else(|| {
            value
                .parse::<jiff::civil::DateTime>()
                .ok()
                .map(|d| d.date())
        })
        .or_else(|| {
            value
                .parse::<jiff::Timestamp>()
                .ok()
                .map(|t| t.to_zoned(jiff::tz::TimeZone::UTC).date())
        });
    match parsed {
        Some(date) => Ok(Some(date)),
        None => Err(file.at_key(
            &[key],
            "front-matter-type",
            format!("`{key}`: `{value}` is not a date; write it as YYYY-MM-DD"),
        )),
    }
}

fn render_markdown(
    file: &ParsedFile,
    page_path: &str,
    targets: &HashMap<String, String>,
    options: markdown::MarkdownOptions,
) -> (markdown::Rendered, Vec<Diagnostic>) {
    let folder = parent_folder(&file.source);
    let resolve = |dest: &str| resolve_link(dest, &folder, page_path, targets);
    let mut rendered = markdown::render(file.body(), options, &resolve);
    let problems = std::mem::take(&mut rendered.problems)
        .into_iter()
        .map(|p| {
            let diagnostic = if p.is_error {
                Diagnostic::error(&file.display, "broken-link", p.message)
            } else {
                Diagnostic::warning(&file.display, "script-url", p.message)
            };
            diagnostic.at_offset(&file.text, file.body_offset + p.offset)
        })
        .collect();
    (rendered, problems)
}

/// What a link destination written in `folder` (relative to `content/`)
/// becomes on the page at `page_path`.
pub fn resolve_link(
    dest: &str,
    folder: &str,
    page_path: &str,
    targets: &HashMap<String, String>,
) -> LinkTarget {
    let lower = dest.trim_start().to_ascii_lowercase();
    if dest.starts_with('#')
        || dest.starts_with("//")
        || lower.contains("://")
        || lower.starts_with("mailto:")
        || lower.starts_with("tel:")
        || lower.starts_with("data:")
        || lower.starts_with("javascript:")
    {
        return LinkTarget::Keep;
    }
    let (target, fragment) = match dest.split_once('#') {
        Some((target, fragment)) => (target, Some(fragment)),
        None => (dest, None),
    };
    let with_fragment = |url: String| match fragment {
        Some(fragment) => format!("{url}#{fragment}"),
        None => url,
    };
    let key = match linked_source(target, folder) {
        Some(key) => key,
        None => {
            return match target.strip_prefix('/') {
                Some(absolute) => {
                    LinkTarget::Rewrite(with_fragment(paths::relative_url(page_path, absolute)))
                }
                None => LinkTarget::Keep,
            };
        }
    };
    match key.and_then(|key| targets.get(&key)) {
        Some(path) => LinkTarget::Rewrite(with_fragment(paths::relative_url(page_path, path))),
        None => LinkTarget::Broken(format!(
            "link to `{target}`: no such file in content/ (or it is a draft)"
        )),
    }
}

/// The content file (relative to `content/`) that a link target written in
/// `folder` names: `Some(Some(key))` for `@/x.md` and relative `x.md`
/// links, `Some(None)` when such a link climbs out of `content/`, `None`
/// for any other kind of link. `target` has no `#fragment`.
pub fn linked_source(target: &str, folder: &str) -> Option<Option<String>> {
    if let Some(rest) = target.strip_prefix("@/") {
        Some(normalise(rest))
    } else if target.ends_with(".md") && !target.starts_with('/') {
        Some(normalise(&if folder.is_empty() {
            target.to_string()
        } else {
            format!("{folder}/{target}")
        }))
    } else {
        None
    }
}

/// Resolves `.` and `..` in a `/`-separated path; `None` if it climbs out.
fn normalise(path: &str) -> Option<String> {
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

/// The content folder a page belongs to: its own folder, or for a page
/// bundle (`a/b/index.md`) the folder holding the bundle.
fn page_folder(source: &str) -> String {
    let folder = parent_folder(source);
    if source == "index.md" || source.ends_with("/index.md") {
        parent_folder(&folder)
    } else {
        folder
    }
}

fn parent_folder(path: &str) -> String {
    path.rsplit_once('/')
        .map_or(String::new(), |(parent, _)| parent.to_string())
}

/// Site path of a content folder: each segment slugified, ending with `/`.
fn folder_path(folder: &str) -> String {
    folder
        .split('/')
        .filter(|s| !s.is_empty())
        .map(|s| format!("{}/", paths::segment(s)))
        .collect()
}

/// Weight first (pages without one last), then newest date, then title.
fn page_order(a: &Page, b: &Page) -> std::cmp::Ordering {
    let (wa, wb) = (a.front.weight, b.front.weight);
    wa.is_none()
        .cmp(&wb.is_none())
        .then(wa.cmp(&wb))
        .then_with(|| b.date.cmp(&a.date))
        .then_with(|| a.title.cmp(&b.title))
        .then_with(|| a.source.cmp(&b.source))
}
