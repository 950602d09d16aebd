//! Client-side search: the rendered pages are indexed with pagefind (used
//! as a library), whose files go into the output under `pagefind/`.
//!
//! pagefind splits its index into fragments that the browser fetches as a
//! query needs them, so a site of 100,000 pages never loads one big index,
//! and the files work offline from any static host. Themes load
//! `pagefind/pagefind.js` (the API) or `pagefind/pagefind-ui.js` (a ready
//! UI) with a relative URL and pass the site's base path as `baseUrl`.
//!
//! Rendering does no I/O, and neither does this: pagefind gets the HTML in
//! memory and returns its files in memory. Its API is async; a small
//! current-thread tokio runtime drives it, owned by an [`Indexer`] so that
//! `watch` and `serve` reuse it for every rebuild (see there why).

use crate::content::Site;
use crate::diagnostics::Diagnostic;

/// The output folder of the index.
pub const FOLDER: &str = "pagefind";

/// One rendered page to index.
pub struct Document<'a> {
    /// Site path of the page, e.g. `careers/x/`; results link to it.
    pub path: &'a str,
    pub html: &'a str,
}

/// Indexes `documents` and returns the index files as output paths
/// (`pagefind/...`) and bytes, in path order. For one build; a rebuild
/// loop keeps an [`Indexer`] instead.
pub fn index(
    site: &Site,
    documents: &[Document<'_>],
) -> Result<Vec<(String, Vec<u8>)>, Diagnostic> {
    Indexer::new()?.index(&site.config.language, documents)
}

/// The name of the index file that points at all the others: written last,
/// so that a reader who finds a new one finds every file it names.
pub const ENTRY: &str = "pagefind/pagefind-entry.json";

/// Drives pagefind, on the same threads every time.
///
/// pagefind does its parsing on tokio's blocking pool. A runtime per index
/// meant a new thread per rebuild, and each new thread takes the next malloc
/// arena in turn, so over a few hundred rebuilds every arena grew to the
/// size of a whole index: the server's memory grew by a fifth while the live
/// heap stayed flat (bench/watch-latency.md). One runtime with one blocking
/// thread that is never retired keeps that work in one place.
pub struct Indexer {
    runtime: tokio::runtime::Runtime,
}

impl Indexer {
    pub fn new() -> Result<Indexer, Diagnostic> {
        let runtime = tokio::runtime::Builder::new_current_thread()
            .max_blocking_threads(1)
            // The thread waits for the next rebuild, however long it takes.
            .thread_keep_alive(std::time::Duration::from_secs(u32::MAX.into()))
            .thread_name("medsite-search")
            .enable_all()
            .build()
            .map_err(|error| failed(&error))?;
        Ok(Indexer { runtime })
    }

    /// Indexes `documents` and returns the index files as output paths
    /// (`pagefind/...`) and bytes, in path order.
    ///
    /// Which part of a page is indexed is up to the theme: pagefind indexes
    /// the element marked `data-pagefind-body` (and skips pages without one
    /// once any page has it), or the whole `<body>` when no page marks one.
    pub fn index(
        &self,
        language: &str,
        documents: &[Document<'_>],
    ) -> Result<Vec<(String, Vec<u8>)>, Diagnostic> {
        self.runtime.block_on(async {
            let options = pagefind::options::PagefindServiceConfig::builder()
                .force_language(language.to_string())
                .build();
            let mut index =
                pagefind::api::PagefindIndex::new(Some(options)).map_err(|error| failed(&error))?;
            for document in documents {
                index
                    .add_html_file(
                        None,
                        Some(format!("/{}", document.path)),
                        document.html.to_string(),
                    )
                    .await
                    .map_err(|error| failed(&error))?;
            }
            let files = index.get_files().await.map_err(|error| failed(&error))?;
            let mut files: Vec<(String, Vec<u8>)> = files
                .into_iter()
                .map(|file| {
                    let name = file
                        .filename
                        .components()
                        .map(|c| c.as_os_str().to_string_lossy())
                        .collect::<Vec<_>>()
                        .join("/");
                    (format!("{FOLDER}/{name}"), file.contents)
                })
                .collect();
            files.sort_by(|a, b| a.0.cmp(&b.0));
            Ok(files)
        })
    }
}

/// What an index is made from, for telling whether it would come out the
/// same: the language and every document, in order. pagefind's output is
/// a function of these (its file names are hashes of their contents).
pub fn fingerprint(language: &str, documents: &[Document<'_>]) -> u128 {
    let mut hasher = xxhash_rust::xxh3::Xxh3::new();
    let mut field = |bytes: &[u8]| {
        hasher.update(&(bytes.len() as u64).to_le_bytes());
        hasher.update(bytes);
    };
    field(language.as_bytes());
    for document in documents {
        field(document.path.as_bytes());
        field(document.html.as_bytes());
    }
    hasher.digest128()
}

fn failed(error: &dyn std::fmt::Display) -> Diagnostic {
    Diagnostic::error(
        crate::config::CONFIG_FILE,
        "search",
        format!("building the search index failed: {error}"),
    )
}
