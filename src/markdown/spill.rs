//! Rendered HTML kept in a temporary file during a full build.
//!
//! A full build renders every page's Markdown while loading (links,
//! anchors, summaries and problems are needed before any template runs),
//! but needs each page's HTML only once more, when its template is
//! rendered, or for a feed entry. Kept in memory, even compressed
//! ([`PackedHtml`]), that HTML was the largest part of a large build's
//! peak. A [`HtmlSpill`] is an unnamed temporary file in the site's folder
//! (removed by the operating system when the build ends, or is killed):
//! each page's compressed HTML is appended to it as it is rendered, and
//! read back when it is used. The operating system's page cache, not the
//! build, then holds it.

use std::fs::File;
use std::io::{Read, Seek, SeekFrom, Write};
use std::path::Path;
use std::sync::{Arc, Mutex};

use super::PackedHtml;

/// One build's temporary file of rendered HTML.
#[derive(Debug)]
pub struct HtmlSpill {
    file: Mutex<Appended>,
}

/// The file and the length written so far.
#[derive(Debug)]
struct Appended {
    file: File,
    end: u64,
}

/// Where one page's HTML is in a [`HtmlSpill`].
#[derive(Debug, Clone)]
pub struct SpilledHtml {
    spill: Arc<HtmlSpill>,
    offset: u64,
    packed_len: usize,
    /// The length of the HTML itself, in bytes.
    len: usize,
}

impl HtmlSpill {
    /// A temporary file in `dir`, else in the system's temporary folder;
    /// `None` when neither can be made (the HTML then stays in memory).
    pub fn new(dir: &Path) -> Option<Arc<HtmlSpill>> {
        let file = tempfile::tempfile_in(dir)
            .or_else(|_| tempfile::tempfile())
            .ok()?;
        Some(Arc::new(HtmlSpill {
            file: Mutex::new(Appended { file, end: 0 }),
        }))
    }

    /// Appends `html` to the file.
    pub fn put(self: &Arc<Self>, html: &PackedHtml) -> std::io::Result<SpilledHtml> {
        let bytes = html.packed_bytes();
        let mut appended = self.lock();
        let offset = appended.end;
        appended.file.seek(SeekFrom::Start(offset))?;
        appended.file.write_all(bytes)?;
        appended.end += bytes.len() as u64;
        Ok(SpilledHtml {
            spill: Arc::clone(self),
            offset,
            packed_len: bytes.len(),
            len: html.len(),
        })
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Appended> {
        // A thread that panicked while holding the lock left the file
        // either written or not; offsets handed out stay valid.
        self.file
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }
}

impl SpilledHtml {
    /// The HTML, read back from the file.
    pub fn read(&self) -> std::io::Result<String> {
        let mut bytes = vec![0; self.packed_len];
        {
            let mut appended = self.spill.lock();
            appended.file.seek(SeekFrom::Start(self.offset))?;
            appended.file.read_exact(&mut bytes)?;
        }
        PackedHtml::unpack(&bytes).ok_or_else(|| {
            std::io::Error::new(
                std::io::ErrorKind::InvalidData,
                "medsite's temporary file of rendered HTML was changed by another program",
            )
        })
    }

    /// The length of the HTML in bytes.
    pub fn len(&self) -> usize {
        self.len
    }

    pub fn is_empty(&self) -> bool {
        self.len == 0
    }
}

/// Two places in the same file are equal; the HTML is not compared.
impl PartialEq for SpilledHtml {
    fn eq(&self, other: &SpilledHtml) -> bool {
        Arc::ptr_eq(&self.spill, &other.spill) && self.offset == other.offset
    }
}

impl Eq for SpilledHtml {}

#[cfg(test)]
mod tests {
    use super::HtmlSpill;
    use crate::markdown::PackedHtml;

    #[test]
    fn html_put_in_the_file_reads_back_the_same_in_any_order() {
        let dir = tempfile::tempdir().unwrap();
        let spill = HtmlSpill::new(dir.path()).unwrap();
        let pages: Vec<String> = (0..50)
            .map(|i| format!("<p>Page {i}: caf\u{e9}</p>\n").repeat(i))
            .collect();
        let spilled: Vec<_> = pages
            .iter()
            .map(|html| spill.put(&PackedHtml::new(html)).unwrap())
            .collect();
        for (html, spilled) in pages.iter().zip(&spilled).rev() {
            assert_eq!(&spilled.read().unwrap(), html);
            assert_eq!(spilled.len(), html.len());
        }
        // The file is unnamed: nothing is left in the site's folder.
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 0);
    }

    #[test]
    fn a_spill_is_made_elsewhere_when_the_folder_cannot_hold_it() {
        let spill = HtmlSpill::new(std::path::Path::new("/nonexistent/medsite")).unwrap();
        let spilled = spill.put(&PackedHtml::new("<p>x</p>")).unwrap();
        assert_eq!(spilled.read().unwrap(), "<p>x</p>");
    }
}
