//! Command-line definitions. clap stays here: each subcommand's flags
//! become the library's plain option structs.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};

#[derive(Parser)]
#[command(
    name = "medsite",
    version,
    about = "A fast static site generator for well-sourced guides"
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Subcommand)]
pub enum Command {
    /// Build the site into the output folder (default `dist/`)
    Build(BuildArgs),
    /// Check the site without writing anything: everything `build` checks,
    /// plus heading links, missing files, unreachable pages and descriptions
    Check(CheckArgs),
    /// Create a page in a section from its archetype, e.g.
    /// `medsite new careers "Respiratory therapist"`
    New(NewArgs),
}

#[derive(Args)]
pub struct BuildArgs {
    /// The site folder, holding site.toml
    #[arg(long, default_value = ".")]
    pub root: PathBuf,
    /// Where to write the site (default: <root>/dist)
    #[arg(long)]
    pub output: Option<PathBuf>,
    /// Absolute URL the site is served from, for canonical links, sitemap and feeds
    #[arg(long, value_name = "URL")]
    pub base_url: Option<String>,
    /// Include pages marked `draft: true`
    #[arg(long)]
    pub drafts: bool,
    /// Print nothing but errors
    #[arg(long, short)]
    pub quiet: bool,
}

impl BuildArgs {
    pub fn into_options(self) -> medsite::build::BuildOptions {
        medsite::build::BuildOptions {
            root: self.root,
            output: self.output,
            base_url: self.base_url,
            drafts: self.drafts,
            quiet: self.quiet,
        }
    }
}

/// How `check` prints what it found.
#[derive(Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Format {
    /// Compiler-style messages on stderr
    Human,
    /// One JSON document on stdout (see tests/check-output.schema.json)
    Json,
}

#[derive(Args)]
pub struct CheckArgs {
    /// The site folder, holding site.toml
    #[arg(long, default_value = ".")]
    pub root: PathBuf,
    /// Output format
    #[arg(long, value_enum, default_value_t = Format::Human)]
    pub format: Format,
    /// Fail on warnings too
    #[arg(long)]
    pub deny_warnings: bool,
    /// Check pages marked `draft: true` too
    #[arg(long)]
    pub drafts: bool,
}

impl CheckArgs {
    pub fn into_options(self) -> medsite::check::CheckOptions {
        medsite::check::CheckOptions {
            root: self.root,
            drafts: self.drafts,
            deny_warnings: self.deny_warnings,
        }
    }
}

#[derive(Args)]
pub struct NewArgs {
    /// The section folder under content/, e.g. `careers`
    pub section: String,
    /// The page's title; its slug becomes the file name
    pub title: String,
    /// The site folder, holding site.toml
    #[arg(long, default_value = ".")]
    pub root: PathBuf,
}

impl NewArgs {
    pub fn into_options(self) -> medsite::new::NewOptions {
        medsite::new::NewOptions {
            root: self.root,
            section: self.section,
            title: self.title,
        }
    }
}
