//! Command-line definitions. clap stays here: each subcommand's flags
//! become the library's plain option structs.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand};

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
