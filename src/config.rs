//! `site.toml` in two stages: `RawConfig` mirrors the file exactly (serde,
//! unknown keys refused), [`Config`] is what the rest of medsite uses, with
//! defaults filled in and values checked.

use std::collections::BTreeMap;
use std::path::Path;

use serde::Deserialize;

use crate::diagnostics::Diagnostic;
use crate::locate::{self, Format, Segment};

pub const CONFIG_FILE: &str = "site.toml";

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawConfig {
    title: String,
    #[serde(default)]
    description: String,
    #[serde(default)]
    base_url: Option<String>,
    #[serde(default)]
    language: Option<String>,
    #[serde(default)]
    theme: Option<String>,
    #[serde(default)]
    taxonomies: Vec<RawTaxonomy>,
    #[serde(default)]
    menu: Vec<MenuItem>,
    #[serde(default)]
    sections: BTreeMap<String, SectionSettings>,
    #[serde(default)]
    feed_limit: Option<usize>,
    #[serde(default)]
    feeds: Option<bool>,
    #[serde(default)]
    search: bool,
    #[serde(default)]
    markdown: MarkdownSettings,
    #[serde(default)]
    data: BTreeMap<String, DataSettings>,
    #[serde(default)]
    extra: toml::Table,
    #[serde(default)]
    check: CheckSettings,
    #[serde(default)]
    images: crate::images::ImageSettings,
}

/// `[check]` in site.toml: settings of `medsite check`'s rules over
/// provenance (see `docs/data.md`).
#[derive(Debug, Clone, Copy, Default, Deserialize, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct CheckSettings {
    /// A figure older than this many years (the current year minus the
    /// year of its period, or of its source's `accessed` date) is a
    /// warning; `None` checks no age.
    pub max_figure_age_years: Option<i64>,
    /// `[check.external]`: how `check --external` fetches and caches.
    #[serde(default)]
    pub external: crate::check::external::Settings,
}

/// Most years `max_figure_age_years` may be: a larger number is a typo.
pub const MAX_FIGURE_AGE_LIMIT: i64 = 100;

/// `[markdown]` in site.toml.
#[derive(Debug, Clone, Default, Deserialize, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct MarkdownSettings {
    /// `pass` (default), `escape` or `strip`; script URLs are always dropped.
    #[serde(default)]
    pub raw_html: crate::markdown::RawHtml,
    /// Highlight fenced code blocks at build time (see [`crate::highlight`]).
    #[serde(default)]
    pub highlight: bool,
    #[serde(default)]
    pub highlight_theme_light: Option<String>,
    #[serde(default)]
    pub highlight_theme_dark: Option<String>,
}

/// The two themes of the highlighting stylesheet, checked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HighlightThemes {
    pub light: String,
    /// Used under `prefers-color-scheme: dark`.
    pub dark: String,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawTaxonomy {
    name: String,
    #[serde(default)]
    title: Option<String>,
    #[serde(default)]
    paginate_by: Option<usize>,
}

/// A link in the site's main navigation.
#[derive(Debug, Clone, Deserialize, serde::Serialize, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct MenuItem {
    pub title: String,
    /// Site-relative path, e.g. `careers/`.
    pub path: String,
}

/// Settings for the section whose folder is the key of `[sections.<path>]`.
#[derive(Debug, Clone, Default, Deserialize, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct SectionSettings {
    /// Template for the section's list page (default `section.html`).
    pub template: Option<String>,
    /// Template for the section's pages (default `page.html`).
    pub page_template: Option<String>,
    /// Pages per list page; `None` lists every page on the section's page.
    pub paginate_by: Option<usize>,
    /// JSON Schema file (relative to the site root) that every page's front
    /// matter in this section must satisfy, e.g. `schemas/career.schema.json`.
    pub schema: Option<String>,
}

/// Settings for the data file whose path (relative to `data/`) is the key
/// of `[data."<path>"]`, e.g. `[data."careers.csv"]`.
#[derive(Debug, Clone, Default, Deserialize, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct DataSettings {
    /// JSON Schema file (relative to the site root, in `schemas/`) that the
    /// file's whole value must satisfy; for a CSV file it also types the
    /// cells of the columns it describes.
    pub schema: Option<String>,
    /// `figures`: every record is a figure with its provenance, checked
    /// by medsite's built-in schema (see `docs/data.md`).
    pub kind: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Taxonomy {
    /// The key used in front matter, e.g. `work_settings`.
    pub name: String,
    pub title: String,
    /// URL segment, e.g. `work-settings`.
    pub slug: String,
    /// Pages per list page of each term; `None` lists every page at once.
    pub paginate_by: Option<usize>,
}

/// The validated site configuration.
#[derive(Debug, Clone)]
pub struct Config {
    pub title: String,
    pub description: String,
    /// Always ends with `/` when set.
    pub base_url: Option<String>,
    pub language: String,
    /// `None`: the site's own `templates/` and `static/` only.
    pub theme: Option<String>,
    pub taxonomies: Vec<Taxonomy>,
    pub menu: Vec<MenuItem>,
    /// Keyed by section folder relative to `content/`, e.g. `careers`.
    pub sections: BTreeMap<String, SectionSettings>,
    pub feed_limit: usize,
    /// An Atom feed for every section and taxonomy term besides the home
    /// feed (`atom.xml`), which is always written.
    pub feeds: bool,
    /// Build a client-side search index (pagefind) into `pagefind/`.
    pub search: bool,
    pub markdown: crate::markdown::MarkdownOptions,
    /// `[markdown] highlight = true`: the stylesheet's themes.
    pub highlight: Option<HighlightThemes>,
    /// Keyed by data file path relative to `data/`, e.g. `careers.csv`.
    pub data: BTreeMap<String, DataSettings>,
    /// `[extra]`: the site's own settings for its templates (`site.extra`).
    pub extra: serde_json::Map<String, serde_json::Value>,
    /// `[check]`: settings of `medsite check`.
    pub check: CheckSettings,
    /// `[images]`: the widths of responsive images (see `docs/images.md`).
    pub images: crate::images::ImageSettings,
}

impl Config {
    /// Parses the text of `site.toml`; every problem points into that file.
    pub fn parse(text: &str) -> Result<Config, Vec<Diagnostic>> {
        let raw: RawConfig = toml::from_str(text).map_err(|error| {
            let message = crate::diagnostics::unknown_key_message(error.message(), "site.toml")
                .unwrap_or_else(|| error.message().to_string());
            let mut diagnostic = Diagnostic::error(CONFIG_FILE, "config", message);
            if let Some(span) = error.span() {
                diagnostic = diagnostic.at_offset(text, span.start);
            }
            vec![diagnostic]
        })?;
        let mut problems = Vec::new();
        let base_url = match raw.base_url.as_deref().map(str::trim) {
            None | Some("") => None,
            Some(url) => match normalise_base_url(url) {
                Ok(url) => Some(url),
                Err(message) => {
                    problems.push(at_key(text, &locate::keys(&["base_url"]), message));
                    None
                }
            },
        };
        let mut taxonomies = Vec::new();
        for (index, raw_taxonomy) in raw.taxonomies.into_iter().enumerate() {
            let at = |key: Option<&str>| {
                let mut path = vec![Segment::key("taxonomies"), Segment::Index(index)];
                path.extend(key.map(Segment::key));
                path
            };
            let slug = slug::slugify(&raw_taxonomy.name);
            if slug.is_empty() {
                problems.push(at_key(
                    text,
                    &at(Some("name")),
                    format!(
                        "taxonomy name `{}` has no usable characters",
                        raw_taxonomy.name
                    ),
                ));
                continue;
            }
            let title = raw_taxonomy
                .title
                .unwrap_or_else(|| humanise(&raw_taxonomy.name));
            if raw_taxonomy.paginate_by == Some(0) {
                problems.push(at_key(
                    text,
                    &at(Some("paginate_by")),
                    format!(
                        "taxonomy `{}`: `paginate_by` must be at least 1 (leave it out to list every page)",
                        raw_taxonomy.name
                    ),
                ));
                continue;
            }
            taxonomies.push(Taxonomy {
                name: raw_taxonomy.name,
                title,
                slug,
                paginate_by: raw_taxonomy.paginate_by,
            });
        }
        for (folder, settings) in &raw.sections {
            if settings.paginate_by == Some(0) {
                problems.push(at_key(
                    text,
                    &locate::keys(&["sections", folder, "paginate_by"]),
                    format!(
                        "section `{folder}`: `paginate_by` must be at least 1 (leave it out to list every page)"
                    ),
                ));
            }
        }
        // A theme is read from `themes/<name>/`, the folder that `build`
        // stamps and `watch` watches: a path would lead elsewhere.
        if let Some(theme) = raw.theme.as_deref().filter(|theme| !theme.is_empty())
            && (theme.contains(['/', '\\']) || theme == "." || theme == "..")
        {
            problems.push(at_key(
                text,
                &locate::keys(&["theme"]),
                format!(
                    "theme `{theme}` must be the name of a folder in `themes/`, such as `default`, not a path"
                ),
            ));
        }
        if let Some(years) = raw.check.max_figure_age_years
            && !(1..=MAX_FIGURE_AGE_LIMIT).contains(&years)
        {
            problems.push(at_key(
                text,
                &locate::keys(&["check", "max_figure_age_years"]),
                format!(
                    "`[check] max_figure_age_years` is {years}: it must be a whole number of years from 1 to {MAX_FIGURE_AGE_LIMIT} (leave it out to check no age)"
                ),
            ));
        }
        if let Some(problem) = raw.images.problem() {
            problems.push(at_key(
                text,
                &locate::keys(&["images", "widths"]),
                format!("`[images]`: {problem}"),
            ));
        }
        let highlight = highlight_themes(text, &raw.markdown, &mut problems);
        for (key, message) in raw.check.external.problems() {
            problems.push(at_key(
                text,
                &locate::keys(&["check", "external", key]),
                message,
            ));
        }
        if !problems.is_empty() {
            return Err(problems);
        }
        Ok(Config {
            title: raw.title,
            description: raw.description,
            base_url,
            language: raw.language.unwrap_or_else(|| "en".to_string()),
            theme: raw.theme.filter(|t| !t.is_empty()),
            taxonomies,
            menu: raw.menu,
            sections: raw
                .sections
                .into_iter()
                .map(|(key, value)| (key.trim_matches('/').to_string(), value))
                .collect(),
            feed_limit: raw.feed_limit.unwrap_or(20),
            feeds: raw.feeds.unwrap_or(true),
            search: raw.search,
            markdown: crate::markdown::MarkdownOptions {
                raw_html: raw.markdown.raw_html,
                highlight: highlight.is_some(),
            },
            highlight,
            data: raw.data,
            extra: raw
                .extra
                .into_iter()
                .map(|(key, value)| (key, toml_to_json(value)))
                .collect(),
            check: raw.check,
            images: raw.images,
        })
    }

    /// Reads and parses `<root>/site.toml`.
    pub fn load(root: &Path) -> Result<Config, Vec<Diagnostic>> {
        let path = root.join(CONFIG_FILE);
        let text = crate::fs::read_to_string(&path)
            .map_err(|error| vec![Diagnostic::error(CONFIG_FILE, "config", error.to_string())])?;
        Config::parse(&text)
    }

    /// Pages per list page of the section in `folder`, if it paginates.
    pub fn section_paginate_by(&self, folder: &str) -> Option<usize> {
        self.sections.get(folder).and_then(|s| s.paginate_by)
    }

    pub fn taxonomy(&self, name: &str) -> Option<&Taxonomy> {
        self.taxonomies.iter().find(|t| t.name == name)
    }

    /// Path part of the base URL (`/` or `/sub/`), for the few outputs
    /// that cannot use relative links, such as the 404 page.
    pub fn base_path(&self) -> String {
        match &self.base_url {
            None => "/".to_string(),
            Some(url) => {
                let after_scheme = url.split_once("://").map_or(url.as_str(), |(_, rest)| rest);
                match after_scheme.find('/') {
                    Some(index) => after_scheme[index..].to_string(),
                    None => "/".to_string(),
                }
            }
        }
    }
}

/// The highlighting themes when `[markdown] highlight` is on; a binary
/// built without the feature, or an unknown theme, is refused at its key.
fn highlight_themes(
    text: &str,
    settings: &MarkdownSettings,
    problems: &mut Vec<Diagnostic>,
) -> Option<HighlightThemes> {
    if !settings.highlight {
        return None;
    }
    if let Some(message) = crate::highlight::unavailable() {
        let key = locate::keys(&["markdown", "highlight"]);
        problems.push(at_key(text, &key, message.to_string()));
        return None;
    }
    let mut theme = |key: &str, chosen: &Option<String>, default: &str| {
        let name = chosen.clone().unwrap_or_else(|| default.to_string());
        crate::highlight::check_theme(&name)
            .map_err(|message| {
                problems.push(at_key(text, &locate::keys(&["markdown", key]), message))
            })
            .ok()
            .map(|()| name)
    };
    let light = theme(
        "highlight_theme_light",
        &settings.highlight_theme_light,
        crate::highlight::DEFAULT_LIGHT,
    );
    let dark = theme(
        "highlight_theme_dark",
        &settings.highlight_theme_dark,
        crate::highlight::DEFAULT_DARK,
    );
    Some(HighlightThemes {
        light: light?,
        dark: dark?,
    })
}

/// Checks a base URL and makes it end with exactly one `/`.
pub fn normalise_base_url(url: &str) -> Result<String, String> {
    let valid_scheme = url.starts_with("https://") || url.starts_with("http://");
    let host = url.split_once("://").map_or("", |(_, rest)| rest);
    if !valid_scheme || host.is_empty() || host.starts_with('/') {
        return Err(format!(
            "base_url `{url}` must be an absolute http(s) URL such as `https://example.org/` or `https://example.org/sub/`"
        ));
    }
    if url.contains(['?', '#', ' ', '\\']) {
        return Err(format!(
            "base_url `{url}` must not contain a query, a fragment, spaces or backslashes"
        ));
    }
    Ok(format!("{}/", url.trim_end_matches('/')))
}

/// An error at the key `path` of `site.toml`, or at its nearest ancestor.
fn at_key(text: &str, path: &[Segment], message: String) -> Diagnostic {
    let diagnostic = Diagnostic::error(CONFIG_FILE, "config", message);
    match locate::nearest(text, Format::Toml, path) {
        Some(offset) => diagnostic.at_offset(text, offset),
        None => diagnostic,
    }
}

/// A TOML value as templates see it; dates and times become their TOML
/// text (`1979-05-27`), as in front matter.
fn toml_to_json(value: toml::Value) -> serde_json::Value {
    use serde_json::Value as Json;
    match value {
        toml::Value::String(text) => Json::String(text),
        toml::Value::Integer(number) => Json::from(number),
        toml::Value::Float(number) => Json::from(number),
        toml::Value::Boolean(flag) => Json::Bool(flag),
        toml::Value::Datetime(datetime) => Json::String(datetime.to_string()),
        toml::Value::Array(items) => Json::Array(items.into_iter().map(toml_to_json).collect()),
        toml::Value::Table(table) => Json::Object(
            table
                .into_iter()
                .map(|(key, value)| (key, toml_to_json(value)))
                .collect(),
        ),
    }
}

/// `work_settings` -> `Work settings`.
fn humanise(name: &str) -> String {
    let spaced = name.replace(['_', '-'], " ");
    let mut chars = spaced.chars();
    match chars.next() {
        Some(first) => first.to_uppercase().chain(chars).collect(),
        None => String::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unknown_key_is_reported_with_its_line() {
        let errors = Config::parse("title = \"x\"\ntheem = \"default\"\n").unwrap_err();
        let shown = errors[0].to_string();
        assert!(
            shown.starts_with(
                "site.toml:2:1: error: unknown key `theem` in site.toml (did you mean `theme`?)"
            ),
            "{shown}"
        );
    }

    #[test]
    fn a_theme_is_a_folder_name_not_a_path() {
        for theme in ["../elsewhere", "/srv/themes/x", "a/b", "..", ".", "a\\b"] {
            let text = format!("title = \"x\"\ntheme = {}\n", toml_string(theme));
            let errors = Config::parse(&text).unwrap_err();
            assert_eq!(errors[0].line, 2, "{theme}");
            assert!(
                errors[0].message.ends_with(
                    "must be the name of a folder in `themes/`, such as `default`, not a path"
                ),
                "{}",
                errors[0]
            );
        }
        let config = Config::parse("title = \"x\"\ntheme = \"my-theme.2\"\n").unwrap();
        assert_eq!(config.theme.as_deref(), Some("my-theme.2"));
    }

    fn toml_string(value: &str) -> String {
        format!("\"{}\"", value.replace('\\', "\\\\"))
    }

    #[test]
    fn base_url_gets_one_trailing_slash() {
        let config =
            Config::parse("title = \"x\"\nbase_url = \"https://example.org/sub\"\n").unwrap();
        assert_eq!(config.base_url.as_deref(), Some("https://example.org/sub/"));
        assert_eq!(config.base_path(), "/sub/");
    }

    #[test]
    fn paginate_by_zero_is_refused_with_its_line() {
        let errors =
            Config::parse("title = \"x\"\n[sections.posts]\npaginate_by = 0\n").unwrap_err();
        assert_eq!(errors[0].line, 3);
        assert!(errors[0].message.contains("at least 1"), "{}", errors[0]);
    }

    #[test]
    fn extra_is_any_toml_for_templates() {
        let config = Config::parse(
            "title = \"x\"\n[extra]\nauthor = \"Ada\"\nsince = 1979-05-27\n[extra.social]\nlinks = [1, 2.5, true]\n",
        )
        .unwrap();
        assert_eq!(
            serde_json::Value::Object(config.extra),
            serde_json::json!({"author": "Ada", "since": "1979-05-27", "social": {"links": [1, 2.5, true]}})
        );
    }

    #[test]
    fn max_figure_age_is_a_number_of_years_refused_at_its_line_otherwise() {
        let config = Config::parse("title = \"x\"\n[check]\nmax_figure_age_years = 3\n").unwrap();
        assert_eq!(config.check.max_figure_age_years, Some(3));
        for (value, message) in [
            (
                "0",
                "`[check] max_figure_age_years` is 0: it must be a whole number of years from 1 to 100 (leave it out to check no age)",
            ),
            ("\"3y\"", "invalid type: string \"3y\", expected i64"),
        ] {
            let errors = Config::parse(&format!(
                "title = \"x\"\n[check]\nmax_figure_age_years = {value}\n"
            ))
            .unwrap_err();
            assert_eq!((errors[0].line, errors[0].message.as_str()), (3, message));
        }
    }

    #[test]
    fn relative_base_url_is_refused() {
        let errors = Config::parse("title = \"x\"\nbase_url = \"/sub/\"\n").unwrap_err();
        assert_eq!(errors[0].line, 2);
    }
}
