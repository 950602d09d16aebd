//! Code highlighting at build time (`[markdown] highlight = true`): fenced
//! code blocks get CSS classes (never inline styles) and the site gets one
//! stylesheet, [`STYLESHEET`], with a light theme and a dark one under
//! `prefers-color-scheme: dark`, its colours raised to WCAG AA contrast.
//!
//! This module is the only boundary of the `highlight` cargo feature:
//! built without it, the same functions exist and [`unavailable`] says
//! which feature the setting needs, so `site.toml` is refused at the key.

/// Where the stylesheet is published, relative to the output folder.
pub const STYLESHEET: &str = "highlight.css";

/// The prefix of every class the highlighter writes (`hl-keyword`), so that
/// a theme's own classes never clash with it.
pub const CLASS_PREFIX: &str = "hl-";

/// Default themes when site.toml names none.
pub const DEFAULT_LIGHT: &str = "InspiredGitHub";
pub const DEFAULT_DARK: &str = "base16-ocean.dark";

/// Fence languages that mean "no language": left plain without a warning.
const PLAIN: &[&str] = &["text", "txt", "plain", "plaintext", "none"];

/// What became of a fenced code block.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Highlighted {
    /// The code as HTML: escaped text in `<span class="hl-…">`s.
    Html(String),
    /// A language that means plain text.
    Plain,
    /// A language the highlighter does not know: left plain.
    Unknown,
}

/// Highlights `code` written in `language` (a fence's first word).
pub fn code(language: &str, code: &str) -> Highlighted {
    if PLAIN
        .iter()
        .any(|plain| plain.eq_ignore_ascii_case(language))
    {
        return Highlighted::Plain;
    }
    engine::code(language, code)
}

/// Why `highlight = true` cannot work in this binary, if it cannot.
pub fn unavailable() -> Option<&'static str> {
    engine::UNAVAILABLE
}

/// Checks a theme name from site.toml; the error lists the known ones.
pub fn check_theme(name: &str) -> Result<(), String> {
    let names = engine::theme_names();
    if names.iter().any(|known| known == name) {
        return Ok(());
    }
    Err(format!(
        "unknown highlighting theme `{name}`: the themes are {}",
        names
            .iter()
            .map(|known| format!("`{known}`"))
            .collect::<Vec<_>>()
            .join(", ")
    ))
}

/// The stylesheet: `light`'s colours, then `dark`'s inside
/// `@media (prefers-color-scheme: dark)`. Both names were checked.
pub fn stylesheet(light: &str, dark: &str) -> String {
    format!(
        "/* Code highlighting by medsite. Light theme: {light}; dark theme: {dark}. */\n{}\n@media (prefers-color-scheme: dark) {{\n{}}}\n",
        engine::theme_css(light),
        engine::theme_css(dark)
    )
}

#[cfg(feature = "highlight")]
mod contrast;
#[cfg(feature = "highlight")]
mod engine;

#[cfg(not(feature = "highlight"))]
mod engine {
    //! Stand-ins when medsite is built without the `highlight` feature:
    //! configuration refuses `highlight = true` before any is called.
    pub const UNAVAILABLE: Option<&str> = Some(
        "code highlighting needs medsite built with the `highlight` cargo feature (on by default): rebuild without `--no-default-features`, or add `--features highlight`",
    );

    pub fn code(_: &str, _: &str) -> super::Highlighted {
        super::Highlighted::Unknown
    }

    pub fn theme_names() -> Vec<String> {
        Vec::new()
    }

    pub fn theme_css(_: &str) -> String {
        String::new()
    }
}

#[cfg(all(test, feature = "highlight"))]
mod tests {
    use super::*;

    #[test]
    fn rust_gets_classes_and_no_style() {
        let Highlighted::Html(html) = code("rust", "let x = \"<b>\";\n") else {
            panic!("rust is known");
        };
        assert!(html.contains("<span class=\"hl-"), "{html}");
        assert!(html.contains("&lt;b&gt;"), "{html}");
        assert!(!html.contains("style="), "{html}");
    }

    #[test]
    fn unknown_and_plain_languages_are_told_apart() {
        assert_eq!(code("no-such-language", "x\n"), Highlighted::Unknown);
        assert_eq!(code("TEXT", "x\n"), Highlighted::Plain);
    }

    #[test]
    fn unknown_theme_lists_the_known_ones() {
        let error = check_theme("Nope").unwrap_err();
        assert!(
            error.starts_with("unknown highlighting theme `Nope`: the themes are `"),
            "{error}"
        );
        assert!(error.contains("`InspiredGitHub`"), "{error}");
    }

    #[test]
    fn stylesheet_has_a_light_part_and_a_dark_part() {
        let css = stylesheet(DEFAULT_LIGHT, DEFAULT_DARK);
        let (light, dark) = css
            .split_once("@media (prefers-color-scheme: dark) {")
            .expect("a dark part");
        assert!(light.contains(".hl-code {"), "{light}");
        assert!(dark.contains(".hl-code {"), "{dark}");
        assert_ne!(light.trim(), dark.trim_end_matches("}\n").trim());
    }
}
