//! Fingerprinted assets: every `.css` and `.js` file of the site's (or its
//! theme's) `static/` is also published under a name holding a hash of its
//! content (`style.css` -> `style.3f2a1b9c.css`), and the `asset` template
//! function returns that name and the file's Subresource Integrity value,
//! so hosts can let browsers cache it for a year. A new content gets a new
//! name; the old one leaves the output with the build that stops writing
//! it. The plain name stays published, for links that do not use `asset`.
//!
//! Fingerprints are taken when the site is loaded (the files are read
//! there); rendering only looks them up.

use std::collections::BTreeMap;
use std::sync::Arc;

use base64::Engine;
use sha2::{Digest, Sha384};
use tera::{Kwargs, State, Tera, Value};

/// A fingerprinted file: where it is published and its integrity value.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Fingerprint {
    /// Site path of the fingerprinted copy, e.g. `css/style.3f2a1b9c.css`.
    pub path: String,
    /// `sha384-` and the base64 of the SHA-384 of the bytes.
    pub integrity: String,
}

/// Whether a static file at `path` gets a fingerprinted copy.
pub fn is_fingerprinted(path: &str) -> bool {
    path.ends_with(".css") || path.ends_with(".js")
}

/// The fingerprint of the file published at `path` with these bytes: its
/// name gets the first 8 hex digits of the SHA-384 before the extension.
pub fn fingerprint(path: &str, bytes: &[u8]) -> Fingerprint {
    let digest = Sha384::digest(bytes);
    let hex: String = digest[..4].iter().map(|b| format!("{b:02x}")).collect();
    let (stem, extension) = path.rsplit_once('.').unwrap_or((path, ""));
    Fingerprint {
        path: format!("{stem}.{hex}.{extension}"),
        integrity: format!(
            "sha384-{}",
            base64::engine::general_purpose::STANDARD.encode(digest)
        ),
    }
}

/// Registers `asset(path="style.css")`, returning `{path, integrity}`.
pub fn register(tera: &mut Tera, fingerprints: &BTreeMap<String, Fingerprint>) {
    let values: Arc<BTreeMap<String, Value>> = Arc::new(
        fingerprints
            .iter()
            .map(|(path, fingerprint)| (path.clone(), Value::from_serializable(fingerprint)))
            .collect(),
    );
    tera.register_function("asset", move |kwargs: Kwargs, _: &State| {
        let path: &str = kwargs.must_get("path")?;
        values
            .get(path.trim_start_matches('/'))
            .cloned()
            .ok_or_else(|| {
                tera::Error::message(format!(
                    "asset: no `{path}` in static/ to fingerprint (only .css and .js files are)"
                ))
            })
    });
}

#[cfg(test)]
mod tests {
    #[test]
    fn the_name_holds_the_hash_and_integrity_is_sha384_base64() {
        assert_eq!(
            super::fingerprint("css/style.css", b"abc"),
            super::Fingerprint {
                path: "css/style.cb00753f.css".into(),
                integrity:
                    "sha384-ywB1P0WjXou1oD1pmsZQBycsMqsO3tFjGotgWkP/W+2AhgcroefMI1i67KE0yCWn".into(),
            }
        );
    }
}
