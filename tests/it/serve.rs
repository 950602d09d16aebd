//! `medsite serve` over loopback. Requests are written as raw bytes on a
//! `TcpStream`, so no HTTP client can normalise the path before the server
//! sees it.

use std::io::{Read, Write};
use std::net::TcpStream;
use std::time::{Duration, Instant};

use crate::support::{Running, TempSite, try_read_tree};

const SECRET: &str = "secret-in-site-toml";

struct Served {
    site: TempSite,
    /// Kept so that the server runs as long as the test.
    _server: Running,
    port: u16,
}

impl Served {
    fn start(extra: &[&str]) -> Served {
        let site = TempSite::with_theme(&[
            (
                "site.toml",
                &format!("title = \"T\"\ntheme = \"fixture\"\ndescription = \"{SECRET}\"\n"),
            ),
            ("content/_index.md", "---\ntitle: Home\n---\nWelcome.\n"),
            ("content/a.md", "---\ntitle: A\n---\nFirst text.\n"),
            ("content/posts/_index.md", "---\ntitle: Posts\n---\n"),
            ("content/posts/p.md", "---\ntitle: P\n---\nPost.\n"),
        ]);
        let mut args: Vec<&std::ffi::OsStr> = vec![
            "serve".as_ref(),
            "--port".as_ref(),
            "0".as_ref(),
            "--root".as_ref(),
            site.path().as_os_str(),
        ];
        args.extend(extra.iter().map(std::ffi::OsStr::new));
        let server = Running::start(&args);
        server.wait_for("Serving at http://", 1);
        server.wait_for("Built", 1);
        let output = server.output();
        let port = output
            .split("Serving at http://")
            .nth(1)
            .and_then(|rest| rest.split('/').next())
            .and_then(|address| address.rsplit(':').next())
            .and_then(|port| port.parse().ok())
            .expect("the server prints its address");
        Served {
            site,
            _server: server,
            port,
        }
    }

    /// Sends `request` as it is and returns the whole response.
    fn raw(&self, request: &[u8]) -> Response {
        let mut stream = TcpStream::connect(("127.0.0.1", self.port)).unwrap();
        stream
            .set_read_timeout(Some(Duration::from_secs(10)))
            .unwrap();
        stream.write_all(request).unwrap();
        let mut bytes = Vec::new();
        let _ = stream.read_to_end(&mut bytes);
        Response::parse(&bytes)
    }

    /// Sends `request` and returns the response head only, for a response
    /// that never ends (the reload channel).
    fn raw_head(&self, request: &[u8]) -> Response {
        let mut stream = TcpStream::connect(("127.0.0.1", self.port)).unwrap();
        stream
            .set_read_timeout(Some(Duration::from_millis(50)))
            .unwrap();
        stream.write_all(request).unwrap();
        let deadline = Instant::now() + Duration::from_secs(30);
        let mut bytes = Vec::new();
        let mut buffer = [0; 1024];
        while !bytes.windows(4).any(|w| w == b"\r\n\r\n") && Instant::now() < deadline {
            match stream.read(&mut buffer) {
                Ok(0) => break,
                Ok(n) => bytes.extend_from_slice(&buffer[..n]),
                Err(_) => {}
            }
        }
        Response::parse(&bytes)
    }

    fn get(&self, path: &str) -> Response {
        self.request("GET", path, &[])
    }

    fn request(&self, method: &str, path: &str, headers: &[&str]) -> Response {
        let mut request = format!(
            "{method} {path} HTTP/1.1\r\nHost: 127.0.0.1:{}\r\nConnection: close\r\n",
            self.port
        );
        for header in headers {
            request.push_str(header);
            request.push_str("\r\n");
        }
        request.push_str("\r\n");
        self.raw(request.as_bytes())
    }

    /// Opens the reload channel and waits for its first message.
    fn reload_channel(&self) -> EventStream {
        let mut stream = TcpStream::connect(("127.0.0.1", self.port)).unwrap();
        stream
            .set_read_timeout(Some(Duration::from_millis(50)))
            .unwrap();
        write!(
            stream,
            "GET /__medsite/reload HTTP/1.1\r\nHost: localhost:{}\r\nAccept: text/event-stream\r\n\r\n",
            self.port
        )
        .unwrap();
        let mut events = EventStream {
            stream,
            seen: String::new(),
        };
        events.wait_for("{\"kind\":\"hello\"}");
        events
    }
}

struct EventStream {
    stream: TcpStream,
    seen: String,
}

impl EventStream {
    /// Reads until `text` arrives (30 s at most); returns what came after
    /// the previous match, up to the end of that event.
    fn wait_for(&mut self, text: &str) -> String {
        let deadline = Instant::now() + Duration::from_secs(30);
        let mut buffer = [0; 4096];
        loop {
            if let Some(at) = self.seen.find(text) {
                let end = self.seen[at..]
                    .find("\n\n")
                    .map_or(self.seen.len(), |e| at + e + 2);
                let event = self.seen[..end].to_string();
                self.seen.drain(..end);
                return event;
            }
            assert!(
                Instant::now() < deadline,
                "no `{text}` on the reload channel; got:\n{}",
                self.seen
            );
            match self.stream.read(&mut buffer) {
                Ok(0) => panic!("the reload channel closed; got:\n{}", self.seen),
                Ok(n) => self.seen.push_str(&String::from_utf8_lossy(&buffer[..n])),
                Err(_) => {} // read timeout: look again
            }
        }
    }
}

#[derive(Debug)]
struct Response {
    status: u16,
    head: String,
    body: Vec<u8>,
}

impl Response {
    fn parse(bytes: &[u8]) -> Response {
        let split = bytes
            .windows(4)
            .position(|w| w == b"\r\n\r\n")
            .unwrap_or(bytes.len());
        let head = String::from_utf8_lossy(&bytes[..split]).to_lowercase();
        let status = head
            .split_whitespace()
            .nth(1)
            .and_then(|s| s.parse().ok())
            .unwrap_or(0);
        let body = bytes.get(split + 4..).unwrap_or_default().to_vec();
        Response { status, head, body }
    }

    fn header(&self, name: &str) -> Option<&str> {
        self.head.lines().find_map(|line| {
            let (key, value) = line.split_once(':')?;
            (key.trim() == name).then(|| value.trim())
        })
    }

    fn text(&self) -> String {
        String::from_utf8_lossy(&self.body).into_owned()
    }
}

#[test]
fn traversal_in_every_encoding_is_refused_with_a_4xx() {
    let served = Served::start(&[]);
    for path in [
        "/../site.toml",
        "/../../../../etc/passwd",
        "/a/../../site.toml",
        "/%2e%2e/site.toml",
        "/%2E%2E/site.toml",
        "/.%2e/site.toml",
        "/%2e./site.toml",
        "/%2e%2e%2fsite.toml",
        "/..%2fsite.toml",
        "/..%2Fsite.toml",
        "/..\\site.toml",
        "/%5c..%5csite.toml",
        "/..%5csite.toml",
        "/%252e%252e/site.toml",
        "/%252e%252e%252fsite.toml",
        "/%c0%ae%c0%ae/site.toml",
        "/./../site.toml",
        "//../site.toml",
        "/a/%2e%2e/%2e%2e/site.toml",
        "/index.html%00.css",
        "/.medsite-output",
        "../site.toml",
        "site.toml",
    ] {
        let response = served.get(path);
        assert!(
            (400..500).contains(&response.status),
            "{path}: status {}",
            response.status
        );
        assert!(
            !response.text().contains(SECRET),
            "{path} served the site's files"
        );
    }
    // Malformed requests get an error, and the server lives on.
    for request in [
        &b"GET /\x00 HTTP/1.1\r\nHost: x\r\n\r\n"[..],
        b"\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03",
        b"GET / HTTP/9.9\r\n\r\n",
        b"NONSENSE\r\n\r\n",
        b"GET /%zz HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n",
        b"GET /\xff\xfe HTTP/1.1\r\n\r\n",
    ] {
        let response = served.raw(request);
        assert!(
            response.status == 0 || (400..500).contains(&response.status),
            "{request:?}: status {}",
            response.status
        );
    }
    assert_eq!(served.get("/").status, 200, "the server died");
}

#[test]
fn only_its_own_host_is_answered_and_no_cors_headers_are_sent() {
    let served = Served::start(&[]);
    let port = served.port;
    for host in [
        "evil.example".to_string(),
        format!("evil.example:{port}"),
        format!("localhost.evil.example:{port}"),
        format!("127.0.0.1:{}", port + 1),
    ] {
        let response = served
            .raw(format!("GET / HTTP/1.1\r\nHost: {host}\r\nConnection: close\r\n\r\n").as_bytes());
        assert_eq!(response.status, 403, "Host: {host}");
    }
    let no_host = served.raw(b"GET / HTTP/1.1\r\nConnection: close\r\n\r\n");
    assert!((400..500).contains(&no_host.status), "no Host header");
    for host in [format!("localhost:{port}"), format!("127.0.0.1:{port}")] {
        let response = served.raw(
            format!(
                "GET / HTTP/1.1\r\nHost: {host}\r\nOrigin: http://evil.example\r\nConnection: close\r\n\r\n"
            )
            .as_bytes(),
        );
        assert_eq!(response.status, 200, "Host: {host}");
        assert!(
            !response.head.contains("access-control-"),
            "CORS headers sent:\n{}",
            response.head
        );
    }
}

#[test]
fn a_foreign_origin_cannot_open_the_reload_channel() {
    let served = Served::start(&[]);
    let port = served.port;
    let foreign = served.request("GET", "/__medsite/reload", &["Origin: http://evil.example"]);
    assert_eq!(foreign.status, 403);
    let own = served.raw_head(
        format!(
            "GET /__medsite/reload HTTP/1.1\r\nHost: localhost:{port}\r\nOrigin: http://localhost:{port}\r\n\r\n"
        )
        .as_bytes(),
    );
    assert_eq!(own.status, 200, "{}", own.head);
    assert!(
        own.header("content-type")
            .is_some_and(|t| t.starts_with("text/event-stream")),
        "{}",
        own.head
    );
}

#[test]
fn files_are_served_with_their_types_a_404_page_and_no_caching() {
    let served = Served::start(&[]);
    let page = served.get("/a/");
    assert_eq!(page.status, 200);
    assert_eq!(
        page.header("content-type"),
        Some("text/html; charset=utf-8")
    );
    assert_eq!(page.header("cache-control"), Some("no-store"));
    assert!(page.text().contains("First text."));
    assert!(
        page.text().contains("/__medsite/reload.js"),
        "no reload script in the response"
    );
    let on_disk = std::fs::read_to_string(served.site.path().join("dist/a/index.html")).unwrap();
    assert!(
        !on_disk.contains("__medsite"),
        "the reload script leaked into dist/"
    );
    assert_eq!(
        page.header("content-length"),
        Some(page.body.len().to_string().as_str())
    );

    let head = served.request("HEAD", "/a/", &[]);
    assert_eq!(head.status, 200);
    assert!(head.body.is_empty(), "HEAD sent a body");
    assert_eq!(head.header("content-length"), page.header("content-length"));

    let redirect = served.get("/posts");
    assert_eq!(redirect.status, 301);
    assert_eq!(redirect.header("location"), Some("/posts/"));
    assert_eq!(served.get("/posts/").status, 200);

    let css = served.get("/style.css");
    assert_eq!(css.header("content-type"), Some("text/css; charset=utf-8"));
    let feed = served.get("/atom.xml");
    assert_eq!(feed.status, 200);
    assert!(feed.header("content-type").unwrap().contains("xml"));
    let script = served.get("/__medsite/reload.js");
    assert_eq!(
        script.header("content-type"),
        Some("text/javascript; charset=utf-8")
    );

    let missing = served.get("/no/such/page/");
    assert_eq!(missing.status, 404);
    assert!(missing.text().contains("Not found"), "{}", missing.text());
    assert_eq!(served.request("POST", "/", &[]).status, 405);
}

#[test]
fn reload_messages_follow_edits_styles_and_broken_builds() {
    let served = Served::start(&["--navigate-to-changed"]);
    let mut channel = served.reload_channel();

    served
        .site
        .write("content/a.md", "---\ntitle: A\n---\nEdited text.\n");
    let event = channel.wait_for("\"kind\":\"reload\"");
    assert!(event.contains("\"navigate\":\"/a/\""), "{event}");
    assert!(served.get("/a/").text().contains("Edited text."));

    served
        .site
        .write("themes/fixture/static/style.css", "body { margin: 0 }\n");
    let event = channel.wait_for("\"kind\":\"css\"");
    assert!(event.contains("\"paths\":[\"style.css\"]"), "{event}");

    let good = try_read_tree(&served.site.path().join("dist")).unwrap();
    served.site.write(
        "content/a.md",
        "---\ntitle: A\nweight: <b>heavy</b>\n---\nBroken.\n",
    );
    let event = channel.wait_for("\"kind\":\"error\"");
    assert!(event.contains("content/a.md:3:"), "{event}");
    assert!(
        event.contains("<b>heavy</b>"),
        "the diagnostics are sent as text: {event}"
    );
    assert_eq!(
        try_read_tree(&served.site.path().join("dist")).unwrap(),
        good
    );
    // A browser that connects now learns that the build is broken.
    let mut late = served.reload_channel();
    late.wait_for("\"kind\":\"error\"");

    served
        .site
        .write("content/a.md", "---\ntitle: A\n---\nEdited text.\n");
    channel.wait_for("\"kind\":\"ok\"");
    late.wait_for("\"kind\":\"ok\"");
}

#[test]
fn a_non_loopback_bind_prints_a_warning() {
    let site = TempSite::with_theme(&[("content/_index.md", "---\ntitle: Home\n---\n")]);
    let server = Running::start(&[
        "serve".as_ref(),
        "--bind".as_ref(),
        "0.0.0.0".as_ref(),
        "--port".as_ref(),
        "0".as_ref(),
        "--root".as_ref(),
        site.path().as_os_str(),
    ]);
    server.wait_for("warning: serving on 0.0.0.0", 1);
}

/// `serve --base-url https://example.org/clinic/` served the site at `/`,
/// where the 404 page's links (from the base path) found no stylesheet:
/// the preview was not the deploy.
#[test]
fn a_sub_path_base_url_is_served_under_its_path_with_a_styled_404() {
    let served = Served::start(&["--base-url", "https://example.org/clinic/"]);
    for (from, to) in [
        ("/", "/clinic/"),
        ("/clinic", "/clinic/"),
        ("/clinic/posts", "/clinic/posts/"),
        ("/clinic/posts?x=1", "/clinic/posts/?x=1"),
    ] {
        let response = served.get(from);
        assert_eq!(
            (response.status, response.header("location")),
            (301, Some(to)),
            "{from}"
        );
    }
    assert!(served.get("/clinic/").text().contains("Welcome."));
    assert!(served.get("/clinic/posts/p/").text().contains("Post."));
    assert_eq!(served.get("/a/").status, 404, "outside the base path");
    let missing = served.get("/clinic/nope/");
    assert_eq!(missing.status, 404);
    assert!(
        missing.text().contains("href=\"/clinic/style.css\""),
        "{}",
        missing.text()
    );
    assert_eq!(served.get("/clinic/style.css").status, 200);
}

/// A port already taken said only "Address in use": say what to do.
#[test]
fn a_port_in_use_suggests_port_0() {
    let taken = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = taken.local_addr().unwrap().port().to_string();
    let site = TempSite::with_theme(&[("content/_index.md", "---\ntitle: Home\n---\n")]);
    let output = crate::support::medsite()
        .args(["serve", "--port", &port, "--root"])
        .arg(site.path())
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2));
    let shown = String::from_utf8_lossy(&output.stderr);
    assert!(
        shown.starts_with(&format!(
            "error: cannot listen on 127.0.0.1:{port}: Address already in use"
        )),
        "{shown}"
    );
    assert!(
        shown.contains(
            "(another program is using that port: pass `--port 0` for a free one, or another port)"
        ),
        "{shown}"
    );
}
