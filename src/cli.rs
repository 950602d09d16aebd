//! Command-line definitions. clap stays here: each subcommand's flags
//! become the library's plain option structs.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};

/// `0.1.0 (f44e86b 2026-12-03)`: the commit comes from `build.rs`.
const VERSION: &str = concat!(env!("CARGO_PKG_VERSION"), " (", env!("MEDSITE_COMMIT"), ")");

#[derive(Parser)]
#[command(
    name = "medsite",
    version = VERSION,
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
    /// Write a starter site (site.toml, a home page, a section with one
    /// page, its archetype and schema) into DIR; never overwrites a file
    Init(InitArgs),
    /// Create a page in a section from its archetype, e.g.
    /// `medsite new careers "Respiratory therapist"`
    New(NewArgs),
    /// Build, then rebuild on every change to the site
    Watch(WatchArgs),
    /// Watch, and serve the output on 127.0.0.1 with live reload
    Serve(ServeArgs),
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
    /// Fetch every external link and figure source too (results that
    /// answered well are cached in .medsite/cache/, see `[check.external]`)
    #[arg(long)]
    pub external: bool,
    /// Print nothing but problems: no progress, no closing line on success
    #[arg(long, short)]
    pub quiet: bool,
}

impl CheckArgs {
    pub fn into_options(self) -> medsite::check::CheckOptions {
        medsite::check::CheckOptions {
            root: self.root,
            drafts: self.drafts,
            deny_warnings: self.deny_warnings,
            today: medsite::new::today(),
            external: self.external,
            quiet: self.quiet,
        }
    }
}

#[derive(Args)]
pub struct InitArgs {
    /// The folder to write the site into (created when missing)
    #[arg(default_value = ".")]
    pub dir: PathBuf,
}

impl InitArgs {
    pub fn into_options(self) -> medsite::init::InitOptions {
        medsite::init::InitOptions { dir: self.dir }
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

#[derive(Args)]
pub struct WatchArgs {
    #[command(flatten)]
    pub build: BuildArgs,
    /// Poll for changes instead of using file-system events (network or
    /// container file systems)
    #[arg(long)]
    pub poll: bool,
}

impl WatchArgs {
    pub fn into_options(self) -> medsite::watch::WatchOptions {
        medsite::watch::WatchOptions {
            build: self.build.into_options(),
            poll: self.poll,
        }
    }
}

#[derive(Args)]
pub struct ServeArgs {
    #[command(flatten)]
    pub watch: WatchArgs,
    /// Port to listen on (0: any free port)
    #[arg(long, default_value_t = 1111)]
    pub port: u16,
    /// Address to listen on; anything but loopback exposes your drafts to the network
    #[arg(long, default_value = "127.0.0.1")]
    pub bind: std::net::IpAddr,
    /// Open the site in a web browser
    #[arg(long)]
    pub open: bool,
    /// After each rebuild, take the browser to the page that was edited
    #[arg(long)]
    pub navigate_to_changed: bool,
}

impl ServeArgs {
    pub fn into_options(self) -> medsite::serve::ServeOptions {
        medsite::serve::ServeOptions {
            watch: self.watch.into_options(),
            port: self.port,
            bind: self.bind,
            open: self.open,
            navigate_to_changed: self.navigate_to_changed,
        }
    }
}
