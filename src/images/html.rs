//! The HTML of a responsive image, in Markdown ([`expand`], which puts it
//! in place of the placeholders) and in templates (the `image` function,
//! [`register`]). Every URL is relative to the page that shows it.

use std::sync::Arc;

use percent_encoding::{AsciiSet, CONTROLS, utf8_percent_encode};
use tera::{Kwargs, State, Tera, Value};

use super::{Candidate, Images, Processed, Shown};
use crate::content::{Site, paths};
use crate::diagnostics::Diagnostic;
use crate::markdown::escape;

/// What may not stand in a `srcset` URL as it is (a space or a comma ends it).
const SRCSET_UNSAFE: &AsciiSet = &CONTROLS
    .add(b' ')
    .add(b',')
    .add(b'"')
    .add(b'\'')
    .add(b'<')
    .add(b'>');

/// How one image is shown.
pub struct Shape<'a> {
    pub alt: &'a str,
    pub title: &'a str,
    pub sizes: &'a str,
    /// The first image of a page: loaded at once, with high priority.
    pub eager: bool,
}

/// The `<picture>` (or, without a WebP version, the `<img>`) of `image`
/// on the page at `page_path`.
pub fn markup(image: &Processed, page_path: &str, shape: &Shape<'_>) -> String {
    let url = |path: &str| {
        utf8_percent_encode(&paths::relative_url(page_path, path), SRCSET_UNSAFE).to_string()
    };
    let srcset = |candidates: &[Candidate]| {
        candidates
            .iter()
            .map(|c| format!("{} {}w", url(&c.path), c.width))
            .collect::<Vec<_>>()
            .join(", ")
    };
    let mut img = format!("<img src=\"{}\"", url(&image.path));
    if image.original.len() > 1 {
        img.push_str(&format!(
            " srcset=\"{}\" sizes=\"{}\"",
            srcset(&image.original),
            escape(shape.sizes)
        ));
    }
    img.push_str(&format!(
        " width=\"{}\" height=\"{}\" alt=\"{}\"",
        image.probe.width,
        image.probe.height,
        escape(shape.alt)
    ));
    if !shape.title.is_empty() {
        img.push_str(&format!(" title=\"{}\"", escape(shape.title)));
    }
    img.push_str(if shape.eager {
        " fetchpriority=\"high\">"
    } else {
        " loading=\"lazy\" decoding=\"async\">"
    });
    if image.webp.is_empty() {
        return img;
    }
    format!(
        "<picture><source type=\"image/webp\" srcset=\"{}\" sizes=\"{}\">{img}</picture>",
        srcset(&image.webp),
        escape(shape.sizes)
    )
}

/// Puts each image's HTML in place of its placeholder in every page and
/// section; returns the errors of images that could not be read, at the
/// Markdown line that shows them.
pub fn expand(site: &mut Site, images: &Images, shown: &Shown) -> Vec<Diagnostic> {
    let sizes = site.config.images.sizes.clone();
    let mut errors = Vec::new();
    let targets = site
        .pages
        .iter_mut()
        .map(|p| (&p.path, &p.display, &mut p.rendered))
        .chain((site.sections.iter_mut()).map(|s| (&s.path, &s.display, &mut s.rendered)));
    for ((page_path, display, rendered), found) in targets.zip(shown) {
        if rendered.images.is_empty() {
            continue;
        }
        let outputs: Vec<String> = rendered
            .images
            .iter()
            .zip(found)
            .map(|(call, (number, path))| {
                let shape = Shape {
                    alt: call.alt.text(),
                    title: &call.title,
                    sizes: &sizes,
                    eager: *number == 0,
                };
                match path.as_deref().and_then(|path| images.get(path)) {
                    Some(Ok(image)) => markup(image, page_path, &shape),
                    Some(Err(message)) => {
                        errors.push(at(call, message));
                        String::new()
                    }
                    None => unresolved(&call.destination, page_path, &shape),
                }
            })
            .collect();
        let rendered = Arc::make_mut(rendered);
        if let Err(error) = rendered.change_html(|html| substitute(html, &outputs)) {
            errors.push(crate::markdown::unreadable_html(display, &error));
        }
        rendered.summary = rendered.summary.as_deref().map(|s| substitute(s, &outputs));
    }
    errors
}

fn at(call: &super::ImageCall, message: &str) -> Diagnostic {
    let mut diagnostic = call
        .at
        .clone()
        .unwrap_or_else(|| Diagnostic::error("content", "image", ""));
    diagnostic.code = "image";
    diagnostic.message = message.to_string();
    diagnostic
}

/// An image whose file the site does not publish: an `<img>` as written,
/// for `medsite check` to report as a missing file.
fn unresolved(destination: &str, page_path: &str, shape: &Shape<'_>) -> String {
    let src = match destination.strip_prefix('/') {
        Some(absolute) => paths::relative_url(page_path, absolute),
        None => destination.to_string(),
    };
    let title = if shape.title.is_empty() {
        String::new()
    } else {
        format!(" title=\"{}\"", escape(shape.title))
    };
    format!(
        "<img src=\"{}\" alt=\"{}\"{title}>",
        escape(&src),
        escape(shape.alt)
    )
}

/// `html` with each placeholder replaced by its image's HTML.
fn substitute(html: &str, outputs: &[String]) -> String {
    let mut out = String::with_capacity(html.len());
    let mut rest = html;
    while let Some(start) = rest.find(super::OPEN) {
        out.push_str(&rest[..start]);
        let after = &rest[start + super::OPEN.len_utf8()..];
        let Some(end) = after.find(super::CLOSE) else {
            break;
        };
        if let Some(output) = after[..end]
            .parse::<usize>()
            .ok()
            .and_then(|n| outputs.get(n))
        {
            out.push_str(output);
        }
        rest = &after[end + super::CLOSE.len_utf8()..];
    }
    out.push_str(rest);
    out
}

/// Registers `image(path=..., alt=..., sizes=..., lazy=true)`, which
/// returns the HTML of the image published at site path `path`.
pub fn register(tera: &mut Tera, images: &Arc<Images>, default_sizes: &str) {
    let images = Arc::clone(images);
    let default_sizes = default_sizes.to_string();
    tera.register_function(super::FUNCTION, move |kwargs: Kwargs, state: &State| {
        let path: &str = kwargs.must_get("path")?;
        let alt: &str = kwargs.must_get("alt")?;
        let sizes: &str = kwargs.get("sizes")?.unwrap_or(&default_sizes);
        let lazy: bool = kwargs.get("lazy")?.unwrap_or(true);
        let page_path: String = state.get("path")?.unwrap_or_default();
        let site_path = path.trim_start_matches('/');
        let image = match images.get(site_path) {
            Some(Ok(image)) => image,
            Some(Err(message)) => return Err(tera::Error::message(format!("image: {message}"))),
            None => {
                return Err(tera::Error::message(format!(
                    "image: no PNG, JPEG, WebP or GIF `{path}` in static/ or content/"
                )));
            }
        };
        let shape = Shape {
            alt,
            title: "",
            sizes,
            eager: !lazy,
        };
        Ok(Value::safe_string(&markup(image, &page_path, &shape)))
    });
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::images::codec::Probe;
    use crate::images::{Alt, Format};

    fn png(width: u32, height: u32) -> Processed {
        let candidate = |path: &str, width| Candidate {
            path: path.into(),
            width,
            cached: None,
        };
        Processed {
            path: "blog/a b.png".into(),
            probe: Probe {
                format: Format::Png,
                width,
                height,
                animated: false,
            },
            original: vec![
                candidate("blog/a b.480w.0123abcd.png", 480),
                candidate("blog/a b.png", width),
            ],
            webp: vec![
                candidate("blog/a b.480w.0123abcd.webp", 480),
                candidate("blog/a b.1000w.0123abcd.webp", width),
            ],
        }
    }

    #[test]
    fn a_png_becomes_a_picture_with_relative_escaped_urls() {
        let shape = Shape {
            alt: "A \"chart\"",
            title: "",
            sizes: "100vw",
            eager: false,
        };
        assert_eq!(
            markup(&png(1000, 500), "blog/post/", &shape),
            "<picture><source type=\"image/webp\" srcset=\"../a%20b.480w.0123abcd.webp 480w, ../a%20b.1000w.0123abcd.webp 1000w\" sizes=\"100vw\">\
             <img src=\"../a%20b.png\" srcset=\"../a%20b.480w.0123abcd.png 480w, ../a%20b.png 1000w\" sizes=\"100vw\" \
             width=\"1000\" height=\"500\" alt=\"A &quot;chart&quot;\" loading=\"lazy\" decoding=\"async\"></picture>"
        );
    }

    #[test]
    fn the_first_image_loads_at_once() {
        let shape = Shape {
            alt: Alt::Decorative.text(),
            title: "t",
            sizes: "100vw",
            eager: true,
        };
        let html = markup(&png(1000, 500), "", &shape);
        assert!(html.ends_with("alt=\"\" title=\"t\" fetchpriority=\"high\"></picture>"));
    }

    #[test]
    fn placeholders_are_replaced_in_order() {
        let html = format!(
            "a{}b{}c",
            super::super::placeholder(1),
            super::super::placeholder(0)
        );
        assert_eq!(substitute(&html, &["X".into(), "Y".into()]), "aYbXc");
    }
}
