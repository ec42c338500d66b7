//! Captioning a JPEG without decoding it: the quantized coefficients are read, only the
//! blocks under the caption go through pixels, and the rest is written back as it was.
//!
//! Why: a 4000x5000 poster through pixels costs an inverse DCT, colour conversion and a
//! forward DCT for 20 million pixels that do not change, and loses a little quality each
//! time. Here luma blocks outside the caption are copied (or requantized when a lower
//! quality is asked for), 4:4:4 chroma is shrunk to 4:2:0 in the DCT domain, Huffman
//! tables are built for the image, and strips separated by restart markers are coded
//! on every core. Decoding the next rows overlaps with processing the current ones.
//!
//! Only sequential 8-bit Huffman JPEGs in grey, 4:4:4 or 4:2:0 YCbCr take this path;
//! anything else (progressive, 4:2:2, CMYK, Adobe RGB...) returns [`Unsupported`] and
//! the caller decodes and encodes pixels as usual.

mod dct;
mod entropy;
mod markers;
mod planes;
mod region;
mod source;
mod transcode;

use std::borrow::Borrow;

use crate::render::caption::DrawnRemix;

/// Why a JPEG cannot take the coefficient path; the caller falls back to pixels, so
/// this is never shown to a volunteer.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Unsupported(pub &'static str);

impl std::fmt::Display for Unsupported {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.0)
    }
}

/// A JPEG whose headers have been read: its size is known before the captions are drawn,
/// and the headers are not read again to recaption it.
pub(crate) struct Source<'a>(markers::Header<'a>);

impl<'a> Source<'a> {
    pub fn read(jpeg: &'a [u8]) -> Result<Self, Unsupported> {
        markers::read(jpeg).map(Source)
    }

    pub fn dimensions(&self) -> (u32, u32) {
        (self.0.width, self.0.height)
    }

    /// The JPEG with the caption layers that `draw` returns composited, as a new
    /// baseline JPEG at no better than `quality` (the source's own tables win where they
    /// are coarser). `draw` runs while the scan is being decoded: on a large poster,
    /// drawing the captions costs about as much as reading a tenth of it.
    pub fn recaption<D: Borrow<DrawnRemix>>(
        &self,
        quality: u8,
        draw: impl FnOnce() -> D,
    ) -> Result<Vec<u8>, Unsupported> {
        transcode::run(&self.0, quality, draw)
    }
}
