//! `medsite serve`: `watch`, plus an HTTP server for the output folder with
//! live reload over Server-Sent Events.
//!
//! It hears about builds through `watch`'s callback and tells browsers on
//! the reload channel: reload (keeping the scroll position), swap the
//! stylesheets (a CSS-only change), show the diagnostics of a broken build
//! in an overlay, or hide it. The reload script is added to HTML responses
//! here, on the way out, so files in the output stay deployable.
//!
//! A development server sees drafts, so it is careful: it listens on
//! loopback unless told otherwise, answers only requests whose `Host` is
//! its own (against DNS rebinding), refuses cross-origin connections to the
//! reload channel, sends no CORS headers, and serves only files inside the
//! output folder, refusing traversal in every encoding with a 400.

use std::convert::Infallible;
use std::net::{IpAddr, SocketAddr};
use std::path::{Path, PathBuf};
use std::sync::Arc;

use axum::Router;
use axum::body::Body;
use axum::extract::{Request, State};
use axum::http::{HeaderMap, HeaderValue, Method, StatusCode, header};
use axum::response::sse::{Event, KeepAlive, Sse};
use axum::response::{IntoResponse, Response};
use serde::Serialize;
use tokio::sync::{broadcast, watch as latest};

use crate::build;
use crate::failure::Failure;
use crate::rebuild::Outcome;
use crate::watch::{self, WatchOptions};

/// The reload channel (Server-Sent Events).
pub const RELOAD_PATH: &str = "/__medsite/reload";
/// The script added to every HTML response.
pub const SCRIPT_PATH: &str = "/__medsite/reload.js";
const SCRIPT: &str = include_str!("builtin/reload.js");
const SCRIPT_TAG: &str = "<script src=\"/__medsite/reload.js\"></script>";

/// Options of `medsite serve`, free of any CLI library.
#[derive(Debug, Clone)]
pub struct ServeOptions {
    pub watch: WatchOptions,
    /// 0 picks a free port; the address is printed.
    pub port: u16,
    pub bind: IpAddr,
    /// Open a browser on the site once it is served.
    pub open: bool,
    /// After a rebuild, take the browser to the page whose file changed.
    pub navigate_to_changed: bool,
}

/// A message on the reload channel, sent as JSON.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "kind", rename_all = "lowercase")]
pub enum Message {
    /// First message of every connection: the channel is listening.
    Hello,
    /// Reload the page, or go to `navigate` (a path such as `/careers/x/`).
    Reload { navigate: Option<String> },
    /// Only these stylesheets changed (output paths): swap them in place.
    Css { paths: Vec<String> },
    /// The build is broken; `text` is the diagnostics, shown as text.
    Error { text: String },
    /// The build is good again and nothing needs reloading.
    Ok,
}

impl Message {
    /// What to tell browsers after a build; with `navigate_to` (the site's
    /// base path, `/` or `/sub/`), take them to the page whose file changed.
    pub fn after(result: &Result<Outcome, Failure>, navigate_to: Option<&str>) -> Message {
        let outcome = match result {
            Err(failure) => {
                return Message::Error {
                    text: failure.describe("build"),
                };
            }
            Ok(outcome) => outcome,
        };
        if outcome.full {
            return Message::Reload { navigate: None };
        }
        // A new search index: what the page shows is the same, and its
        // next search reads the new index.
        if outcome.index_only || (outcome.written.is_empty() && outcome.removed.is_empty()) {
            return Message::Ok;
        }
        if outcome.removed.is_empty() && outcome.written.iter().all(|p| p.ends_with(".css")) {
            return Message::Css {
                paths: outcome.written.clone(),
            };
        }
        let navigate =
            navigate_to.and_then(|base| Some(format!("{base}{}", outcome.changed_pages.first()?)));
        Message::Reload { navigate }
    }
}

/// What every request handler shares.
struct Server {
    output: PathBuf,
    /// Where the site is served: `/`, or the path of the base URL
    /// (`/clinic/`), so that the preview is the deploy.
    base_path: String,
    /// `Host` values answered, lower case, e.g. `localhost:1111`.
    hosts: Vec<String>,
    events: broadcast::Sender<Message>,
    /// The diagnostics of the current broken build, for new connections.
    broken: latest::Receiver<Option<String>>,
}

/// Threads for reading files (tokio's blocking pool). Reads of local files
/// are short, so a few threads keep up with many clients.
const BLOCKING_THREADS: usize = 4;

/// Serves the site and rebuilds it on every change, until the watcher
/// fails or the process is stopped.
pub fn run(options: &ServeOptions) -> Result<(), Failure> {
    let root = &options.watch.build.root;
    let output = build::output_folder(root, options.watch.build.output.as_deref())?;
    // A broken site.toml is reported by the first build; serve from `/`.
    let base_path = build::load_config(root, options.watch.build.base_url.as_deref())
        .map_or_else(|_| "/".to_string(), |config| config.base_path());
    if !options.bind.is_loopback() {
        eprintln!(
            "warning: serving on {}: anyone who can reach this address can read the site, drafts included",
            options.bind
        );
    }
    let listener = std::net::TcpListener::bind(SocketAddr::new(options.bind, options.port))
        .and_then(|l| l.set_nonblocking(true).map(|()| l))
        .map_err(|error| {
            let hint = if error.kind() == std::io::ErrorKind::AddrInUse {
                " (another program is using that port: pass `--port 0` for a free one, or another port)"
            } else {
                ""
            };
            Failure::Usage(format!(
                "cannot listen on {}:{}: {error}{hint}",
                options.bind, options.port
            ))
        })?;
    let address = listener
        .local_addr()
        .map_err(|error| Failure::Io(error.to_string()))?;
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .max_blocking_threads(BLOCKING_THREADS)
        .thread_keep_alive(std::time::Duration::from_secs(u32::MAX.into()))
        .enable_all()
        .build()
        .map_err(|error| Failure::Io(format!("cannot start the server: {error}")))?;
    let (events, _) = broadcast::channel(64);
    let (broken_sender, broken) = latest::channel(None);
    let server = Arc::new(Server {
        output,
        base_path: base_path.clone(),
        hosts: allowed_hosts(address),
        events: events.clone(),
        broken,
    });
    let router = Router::new().fallback(handle).with_state(server);
    // The port is taken now (so a busy port fails at once), but requests
    // are answered only after the first build: until then they wait in
    // the listen queue instead of getting a 404 for a half-built site.
    let (first_build, first_build_done) = tokio::sync::oneshot::channel::<()>();
    let mut first_build = Some(first_build);
    {
        let _entered = runtime.enter();
        let listener = tokio::net::TcpListener::from_std(listener)
            .map_err(|error| Failure::Io(error.to_string()))?;
        runtime.spawn(async move {
            let _ = first_build_done.await;
            if let Err(error) = axum::serve(listener, router).await {
                eprintln!("error: the server stopped: {error}");
            }
        });
    }
    let url = format!("http://{address}{base_path}");
    println!("Serving at {url}");
    use std::io::Write;
    let _ = std::io::stdout().flush();
    if options.open {
        open_browser(&url);
    }
    watch::run(&options.watch, |result| {
        watch::print(&options.watch, result);
        let navigate_to = options.navigate_to_changed.then_some(base_path.as_str());
        let message = Message::after(result, navigate_to);
        let _ = broken_sender.send(match &message {
            Message::Error { text } => Some(text.clone()),
            _ => None,
        });
        // Nobody listening is fine.
        let _ = events.send(message);
        if let Some(first_build) = first_build.take() {
            let _ = first_build.send(());
        }
    })
}

/// Starts the system's browser without waiting for it, so it can never
/// hold up the server (or a test).
fn open_browser(url: &str) {
    let command = if cfg!(target_os = "macos") {
        "open"
    } else if cfg!(windows) {
        "explorer"
    } else {
        "xdg-open"
    };
    let started = std::process::Command::new(command)
        .arg(url)
        .stdin(std::process::Stdio::null())
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn();
    if let Err(error) = started {
        eprintln!("warning: could not open a browser ({command}: {error}); open {url} yourself");
    }
}

/// The `Host` values this server answers: its own address, `localhost`
/// and `127.0.0.1`, with the port (and without it on port 80).
pub fn allowed_hosts(address: SocketAddr) -> Vec<String> {
    let port = address.port();
    let own = match address.ip() {
        IpAddr::V6(ip) => format!("[{ip}]"),
        IpAddr::V4(ip) => ip.to_string(),
    };
    let mut hosts = Vec::new();
    for name in [own.as_str(), "localhost", "127.0.0.1"] {
        hosts.push(format!("{name}:{port}"));
        if port == 80 {
            hosts.push(name.to_string());
        }
    }
    hosts
}

fn host_allowed(server: &Server, headers: &HeaderMap) -> bool {
    headers
        .get(header::HOST)
        .and_then(|h| h.to_str().ok())
        .is_some_and(|host| server.hosts.iter().any(|h| h.eq_ignore_ascii_case(host)))
}

/// A cross-origin page may open an `EventSource` to us; a same-origin one
/// sends no `Origin` or our own.
fn origin_allowed(server: &Server, headers: &HeaderMap) -> bool {
    let Some(origin) = headers.get(header::ORIGIN) else {
        return true;
    };
    origin.to_str().ok().is_some_and(|origin| {
        server
            .hosts
            .iter()
            .any(|h| origin.eq_ignore_ascii_case(&format!("http://{h}")))
    })
}

fn plain(status: StatusCode, text: &'static str) -> Response {
    let mut response = (status, text).into_response();
    no_store(&mut response);
    response
}

fn no_store(response: &mut Response) {
    let headers = response.headers_mut();
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    headers.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
}

async fn handle(State(server): State<Arc<Server>>, request: Request) -> Response {
    if !host_allowed(&server, request.headers()) {
        return plain(
            StatusCode::FORBIDDEN,
            "403 Forbidden: unknown Host (medsite answers only localhost)\n",
        );
    }
    let method = request.method().clone();
    if method != Method::GET && method != Method::HEAD {
        let mut response = plain(StatusCode::METHOD_NOT_ALLOWED, "405 Method Not Allowed\n");
        response
            .headers_mut()
            .insert(header::ALLOW, HeaderValue::from_static("GET, HEAD"));
        return response;
    }
    let path = request.uri().path();
    if path == RELOAD_PATH {
        if !origin_allowed(&server, request.headers()) {
            return plain(StatusCode::FORBIDDEN, "403 Forbidden: foreign Origin\n");
        }
        return reload_channel(&server);
    }
    let head = method == Method::HEAD;
    if path == SCRIPT_PATH {
        return respond(
            StatusCode::OK,
            "text/javascript; charset=utf-8",
            SCRIPT.as_bytes().to_vec(),
            head,
        );
    }
    let query = request.uri().query().map(str::to_string);
    let raw_path = match under_base_path(&server.base_path, path) {
        BasePath::Inside(rest) => rest.to_string(),
        BasePath::Redirect => return redirect(&server.base_path, query),
        BasePath::Outside => return not_found(&server, head).await,
    };
    let output = server.output.clone();
    // One trip to the blocking pool for finding and reading the file.
    let found = tokio::task::spawn_blocking(move || match resolve(&output, &raw_path) {
        Found::File(file) => {
            std::fs::read(&file).map_or(Read::Missing, |bytes| Read::File(file, bytes))
        }
        Found::Folder { location } => Read::Folder(location),
        Found::Missing => Read::Missing,
        Found::Refused => Read::Refused,
    })
    .await
    .unwrap_or(Read::Missing);
    match found {
        Read::File(file, bytes) => {
            let content_type = content_type(&file);
            respond(StatusCode::OK, &content_type, bytes, head)
        }
        Read::Folder(location) => {
            let location = format!("{}{}", server.base_path, &location[1..]);
            redirect(&location, query)
        }
        Read::Missing => not_found(&server, head).await,
        Read::Refused => plain(StatusCode::BAD_REQUEST, "400 Bad Request: unsafe path\n"),
    }
}

/// Where a request path stands against the base path the site is served
/// under.
#[derive(Debug, PartialEq, Eq)]
enum BasePath<'a> {
    /// Inside it: the path from the site's root, starting with `/`.
    Inside(&'a str),
    /// `/` or the base path without its final `/`: send the browser there.
    Redirect,
    /// Elsewhere on the server: the site's 404 page.
    Outside,
}

fn under_base_path<'a>(base_path: &str, path: &'a str) -> BasePath<'a> {
    // At the root, every path is the site's (and `resolve` judges it).
    if base_path == "/" {
        return BasePath::Inside(path);
    }
    let folder = base_path.trim_end_matches('/');
    match path.strip_prefix(folder) {
        Some(rest) if rest.starts_with('/') => BasePath::Inside(rest),
        Some("") => BasePath::Redirect,
        _ if path == "/" => BasePath::Redirect,
        _ => BasePath::Outside,
    }
}

/// A 301 to `location` (a path on this server), keeping the query.
fn redirect(location: &str, query: Option<String>) -> Response {
    let location = match query {
        Some(query) => format!("{location}?{query}"),
        None => location.to_string(),
    };
    let mut response = plain(StatusCode::MOVED_PERMANENTLY, "301 Moved Permanently\n");
    match HeaderValue::from_str(&location) {
        Ok(value) => {
            response.headers_mut().insert(header::LOCATION, value);
            response
        }
        Err(_) => plain(StatusCode::BAD_REQUEST, "400 Bad Request\n"),
    }
}

/// A file found and read, for [`handle`].
enum Read {
    File(PathBuf, Vec<u8>),
    /// Redirect to this location.
    Folder(String),
    Missing,
    Refused,
}

/// The site's `404.html` (with the reload script) and status 404.
async fn not_found(server: &Server, head: bool) -> Response {
    match tokio::fs::read(server.output.join("404.html")).await {
        Ok(bytes) => respond(
            StatusCode::NOT_FOUND,
            "text/html; charset=utf-8",
            bytes,
            head,
        ),
        Err(_) => plain(StatusCode::NOT_FOUND, "404 Not Found\n"),
    }
}

fn respond(status: StatusCode, content_type: &str, bytes: Vec<u8>, head: bool) -> Response {
    let bytes = if content_type.starts_with("text/html") {
        inject_script(bytes)
    } else {
        bytes
    };
    let length = bytes.len();
    let body = if head {
        Body::empty()
    } else {
        Body::from(bytes)
    };
    let mut response = Response::new(body);
    *response.status_mut() = status;
    let headers = response.headers_mut();
    if let Ok(value) = HeaderValue::from_str(content_type) {
        headers.insert(header::CONTENT_TYPE, value);
    }
    headers.insert(header::CONTENT_LENGTH, HeaderValue::from(length));
    no_store(&mut response);
    response
}

/// The content type of a served file; text types say UTF-8, which is
/// what medsite writes.
pub fn content_type(file: &Path) -> String {
    let mime = mime_guess::from_path(file).first_or_octet_stream();
    let essence = mime.essence_str();
    let textual = mime.type_() == mime_guess::mime::TEXT
        || matches!(
            essence,
            "application/javascript" | "application/json" | "application/xml" | "image/svg+xml"
        )
        || essence.ends_with("+xml");
    if textual {
        format!("{essence}; charset=utf-8")
    } else {
        essence.to_string()
    }
}

/// Adds the reload script before the last `</body>`, or at the end.
///
/// One buffer of the final size: this runs for every page served, where a
/// lower-case copy and a `splice` that doubles the buffer made two more.
pub fn inject_script(html: Vec<u8>) -> Vec<u8> {
    let at = html
        .windows(b"</body>".len())
        .rposition(|w| w.eq_ignore_ascii_case(b"</body>"))
        .unwrap_or(html.len());
    let mut injected = Vec::with_capacity(html.len() + SCRIPT_TAG.len());
    injected.extend_from_slice(&html[..at]);
    injected.extend_from_slice(SCRIPT_TAG.as_bytes());
    injected.extend_from_slice(&html[at..]);
    injected
}

fn reload_channel(server: &Server) -> Response {
    let mut first = vec![Message::Hello];
    if let Some(text) = server.broken.borrow().clone() {
        first.push(Message::Error { text });
    }
    let receiver = server.events.subscribe();
    let later = futures_util::stream::unfold(receiver, |mut receiver| async move {
        match receiver.recv().await {
            Ok(message) => Some((message, receiver)),
            // A slow browser missed messages: a reload shows the latest state.
            Err(broadcast::error::RecvError::Lagged(_)) => {
                Some((Message::Reload { navigate: None }, receiver))
            }
            Err(broadcast::error::RecvError::Closed) => None,
        }
    });
    use futures_util::StreamExt;
    let stream = futures_util::stream::iter(first)
        .chain(later)
        .map(|message| {
            Ok::<Event, Infallible>(
                Event::default().data(serde_json::to_string(&message).unwrap_or_default()),
            )
        });
    let mut response = Sse::new(stream)
        .keep_alive(KeepAlive::default())
        .into_response();
    no_store(&mut response);
    response
}

/// A request path checked and decoded: its segments, and whether it ended
/// with `/`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RequestPath {
    pub segments: Vec<String>,
    pub folder: bool,
}

/// Checks a raw request path (still percent-encoded). Refuses anything
/// that could name a file outside the output or smuggle a separator:
/// `.`/`..` segments (plain or encoded), encoded `/` or `\`, any `\`,
/// encoded `%` (double encoding), NUL and control characters, and text
/// that is not UTF-8.
pub fn parse_path(raw: &str) -> Option<RequestPath> {
    if !raw.starts_with('/') || raw.contains('\\') {
        return None;
    }
    let lower = raw.to_ascii_lowercase();
    if ["%2f", "%5c", "%25", "%00"]
        .iter()
        .any(|bad| lower.contains(bad))
    {
        return None;
    }
    let decoded = percent_encoding::percent_decode_str(raw)
        .decode_utf8()
        .ok()?;
    if decoded.chars().any(|c| c == '\\' || c.is_control()) {
        return None;
    }
    let mut segments = Vec::new();
    for segment in decoded.split('/') {
        match segment {
            "" => {}
            "." | ".." => return None,
            other => segments.push(other.to_string()),
        }
    }
    Some(RequestPath {
        folder: decoded.ends_with('/'),
        segments,
    })
}

/// Where a request path leads in the output folder.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Found {
    /// A file inside the output (canonical path): 200.
    File(PathBuf),
    /// A folder asked for without its final `/`: redirect to `location`,
    /// the request path with it.
    Folder { location: String },
    /// Nothing there, or nothing the server shows: 404.
    Missing,
    /// A path [`parse_path`] refuses: 400.
    Refused,
}

/// Where a raw request path (still percent-encoded) leads in `output`.
/// This is the handler's only way from a request to a file, so the
/// `request_path` fuzz target checks exactly what is served.
pub fn resolve(output: &Path, raw: &str) -> Found {
    match parse_path(raw) {
        Some(requested) => find_file(output, &requested, raw),
        None => Found::Refused,
    }
}

/// Whether a path (its segments from the output's root) leads to a hidden
/// file or folder: any segment starting with `.`, except `.well-known` at
/// the root (RFC 8615), which a site publishes from `static/`.
fn is_hidden<S: AsRef<str>>(segments: impl IntoIterator<Item = S>) -> bool {
    segments.into_iter().enumerate().any(|(i, segment)| {
        let segment = segment.as_ref();
        segment.starts_with('.') && !(i == 0 && segment == ".well-known")
    })
}

/// Finds the file a checked path names inside `output`: a folder's
/// `index.html`, never a hidden file, never anything a symbolic link leads
/// to outside the output.
fn find_file(output: &Path, requested: &RequestPath, raw: &str) -> Found {
    if is_hidden(&requested.segments) {
        return Found::Missing;
    }
    let Ok(output) = output.canonicalize() else {
        return Found::Missing;
    };
    let mut path = output.clone();
    path.extend(&requested.segments);
    let Ok(resolved) = path.canonicalize() else {
        return Found::Missing;
    };
    // A symbolic link may lead out of the output, or to a hidden file
    // inside it: judge where it leads, not its name.
    let Ok(inside) = resolved.strip_prefix(&output) else {
        return Found::Missing;
    };
    if is_hidden(
        inside
            .components()
            .map(|part| part.as_os_str().to_string_lossy()),
    ) {
        return Found::Missing;
    }
    if resolved.is_dir() {
        if !requested.folder && !requested.segments.is_empty() {
            // `//host/x` would send the browser to another site.
            return Found::Folder {
                location: format!("/{}/", raw.trim_start_matches('/')),
            };
        }
        let index = resolved.join("index.html");
        return if index.is_file() {
            Found::File(index)
        } else {
            Found::Missing
        };
    }
    if requested.folder {
        return Found::Missing;
    }
    Found::File(resolved)
}

#[cfg(test)]
mod tests {
    #[test]
    fn requests_are_placed_against_the_base_path() {
        assert_eq!(under_base_path("/", "/x/"), BasePath::Inside("/x/"));
        assert_eq!(under_base_path("/", ""), BasePath::Inside(""));
        assert_eq!(under_base_path("/clinic/", ""), BasePath::Outside);
        assert_eq!(
            under_base_path("/clinic/", "/clinic/x"),
            BasePath::Inside("/x")
        );
        assert_eq!(
            under_base_path("/clinic/", "/clinic/"),
            BasePath::Inside("/")
        );
        assert_eq!(under_base_path("/clinic/", "/clinic"), BasePath::Redirect);
        assert_eq!(under_base_path("/clinic/", "/"), BasePath::Redirect);
        assert_eq!(under_base_path("/clinic/", "/clinical/"), BasePath::Outside);
        assert_eq!(under_base_path("/clinic/", "/other"), BasePath::Outside);
    }

    use super::*;

    #[test]
    fn traversal_in_every_encoding_is_refused() {
        for raw in [
            "/../etc/passwd",
            "/a/../../x",
            "/%2e%2e/x",
            "/%2E%2E/x",
            "/.%2e/x",
            "/a%2f..%2fx",
            "/a%2F%2E%2E%2Fx",
            "/..\\x",
            "/a%5c..%5cx",
            "/%252e%252e/x",
            "/a/./b",
            "/a%00.html",
            "/%ff",
            "x",
        ] {
            assert!(parse_path(raw).is_none(), "{raw} was accepted");
        }
    }

    #[test]
    fn ordinary_paths_are_decoded() {
        assert_eq!(
            parse_path("/careers/caf%C3%A9/").unwrap(),
            RequestPath {
                segments: vec!["careers".into(), "café".into()],
                folder: true,
            }
        );
        assert_eq!(parse_path("/").unwrap().segments, Vec::<String>::new());
    }

    /// Found by the `request_path` fuzz target: `//nested` redirected to
    /// `//nested/`, which a browser reads as the site `http://nested/`.
    #[test]
    fn a_folder_redirect_with_leading_slashes_stays_on_the_site() {
        let output = tempfile::tempdir().unwrap();
        std::fs::create_dir(output.path().join("nested")).unwrap();
        for raw in ["/nested", "//nested", "///nested"] {
            assert_eq!(
                resolve(output.path(), raw),
                Found::Folder {
                    location: "/nested/".into()
                },
                "{raw}"
            );
        }
    }

    /// Found by the `request_path` fuzz target: a symbolic link named
    /// without a dot served the hidden file it leads to.
    #[cfg(unix)]
    #[test]
    fn a_symbolic_link_to_a_hidden_file_is_not_served() {
        let output = tempfile::tempdir().unwrap();
        let output = output.path();
        std::fs::write(output.join(".secret"), "secret").unwrap();
        std::fs::create_dir(output.join(".hidden")).unwrap();
        std::fs::write(output.join(".hidden/index.html"), "hidden").unwrap();
        std::fs::write(output.join("index.html"), "home").unwrap();
        std::os::unix::fs::symlink(".secret", output.join("to-secret")).unwrap();
        std::os::unix::fs::symlink(".hidden", output.join("to-hidden")).unwrap();
        std::os::unix::fs::symlink("index.html", output.join("home.html")).unwrap();
        for raw in ["/to-secret", "/to-hidden/", "/to-hidden/index.html"] {
            assert_eq!(resolve(output, raw), Found::Missing, "{raw}");
        }
        assert_eq!(
            resolve(output, "/home.html"),
            Found::File(output.canonicalize().unwrap().join("index.html"))
        );
    }

    /// `.well-known/` at the root is published (RFC 8615); every other
    /// dot-file or dot-folder stays hidden, `.htaccess` included.
    #[test]
    fn only_the_root_well_known_folder_is_served_among_dot_paths() {
        let output = tempfile::tempdir().unwrap();
        let output = output.path();
        for file in [
            ".well-known/security.txt",
            "a/.well-known/x.txt",
            ".htaccess",
        ] {
            let path = output.join(file);
            std::fs::create_dir_all(path.parent().unwrap()).unwrap();
            std::fs::write(path, "x").unwrap();
        }
        std::fs::create_dir(output.join(".well-known/.git")).unwrap();
        std::fs::write(output.join(".well-known/.git/config"), "x").unwrap();
        assert_eq!(
            resolve(output, "/.well-known/security.txt"),
            Found::File(
                output
                    .canonicalize()
                    .unwrap()
                    .join(".well-known/security.txt")
            )
        );
        for raw in [
            "/.htaccess",
            "/a/.well-known/x.txt",
            "/.well-known/.git/config",
        ] {
            assert_eq!(resolve(output, raw), Found::Missing, "{raw}");
        }
    }

    #[test]
    fn the_script_goes_before_the_last_body_end() {
        let html = inject_script(b"<html><BODY>x</BODY></html>".to_vec());
        assert_eq!(
            String::from_utf8(html).unwrap(),
            format!("<html><BODY>x{SCRIPT_TAG}</BODY></html>")
        );
        let html = inject_script(b"<p>a</body> b </Body>c".to_vec());
        assert_eq!(
            String::from_utf8(html).unwrap(),
            format!("<p>a</body> b {SCRIPT_TAG}</Body>c")
        );
        let html = inject_script(b"<p>no end".to_vec());
        assert_eq!(
            String::from_utf8(html).unwrap(),
            format!("<p>no end{SCRIPT_TAG}")
        );
    }

    #[test]
    fn content_types_name_utf8_for_text() {
        assert_eq!(
            content_type(Path::new("a.html")),
            "text/html; charset=utf-8"
        );
        assert_eq!(content_type(Path::new("a.css")), "text/css; charset=utf-8");
        assert_eq!(content_type(Path::new("a.png")), "image/png");
        assert_eq!(
            content_type(Path::new("atom.xml")),
            "text/xml; charset=utf-8"
        );
    }

    #[test]
    fn css_only_changes_swap_stylesheets() {
        let outcome = Outcome {
            written: vec!["style.css".into()],
            ..Outcome::default()
        };
        assert_eq!(
            Message::after(&Ok(outcome), None),
            Message::Css {
                paths: vec!["style.css".into()]
            }
        );
    }

    #[test]
    fn a_search_index_written_after_its_pages_reloads_nothing() {
        let outcome = Outcome {
            written: vec![
                "pagefind/pagefind-entry.json".into(),
                "pagefind/pagefind.en_1234567.pf_meta".into(),
            ],
            removed: vec!["pagefind/pagefind.en_7654321.pf_meta".into()],
            indexed: true,
            index_only: true,
            ..Outcome::default()
        };
        assert_eq!(
            Message::after(&Ok(outcome), Some("/")),
            Message::Ok,
            "the page is as it was"
        );
    }
}
