//! `medsite check --external`: every external link of the rendered site
//! (Markdown, templates, components) and every figure's source URL is
//! fetched, and what did not answer well is reported where it is written.
//!
//! ```text
//! links::collect ─► Cache::fresh? ─► fetch (lychee-lib) ─► Cache::save
//!        │                │                  │
//!        └── places ──────┴── outcomes ──────┴─► Place::diagnostic
//! ```
//!
//! URLs that answered well within `[check.external] cache_hours` come from
//! the cache under the site (`.medsite/cache/`); everything else is
//! fetched. Only [`fetch`] knows the HTTP checker, and only it sits behind
//! the `check-external` cargo feature.

use std::collections::BTreeMap;

use jiff::{SignedDuration, Timestamp};

use crate::content::Site;
use crate::diagnostics::Diagnostic;
use crate::failure::Failure;
use crate::progress::Counter;
use crate::render::Output;
use crate::templates::Templates;

pub mod cache;
pub mod fetch;
pub mod links;
pub mod outcome;
pub mod settings;

pub use settings::Settings;

/// How many external URLs a check saw, and how many it did not fetch.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Summary {
    pub urls: usize,
    /// Answered well within `cache_hours`, so not fetched.
    pub cached: usize,
}

/// Fetches what the cache does not hold and reports every place of every
/// URL that did not answer well. `now` dates the cache's entries.
pub fn check(
    site: &Site,
    templates: &Templates,
    output: Option<&Output>,
    quiet: bool,
    now: Timestamp,
) -> Result<(Vec<Diagnostic>, Summary), Failure> {
    let settings = site.config.check.external;
    let links = links::collect(site, templates, output);
    let expiry = SignedDuration::from_hours(settings.cache_hours as i64);
    let (mut cache, warning) = cache::Cache::load(&site.root);
    let mut found: Vec<Diagnostic> = warning.into_iter().collect();
    let mut outcomes: BTreeMap<String, outcome::Outcome> = BTreeMap::new();
    for link in &links {
        if let Some(outcome) = cache.fresh(&link.url, now, expiry) {
            outcomes.insert(link.url.clone(), outcome.clone());
        }
    }
    let cached = outcomes.len();
    let wanted: Vec<String> = links
        .iter()
        .filter(|link| !outcomes.contains_key(&link.url))
        .map(|link| link.url.clone())
        .collect();
    let progress = Counter::new(quiet, wanted.len(), "fetching external links");
    let fetched = fetch::fetch(&wanted, &settings, &progress);
    progress.finish();
    for (url, outcome) in fetched? {
        cache.record(&url, &outcome, now);
        outcomes.insert(url, outcome);
    }
    if !wanted.is_empty() || !found.is_empty() {
        found.extend(cache.save(&site.root, now, expiry).err());
    }
    for link in &links {
        let Some(outcome) = outcomes.get(&link.url) else {
            continue;
        };
        found.extend(
            link.places
                .iter()
                .filter_map(|place| place.diagnostic(outcome, &settings)),
        );
    }
    let summary = Summary {
        urls: links.len(),
        cached,
    };
    Ok((found, summary))
}
