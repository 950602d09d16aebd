//! What fetching one URL came to, and what a writer is told about it.
//! The verdict decides the severity: a link that is gone (404, 410) or
//! whose host cannot be reached is an error; a slow, busy or refusing
//! server (timeout, 429, 403, 5xx) may be fine for a reader, so it is a
//! warning that `--deny-warnings` turns into a failure; a permanent
//! redirect is a warning to update the link.

use serde::{Deserialize, Serialize};

use super::settings::Settings;
use crate::diagnostics::{Diagnostic, Severity};

/// The kind of answer a URL gave, after retries and redirects.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Verdict {
    /// A 2xx answer at the end of any redirects.
    Ok,
    /// 404 or 410: the page is gone.
    Gone,
    /// No answer: the host is unknown or refused the connection.
    Unreachable,
    /// The URL cannot be requested at all (malformed, unsupported).
    Invalid,
    /// No answer within `timeout_seconds`, on every try.
    Timeout,
    /// 429 on every try, `Retry-After` honoured.
    RateLimited,
    /// Any other status: 401, 403, 5xx...
    Status,
    /// Not fetched: the checker skips it (e.g. `example.com`).
    Skipped,
}

/// One redirect followed: its status and where it led.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Hop {
    pub status: u16,
    pub to: String,
}

/// What fetching one URL came to; kept in the cache when it is `Ok`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Outcome {
    pub verdict: Verdict,
    /// The final status as text, `404 Not Found`, when there was one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub status: Option<String>,
    /// Why there was no answer, e.g. `Connection refused (os error 111)`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub detail: Option<String>,
    /// The redirects followed, in order.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub redirects: Vec<Hop>,
}

impl Outcome {
    pub fn new(verdict: Verdict) -> Outcome {
        Outcome {
            verdict,
            status: None,
            detail: None,
            redirects: Vec::new(),
        }
    }

    /// The URL the redirects end at, if any were followed.
    pub fn end(&self) -> Option<&str> {
        self.redirects.last().map(|hop| hop.to.as_str())
    }

    /// The target of the permanent redirects (301, 308) at the start of
    /// the chain: where the link should point instead. `None` when the
    /// first redirect is temporary (a login page or a language choice).
    fn moved_to(&self) -> Option<(&Hop, bool)> {
        let permanent = self
            .redirects
            .iter()
            .take_while(|hop| matches!(hop.status, 301 | 308))
            .count();
        let hop = self.redirects.get(permanent.checked_sub(1)?)?;
        Some((hop, self.redirects.len() > permanent))
    }

    /// The severity, code and wording of a finding about a URL, or `None`
    /// when there is nothing to say. The wording follows the subject
    /// (`link \`x\``), as in "link `x` is broken: 404 Not Found".
    pub fn finding(&self, settings: &Settings) -> Option<(Severity, &'static str, String)> {
        let status = self.status.as_deref().unwrap_or("no status");
        let detail = self.detail.as_deref().unwrap_or("no detail");
        let via = match self.end() {
            Some(end) => format!(" after redirects to `{end}`"),
            None => String::new(),
        };
        let tries = settings.retries + 1;
        let tries = format!("{tries} tr{}", if tries == 1 { "y" } else { "ies" });
        Some(match self.verdict {
            Verdict::Ok => {
                let (hop, more) = self.moved_to()?;
                let end = match (more, self.end()) {
                    (true, Some(end)) => format!(" (it ends at `{end}`)"),
                    _ => String::new(),
                };
                (
                    Severity::Warning,
                    "external-link-redirect",
                    format!(
                        "redirects permanently ({}) to `{}`{end}: link there directly",
                        hop.status, hop.to
                    ),
                )
            }
            Verdict::Gone => (
                Severity::Error,
                "broken-external-link",
                format!("is broken: {status}{via}"),
            ),
            Verdict::Unreachable => (
                Severity::Error,
                "broken-external-link",
                format!("is unreachable{via}: {detail}"),
            ),
            Verdict::Invalid => (
                Severity::Error,
                "broken-external-link",
                format!("cannot be fetched: {detail}"),
            ),
            Verdict::Timeout => (
                Severity::Warning,
                "external-link-timeout",
                format!(
                    "did not answer within {} s ({tries}){via}; check it by hand, or raise `[check.external] timeout_seconds`",
                    settings.timeout_seconds
                ),
            ),
            Verdict::RateLimited => (
                Severity::Warning,
                "external-link-rate-limited",
                format!("answered {status} to all {tries}{via}; check again later"),
            ),
            Verdict::Status => (
                Severity::Warning,
                "external-link-status",
                format!("answers {status}{via}"),
            ),
            Verdict::Skipped => return None,
        })
    }
}

/// Where a URL is written, and the words for it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Place {
    /// The file, line and column (and source line); message unset.
    pub at: Diagnostic,
    /// The subject of the message: "link `x`", "source of `a.pay`, `x`,".
    pub what: String,
    /// Output pages that show the URL, for a place that is not a page
    /// (a template, a figures file); empty for a page's own Markdown.
    pub pages: Vec<String>,
}

impl Place {
    /// The diagnostic for `outcome` at this place, if it calls for one.
    pub fn diagnostic(&self, outcome: &Outcome, settings: &Settings) -> Option<Diagnostic> {
        let (severity, code, problem) = outcome.finding(settings)?;
        let pages = match self.pages.as_slice() {
            [] => String::new(),
            [one] => format!(" (on `{}`)", page_path(one)),
            [first, rest @ ..] => {
                format!(
                    " (on {} pages, e.g. `{}`)",
                    rest.len() + 1,
                    page_path(first)
                )
            }
        };
        Some(Diagnostic {
            severity,
            code,
            message: format!("{} {problem}{pages}", self.what),
            ..self.at.clone()
        })
    }
}

/// `/careers/x/` for the output `careers/x/index.html`.
fn page_path(output: &str) -> String {
    format!("/{}", output.strip_suffix("index.html").unwrap_or(output))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn hop(status: u16, to: &str) -> Hop {
        Hop {
            status,
            to: to.to_string(),
        }
    }

    fn finding(outcome: &Outcome) -> Option<String> {
        outcome
            .finding(&Settings::default())
            .map(|(severity, code, message)| format!("{severity} {code}: {message}"))
    }

    #[test]
    fn only_a_permanent_first_redirect_asks_for_a_new_link() {
        let mut outcome = Outcome::new(Verdict::Ok);
        assert_eq!(finding(&outcome), None);
        outcome.redirects = vec![hop(302, "https://x.org/login")];
        assert_eq!(finding(&outcome), None);
        outcome.redirects = vec![hop(301, "https://x.org/a"), hop(302, "https://x.org/b")];
        assert_eq!(
            finding(&outcome).unwrap(),
            "warning external-link-redirect: redirects permanently (301) to `https://x.org/a` (it ends at `https://x.org/b`): link there directly"
        );
        outcome.redirects = vec![hop(301, "https://x.org/a"), hop(308, "https://x.org/c")];
        assert_eq!(
            finding(&outcome).unwrap(),
            "warning external-link-redirect: redirects permanently (308) to `https://x.org/c`: link there directly"
        );
    }

    #[test]
    fn gone_is_an_error_and_busy_a_warning() {
        let mut gone = Outcome::new(Verdict::Gone);
        gone.status = Some("410 Gone".into());
        assert_eq!(
            finding(&gone).unwrap(),
            "error broken-external-link: is broken: 410 Gone"
        );
        let mut busy = Outcome::new(Verdict::RateLimited);
        busy.status = Some("429 Too Many Requests".into());
        assert_eq!(
            finding(&busy).unwrap(),
            "warning external-link-rate-limited: answered 429 Too Many Requests to all 4 tries; check again later"
        );
    }

    #[test]
    fn places_off_the_page_name_the_pages() {
        let mut gone = Outcome::new(Verdict::Gone);
        gone.status = Some("404 Not Found".into());
        let place = Place {
            at: Diagnostic::error("templates/base.html", "", ""),
            what: "link `https://x.org/`".into(),
            pages: vec!["a/index.html".into(), "index.html".into()],
        };
        let diagnostic = place.diagnostic(&gone, &Settings::default()).unwrap();
        assert_eq!(
            diagnostic.to_string(),
            "templates/base.html: error: link `https://x.org/` is broken: 404 Not Found (on 2 pages, e.g. `/a/`)"
        );
    }
}
