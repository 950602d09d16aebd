//! `medsite check --external` through the real binary, against an HTTP
//! server started by each test on 127.0.0.1 (CI has no internet): 200,
//! 404, 410, a redirect chain (301, 302, 200), a refused connection, a
//! timeout, 429 with `Retry-After`, the cache (hit, failures fetched
//! again, expiry, a corrupt file), human and JSON reports.

use std::process::Output;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use axum::extract::State;
use axum::http::{StatusCode, Uri, header};
use axum::response::{IntoResponse, Response};
use serde_json::Value;

use crate::support::{TempSite, medsite, repo, stderr};

type Log = Arc<Mutex<Vec<(String, Instant)>>>;

/// A local HTTP server whose answer depends on the path; it records
/// every request it gets.
struct Server {
    base: String,
    log: Log,
}

impl Server {
    fn start() -> Server {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        listener.set_nonblocking(true).unwrap();
        let base = format!("http://{}", listener.local_addr().unwrap());
        let log: Log = Arc::default();
        let state = log.clone();
        std::thread::spawn(move || {
            let runtime = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .unwrap();
            runtime.block_on(async move {
                let listener = tokio::net::TcpListener::from_std(listener).unwrap();
                let app = axum::Router::new().fallback(answer).with_state(state);
                axum::serve(listener, app).await.unwrap();
            });
        });
        Server { base, log }
    }

    /// When each request for `path` arrived.
    fn requests(&self, path: &str) -> Vec<Instant> {
        let log = self.log.lock().unwrap();
        log.iter()
            .filter(|(p, _)| p == path)
            .map(|(_, at)| *at)
            .collect()
    }
}

async fn answer(State(log): State<Log>, uri: Uri) -> Response {
    let path = uri.path().to_string();
    let count = {
        let mut log = log.lock().unwrap();
        log.push((path.clone(), Instant::now()));
        log.iter().filter(|(p, _)| *p == path).count()
    };
    let busy = (StatusCode::TOO_MANY_REQUESTS, [(header::RETRY_AFTER, "1")]);
    match path.as_str() {
        "/ok" | "/new" => "fine".into_response(),
        "/gone" => StatusCode::GONE.into_response(),
        "/old" => (
            StatusCode::MOVED_PERMANENTLY,
            [(header::LOCATION, "/moved")],
        )
            .into_response(),
        "/moved" => (StatusCode::FOUND, [(header::LOCATION, "/new")]).into_response(),
        "/slow" => {
            tokio::time::sleep(Duration::from_secs(4)).await;
            "late".into_response()
        }
        "/busy" if count == 1 => busy.into_response(),
        "/busy" => "fine".into_response(),
        "/always-busy" => busy.into_response(),
        _ => StatusCode::NOT_FOUND.into_response(),
    }
}

/// A port nothing listens on.
fn closed_port() -> u16 {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    listener.local_addr().unwrap().port()
}

fn check(site: &TempSite, args: &[&str]) -> Output {
    medsite()
        .args(["check", "--external", "--root"])
        .arg(site.path())
        .args(args)
        .output()
        .unwrap()
}

fn stdout(output: &Output) -> String {
    String::from_utf8_lossy(&output.stdout).into_owned()
}

fn site_toml(settings: &str) -> String {
    format!(
        "title = \"T\"\ntheme = \"fixture\"\n\n[data.\"figures/pay.yaml\"]\nkind = \"figures\"\n\n[check.external]\n{settings}"
    )
}

const HOME: &str = "---\ntitle: Home\ndescription: Home.\n---\n[Pay](@/pay.md)\n";

/// A site whose page links to `links` (Markdown lines) and shows the
/// figure `a.pay`, whose source is `source`, through a template that also
/// links to `template_link`.
fn site(settings: &str, links: &str, source: &str, template_link: &str) -> TempSite {
    let figures = format!(
        "a.pay:\n  value: 48300\n  unit: USD per year\n  period: May 2024\n  scope: SOC 29-2099\n  source:\n    url: {source}\n    publisher: BLS\n    title: OEWS\n    type: primary\n    accessed: 2025-04-02\n"
    );
    let template = format!(
        "{{% extends \"base.html\" %}}{{% block main %}}{{{{ page.content | safe }}}}\n\
{{% set a = get_fact(data=\"figures/pay.yaml\", key=\"a.pay\") %}}<p>{{{{ a.html | safe }}}}</p>\n\
<p><a href=\"{template_link}\">Data</a></p>{{% endblock main %}}\n"
    );
    TempSite::with_theme(&[
        ("site.toml", &site_toml(settings)),
        ("data/figures/pay.yaml", &figures),
        ("templates/facts.html", &template),
        ("content/_index.md", HOME),
        (
            "content/pay.md",
            &format!("---\ntitle: Pay\ndescription: Pay.\ntemplate: facts.html\n---\n{links}"),
        ),
    ])
}

/// 200, 404 in Markdown, 410 as a figure's source, 404 in a template, a
/// redirect chain and a refused connection.
fn broken_site(server: &Server, closed: u16) -> TempSite {
    let base = &server.base;
    site(
        "timeout_seconds = 2\nretries = 0\n",
        &format!(
            "Fine: [ok]({base}/ok#pay).\n\n[Gone]({base}/missing)\n\n![chart]({base}/old)\n\nDown: <http://127.0.0.1:{closed}/>\n"
        ),
        &format!("{base}/gone"),
        &format!("{base}/data-missing"),
    )
}

#[test]
fn broken_external_links_are_reported_where_they_are_written() {
    let server = Server::start();
    let closed = closed_port();
    let site = broken_site(&server, closed);
    let output = check(&site, &[]);
    assert_eq!(output.status.code(), Some(1), "{}", stderr(&output));
    let base = &server.base;
    let expected = [
        format!(
            "content/pay.md:8:1: error: link `{base}/missing` is broken: 404 Not Found\n  |\n8 | [Gone]({base}/missing)\n  | ^\n\n"
        ),
        format!(
            "content/pay.md:10:1: warning: image `{base}/old` redirects permanently (301) to `{base}/moved` (it ends at `{base}/new`): link there directly\n   |\n10 | ![chart]({base}/old)\n   | ^\n\n"
        ),
        format!(
            "content/pay.md:12:7: error: link `http://127.0.0.1:{closed}/` is unreachable: Connection refused (os error 111)\n   |\n12 | Down: <http://127.0.0.1:{closed}/>\n   |       ^\n\n"
        ),
        format!(
            "data/figures/pay.yaml:7:5: error: `a.pay`'s source `{base}/gone` is broken: 410 Gone (on `/pay/`)\n  |\n7 |     url: {base}/gone\n  |     ^\n\n"
        ),
        format!(
            "templates/facts.html:3:13: error: link `{base}/data-missing` is broken: 404 Not Found (on `/pay/`)\n  |\n3 | <p><a href=\"{base}/data-missing\">Data</a></p>{{% endblock main %}}\n  |             ^\n\n"
        ),
        "error: check failed with 4 errors, 1 warning\n".to_string(),
    ];
    assert_eq!(stderr(&output), expected.concat());
    // The redirect chain was followed to its end, each step once.
    for path in ["/ok", "/old", "/moved", "/new"] {
        assert_eq!(server.requests(path).len(), 1, "{path}");
    }
}

#[test]
fn external_findings_in_json_match_the_schema() {
    let server = Server::start();
    let site = broken_site(&server, closed_port());
    let output = check(&site, &["--format", "json"]);
    assert_eq!(output.status.code(), Some(1));
    assert_eq!(stderr(&output), "");
    let report: Value = serde_json::from_str(&stdout(&output)).unwrap();
    let schema: Value = serde_json::from_str(
        &std::fs::read_to_string(repo().join("tests/check-output.schema.json")).unwrap(),
    )
    .unwrap();
    let validator = jsonschema::validator_for(&schema).unwrap();
    let problems: Vec<String> = validator
        .iter_errors(&report)
        .map(|e| e.to_string())
        .collect();
    assert_eq!(problems, Vec::<String>::new());
    let found: Vec<String> = report["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| {
            format!(
                "{}:{} {}",
                d["file"].as_str().unwrap(),
                d["line"],
                d["code"].as_str().unwrap()
            )
        })
        .collect();
    assert_eq!(
        found,
        [
            "content/pay.md:8 broken-external-link",
            "content/pay.md:10 external-link-redirect",
            "content/pay.md:12 broken-external-link",
            "data/figures/pay.yaml:7 broken-external-link",
            "templates/facts.html:3 broken-external-link",
        ]
    );
    assert_eq!(
        report["external"],
        serde_json::json!({"urls": 6, "fetched": 6, "cached": 0})
    );
}

#[test]
fn a_timeout_is_a_warning_that_deny_warnings_turns_into_a_failure() {
    let server = Server::start();
    let base = &server.base;
    let site = site(
        "timeout_seconds = 1\nretries = 0\n",
        &format!("[slow]({base}/slow)\n"),
        &format!("{base}/ok"),
        &format!("{base}/ok"),
    );
    let started = Instant::now();
    let output = check(&site, &["--deny-warnings"]);
    assert!(
        started.elapsed() < Duration::from_secs(4),
        "the timeout was not applied"
    );
    assert_eq!(output.status.code(), Some(1));
    assert_eq!(
        stderr(&output),
        format!(
            "content/pay.md:6:1: warning: link `{base}/slow` did not answer within 1 s (1 try); check it by hand, or raise `[check.external] timeout_seconds`\n  |\n6 | [slow]({base}/slow)\n  | ^\n\nerror: check failed with 0 errors, 1 warning (--deny-warnings)\n"
        )
    );
}

#[test]
fn retry_after_is_waited_for_and_429_after_every_retry_is_a_warning() {
    let server = Server::start();
    let base = &server.base;
    let site = site(
        "retries = 1\nretry_wait_seconds = 0\n",
        &format!("[busy]({base}/busy) and [always busy]({base}/always-busy)\n"),
        &format!("{base}/ok"),
        &format!("{base}/ok"),
    );
    let output = check(&site, &[]);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    assert_eq!(
        stderr(&output),
        format!(
            "content/pay.md:6:41: warning: link `{base}/always-busy` answered 429 Too Many Requests to all 2 tries; check again later\n  |\n6 | [busy]({base}/busy) and [always busy]({base}/always-busy)\n  |                                         ^\n\n"
        )
    );
    // Only `Retry-After: 1` asked for a wait (`retry_wait_seconds = 0`).
    for path in ["/busy", "/always-busy"] {
        let times = server.requests(path);
        assert_eq!(times.len(), 2, "{path}");
        let waited = times[1] - times[0];
        assert!(
            waited >= Duration::from_secs(1),
            "{path} retried after {waited:?}"
        );
    }
}

#[test]
fn a_second_run_fetches_only_failures_and_expired_urls() {
    let server = Server::start();
    let base = &server.base;
    let site = site(
        "timeout_seconds = 2\nretries = 0\n",
        &format!("[ok]({base}/ok) [missing]({base}/missing)\n"),
        &format!("{base}/new"),
        &format!("{base}/new"),
    );
    let first = check(&site, &["--quiet"]);
    assert_eq!(first.status.code(), Some(1));
    let second = check(&site, &[]);
    assert_eq!(stderr(&second), stderr(&first), "a cache hit reports alike");
    assert_eq!(server.requests("/ok").len(), 1, "/ok came from the cache");
    assert_eq!(server.requests("/new").len(), 1, "/new came from the cache");
    assert_eq!(
        server.requests("/missing").len(),
        2,
        "a failure is fetched again"
    );
    assert_eq!(
        std::fs::read_to_string(site.path().join(".medsite/.gitignore")).unwrap(),
        "# medsite's own files: caches, never committed\n*\n"
    );
    // An entry older than `cache_hours` (24 by default) is fetched again.
    let cache = site.path().join(".medsite/cache/external-links.json");
    let text = std::fs::read_to_string(&cache).unwrap();
    let mut json: Value = serde_json::from_str(&text).unwrap();
    json["entries"][format!("{base}/ok")]["checked"] = "2020-01-01T00:00:00Z".into();
    std::fs::write(&cache, json.to_string()).unwrap();
    let passing = site.path().join("content/pay.md");
    std::fs::write(
        &passing,
        format!("---\ntitle: Pay\ndescription: Pay.\ntemplate: facts.html\n---\n[ok]({base}/ok)\n"),
    )
    .unwrap();
    let third = check(&site, &[]);
    assert_eq!(third.status.code(), Some(0), "{}", stderr(&third));
    assert_eq!(
        server.requests("/ok").len(),
        2,
        "the expired entry was fetched"
    );
    assert_eq!(server.requests("/new").len(), 1);
    assert!(
        stdout(&third).starts_with("Checked 1 page and 1 section, and 2 external URLs (1 from the cache): 0 errors, 0 warnings in "),
        "{}",
        stdout(&third)
    );
}

#[test]
fn a_corrupt_cache_is_a_warning_and_is_rewritten() {
    let server = Server::start();
    let base = &server.base;
    let site = site(
        "",
        "No links.\n",
        &format!("{base}/ok"),
        &format!("{base}/ok"),
    );
    site.write(
        ".medsite/cache/external-links.json",
        "{\"version\": 1,\n\"entries\": [}\n",
    );
    let output = check(&site, &[]);
    assert_eq!(output.status.code(), Some(0));
    assert_eq!(
        stderr(&output),
        ".medsite/cache/external-links.json:2:13: warning: the cache of external links is not valid: expected value at line 2 column 13; every URL is fetched again, and the cache is rewritten\n  |\n2 | \"entries\": [}\n  |             ^\n\n"
    );
    let again = check(&site, &[]);
    assert_eq!(stderr(&again), "");
    assert_eq!(
        server.requests("/ok").len(),
        1,
        "the rewritten cache was used"
    );
}

#[test]
fn a_setting_out_of_range_is_an_error_at_its_key() {
    let site = site(
        "timeout_seconds = 0\n",
        "",
        "https://x.org/",
        "https://x.org/",
    );
    let output = check(&site, &[]);
    assert_eq!(output.status.code(), Some(1));
    assert_eq!(
        stderr(&output),
        "site.toml:8:1: error: `[check.external] timeout_seconds` is 0: it must be a whole number of seconds from 1 to 600\n  |\n8 | timeout_seconds = 0\n  | ^\n\nerror: check failed with 1 error, 0 warnings\n"
    );
}
