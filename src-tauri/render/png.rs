//! PNG written on every core: rows are filtered and deflated in strips, each strip's
//! compressor primed with the 32 KiB before it, and the raw deflate streams joined
//! into one zlib stream (what pigz does).
//!
//! Why not the png crate: it compresses on one thread, and its filter choice never
//! considers "no filter". Here the filter of each row is the one whose bytes have the
//! smallest sum of magnitudes (libpng's heuristic), and level 7 deflate on two cores
//! costs about what level 6 costs on one, for files no larger than Pillow's.

use flate2::{Compress, Compression, FlushCompress, Status};

use super::Error;

const LEVEL: u32 = 7;
/// Deflate's window: what a strip's compressor may refer back to.
const WINDOW: usize = 32 * 1024;
const SIGNATURE: [u8; 8] = [0x89, b'P', b'N', b'G', b'\r', b'\n', 0x1A, b'\n'];
/// IDAT chunks are written in pieces of this size, as every encoder does.
const CHUNK: usize = 1 << 20;
const STRIPS: usize = 2;

/// A PNG of `pixels` (RGB when `channels` is 3, RGBA when 4), nothing but the image:
/// no text, time or colour chunks.
pub(super) fn encode(
    pixels: &[u8],
    width: u32,
    height: u32,
    channels: usize,
) -> Result<Vec<u8>, Error> {
    let stride = width as usize * channels;
    if stride == 0 || pixels.len() != stride * height as usize {
        return Err(error("the pixel buffer does not match the image size"));
    }
    // Two strips whatever the machine, so the same image gives the same bytes on every
    // laptop (the demo kit is checked byte for byte); a small image is one strip.
    let rows = height as usize;
    let strips = if rows >= 128 { STRIPS } else { 1 };
    encode_strips(pixels, width, height, channels, strips)
}

fn encode_strips(
    pixels: &[u8],
    width: u32,
    height: u32,
    channels: usize,
    strips: usize,
) -> Result<Vec<u8>, Error> {
    let stride = width as usize * channels;
    let rows = height as usize;
    let per_strip = rows.div_ceil(strips);
    let bounds: Vec<(usize, usize)> = (0..rows)
        .step_by(per_strip)
        .map(|start| (start, (start + per_strip).min(rows)))
        .collect();
    let last = bounds.len() - 1;
    let parts = crate::render::strips::code_each(bounds.len(), |index| {
        let (start, end) = bounds[index];
        strip(pixels, stride, channels, start, end, index == last)
    });
    let mut adler = simd_adler32::Adler32::new();
    let mut zlib = vec![0x78, 0xDA];
    for part in parts {
        let (filtered, deflated) =
            part.unwrap_or_else(|| Err(error("a compression thread failed")))?;
        adler.write(&filtered);
        zlib.extend_from_slice(&deflated);
    }
    zlib.extend_from_slice(&adler.finish().to_be_bytes());

    let mut out = Vec::with_capacity(zlib.len() + 1024);
    out.extend_from_slice(&SIGNATURE);
    let mut header = Vec::with_capacity(13);
    header.extend_from_slice(&width.to_be_bytes());
    header.extend_from_slice(&height.to_be_bytes());
    // 8 bits, colour type 2 (RGB) or 6 (RGBA), deflate, adaptive filters, no interlace.
    header.extend_from_slice(&[8, if channels == 4 { 6 } else { 2 }, 0, 0, 0]);
    chunk(&mut out, b"IHDR", &header);
    for piece in zlib.chunks(CHUNK) {
        chunk(&mut out, b"IDAT", piece);
    }
    chunk(&mut out, b"IEND", &[]);
    Ok(out)
}

/// A strip's filtered bytes (for the checksum) and their raw deflate data.
type Strip = (Vec<u8>, Vec<u8>);

/// Filters rows `start..end` and deflates them, ending the stream when `last`.
fn strip(
    pixels: &[u8],
    stride: usize,
    channels: usize,
    start: usize,
    end: usize,
    last: bool,
) -> Result<Strip, Error> {
    let filtered_row = |row: usize, out: &mut Vec<u8>| {
        let current = &pixels[row * stride..(row + 1) * stride];
        let previous = (row > 0).then(|| &pixels[(row - 1) * stride..row * stride]);
        filter(current, previous, channels, out);
    };
    let mut compress = Compress::new(Compression::new(LEVEL), false);
    if start > 0 {
        // The rows just before this strip, filtered as the previous strip filters them,
        // so matches reaching back across the seam are still found.
        let back = WINDOW.div_ceil(stride + 1).min(start);
        let mut dictionary = Vec::with_capacity(back * (stride + 1));
        for row in start - back..start {
            filtered_row(row, &mut dictionary);
        }
        let tail = dictionary.len().saturating_sub(WINDOW);
        compress
            .set_dictionary(&dictionary[tail..])
            .map_err(|e| error(&e.to_string()))?;
    }
    let mut filtered = Vec::with_capacity((end - start) * (stride + 1));
    for row in start..end {
        filtered_row(row, &mut filtered);
    }
    let mut deflated = Vec::with_capacity(filtered.len() / 2 + 1024);
    let flush = if last {
        FlushCompress::Finish
    } else {
        // Byte-aligned and not final: the next strip's data follows directly.
        FlushCompress::Sync
    };
    let mut consumed = 0usize;
    loop {
        deflated.reserve(64 * 1024);
        let before = compress.total_in();
        let status = compress
            .compress_vec(&filtered[consumed..], &mut deflated, flush)
            .map_err(|e| error(&e.to_string()))?;
        consumed += (compress.total_in() - before) as usize;
        let done = consumed == filtered.len();
        match status {
            Status::StreamEnd => break,
            // A sync flush is complete once the compressor stops short of the space.
            _ if done && !last && deflated.len() < deflated.capacity() => break,
            _ => {}
        }
    }
    Ok((filtered, deflated))
}

/// Appends the filter byte and the filtered row whose bytes, read as signed, have the
/// smallest sum of magnitudes.
fn filter(current: &[u8], previous: Option<&[u8]>, bpp: usize, out: &mut Vec<u8>) {
    let len = current.len();
    let zero = vec![0u8; len];
    let above = previous.unwrap_or(&zero);
    let mut best = (u64::MAX, 0u8);
    let mut candidate = vec![0u8; len];
    let mut chosen = Vec::new();
    for kind in 0..5u8 {
        for i in 0..len {
            let x = current[i];
            let a = if i >= bpp { current[i - bpp] } else { 0 };
            let b = above[i];
            let c = if i >= bpp { above[i - bpp] } else { 0 };
            candidate[i] = match kind {
                0 => x,
                1 => x.wrapping_sub(a),
                2 => x.wrapping_sub(b),
                3 => x.wrapping_sub(((u16::from(a) + u16::from(b)) / 2) as u8),
                _ => x.wrapping_sub(paeth(a, b, c)),
            };
        }
        let cost: u64 = candidate
            .iter()
            .map(|&v| u64::from((v as i8).unsigned_abs()))
            .sum();
        if cost < best.0 {
            best = (cost, kind);
            std::mem::swap(&mut chosen, &mut candidate);
            candidate.resize(len, 0);
        }
    }
    out.push(best.1);
    out.extend_from_slice(&chosen);
}

fn paeth(a: u8, b: u8, c: u8) -> u8 {
    let (ia, ib, ic) = (i16::from(a), i16::from(b), i16::from(c));
    let p = ia + ib - ic;
    let (pa, pb, pc) = ((p - ia).abs(), (p - ib).abs(), (p - ic).abs());
    if pa <= pb && pa <= pc {
        a
    } else if pb <= pc {
        b
    } else {
        c
    }
}

fn chunk(out: &mut Vec<u8>, kind: &[u8; 4], data: &[u8]) {
    out.extend_from_slice(&(data.len() as u32).to_be_bytes());
    let mut crc = crc32fast::Hasher::new();
    crc.update(kind);
    crc.update(data);
    out.extend_from_slice(kind);
    out.extend_from_slice(data);
    out.extend_from_slice(&crc.finalize().to_be_bytes());
}

fn error(detail: &str) -> Error {
    Error::Encode {
        format: "PNG",
        detail: detail.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_zlib_stream_joined_from_strips_inflates_with_a_valid_checksum() {
        let (width, height) = (97u32, 300u32);
        let pixels: Vec<u8> = (0..width * height * 3)
            .map(|i| ((i * 31) ^ (i / 7)) as u8)
            .collect();
        let png = encode_strips(&pixels, width, height, 3, 3).expect("encodes");
        // Gather the IDAT data and inflate it with a decoder that checks Adler-32.
        let mut zlib = Vec::new();
        let mut at = 8;
        while at < png.len() {
            let len = u32::from_be_bytes(png[at..at + 4].try_into().expect("4 bytes")) as usize;
            if &png[at + 4..at + 8] == b"IDAT" {
                zlib.extend_from_slice(&png[at + 8..at + 8 + len]);
            }
            at += 12 + len;
        }
        let mut inflated = Vec::new();
        let mut decoder = flate2::read::ZlibDecoder::new(&zlib[..]);
        std::io::Read::read_to_end(&mut decoder, &mut inflated).expect("a valid zlib stream");
        assert_eq!(inflated.len(), (width as usize * 3 + 1) * height as usize);
    }
}
