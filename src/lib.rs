//! medsite: a static site generator for well-sourced guides.
//!
//! The pipeline, in the order it runs:
//!
//! 1. [`config::Config::load`] reads `site.toml`;
//! 2. [`content::load`] walks `content/`, parses front matter and Markdown,
//!    and returns a [`content::Site`];
//! 3. [`templates::Templates::load`] parses the theme and the site's templates;
//! 4. [`render::render_each`] renders `(&Site, &Templates)` without any
//!    I/O, every output of the [`plan::plan`] (which decides who owns each
//!    path), handing each file on as soon as it is rendered
//!    ([`render::render`] collects them into a [`render::Output`]);
//! 5. an [`output::Writer`] takes each file into a staging folder beside
//!    the output folder and swaps it in at the end.
//!
//! Each subcommand ([`build`], [`watch`], [`serve`]) is a thin composition
//! of these stages; [`rebuild`] keeps their results in memory so that
//! `watch` redoes only what a change affects.

pub mod assets;
pub mod build;
pub mod cards;
pub mod check;
pub mod components;
pub mod config;
pub mod content;
pub mod context;
pub mod data;
pub mod diagnostics;
pub mod failure;
pub mod feed;
pub mod fs;
pub mod highlight;
pub mod images;
pub mod init;
pub mod json_ld;
pub mod locate;
pub mod markdown;
pub mod new;
pub mod output;
pub mod pagination;
pub mod plan;
pub mod progress;
pub mod rebuild;
pub mod render;
pub mod schema;
pub mod search;
pub mod serve;
pub mod sitemap;
pub mod stamp;
pub mod template_blocks;
pub mod templates;
pub mod theme;
pub mod watch;
