//! The highlighter itself: syntect's default syntaxes and themes, with
//! pure-Rust regexes (`fancy-regex`), loaded once on first use.

use std::sync::OnceLock;

use syntect::highlighting::{Theme, ThemeSet};
use syntect::html::{ClassStyle, ClassedHTMLGenerator, css_for_theme_with_class_style};
use syntect::parsing::SyntaxSet;
use syntect::util::LinesWithEndings;

use super::Highlighted;

/// Built with the feature: nothing is missing.
pub const UNAVAILABLE: Option<&str> = None;

const STYLE: ClassStyle = ClassStyle::SpacedPrefixed {
    prefix: super::CLASS_PREFIX,
};

/// Loading the syntaxes takes tens of milliseconds: only for a site that
/// has a code block to highlight, and once per process (`watch` included).
fn syntaxes() -> &'static SyntaxSet {
    static SYNTAXES: OnceLock<SyntaxSet> = OnceLock::new();
    SYNTAXES.get_or_init(SyntaxSet::load_defaults_newlines)
}

fn themes() -> &'static ThemeSet {
    static THEMES: OnceLock<ThemeSet> = OnceLock::new();
    THEMES.get_or_init(ThemeSet::load_defaults)
}

pub fn code(language: &str, code: &str) -> Highlighted {
    let syntaxes = syntaxes();
    let Some(syntax) = syntaxes.find_syntax_by_token(language) else {
        return Highlighted::Unknown;
    };
    let mut generator = ClassedHTMLGenerator::new_with_class_style(syntax, syntaxes, STYLE);
    for line in LinesWithEndings::from(code) {
        // A regex that gives up (fancy-regex's backtracking limit) leaves
        // the block plain rather than failing the page.
        if generator
            .parse_html_for_line_which_includes_newline(line)
            .is_err()
        {
            return Highlighted::Unknown;
        }
    }
    Highlighted::Html(generator.finalize())
}

pub fn theme_names() -> Vec<String> {
    themes().themes.keys().cloned().collect()
}

/// The CSS of theme `name` (checked by the caller), its colours raised to
/// WCAG AA contrast against its background.
pub fn theme_css(name: &str) -> String {
    let mut theme: Theme = themes().themes[name].clone();
    super::contrast::raise(&mut theme);
    // Only a scope selector syntect cannot write fails, and the built-in
    // themes have none.
    css_for_theme_with_class_style(&theme, STYLE).unwrap_or_default()
}
