//! SVG to PNG with resvg: the fonts are the two compiled into the binary,
//! and an `<image>` in the SVG loads nothing (rendering does no I/O).

use std::sync::{Arc, OnceLock};

use resvg::tiny_skia::{Pixmap, Transform};
use resvg::usvg::{self, ImageHrefResolver, fontdb};

use super::{CardError, HEIGHT, WIDTH};

/// Built with the feature: nothing is missing.
pub const UNAVAILABLE: Option<&str> = None;

/// The family every font name falls back to.
const FAMILY: &str = "DejaVu Sans";

/// DejaVu Sans and DejaVu Sans Bold, and nothing of the system's.
fn fonts() -> Arc<fontdb::Database> {
    static FONTS: OnceLock<Arc<fontdb::Database>> = OnceLock::new();
    Arc::clone(FONTS.get_or_init(|| {
        let mut fonts = fontdb::Database::new();
        fonts.load_font_data(include_bytes!("../builtin/fonts/DejaVuSans.ttf").to_vec());
        fonts.load_font_data(include_bytes!("../builtin/fonts/DejaVuSans-Bold.ttf").to_vec());
        fonts.set_sans_serif_family(FAMILY);
        fonts.set_serif_family(FAMILY);
        fonts.set_monospace_family(FAMILY);
        fonts.set_cursive_family(FAMILY);
        fonts.set_fantasy_family(FAMILY);
        Arc::new(fonts)
    }))
}

fn options() -> usvg::Options<'static> {
    usvg::Options {
        font_family: FAMILY.to_string(),
        fontdb: fonts(),
        image_href_resolver: ImageHrefResolver {
            resolve_data: Box::new(|_, _, _| None),
            resolve_string: Box::new(|_, _| None),
        },
        ..usvg::Options::default()
    }
}

/// Draws `svg`, which must be 1200x630, into a PNG.
pub fn png(svg: &[u8]) -> Result<Vec<u8>, CardError> {
    let tree = usvg::Tree::from_data(svg, &options()).map_err(parse_error)?;
    let size = tree.size();
    if (size.width(), size.height()) != (WIDTH as f32, HEIGHT as f32) {
        return Err(CardError::Size {
            width: size.width(),
            height: size.height(),
        });
    }
    let mut pixmap = Pixmap::new(WIDTH, HEIGHT).expect("1200x630 is a valid size");
    resvg::render(&tree, Transform::identity(), &mut pixmap.as_mut());
    // Encoding into memory fails only on sizes a 1200x630 image cannot have.
    Ok(pixmap.encode_png().expect("a 1200x630 pixmap encodes"))
}

fn parse_error(error: usvg::Error) -> CardError {
    let (line, column) = match &error {
        usvg::Error::ParsingFailed(xml) => (xml.pos().row, xml.pos().col),
        _ => (1, 1),
    };
    CardError::Parse {
        message: match &error {
            // Without roxmltree's own " at 2:20": the position follows.
            usvg::Error::ParsingFailed(xml) => {
                let text = xml.to_string();
                let suffix = format!(" at {line}:{column}");
                text.strip_suffix(&suffix).unwrap_or(&text).to_string()
            }
            other => other.to_string(),
        },
        line,
        column,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const CARD: &str = r##"<svg xmlns="http://www.w3.org/2000/svg" width="1200" height="630"><rect width="1200" height="630" fill="#123"/><text x="60" y="200" font-size="64" font-family="Helvetica" fill="white">Hello &amp; welcome</text></svg>"##;

    #[test]
    fn a_card_is_a_1200_by_630_png_with_text_drawn() {
        let card = png(CARD.as_bytes()).unwrap();
        assert_eq!(&card[..8], b"\x89PNG\r\n\x1a\n");
        // IHDR: width and height, big-endian, after length and type.
        assert_eq!(&card[16..24], &[0, 0, 4, 176, 0, 0, 2, 118]);
        let without_text = png(CARD.replace("Hello &amp; welcome", "").as_bytes()).unwrap();
        assert_ne!(card, without_text, "the text was not drawn");
    }

    #[test]
    fn the_same_svg_gives_the_same_bytes() {
        assert_eq!(png(CARD.as_bytes()).unwrap(), png(CARD.as_bytes()).unwrap());
    }

    #[test]
    fn a_broken_svg_is_placed_in_the_rendered_text() {
        let error = png(b"<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"1200\" height=\"630\">\n<text>a</txt></svg>").unwrap_err();
        assert!(
            matches!(error, CardError::Parse { line: 2, .. }),
            "{error:?}"
        );
    }

    #[test]
    fn a_card_of_another_size_is_refused() {
        let error = png(br#"<svg xmlns="http://www.w3.org/2000/svg" width="100" height="50"/>"#)
            .unwrap_err();
        assert_eq!(
            error,
            CardError::Size {
                width: 100.0,
                height: 50.0
            }
        );
    }
}
