//! Template loading: the site's own `templates/` override the theme's
//! file by file, and medsite's built-in templates (feeds, sitemap, robots,
//! redirects, and, for a site that names no theme, the starter theme of
//! [`crate::theme`]) come last. Every template is autoescaped whatever its
//! name.

use std::collections::{BTreeSet, HashMap};
use std::path::Path;

use tera::{ErrorKind, Kwargs, State, Tera};
use walkdir::WalkDir;

use crate::diagnostics::{self, Diagnostic};
use crate::template_blocks;

const THEME_PREFIX: &str = "__theme/";
const BUILTIN_PREFIX: &str = "__builtin/";

const BUILTIN: &[(&str, &str)] = &[
    ("atom.xml", include_str!("builtin/atom.xml")),
    ("sitemap.xml", include_str!("builtin/sitemap.xml")),
    ("robots.txt", include_str!("builtin/robots.txt")),
    ("alias.html", include_str!("builtin/alias.html")),
];

/// Parsed templates and where each came from, for diagnostics.
#[derive(Clone)]
pub struct Templates {
    pub tera: Tera,
    /// Template name as Tera knows it -> (display path, source text).
    sources: HashMap<String, (String, String)>,
}

impl Templates {
    /// Loads `<root>/templates`, `<root>/themes/<theme>/templates` and the built-ins.
    pub fn load(root: &Path, theme: Option<&str>) -> Result<Templates, Vec<Diagnostic>> {
        let mut tera = Tera::new();
        tera.autoescape_on([""]);
        tera.set_fallback_prefixes([THEME_PREFIX, BUILTIN_PREFIX])
            .expect("no templates were added yet");
        register_filters(&mut tera);
        let mut sources = HashMap::new();
        let mut errors = Vec::new();
        let mut raw: Vec<(String, String)> = Vec::new();
        let theme_dir = root.join("themes").join(theme.unwrap_or_default());
        if let Some(theme) = theme
            && !theme_dir.is_dir()
        {
            errors.push(Diagnostic::error(
                "site.toml",
                "theme-missing",
                format!("theme `{theme}` not found: there is no folder `themes/{theme}/`"),
            ));
        }
        for (dir, prefix) in [
            (root.join("templates"), ""),
            (theme_dir.join("templates"), THEME_PREFIX),
        ] {
            if !dir.is_dir() {
                continue;
            }
            for entry in WalkDir::new(&dir).sort_by_file_name() {
                let entry = match entry {
                    Ok(entry) => entry,
                    Err(error) => {
                        errors.push(Diagnostic::error(
                            diagnostics::display_path(root, &dir),
                            "walk",
                            error.to_string(),
                        ));
                        continue;
                    }
                };
                let name = entry.file_name().to_string_lossy();
                if !entry.file_type().is_file() || crate::content::is_editor_temporary(&name) {
                    continue;
                }
                let display = diagnostics::display_path(root, entry.path());
                match crate::fs::read_to_string(entry.path()) {
                    Ok(text) => {
                        let tera_name =
                            format!("{prefix}{}", diagnostics::display_path(&dir, entry.path()));
                        sources.insert(tera_name.clone(), (display, text.clone()));
                        raw.push((tera_name, text));
                    }
                    Err(error) => errors.push(Diagnostic::error(display, "io", error.to_string())),
                }
            }
        }
        // The built-in theme is the theme of a site that names none; a
        // theme's templates extend its own base.html, whose blocks the
        // built-in ones would not find.
        let built_in_theme = if theme.is_none() {
            crate::theme::TEMPLATES
        } else {
            &[]
        };
        // Its card template only where cards can be drawn (`crate::cards`).
        let built_in_card = crate::cards::built_in_template().filter(|_| theme.is_none());
        for (name, text) in BUILTIN.iter().chain(built_in_theme).chain(&built_in_card) {
            let tera_name = format!("{BUILTIN_PREFIX}{name}");
            sources.insert(
                tera_name.clone(),
                (format!("(built-in) {name}"), text.to_string()),
            );
            raw.push((tera_name, text.to_string()));
        }
        if !errors.is_empty() {
            return Err(errors);
        }
        let templates = Templates { tera, sources };
        let mut tera = templates.tera.clone();
        if let Err(error) = tera.add_raw_templates(raw) {
            return Err(vec![templates.diagnostic(&error, None)]);
        }
        Ok(Templates { tera, ..templates })
    }

    /// Names of the templates (as jobs name them, e.g. `page.html`) that
    /// call `function`, directly or through a template they extend,
    /// include or import. A text search, so it may name too many, never
    /// too few: `watch` re-renders these whenever what the function
    /// returns may have changed.
    pub fn calling(&self, function: &str) -> BTreeSet<String> {
        let unprefixed = |name: &str| {
            name.trim_start_matches(THEME_PREFIX)
                .trim_start_matches(BUILTIN_PREFIX)
                .to_string()
        };
        let mut found: BTreeSet<String> = self
            .sources
            .iter()
            .filter(|(_, (_, text))| text.contains(function))
            .map(|(name, _)| unprefixed(name))
            .collect();
        loop {
            let before = found.len();
            for (name, (_, text)) in &self.sources {
                let uses_found = found.iter().any(|f| {
                    text.contains(&format!("\"{f}\"")) || text.contains(&format!("'{f}'"))
                });
                if uses_found {
                    found.insert(unprefixed(name));
                }
            }
            if found.len() == before {
                return found;
            }
        }
    }

    /// Whether any template may call `asset`: only then are fingerprinted
    /// copies of static files published (see [`crate::assets`]).
    pub fn use_assets(&self) -> bool {
        !self.calling("asset").is_empty()
    }

    /// Where a template writes a link ending in `tail` (`search/` for
    /// `{{ root }}search/`): the first line, in file order, where `tail`
    /// starts an attribute value or follows a `}}`. A text search, as
    /// templates build links from variables; site templates come first.
    pub fn locate_link(&self, tail: &str) -> Option<Diagnostic> {
        let mut sources: Vec<&(String, String)> = self
            .sources
            .values()
            .filter(|(display, _)| !display.starts_with("(built-in)"))
            .collect();
        sources.sort_by_key(|(display, _)| (display.starts_with("themes/"), display.clone()));
        sources.into_iter().find_map(|(display, text)| {
            let offset = ["\"", "'", "}}", "/"].iter().find_map(|before| {
                text.match_indices(&format!("{before}{tail}"))
                    .map(|(at, _)| at + before.len())
                    .find(|&at| text[at + tail.len()..].starts_with(['"', '\'', '#', '?']))
            })?;
            Some(Diagnostic::error(display.clone(), "missing-file", "").at_offset(text, offset))
        })
    }

    /// True when a template of that name exists in the site, theme or built-ins.
    pub fn has(&self, name: &str) -> bool {
        self.tera.contains_template(name)
    }

    /// The file a template comes from, as a writer knows it
    /// (`themes/default/templates/card.svg`, `(built-in) card.svg`).
    pub fn display_path(&self, name: &str) -> Option<&str> {
        [
            String::new(),
            THEME_PREFIX.to_string(),
            BUILTIN_PREFIX.to_string(),
        ]
        .iter()
        .find_map(|prefix| self.sources.get(&format!("{prefix}{name}")))
        .map(|(display, _)| display.as_str())
    }

    /// Turns a Tera error into a diagnostic naming the template file and
    /// line. A template that does not parse because a tag was left open is
    /// reported at that tag (Tera points at the tag after it).
    pub fn diagnostic(&self, error: &tera::Error, rendering: Option<&str>) -> Diagnostic {
        let diagnostic = self.tera_diagnostic(error, rendering);
        if rendering.is_some() {
            return diagnostic;
        }
        let source = self
            .sources
            .values()
            .find(|(display, _)| *display == diagnostic.file);
        match source.and_then(|(_, text)| Some((text, template_blocks::unclosed(text)?))) {
            Some((text, unclosed)) => {
                let line_of = |offset| diagnostics::line_column(text, offset).0;
                Diagnostic::error(&diagnostic.file, "template", unclosed.message(line_of))
                    .at_offset(text, unclosed.offset)
            }
            None => diagnostic,
        }
    }

    fn tera_diagnostic(&self, error: &tera::Error, rendering: Option<&str>) -> Diagnostic {
        let suffix = rendering.map_or(String::new(), |what| format!(" (while rendering {what})"));
        match error.kind() {
            ErrorKind::SyntaxError(report) | ErrorKind::RenderingError(report) => {
                let (display, text) = self
                    .sources
                    .get(report.filename())
                    .cloned()
                    .unwrap_or_else(|| (report.filename().to_string(), String::new()));
                let span = report.span();
                Diagnostic::error(display, "template", format!("{}{suffix}", report.message())).at(
                    &text,
                    span.start_line,
                    span.start_col + 1,
                )
            }
            ErrorKind::Msg(message)
                if message.contains("\n  --> ") || message.contains("\n --> ") =>
            {
                self.diagnostic_from_report(message, &suffix)
            }
            other => {
                let mut message = other.to_string();
                let mut source = std::error::Error::source(error);
                while let Some(cause) = source {
                    message.push_str(&format!(": {cause}"));
                    source = cause.source();
                }
                let message = message
                    .replace(THEME_PREFIX, "")
                    .replace(BUILTIN_PREFIX, "");
                Diagnostic::error("templates", "template", format!("{message}{suffix}"))
            }
        }
    }
}

impl Templates {
    /// Tera reports several validation errors as one text of
    /// `error: message` / `--> name:line:col` blocks; keep the first one,
    /// pointed at its file. (Each build reports all template problems it
    /// can, but Tera stops validating at the first failing template set.)
    fn diagnostic_from_report(&self, text: &str, suffix: &str) -> Diagnostic {
        let message = text
            .lines()
            .find_map(|line| line.strip_prefix("error: "))
            .unwrap_or(text)
            .to_string();
        let location = text
            .lines()
            .find_map(|line| line.trim_start().strip_prefix("--> "));
        if let Some((name, line, column)) = location.and_then(|location| {
            let mut parts = location.rsplitn(3, ':');
            let column = parts.next()?.trim().parse::<usize>().ok()?;
            let line = parts.next()?.trim().parse::<usize>().ok()?;
            Some((parts.next()?.to_string(), line, column))
        }) {
            let candidates = [
                name.clone(),
                format!("{THEME_PREFIX}{name}"),
                format!("{BUILTIN_PREFIX}{name}"),
            ];
            if let Some((display, source)) = candidates.iter().find_map(|n| self.sources.get(n)) {
                return Diagnostic::error(
                    display.clone(),
                    "template",
                    format!("{message}{suffix}"),
                )
                .at(source, line, column);
            }
        }
        Diagnostic::error("templates", "template", format!("{message}{suffix}"))
    }
}

fn register_filters(tera: &mut Tera) {
    // 48300 -> "48,300": the key-facts panel and the comparison need it.
    tera.register_filter("thousands", |value: i64, _: Kwargs, _: &State| {
        thousands(value)
    });
    crate::json_ld::register(tera);
    // A title in lines for an SVG card, which cannot wrap text itself.
    tera.register_filter("wrap", |text: &str, kwargs: Kwargs, _: &State| {
        let width = kwargs.get::<usize>("width")?.unwrap_or(30);
        Ok::<_, tera::Error>(crate::cards::wrap(text, width))
    });
    // Tera checks at load time that every function a template calls exists;
    // `render` replaces this with one that knows the site's sections.
    tera.register_function(
        "get_pages",
        |_: Kwargs, _: &State| -> tera::TeraResult<tera::Value> {
            Err(tera::Error::message(
                "get_pages is only available while rendering",
            ))
        },
    );
    for function in [
        crate::data::template::FUNCTION,
        crate::data::figures::FUNCTION,
        crate::images::FUNCTION,
    ] {
        tera.register_function(
            function,
            move |_: Kwargs, _: &State| -> tera::TeraResult<tera::Value> {
                Err(tera::Error::message(format!(
                    "{function} is only available while rendering"
                )))
            },
        );
    }
    tera.register_function(
        "asset",
        |_: Kwargs, _: &State| -> tera::TeraResult<tera::Value> {
            Err(tera::Error::message(
                "asset is only available while rendering",
            ))
        },
    );
    tera.register_function(
        "get_section",
        |_: Kwargs, _: &State| -> tera::TeraResult<tera::Value> {
            Err(tera::Error::message(
                "get_section is only available while rendering",
            ))
        },
    );
}

/// Formats an integer with commas between thousands.
pub fn thousands(value: i64) -> String {
    let digits = value.unsigned_abs().to_string();
    let mut out = String::new();
    for (index, digit) in digits.chars().enumerate() {
        if index > 0 && (digits.len() - index).is_multiple_of(3) {
            out.push(',');
        }
        out.push(digit);
    }
    if value < 0 { format!("-{out}") } else { out }
}

#[cfg(test)]
mod tests {
    #[test]
    fn thousands_groups_digits() {
        assert_eq!(super::thousands(48300), "48,300");
        assert_eq!(super::thousands(269000), "269,000");
        assert_eq!(super::thousands(999), "999");
        assert_eq!(super::thousands(-1234567), "-1,234,567");
    }
}
