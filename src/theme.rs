//! medsite's built-in starter theme, compiled into the binary: the theme
//! of a site whose `site.toml` names none. Its templates and static files
//! are used where the site's own `templates/` and `static/` have no file
//! of that name; a site's file overrides the built-in one of the same
//! name. A site that names a theme (`themes/<theme>/`) gets none of it: a
//! theme's templates extend its own `base.html`, with its own blocks.
//!
//! The sources live in `src/builtin/theme/`: a generic starter (home,
//! section, page, taxonomy, 404), nothing of the careers site. Its page
//! shell is `starter.html`, which `base.html` only extends: a site's
//! `templates/base.html` can extend `starter.html` and override one block
//! (`header`, `footer`...) without copying the shell.

/// Templates by name, as a site's `templates/` would name them.
pub const TEMPLATES: &[(&str, &str)] = &[
    (
        "starter.html",
        include_str!("builtin/theme/templates/starter.html"),
    ),
    (
        "base.html",
        include_str!("builtin/theme/templates/base.html"),
    ),
    (
        "index.html",
        include_str!("builtin/theme/templates/index.html"),
    ),
    (
        "section.html",
        include_str!("builtin/theme/templates/section.html"),
    ),
    (
        "page.html",
        include_str!("builtin/theme/templates/page.html"),
    ),
    (
        "taxonomy_list.html",
        include_str!("builtin/theme/templates/taxonomy_list.html"),
    ),
    (
        "taxonomy_term.html",
        include_str!("builtin/theme/templates/taxonomy_term.html"),
    ),
    ("404.html", include_str!("builtin/theme/templates/404.html")),
];

/// Static files by output path, as a site's `static/` would hold them;
/// [`crate::plan::plan`] gives each the path when nothing of the site's
/// (its `static/`, its pages, its assets) takes it.
pub const STATIC_FILES: &[(&str, &[u8])] = &[(
    "style.css",
    include_bytes!("builtin/theme/static/style.css"),
)];

/// The bytes of the built-in static file published at `path`, if any.
pub fn static_file(path: &str) -> Option<&'static [u8]> {
    STATIC_FILES
        .iter()
        .find(|(name, _)| *name == path)
        .map(|(_, bytes)| *bytes)
}
