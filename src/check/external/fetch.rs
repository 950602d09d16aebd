//! Fetching URLs: the one module that knows the HTTP checker, lychee-lib,
//! and the only one behind the `check-external` cargo feature. lychee
//! gives per-host concurrency and request spacing, timeouts, retries of
//! timeouts, 429 and 5xx answers with a doubling wait, `Retry-After`
//! honoured before the next request to that host, and redirects followed
//! and recorded; this module turns its statuses into [`Outcome`]s.
//!
//! Built without the feature, [`fetch`] refuses with a message naming it.

use super::outcome::Outcome;
use super::settings::Settings;
use crate::failure::Failure;
use crate::progress::Counter;

/// The cargo feature that brings the HTTP checker in.
pub const FEATURE: &str = "check-external";

/// Requests in flight at once, over all hosts (each host has its own
/// lower limit, `[check.external] concurrency_per_host`).
#[cfg(feature = "check-external")]
const IN_FLIGHT: usize = 32;

/// Fetches every URL, counting each one done on `progress`; the outcomes
/// in no particular order.
#[cfg(feature = "check-external")]
pub fn fetch(
    urls: &[String],
    settings: &Settings,
    progress: &Counter,
) -> Result<Vec<(String, Outcome)>, Failure> {
    if urls.is_empty() {
        return Ok(Vec::new());
    }
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|error| Failure::Io(format!("could not start the HTTP client: {error}")))?;
    runtime.block_on(lychee::fetch_all(urls, settings, progress))
}

#[cfg(not(feature = "check-external"))]
pub fn fetch(
    _urls: &[String],
    _settings: &Settings,
    _progress: &Counter,
) -> Result<Vec<(String, Outcome)>, Failure> {
    Err(Failure::Usage(format!(
        "`check --external` needs the `{FEATURE}` feature, which this medsite was built without: build it with `cargo build --release --features {FEATURE}` (it is on by default)"
    )))
}

#[cfg(feature = "check-external")]
mod lychee {
    use std::time::Duration;

    use futures_util::StreamExt;
    use lychee_lib::ratelimit::RateLimitConfig;
    use lychee_lib::{ClientBuilder, ErrorKind, Redirects, ResponseBody, Status};
    use serde::Deserialize;

    use super::super::outcome::{Hop, Outcome, Verdict};
    use super::{IN_FLIGHT, Settings};
    use crate::failure::Failure;
    use crate::progress::Counter;

    pub async fn fetch_all(
        urls: &[String],
        settings: &Settings,
        progress: &Counter,
    ) -> Result<Vec<(String, Outcome)>, Failure> {
        let client = ClientBuilder::builder()
            .max_retries(settings.retries)
            .retry_wait_time(Duration::from_secs(settings.retry_wait_seconds))
            .timeout(Duration::from_secs(settings.timeout_seconds))
            .rate_limit_config(RateLimitConfig {
                concurrency: settings.concurrency_per_host as usize,
                ..RateLimitConfig::default()
            })
            .user_agent(format!(
                "medsite/{} (link check)",
                env!("CARGO_PKG_VERSION")
            ))
            .build()
            .client()
            .map_err(|error| Failure::Io(format!("could not start the HTTP client: {error}")))?;
        let shown = progress.clone();
        let reveal = tokio::spawn(async move {
            tokio::time::sleep(Duration::from_secs(1)).await;
            shown.reveal();
        });
        let outcomes = futures_util::stream::iter(urls)
            .map(|url| {
                let client = &client;
                async move {
                    let outcome = match client.check(url.as_str()).await {
                        Ok(response) => outcome_of(response.into_body()),
                        Err(error) => invalid(&error),
                    };
                    (url.clone(), outcome)
                }
            })
            .buffer_unordered(IN_FLIGHT)
            .inspect(|_| progress.inc())
            .collect()
            .await;
        reveal.abort();
        Ok(outcomes)
    }

    /// lychee's status of one URL, as an outcome.
    fn outcome_of(body: ResponseBody) -> Outcome {
        let mut outcome = Outcome::new(Verdict::Ok);
        outcome.redirects = body.redirects.as_ref().map(hops).unwrap_or_default();
        let (verdict, code) = match &body.status {
            Status::Ok(code) => (Verdict::Ok, Some(*code)),
            Status::Error(ErrorKind::RejectedStatusCode(code)) => {
                let verdict = match code.as_u16() {
                    404 | 410 => Verdict::Gone,
                    429 => Verdict::RateLimited,
                    _ => Verdict::Status,
                };
                (verdict, Some(*code))
            }
            Status::UnknownStatusCode(code) => (Verdict::Status, Some(*code)),
            Status::Timeout(_) => (Verdict::Timeout, None),
            Status::Error(error) => {
                outcome.detail = Some(innermost(error));
                (Verdict::Unreachable, None)
            }
            Status::RequestError(error) => {
                outcome.detail = Some(error.to_string());
                (Verdict::Invalid, None)
            }
            Status::Unsupported(error) => {
                outcome.detail = Some(innermost(error));
                (Verdict::Invalid, None)
            }
            Status::Excluded | Status::Cached(_) | Status::UnknownMailStatus(_) => {
                (Verdict::Skipped, None)
            }
        };
        outcome.verdict = verdict;
        outcome.status = code.map(|code| code.to_string());
        outcome
    }

    fn invalid(error: &ErrorKind) -> Outcome {
        let mut outcome = Outcome::new(Verdict::Invalid);
        outcome.detail = Some(innermost(error));
        outcome
    }

    /// The deepest cause of an error, which says what happened
    /// (`Connection refused (os error 111)`) where the outer ones say
    /// what was being done.
    fn innermost(error: &(dyn std::error::Error + 'static)) -> String {
        let mut cause = error;
        while let Some(source) = cause.source() {
            cause = source;
        }
        cause.to_string()
    }

    /// The hops of a redirect chain. lychee keeps them private but
    /// serializes them: `{"origin": .., "redirects": [{"url", "code"}]}`.
    fn hops(redirects: &Redirects) -> Vec<Hop> {
        #[derive(Deserialize)]
        struct Chain {
            redirects: Vec<Step>,
        }
        #[derive(Deserialize)]
        struct Step {
            url: String,
            code: u16,
        }
        serde_json::to_value(redirects)
            .and_then(serde_json::from_value::<Chain>)
            .map(|chain| {
                let steps = chain.redirects.into_iter();
                steps
                    .map(|step| Hop {
                        status: step.code,
                        to: step.url,
                    })
                    .collect()
            })
            .unwrap_or_default()
    }
}

#[cfg(all(test, not(feature = "check-external")))]
mod tests {
    use super::*;

    #[test]
    fn without_the_feature_fetching_is_refused_naming_it() {
        let progress = Counter::new(true, 0, "");
        let Err(Failure::Usage(message)) = fetch(&[], &Settings::default(), &progress) else {
            panic!("fetching worked without the feature");
        };
        assert_eq!(
            message,
            "`check --external` needs the `check-external` feature, which this medsite was built without: build it with `cargo build --release --features check-external` (it is on by default)"
        );
    }
}
