//! `medsite check`: everything `build` validates, without writing anything,
//! plus what only matters before publishing:
//!
//! - links to headings that don't exist (`x.md#no-such-heading`, `#frag`);
//! - images and files that links point at but the output would not hold;
//! - pages and sections that no link reaches from the home page (warning);
//! - descriptions missing or longer than 160 characters (warning);
//! - placeholders left by `medsite new` (`TODO: ...`): a warning in a
//!   build, an error here;
//! - figures too old, one series in several editions side by side,
//!   secondary sources where a primary is on record, and links in prose to
//!   a source's host that no figure on the page cites (warnings, in
//!   [`provenance`]);
//! - with `--external`, external links and figures' sources that do not
//!   answer well (in [`external`]).
//!
//! The site is rendered in memory like a build, so checks see what a reader
//! would: the ids and links that templates add count as much as Markdown's.
//! Reachability follows every `href` (and form `action`) of the rendered
//! HTML from the home page: the menu, section listings, Markdown links and
//! any other template link. A page that only a feed or the sitemap lists
//! is reported.

use std::collections::{BTreeSet, HashMap, HashSet, VecDeque};
use std::path::PathBuf;
use std::time::{Duration, Instant};

use rayon::prelude::*;
use serde::Serialize;

use crate::build;
use crate::content::front_matter::{self, Split};
use crate::content::paths::normalise;
use crate::content::{self, LoadOptions, Site};
use crate::diagnostics::{self, Diagnostic, Severity};
use crate::failure::Failure;
use crate::locate::{self, Segment};
use crate::markdown::Rendered;
use crate::render::{Content, Output};

pub mod external;
pub mod prose_numbers;
pub mod provenance;

/// Longest description, in characters, before search engines cut it.
pub const DESCRIPTION_LIMIT: usize = 160;

/// Options of `medsite check`, free of any CLI library.
#[derive(Debug, Clone)]
pub struct CheckOptions {
    pub root: PathBuf,
    /// Check pages marked `draft: true` too.
    pub drafts: bool,
    /// Warnings make the check fail.
    pub deny_warnings: bool,
    /// The date figures' ages are measured on: today, or the date of
    /// `SOURCE_DATE_EPOCH` (see [`crate::new::today`]).
    pub today: jiff::civil::Date,
    /// Fetch external links and figures' sources too.
    pub external: bool,
    /// No progress on the terminal, no closing line when the check passes.
    pub quiet: bool,
}

/// Everything a check found.
#[derive(Debug, Clone)]
pub struct CheckReport {
    /// Errors and warnings, sorted by file, line and column.
    pub diagnostics: Vec<Diagnostic>,
    pub pages: usize,
    pub sections: usize,
    pub deny_warnings: bool,
    pub elapsed: Duration,
    /// With `--external`: the URLs seen and how many came from the cache.
    pub external: Option<external::Summary>,
}

impl CheckReport {
    pub fn errors(&self) -> usize {
        self.diagnostics.iter().filter(|d| d.is_error()).count()
    }

    pub fn warnings(&self) -> usize {
        self.diagnostics.len() - self.errors()
    }

    /// No errors, and no warnings either with `--deny-warnings`.
    pub fn passed(&self) -> bool {
        self.errors() == 0 && !(self.deny_warnings && self.warnings() > 0)
    }

    /// The machine-readable form; `tests/check-output.schema.json` describes it.
    pub fn to_json(&self) -> String {
        #[derive(Serialize)]
        struct Json<'a> {
            diagnostics: &'a [Diagnostic],
            errors: usize,
            warnings: usize,
            passed: bool,
            #[serde(skip_serializing_if = "Option::is_none")]
            external: Option<External>,
        }
        #[derive(Serialize)]
        struct External {
            urls: usize,
            fetched: usize,
            cached: usize,
        }
        serde_json::to_string_pretty(&Json {
            diagnostics: &self.diagnostics,
            errors: self.errors(),
            warnings: self.warnings(),
            passed: self.passed(),
            external: self.external.map(|summary| External {
                urls: summary.urls,
                fetched: summary.urls - summary.cached,
                cached: summary.cached,
            }),
        })
        .expect("diagnostics always serialize")
    }
}

/// The closing line of a human-readable check.
impl std::fmt::Display for CheckReport {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let (errors, warnings) = (self.errors(), self.warnings());
        let counts = format!(
            "{errors} error{}, {warnings} warning{}",
            plural(errors),
            plural(warnings)
        );
        if self.passed() {
            let external = match self.external {
                Some(summary) => format!(
                    ", and {} external URL{} ({} from the cache)",
                    summary.urls,
                    plural(summary.urls),
                    summary.cached
                ),
                None => String::new(),
            };
            write!(
                f,
                "Checked {} page{} and {} section{}{external}: {counts} in {} ms",
                self.pages,
                plural(self.pages),
                self.sections,
                plural(self.sections),
                self.elapsed.as_millis()
            )
        } else if errors == 0 {
            write!(f, "error: check failed with {counts} (--deny-warnings)")
        } else {
            write!(f, "error: check failed with {counts}")
        }
    }
}

/// `s` unless `count` is 1: "1 page", "2 pages".
pub(crate) fn plural(count: usize) -> &'static str {
    if count == 1 { "" } else { "s" }
}

pub fn run(options: &CheckOptions) -> Result<CheckReport, Failure> {
    let started = Instant::now();
    let load_options = LoadOptions {
        drafts: options.drafts,
    };
    let report = |mut diagnostics: Vec<Diagnostic>, pages, sections, external| {
        diagnostics::sort(&mut diagnostics);
        diagnostics.dedup();
        CheckReport {
            diagnostics,
            pages,
            sections,
            deny_warnings: options.deny_warnings,
            elapsed: started.elapsed(),
            external,
        }
    };
    // Images are encoded into the cache that `build` uses, quietly.
    let progress = crate::progress::Progress::new(true);
    let (site, templates, mut found) =
        match build::load(&options.root, None, &load_options, &progress) {
            Ok(loaded) => loaded,
            Err(Failure::Content(errors)) => {
                return Ok(report(refuse_placeholders(errors), 0, 0, None));
            }
            Err(other) => return Err(other),
        };
    found = refuse_placeholders(found);
    let output = match build::render(&site, &templates) {
        Ok(output) => Some(output),
        Err(Failure::Content(errors)) => {
            found.extend(errors);
            None
        }
        Err(other) => return Err(other),
    };
    found.extend(check_site(&site, output.as_ref()));
    found.extend(provenance::check(&site, output.as_ref(), options.today));
    if let Some(output) = &output {
        found.extend(check_template_links(&site, &templates, output));
    }
    let mut summary = None;
    if options.external {
        let now = jiff::Timestamp::now();
        let (external, seen) =
            external::check(&site, &templates, output.as_ref(), options.quiet, now)?;
        found.extend(external);
        summary = Some(seen);
    }
    Ok(report(
        found,
        site.pages.len(),
        site.sections.len(),
        summary,
    ))
}

/// A placeholder only warns in a build, so that a new page can be
/// previewed; before publishing it is an error.
fn refuse_placeholders(mut diagnostics: Vec<Diagnostic>) -> Vec<Diagnostic> {
    for diagnostic in &mut diagnostics {
        if diagnostic.code == "placeholder" {
            diagnostic.severity = Severity::Error;
        }
    }
    diagnostics
}

/// A page or a section with a file, as the checks see it.
struct Document<'a> {
    display: &'a str,
    /// Folder of the source relative to `content/`, for relative links.
    folder: String,
    /// Site path, ending with `/` (empty for the home page).
    path: &'a str,
    rendered: &'a Rendered,
    description: Option<&'a str>,
}

/// A source file read again for positions: the checks run on a loaded
/// site, which keeps no file text.
pub(crate) struct Source {
    text: String,
    block_offset: usize,
    block_len: usize,
    body_offset: usize,
    format: Option<locate::Format>,
}

impl Source {
    pub(crate) fn read(site: &Site, display: &str) -> Option<Source> {
        let text = crate::fs::read_to_string(&site.root.join(display)).ok()?;
        let text = front_matter::strip_bom(&text).to_string();
        let split: Split<'_> = front_matter::split(&text).ok()?;
        let (block_offset, block_len, body_offset, format) = (
            split.block_offset,
            split.block.len(),
            split.body_offset,
            split.format,
        );
        Some(Source {
            text,
            block_offset,
            block_len,
            body_offset,
            format,
        })
    }

    fn at_key(&self, diagnostic: Diagnostic, path: &[Segment]) -> Diagnostic {
        let block = &self.text[self.block_offset..self.block_offset + self.block_len];
        let offset = locate::offset_in_file(block, self.block_offset, self.format, path);
        diagnostic.at_offset(&self.text, offset)
    }

    /// The Markdown body, after the front matter.
    pub(crate) fn body(&self) -> &str {
        &self.text[self.body_offset..]
    }

    pub(crate) fn at_body(&self, diagnostic: Diagnostic, offset: usize) -> Diagnostic {
        diagnostic.at_offset(&self.text, self.body_offset + offset)
    }
}

/// The checks that `build` does not make, on a loaded site and (when the
/// templates rendered) its output.
pub fn check_site(site: &Site, output: Option<&Output>) -> Vec<Diagnostic> {
    // Pages made from data have no Markdown or front matter of their own:
    // their template's links are checked with the templates' below.
    let mut documents: Vec<Document<'_>> = site
        .pages
        .iter()
        .filter(|page| page.record.is_none())
        .map(|page| Document {
            display: &page.display,
            folder: folder_of(&page.source),
            path: &page.path,
            rendered: &page.rendered,
            description: page.front.description.as_deref(),
        })
        .collect();
    // The home section exists even without `content/_index.md`; only
    // sections with a file can be checked against it.
    for section in &site.sections {
        if site.root.join(&section.display).is_file() {
            documents.push(Document {
                display: &section.display,
                folder: section.folder.clone(),
                path: &section.path,
                rendered: &section.rendered,
                description: section.front.description.as_deref(),
            });
        }
    }
    let ids = Ids::new(site, output);
    let reached = output.map(reachable);
    let mut found: Vec<Diagnostic> = documents
        .par_iter()
        .flat_map_iter(|document| {
            let Some(source) = Source::read(site, document.display) else {
                return Vec::new();
            };
            let mut found = Vec::new();
            check_links(document, &source, &ids, output, &mut found);
            check_description(document, &source, &mut found);
            if let Some(reached) = &reached
                && !reached.contains(&format!("{}index.html", document.path))
            {
                found.push(
                    Diagnostic::warning(
                        document.display,
                        "unreachable",
                        format!(
                            "no link reaches `/{}` from the home page: link to it from a page, a section or the menu",
                            document.path
                        ),
                    )
                    .at(&source.text, 1, 1),
                );
            }
            found
        })
        .collect();
    diagnostics::sort(&mut found);
    found
}

/// Heading and element ids of every page, from Markdown and, when there
/// is an output, from the rendered HTML (templates add ids too).
struct Ids<'a> {
    /// Content source (`careers/x.md`) -> site path.
    sources: HashMap<&'a str, &'a str>,
    /// Site path -> ids.
    by_path: HashMap<&'a str, HashSet<String>>,
    /// Output file (`careers/x/index.html`) -> ids, for any HTML output.
    by_output: HashMap<&'a str, HashSet<String>>,
}

impl<'a> Ids<'a> {
    fn new(site: &'a Site, output: Option<&'a Output>) -> Ids<'a> {
        let mut sources = HashMap::new();
        let mut by_path: HashMap<&str, HashSet<String>> = HashMap::new();
        for page in &site.pages {
            sources.insert(page.source.as_str(), page.path.as_str());
            by_path
                .entry(page.path.as_str())
                .or_default()
                .extend(page.rendered.anchors.iter().cloned());
        }
        for section in &site.sections {
            sources.insert(section.source.as_str(), section.path.as_str());
            by_path
                .entry(section.path.as_str())
                .or_default()
                .extend(section.rendered.anchors.iter().cloned());
        }
        let by_output: HashMap<&str, HashSet<String>> = output
            .map(|output| {
                output
                    .files
                    .par_iter()
                    .filter(|(path, _)| path.ends_with(".html"))
                    .filter_map(|(path, content)| match content {
                        Content::Bytes(bytes) => Some((
                            path.as_str(),
                            attribute_values(&String::from_utf8_lossy(bytes), "id")
                                .into_iter()
                                .collect(),
                        )),
                        Content::Copy(_) => None,
                    })
                    .collect()
            })
            .unwrap_or_default();
        Ids {
            sources,
            by_path,
            by_output,
        }
    }

    /// The ids a page at site path `path` has.
    fn of_path(&self, path: &str) -> impl Iterator<Item = &String> {
        let output = format!("{path}index.html");
        self.by_path
            .get(path)
            .into_iter()
            .flatten()
            .chain(self.by_output.get(output.as_str()).into_iter().flatten())
    }

    fn has(&self, path: &str, id: &str) -> bool {
        self.of_path(path).any(|known| known == id)
    }
}

fn check_links(
    document: &Document<'_>,
    source: &Source,
    ids: &Ids<'_>,
    output: Option<&Output>,
    found: &mut Vec<Diagnostic>,
) {
    for link in &document.rendered.links {
        let destination = link.destination.trim();
        let lower = destination.to_ascii_lowercase();
        if destination.is_empty()
            || destination.starts_with("//")
            || lower.contains("://")
            || ["mailto:", "tel:", "data:", "javascript:"]
                .iter()
                .any(|scheme| lower.starts_with(scheme))
        {
            continue;
        }
        let (target, fragment) = match destination.split_once('#') {
            Some((target, fragment)) => (target, Some(fragment)),
            None => (destination, None),
        };
        let what = if link.image { "image" } else { "link to" };
        // A Markdown file: a missing file is already a build error, so
        // only its fragment is left to check.
        if target.is_empty() || content::linked_source(target, &document.folder).is_some() {
            let path = if target.is_empty() {
                Some(document.path)
            } else {
                content::linked_source(target, &document.folder)
                    .flatten()
                    .and_then(|key| ids.sources.get(key.as_str()).copied())
            };
            if let (Some(path), Some(fragment)) = (path, fragment)
                && !fragment.is_empty()
                && !ids.has(path, &percent_decode(fragment))
            {
                let shown = if target.is_empty() {
                    "this page".to_string()
                } else {
                    format!("`{target}`")
                };
                let mut headings: Vec<&String> =
                    ids.by_path.get(path).into_iter().flatten().collect();
                headings.sort();
                let known = if headings.is_empty() {
                    "it has no headings".to_string()
                } else {
                    let listed: Vec<String> = headings
                        .iter()
                        .take(12)
                        .map(|id| format!("#{id}"))
                        .collect();
                    let more = if headings.len() > 12 { ", ..." } else { "" };
                    format!("its headings are {}{more}", listed.join(", "))
                };
                found.push(source.at_body(
                    Diagnostic::error(
                        document.display,
                        "broken-anchor",
                        format!(
                            "{what} `{destination}`: {shown} has no heading or element with id `{fragment}` ({known})"
                        ),
                    ),
                    link.offset,
                ));
            }
            continue;
        }
        // Any other local link: a file or a page of the output.
        let Some(output) = output else { continue };
        let target = target.split('?').next().unwrap_or_default();
        let site_path = match target.strip_prefix('/') {
            Some(absolute) => normalise(absolute),
            None => normalise(&format!("{}{target}", document.path)),
        };
        let Some(site_path) = site_path else {
            found.push(source.at_body(
                Diagnostic::error(
                    document.display,
                    "missing-file",
                    format!("{what} `{destination}` climbs out of the site"),
                ),
                link.offset,
            ));
            continue;
        };
        let site_path = percent_decode(&site_path);
        let file = if site_path.is_empty() || target.ends_with('/') {
            format!(
                "{site_path}{}index.html",
                if site_path.is_empty() { "" } else { "/" }
            )
        } else if output.files.contains_key(&site_path) {
            site_path.clone()
        } else {
            format!("{site_path}/index.html")
        };
        if !output.files.contains_key(&file) {
            found.push(source.at_body(
                Diagnostic::error(
                    document.display,
                    "missing-file",
                    format!(
                        "{what} `{destination}`: the output has no file `{site_path}` (from this page, the link leads to `/{site_path}`)"
                    ),
                ),
                link.offset,
            ));
            continue;
        }
        if let Some(fragment) = fragment.filter(|f| !f.is_empty())
            && file.ends_with(".html")
            && !ids
                .by_output
                .get(file.as_str())
                .is_some_and(|known| known.contains(&percent_decode(fragment)))
        {
            found.push(source.at_body(
                Diagnostic::error(
                    document.display,
                    "broken-anchor",
                    format!(
                        "{what} `{destination}`: `/{site_path}` has no element with id `{fragment}`"
                    ),
                ),
                link.offset,
            ));
        }
    }
}

fn check_description(document: &Document<'_>, source: &Source, found: &mut Vec<Diagnostic>) {
    match document.description.map(str::trim) {
        None | Some("") => found.push(
            Diagnostic::warning(
                document.display,
                "description-missing",
                "no `description` in the front matter: search results and link previews show it",
            )
            .at(&source.text, 1, 1),
        ),
        Some(description) => {
            let length = description.chars().count();
            if length > DESCRIPTION_LIMIT {
                found.push(source.at_key(
                    Diagnostic::warning(
                        document.display,
                        "description-long",
                        format!(
                            "`description` is {length} characters long: search results cut it after about {DESCRIPTION_LIMIT}"
                        ),
                    ),
                    &[Segment::Key("description".into())],
                ));
            }
        }
    }
}

/// Local links of the rendered HTML that lead to no output file, outside
/// the page's own Markdown (whose links are reported at their line above):
/// links from templates. One error per link target, at the template line that writes
/// it when a text search finds it, counting the pages that show it.
fn check_template_links(
    site: &Site,
    templates: &crate::templates::Templates,
    output: &Output,
) -> Vec<Diagnostic> {
    // Each page's Markdown, as it stands in its output file.
    let markdown: HashMap<String, &crate::markdown::PackedHtml> = site
        .pages
        .iter()
        .map(|page| (&page.path, &page.rendered))
        .chain(site.sections.iter().map(|s| (&s.path, &s.rendered)))
        .map(|(path, rendered)| (format!("{path}index.html"), &rendered.html))
        .collect();
    // Site path the link leads to -> (the link as written, pages showing it).
    let mut broken: std::collections::BTreeMap<String, (String, Vec<&str>)> = Default::default();
    for (file, content) in &output.files {
        let Content::Bytes(bytes) = content else {
            continue;
        };
        // The 404 page links from the base path, which may be a sub-path.
        if !file.ends_with(".html") || file == "404.html" {
            continue;
        }
        let mut html = String::from_utf8_lossy(bytes).into_owned();
        if let Some(written) = markdown.get(file.as_str()).filter(|w| !w.is_empty()) {
            html = html.replacen(&written.text(), "", 1);
        }
        let folder = file.rsplit_once('/').map_or("", |(folder, _)| folder);
        for link in ["href", "src", "action"]
            .iter()
            .flat_map(|name| attribute_values(&html, name))
        {
            if let Some(missing) = missing_output_file(output, folder, &link) {
                let entry = broken
                    .entry(missing)
                    .or_insert_with(|| (link.clone(), Vec::new()));
                entry.1.push(file);
            }
        }
    }
    broken
        .into_iter()
        .map(|(site_path, (link, files))| template_link_error(templates, &site_path, &link, &files))
        .collect()
}

/// The error for a link a template writes that leads nowhere.
fn template_link_error(
    templates: &crate::templates::Templates,
    site_path: &str,
    link: &str,
    files: &[&str],
) -> Diagnostic {
    let tail = link.trim_start_matches("./").trim_start_matches("../");
    let tail = tail
        .trim_start_matches("../")
        .split(['#', '?'])
        .next()
        .unwrap_or_default();
    let pages = match files {
        [one] => format!("on `{one}`"),
        [first, rest @ ..] => format!("on {} pages, e.g. `{first}`", rest.len() + 1),
        [] => String::new(),
    };
    let message = format!(
        "link `{link}` {pages} leads to `/{site_path}`, which the output does not have: add that page or fix the link"
    );
    match templates.locate_link(tail).filter(|_| !tail.is_empty()) {
        Some(located) => Diagnostic { message, ..located },
        None => Diagnostic::error(files[0], "missing-file", message),
    }
}

/// The site path a local link leads to when no output file is there;
/// `None` for external links, fragments and links that reach a file.
fn missing_output_file(output: &Output, folder: &str, link: &str) -> Option<String> {
    let lower = link.to_ascii_lowercase();
    if link.is_empty() || link.starts_with('#') || link.starts_with("//") || lower.contains(':') {
        return None;
    }
    if local_output_file(output, folder, link).is_some() {
        return None;
    }
    let (target, path) = site_path_of(folder, link)?;
    Some(if target.ends_with('/') && !path.is_empty() {
        format!("{path}/")
    } else {
        path
    })
}

/// A local link of an HTML file in `folder`: the link without its
/// `#fragment` or `?query`, and the site path it leads to (`None` when it
/// climbs out of the site).
fn site_path_of<'a>(folder: &str, link: &'a str) -> Option<(&'a str, String)> {
    let target = link.split(['#', '?']).next()?;
    let joined = match target.strip_prefix('/') {
        Some(absolute) => absolute.to_string(),
        None if folder.is_empty() => target.to_string(),
        None => format!("{folder}/{target}"),
    };
    Some((target, percent_decode(&normalise(&joined)?)))
}

/// Output files reached from `index.html` by following `href` and form
/// `action` attributes of HTML files.
fn reachable(output: &Output) -> BTreeSet<String> {
    let mut reached = BTreeSet::new();
    let mut queue = VecDeque::new();
    if output.files.contains_key("index.html") {
        reached.insert("index.html".to_string());
        queue.push_back("index.html".to_string());
    }
    while let Some(file) = queue.pop_front() {
        let Some(Content::Bytes(bytes)) = output.files.get(&file) else {
            continue;
        };
        let html = String::from_utf8_lossy(bytes);
        let folder = file.rsplit_once('/').map_or("", |(folder, _)| folder);
        let links = attribute_values(&html, "href")
            .into_iter()
            .chain(attribute_values(&html, "action"));
        for link in links {
            let Some(target) = local_output_file(output, folder, &link) else {
                continue;
            };
            if target.ends_with(".html") && reached.insert(target.clone()) {
                queue.push_back(target);
            }
        }
    }
    reached
}

/// The output file a link in an HTML file of `folder` leads to, if it is
/// local and exists.
fn local_output_file(output: &Output, folder: &str, link: &str) -> Option<String> {
    let lower = link.to_ascii_lowercase();
    if link.starts_with('#') || link.starts_with("//") || lower.contains(':') {
        return None;
    }
    let (target, path) = site_path_of(folder, link)?;
    let candidates = if path.is_empty() {
        vec!["index.html".to_string()]
    } else if target.ends_with('/') || target.is_empty() {
        vec![format!("{path}/index.html")]
    } else {
        vec![path.clone(), format!("{path}/index.html")]
    };
    candidates
        .into_iter()
        .find(|candidate| output.files.contains_key(candidate))
}

/// Every value of attribute `name` in `html`, entities decoded. A plain
/// scan: medsite's own output always quotes attributes with `"`.
pub(crate) fn attribute_values(html: &str, name: &str) -> Vec<String> {
    let needle = format!(" {name}=\"");
    let mut values = Vec::new();
    let mut rest = html;
    while let Some(start) = rest.find(&needle) {
        rest = &rest[start + needle.len()..];
        let Some(end) = rest.find('"') else { break };
        values.push(decode_entities(&rest[..end]));
        rest = &rest[end..];
    }
    values
}

fn decode_entities(text: &str) -> String {
    if !text.contains('&') {
        return text.to_string();
    }
    text.replace("&#x2F;", "/")
        .replace("&#47;", "/")
        .replace("&quot;", "\"")
        .replace("&#x27;", "'")
        .replace("&#39;", "'")
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&amp;", "&")
}

/// `%20` and the like; anything that does not decode to UTF-8 is kept as written.
fn percent_decode(text: &str) -> String {
    percent_encoding::percent_decode_str(text)
        .decode_utf8()
        .map_or_else(|_| text.to_string(), |decoded| decoded.into_owned())
}

fn folder_of(source: &str) -> String {
    source
        .rsplit_once('/')
        .map_or(String::new(), |(folder, _)| folder.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn attributes_are_scanned_and_decoded() {
        let html = r#"<a href="../x/?a=1&amp;b=2">x</a><h2 id="pay">"#;
        assert_eq!(attribute_values(html, "href"), ["../x/?a=1&b=2"]);
        assert_eq!(attribute_values(html, "id"), ["pay"]);
    }

    #[test]
    fn percent_escapes_are_decoded() {
        assert_eq!(percent_decode("my%20file.pdf"), "my file.pdf");
        assert_eq!(percent_decode("100%"), "100%");
    }

    #[test]
    fn links_resolve_against_their_folder() {
        let mut output = Output::default();
        for file in [
            "index.html",
            "careers/index.html",
            "careers/x/index.html",
            "a.pdf",
        ] {
            output
                .files
                .insert(file.to_string(), Content::Bytes(Vec::new()));
        }
        assert_eq!(
            local_output_file(&output, "careers/x", "../").as_deref(),
            Some("careers/index.html")
        );
        assert_eq!(
            local_output_file(&output, "careers/x", "../../a.pdf#p").as_deref(),
            Some("a.pdf")
        );
        assert_eq!(local_output_file(&output, "", "https://x.org/"), None);
        assert_eq!(local_output_file(&output, "careers", "../../.."), None);
    }
}
