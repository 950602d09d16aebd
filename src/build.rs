//! `medsite build`: load, render, write. The same stages serve `check`,
//! `watch` and `serve`.

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use crate::config::{self, Config};
use crate::content::{self, LoadOptions, Site};
use crate::diagnostics::Diagnostic;
use crate::failure::Failure;
use crate::output::{self, OutputError, WriteReport};
use crate::progress::Progress;
use crate::render::{self, Output};
use crate::stamp::StampOptions;
use crate::templates::Templates;

/// Options of `medsite build`, free of any CLI library; `watch` and `serve`
/// take the same (`watch::WatchOptions::build`), and `rebuild` runs on them.
#[derive(Debug, Clone, Default)]
pub struct BuildOptions {
    pub root: PathBuf,
    /// Defaults to `<root>/dist`.
    pub output: Option<PathBuf>,
    pub base_url: Option<String>,
    pub drafts: bool,
    pub quiet: bool,
}

/// What a successful build did.
#[derive(Debug, Clone)]
pub struct BuildSummary {
    pub pages: usize,
    pub sections: usize,
    pub report: WriteReport,
    pub elapsed: Duration,
    pub output: PathBuf,
    pub warnings: Vec<Diagnostic>,
}

impl std::fmt::Display for BuildSummary {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "Built {} page{} and {} section{}: {} files in {} ({} written) in {} ms",
            self.pages,
            crate::check::plural(self.pages),
            self.sections,
            crate::check::plural(self.sections),
            self.report.files,
            self.output.display(),
            self.report.written,
            self.elapsed.as_millis()
        )
    }
}

/// Reads `site.toml`, with `--base-url` (when given) in place of its `base_url`.
pub fn load_config(root: &Path, base_url: Option<&str>) -> Result<Config, Failure> {
    if !root.join(config::CONFIG_FILE).is_file() {
        return Err(Failure::Usage(format!(
            "no `{}` in `{}`: run medsite in a site folder or pass --root",
            config::CONFIG_FILE,
            root.display()
        )));
    }
    let mut config = Config::load(root).map_err(Failure::Content)?;
    if let Some(url) = base_url {
        config.base_url = Some(config::normalise_base_url(url).map_err(Failure::Usage)?);
    }
    Ok(config)
}

/// Reads the configuration, the content, the data files and the
/// templates, reporting the problems of all of them together, then makes
/// the images ready (`progress` shows their encoding).
pub fn load(
    root: &Path,
    base_url: Option<&str>,
    options: &LoadOptions,
    progress: &Progress,
) -> Result<(Site, Templates, Vec<Diagnostic>), Failure> {
    let config = load_config(root, base_url)?;
    let theme = config.theme.clone();
    let data_config = config.clone();
    let ((mut cache, data), templates) = rayon::join(
        || {
            rayon::join(
                || content::ContentCache::scan_for_build(root, &config),
                || crate::data::load(root, &data_config),
            )
        },
        || Templates::load(root, theme.as_deref()),
    );
    // Sections may generate pages from data files: assembled once both are read.
    let site = cache.assemble(config, options, data.as_ref().ok());
    match (site, data, templates) {
        (Ok((mut site, warnings)), Ok(data), Ok(templates)) => {
            site.data = std::sync::Arc::new(data);
            expand_components(&mut site, &templates)?;
            prepare_images(&mut site, &templates, None, progress)?;
            Ok((site, templates, warnings))
        }
        (site, data, templates) => {
            let mut errors = site.err().unwrap_or_default();
            errors.extend(data.err().unwrap_or_default());
            errors.extend(templates.err().unwrap_or_default());
            Err(Failure::Content(errors))
        }
    }
}

/// Renders the components that pages call from Markdown, now that the
/// templates that define them are loaded.
pub fn expand_components(site: &mut Site, templates: &Templates) -> Result<(), Failure> {
    let calls = |r: &crate::markdown::Rendered| !r.components.is_empty();
    if !site.pages.iter().any(|p| calls(&p.rendered))
        && !site.sections.iter().any(|s| calls(&s.rendered))
    {
        return Ok(());
    }
    // Components read data files as templates do.
    let mut tera = templates.tera.clone();
    crate::data::template::register(&mut tera, &site.data);
    crate::data::figures::register(&mut tera, &site.data);
    let errors = crate::components::expand(site, &tera);
    if errors.is_empty() {
        Ok(())
    } else {
        Err(Failure::Content(errors))
    }
}

/// Reads, encodes and places the images the site shows (see
/// [`crate::images`]); `previous` lends what a rebuild made of unchanged
/// files.
pub fn prepare_images(
    site: &mut Site,
    templates: &Templates,
    previous: Option<&crate::images::Images>,
    progress: &Progress,
) -> Result<(), Failure> {
    let all = !templates.calling(crate::images::CALL).is_empty();
    let mut errors = crate::images::prepare(site, all, previous, progress);
    if errors.is_empty() {
        return Ok(());
    }
    crate::diagnostics::sort(&mut errors);
    errors.dedup();
    Err(Failure::Content(errors))
}

/// Checks the output folder (default `<root>/dist`) before any work, and
/// returns it resolved.
pub fn output_folder(root: &Path, output: Option<&Path>) -> Result<PathBuf, Failure> {
    let output_dir = output.map_or_else(|| root.join("dist"), Path::to_path_buf);
    output::check_output_folder(root, &output_dir).map_err(|error| match error {
        OutputError::Refused(message) => Failure::Usage(message),
        OutputError::Io(error) => Failure::Io(error.to_string()),
    })
}

/// Renders a loaded site; errors are template errors.
pub fn render(site: &Site, templates: &Templates) -> Result<Output, Failure> {
    render::render(site, templates).map_err(Failure::Content)
}

pub fn run(options: &BuildOptions) -> Result<BuildSummary, Failure> {
    let started = Instant::now();
    let root = &options.root;
    // Refuse a dangerous output folder before doing any work.
    let output_dir = output_folder(root, options.output.as_deref())?;
    let stamp = crate::stamp::of_inputs(
        root,
        &StampOptions {
            drafts: options.drafts,
            base_url: options.base_url.as_deref(),
        },
    );
    let shown_output = options
        .output
        .clone()
        .unwrap_or_else(|| PathBuf::from("dist"));
    if let Some(summary) = stamp
        .as_deref()
        .and_then(|stamp| unchanged_since(stamp, &output_dir))
    {
        return Ok(BuildSummary {
            elapsed: started.elapsed(),
            output: shown_output,
            ..summary
        });
    }
    let progress = Progress::new(options.quiet);
    progress.stage("loading content");
    let load_options = LoadOptions {
        drafts: options.drafts,
    };
    let (site, templates, mut warnings) =
        load(root, options.base_url.as_deref(), &load_options, &progress)?;
    progress.stage("rendering");
    // Each file goes to the staging folder as soon as it is rendered, so
    // memory does not grow with the output; nothing reaches the output
    // folder before `finish`.
    let writer = output::Writer::new(&output_dir).map_err(io_failure)?;
    render::render_each(&site, &templates, &|path, content| {
        writer.put(&path, &content)
    })
    .map_err(|error| match error {
        render::RenderError::Content(errors) => Failure::Content(errors),
        render::RenderError::Sink(error) => io_failure(error),
    })?;
    progress.stage("writing");
    // A build with warnings is not recorded as up to date, so that the
    // next build shows them again. A missing base URL is a lasting
    // choice, not a problem to fix: recorded, and warned about each time.
    let base_url = u8::from(site.config.base_url.is_some());
    let record = stamp.filter(|_| warnings.is_empty()).map(|stamp| {
        format!(
            "{stamp} {} {} {} {base_url}",
            site.pages.len(),
            site.sections.len(),
            writer.files()
        )
    });
    if base_url == 0 {
        warnings.push(crate::sitemap::missing_base_url_warning());
    }
    let report = writer.finish(record.as_deref()).map_err(io_failure)?;
    progress.finish();
    Ok(BuildSummary {
        pages: site.pages.len(),
        sections: site.sections.len(),
        report,
        elapsed: started.elapsed(),
        output: shown_output,
        warnings,
    })
}

fn io_failure(error: OutputError) -> Failure {
    Failure::Io(error.to_string())
}

/// The summary of the build that wrote `output_dir`, when that build had
/// the same input stamp and its output is intact: there is nothing to do.
fn unchanged_since(stamp: &str, output_dir: &Path) -> Option<BuildSummary> {
    let recorded = output::intact_stamp(output_dir)?;
    let mut parts = recorded.split(' ');
    if parts.next()? != stamp {
        return None;
    }
    let mut number = || parts.next()?.parse::<usize>().ok();
    let (pages, sections, files, base_url) = (number()?, number()?, number()?, number()?);
    let warnings = if base_url == 0 {
        vec![crate::sitemap::missing_base_url_warning()]
    } else {
        Vec::new()
    };
    Some(BuildSummary {
        pages,
        sections,
        report: WriteReport { files, written: 0 },
        elapsed: Duration::ZERO,
        output: PathBuf::new(),
        warnings,
    })
}
