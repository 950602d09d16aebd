//! A page's rendered HTML as the site keeps it from loading to output.
//!
//! A large site holds every page's HTML in memory between loading (which
//! needs it for links, summaries and checks) and rendering its template,
//! and the HTML was most of that memory (about 0.6 GB at 100,000 pages).
//! It is kept compressed with LZ4 (about a third of its size for typical
//! pages) and expanded by each use: a page's own output, its feed entries,
//! `check`. LZ4 expands at several GB/s, well below the cost of rendering
//! the template around it.

/// Rendered HTML, compressed; [`PackedHtml::text`] gives it back.
#[derive(Clone, PartialEq, Eq)]
pub struct PackedHtml {
    /// An LZ4 block with its length in front (`lz4_flex`'s size-prepended form).
    packed: Box<[u8]>,
}

impl PackedHtml {
    pub fn new(text: &str) -> PackedHtml {
        PackedHtml {
            packed: lz4_flex::compress_prepend_size(text.as_bytes()).into_boxed_slice(),
        }
    }

    /// The HTML.
    pub fn text(&self) -> String {
        // Only `new` makes the bytes: an LZ4 block of a `&str`.
        PackedHtml::unpack(&self.packed).expect("PackedHtml holds the LZ4 block of a text")
    }

    /// The compressed form, as [`PackedHtml::unpack`] reads it.
    pub fn packed_bytes(&self) -> &[u8] {
        &self.packed
    }

    /// The HTML of `packed`, a [`PackedHtml::packed_bytes`]; `None` when
    /// the bytes are not that.
    pub fn unpack(packed: &[u8]) -> Option<String> {
        let bytes = lz4_flex::decompress_size_prepended(packed).ok()?;
        String::from_utf8(bytes).ok()
    }

    /// The length of the HTML in bytes.
    pub fn len(&self) -> usize {
        let mut size = [0; 4];
        size.copy_from_slice(&self.packed[..4]);
        u32::from_le_bytes(size) as usize
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

impl Default for PackedHtml {
    fn default() -> PackedHtml {
        PackedHtml::new("")
    }
}

impl std::fmt::Debug for PackedHtml {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_tuple("PackedHtml").field(&self.text()).finish()
    }
}

#[cfg(test)]
mod tests {
    use super::PackedHtml;

    #[test]
    fn html_comes_back_as_it_went_in() {
        let html = "<p>Caf\u{e9} <em>au</em> lait</p>\n".repeat(50);
        let packed = PackedHtml::new(&html);
        assert_eq!(packed.text(), html);
        assert_eq!(packed.len(), html.len());
        assert!(packed.packed.len() < html.len() / 4);
    }

    #[test]
    fn empty_html_is_empty() {
        assert!(PackedHtml::default().is_empty());
        assert_eq!(PackedHtml::default().text(), "");
    }
}
