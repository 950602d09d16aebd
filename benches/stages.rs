//! `cargo bench`: the hot stages of a build (load, render, write) on the
//! generated 1,000-page benchmark site, so that a slower stage shows up as a
//! number next to the baseline in bench/RESULTS.md. The site is made by
//! `bench/prepare.sh` (which needs `../shared/bench/gen_corpus.py`).
//! Set `MEDSITE_BENCH_PAGES` for another size.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::LazyLock;

use medsite::content::{LoadOptions, Site};
use medsite::render::Output;
use medsite::templates::Templates;

fn main() {
    divan::main();
}

static SITE_DIR: LazyLock<PathBuf> = LazyLock::new(|| {
    let pages = std::env::var("MEDSITE_BENCH_PAGES").unwrap_or_else(|_| "1000".into());
    let repo = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let output = Command::new(repo.join("bench/prepare.sh"))
        .arg(&pages)
        .output()
        .expect("bench/prepare.sh runs");
    assert!(
        output.status.success(),
        "bench/prepare.sh failed:\n{}",
        String::from_utf8_lossy(&output.stderr)
    );
    PathBuf::from(String::from_utf8(output.stdout).unwrap().trim())
});

static LOADED: LazyLock<(Site, Templates)> = LazyLock::new(|| load_site(&SITE_DIR));

/// The site at `root`, as `medsite build` loads it.
fn load_site(root: &Path) -> (Site, Templates) {
    let (site, templates, _) = medsite::build::load(
        root,
        None,
        &LoadOptions::default(),
        &medsite::progress::Progress::new(true),
    )
    .unwrap_or_else(|_| panic!("the site at {} loads", root.display()));
    (site, templates)
}

static RENDERED: LazyLock<Output> = LazyLock::new(|| {
    let (site, templates) = &*LOADED;
    medsite::build::render(site, templates).unwrap_or_else(|_| panic!("it renders"))
});

/// Config, content (front matter and Markdown) and templates.
#[divan::bench(sample_count = 10)]
fn load() -> (Site, Templates) {
    load_site(&SITE_DIR)
}

/// Every page, list page, feed and the sitemap, in memory.
#[divan::bench(sample_count = 10)]
fn render() -> Output {
    let (site, templates) = &*LOADED;
    medsite::build::render(site, templates).unwrap_or_else(|_| panic!("it renders"))
}

/// Writing the whole output into a folder that does not exist yet.
#[divan::bench(sample_count = 10)]
fn write_fresh(bencher: divan::Bencher) {
    let output = &*RENDERED;
    bencher
        .with_inputs(|| tempfile::tempdir_in(SITE_DIR.parent().unwrap()).unwrap())
        .bench_local_refs(|dir| medsite::output::write(output, &dir.path().join("out")).unwrap());
}

/// Writing an output identical to what the folder holds: nothing is written.
#[divan::bench(sample_count = 10)]
fn write_unchanged(bencher: divan::Bencher) {
    let output = &*RENDERED;
    let dir = tempfile::tempdir_in(SITE_DIR.parent().unwrap()).unwrap();
    let out = dir.path().join("out");
    medsite::output::write(output, &out).unwrap();
    bencher.bench_local(|| {
        let report = medsite::output::write(output, &out).unwrap();
        assert_eq!(report.written, 0);
    });
}

static CAREERS: LazyLock<(Site, Templates)> =
    LazyLock::new(|| load_site(Path::new(env!("CARGO_MANIFEST_DIR"))));

/// The careers site rendered in memory, search index included: the index
/// (pagefind) is most of that site's build, which must stay under 50 ms.
#[divan::bench(sample_count = 20)]
fn careers_render() -> Output {
    let (site, templates) = &*CAREERS;
    assert!(site.config.search, "the careers site builds a search index");
    medsite::build::render(site, templates).unwrap_or_else(|_| panic!("it renders"))
}
