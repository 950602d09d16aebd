//! `ContentCache`: what is known of `content/`, kept between builds by
//! `watch`. [`ContentCache::scan`] walks and parses (the expensive,
//! per-file work), [`ContentCache::update`] re-checks only the paths that
//! changed, [`ContentCache::update_bodies`] is the quick path for a text
//! edit, and `assemble` (in [`super::assemble`]) builds a [`Site`] from
//! what is cached. A full build is `scan` then `assemble`, so a rebuild and
//! a fresh build cannot disagree.

use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};
use std::sync::Arc;

use rayon::prelude::*;

use super::Site;
use super::links::{CachedMarkdown, render_markdown};
use super::parse::{parse_text, read_file};
use super::walk::{Entry, WalkKey, is_editor_temporary, walk};
use crate::config::Config;
use crate::diagnostics::{self, Diagnostic};

/// Choices that change what is loaded.
#[derive(Debug, Clone, Default)]
pub struct LoadOptions {
    /// Include pages whose front matter says `draft: true`.
    pub drafts: bool,
}

/// What [`ContentCache::update_bodies`] changed in the site.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct BodyEdit {
    /// Indexes of pages whose rendering changed.
    pub pages: Vec<usize>,
    /// Indexes of sections whose rendering changed.
    pub sections: Vec<usize>,
}

/// What is known of `content/`: every file walked and parsed, and every
/// page's rendered Markdown. Owned by `build` for one run and by `watch`
/// for as long as it watches.
#[derive(Debug)]
pub struct ContentCache {
    pub(super) root: PathBuf,
    pub(super) entries: BTreeMap<WalkKey, Entry>,
    pub(super) markdown: HashMap<String, CachedMarkdown>,
    /// Set for one full build (see [`ContentCache::scan_for_build`]).
    pub(super) build: Option<ForBuild>,
}

/// What a cache made for one full build keeps out of memory.
#[derive(Debug, Clone)]
pub(super) struct ForBuild {
    /// Pages' rendered HTML waits here for its template (`None` when no
    /// temporary file could be made: it then stays in memory).
    pub(super) spill: Option<Arc<crate::markdown::HtmlSpill>>,
    /// The folders whose pages a schema checks: only their front matter
    /// is kept as JSON.
    pub(super) schema_folders: Vec<String>,
}

impl ForBuild {
    /// Whether the page or section file `source` must keep its front
    /// matter as JSON: a schema will check it.
    fn keeps_value(&self, source: &str) -> bool {
        let folder = super::paths::page_folder(source);
        !source.ends_with("_index.md")
            && (self.schema_folders.iter()).any(|schema| crate::schema::covers(schema, &folder))
    }
}

impl ContentCache {
    /// Walks `<root>/content` and reads and parses every Markdown file, in
    /// parallel.
    pub fn scan(root: &Path) -> ContentCache {
        ContentCache::scan_with(root, None)
    }

    /// [`ContentCache::scan`] for one full build, which needs each page's
    /// text and HTML only twice, not all the time: each file's body is left
    /// on disk once its front matter is parsed, and read again when its
    /// Markdown is rendered; each page's HTML then goes to a temporary file
    /// until its template is rendered (see [`crate::markdown::HtmlSpill`]);
    /// and the front matter is kept as JSON only for pages a schema checks
    /// (`config`'s sections with a schema). Not for `watch`, which compares
    /// texts and renderings between edits.
    pub fn scan_for_build(root: &Path, config: &Config) -> ContentCache {
        let schema_folders = (config.sections.iter())
            .filter(|(_, settings)| settings.schema.is_some())
            .map(|(folder, _)| folder.clone())
            .collect();
        ContentCache::scan_with(
            root,
            Some(ForBuild {
                spill: crate::markdown::HtmlSpill::new(root),
                schema_folders,
            }),
        )
    }

    fn scan_with(root: &Path, build: Option<ForBuild>) -> ContentCache {
        let mut cache = ContentCache {
            root: root.to_path_buf(),
            entries: BTreeMap::new(),
            markdown: HashMap::new(),
            build,
        };
        let content_dir = root.join("content");
        if content_dir.is_dir() {
            let found = walk(root, &content_dir, true);
            cache.insert(found, &BTreeMap::new());
        }
        cache
    }

    /// Re-checks `changed` paths (relative to `content/`, `/`-separated) on
    /// disk: a missing path is deleted with everything below it, a folder
    /// is walked again, a file is read again. Files whose text did not
    /// change keep their parsed value, so nothing that depends on them is
    /// redone.
    pub fn update(&mut self, changed: &[String]) {
        let content_dir = self.root.join("content");
        if changed.iter().any(|p| p.is_empty()) {
            // `content/` itself appeared or went away.
            *self = ContentCache {
                markdown: std::mem::take(&mut self.markdown),
                ..ContentCache::scan_with(&self.root, self.build.clone())
            };
            return;
        }
        // A path below another changed path is re-read with it.
        let mut changed: Vec<&String> = changed.iter().collect();
        changed.sort();
        changed.dedup();
        let outer: Vec<&String> = changed
            .iter()
            .filter(|path| {
                !changed
                    .iter()
                    .any(|other| path.starts_with(&format!("{other}/")))
            })
            .copied()
            .collect();
        let mut previous: BTreeMap<WalkKey, Entry> = BTreeMap::new();
        let mut found = Vec::new();
        for relative in outer {
            if relative.split('/').any(is_editor_temporary) {
                continue;
            }
            // In walk order a path is followed at once by everything below it.
            let prefix = format!("{relative}/");
            let gone: Vec<WalkKey> = self
                .entries
                .range(WalkKey(relative.clone())..)
                .map(|(key, _)| key)
                .take_while(|key| key.0 == *relative || key.0.starts_with(&prefix))
                .cloned()
                .collect();
            for key in gone {
                if let Some(entry) = self.entries.remove(&key) {
                    previous.insert(key, entry);
                }
            }
            let path = content_dir.join(relative);
            if path.symlink_metadata().is_ok() && content_dir.is_dir() {
                found.extend(walk(&self.root, &path, false));
            }
        }
        self.insert(found, &previous);
    }

    /// Reads and parses the Markdown files of `found` in parallel and
    /// stores every entry. A file whose text equals its `previous` parse
    /// keeps that parse.
    fn insert(
        &mut self,
        found: Vec<(String, Result<Entry, PathBuf>)>,
        previous: &BTreeMap<WalkKey, Entry>,
    ) {
        let root = &self.root;
        let build = self.build.as_ref();
        let entries: Vec<(String, Entry)> = found
            .into_par_iter()
            .map(|(relative, entry)| {
                let entry = match entry {
                    Ok(entry) => entry,
                    Err(path) => {
                        let old = match previous.get(&WalkKey(relative.clone())) {
                            Some(Entry::Markdown(Ok(old))) => Some(old),
                            _ => None,
                        };
                        Entry::Markdown(read_file(root, &path).and_then(|text| {
                            match old {
                                Some(old) if old.text == text => Ok(Arc::clone(old)),
                                _ => parse_text(
                                    &relative,
                                    diagnostics::display_path(root, &path),
                                    text,
                                )
                                .map(|mut parsed| {
                                    if let Some(build) = build {
                                        parsed.leave_body_on_disk(root, &path);
                                        if !build.keeps_value(&relative) {
                                            parsed.forget_value();
                                        }
                                    }
                                    Arc::new(parsed)
                                }),
                            }
                        }))
                    }
                };
                (relative, entry)
            })
            .collect();
        for (relative, entry) in entries {
            self.entries.insert(WalkKey(relative), entry);
        }
    }

    /// The quick path for a writer's commonest edit: files whose text
    /// changed but whose front matter did not. Nothing else about the site
    /// can then differ (URLs, order, lists and terms come from front matter
    /// and paths), so the new renderings are put into `site` in place.
    /// Returns `None`, changing nothing, when the edit is more than that
    /// (or its Markdown has problems, or a summary changed, or a section
    /// changed while `sections` is false): then [`update`](Self::update)
    /// and [`assemble`](Self::assemble).
    pub fn update_bodies(
        &mut self,
        site: &mut Site,
        changed: &[String],
        sections: bool,
    ) -> Option<BodyEdit> {
        enum Target {
            Page(usize),
            Section(usize),
        }
        let lookup = |key: &str| {
            site.pages
                .iter()
                .find(|p| p.source == key)
                .map(|p| p.path.clone())
                .or_else(|| {
                    site.sections
                        .iter()
                        .find(|s| s.source == key)
                        .map(|s| s.path.clone())
                })
        };
        let mut staged = Vec::new();
        for relative in changed {
            let key = WalkKey(relative.clone());
            let Some(Entry::Markdown(Ok(old))) = self.entries.get(&key) else {
                return None;
            };
            let path = self.root.join("content").join(relative);
            if !path.symlink_metadata().ok()?.is_file() {
                return None;
            }
            let text = read_file(&self.root, &path).ok()?;
            if text == old.text {
                continue;
            }
            let new = Arc::new(parse_text(relative, old.display.clone(), text).ok()?);
            if new.front != old.front || new.value != old.value {
                return None;
            }
            let (target, page_path, before) =
                match site.pages.iter().position(|p| p.source == *relative) {
                    Some(i) => (
                        Target::Page(i),
                        &site.pages[i].path,
                        &site.pages[i].rendered,
                    ),
                    None => {
                        let s = site
                            .sections
                            .iter()
                            .position(|s| s.source == *relative)
                            .filter(|_| sections)?;
                        let section = &site.sections[s];
                        (Target::Section(s), &section.path, &section.rendered)
                    }
                };
            let rendered = render_markdown(&new, page_path, &lookup, site.config.markdown, None);
            // Components are rendered with the templates: the full path.
            if !rendered.problems.is_empty()
                || !rendered.rendered.components.is_empty()
                // Images are read after loading, and own outputs: the full path.
                || !rendered.rendered.images.is_empty()
                || !before.images.is_empty()
                || rendered.rendered.summary != before.summary
            {
                return None;
            }
            staged.push((key, new, target, rendered));
        }
        let mut edit = BodyEdit::default();
        for (key, file, target, rendered) in staged {
            let fresh = Arc::clone(&rendered.rendered);
            match target {
                Target::Page(i) => {
                    site.pages[i].rendered = fresh;
                    edit.pages.push(i);
                }
                Target::Section(s) => {
                    site.sections[s].rendered = fresh;
                    edit.sections.push(s);
                }
            }
            self.markdown.insert(key.0.clone(), rendered);
            self.entries.insert(key, Entry::Markdown(Ok(file)));
        }
        Some(edit)
    }
}

/// Loads the site in one go, with its data files (`None` when they had
/// errors).
pub fn load(
    root: &Path,
    config: Config,
    options: &LoadOptions,
    data: Option<&crate::data::DataFiles>,
) -> Result<(Site, Vec<Diagnostic>), Vec<Diagnostic>> {
    ContentCache::scan(root).assemble(config, options, data)
}

#[cfg(test)]
mod tests {
    use super::{ContentCache, Entry, WalkKey};
    use crate::config::Config;

    #[test]
    fn a_full_build_keeps_front_matter_as_json_only_where_a_schema_reads_it() {
        let root = tempfile::tempdir().unwrap();
        let files = [
            ("careers/_index.md", "---\ntitle: Careers\n---\n"),
            (
                "careers/emt/a.md",
                "---\ntitle: A\nextra:\n  pay: 3\n---\nA.\n",
            ),
            (
                "blog/b.md",
                "---\ntitle: B\nextra:\n  pay: \"TODO: a figure\"\n---\nB.\n",
            ),
        ];
        for (path, text) in files {
            let path = root.path().join("content").join(path);
            std::fs::create_dir_all(path.parent().unwrap()).unwrap();
            std::fs::write(path, text).unwrap();
        }
        let config =
            Config::parse("title = \"T\"\n[sections.careers]\nschema = \"schemas/c.json\"\n")
                .unwrap();
        let cache = ContentCache::scan_for_build(root.path(), &config);
        let file = |path: &str| match &cache.entries[&WalkKey(path.to_string())] {
            Entry::Markdown(Ok(file)) => file.clone(),
            other => panic!("{path}: {other:?}"),
        };
        assert_eq!(file("careers/emt/a.md").value["extra"]["pay"], 3);
        assert!(file("careers/_index.md").value.is_null());
        let blog = file("blog/b.md");
        assert!(blog.value.is_null());
        assert_eq!(blog.placeholders.len(), 1, "placeholders are found first");
        assert_eq!(blog.front.title.as_deref(), Some("B"));
        // `watch` keeps every value: it compares them between edits.
        let kept = ContentCache::scan(root.path());
        match &kept.entries[&WalkKey("blog/b.md".to_string())] {
            Entry::Markdown(Ok(file)) => assert_eq!(file.value["title"], "B"),
            other => panic!("{other:?}"),
        }
    }
}
