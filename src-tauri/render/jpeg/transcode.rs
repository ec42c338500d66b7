//! From the source's coefficients to the new file: one thread decodes MCU rows while
//! this one draws the captions, then redraws the blocks under them and counts symbols
//! as rows arrive (the two share the chroma shrink); then strips are coded in parallel.

use std::borrow::Borrow;
use std::ops::Range;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::mpsc;

use super::dct;
use super::dct::Quantizer;
use super::entropy::{self, BitWriter, EncodeTable, Frequencies};
use super::markers::{self, Header};
use super::planes::{OutputRow, Planes, Unshrunk};
use super::region::Region;
use super::source::{self, Output};
use super::Unsupported;
use crate::render::caption::DrawnRemix;

/// Blank rows written before the captions are drawn: about what the decoder gets
/// through meanwhile on a large poster.
const BLANKS_AHEAD: usize = 48;

/// About how many MCUs are enough to fit Huffman tables to an image. A large image's
/// tables come from a sample of its rows (with a code kept for every symbol): counting
/// all of a 4000x5000 poster's rows cost a fifth of its time, for tables no better (its
/// file came out 1.2 KB smaller from one row in three).
const MCUS_COUNTED: usize = 32_768;

pub(super) fn run<D: Borrow<DrawnRemix>>(
    header: &Header,
    quality: u8,
    draw: impl FnOnce() -> D,
) -> Result<Vec<u8>, Unsupported> {
    let grey = header.components.len() == 1;
    let mcu = if grey { 8 } else { 16 };
    let mcus = (
        (header.width as usize).div_ceil(mcu),
        (header.height as usize).div_ceil(mcu),
    );
    let output = Output {
        grey,
        mcus,
        quant: output_tables(header, quality)?,
    };
    let mut planes = Planes {
        grey,
        mcus,
        rows: Vec::with_capacity(mcus.1),
        quant: output.quant,
    };
    let strips = strips(mcus);
    // Rows whose symbols are counted: one in `sampled`.
    let sampled = 1 + mcus.0 * mcus.1 / MCUS_COUNTED;
    // Per table (luma, chroma): DC and AC symbol counts.
    let mut frequencies = [
        (Frequencies::default(), Frequencies::default()),
        (Frequencies::default(), Frequencies::default()),
    ];
    // Rows the decoder has handed over that this thread has taken.
    let taken = AtomicUsize::new(0);
    std::thread::scope(|scope| -> Result<(), Unsupported> {
        // Unbounded: every row is kept until coding anyway, and the decoder must not
        // wait while the captions are drawn.
        let (sender, receiver) = mpsc::channel();
        // This thread has time to spare while the decoder is the busier one: it writes
        // the blank rows the decoder fills, a few ahead.
        let (blank_sender, blanks) = mpsc::channel();
        let output = &output;
        let taken = &taken;
        scope.spawn(move || source::produce(header, output, &sender, &blanks, taken));
        let unshrunk_across = source::unshrunk_across(header);
        let blank = |spare: Option<Box<Unshrunk>>| match spare {
            Some(spare) => OutputRow::blank_with(grey, mcus.0, Some(spare)),
            None => OutputRow::blank(grey, mcus.0, unshrunk_across),
        };
        let ahead = BLANKS_AHEAD.min(mcus.1);
        for _ in 0..ahead {
            // The decoder only stops taking blanks when it has failed.
            let _ = blank_sender.send(blank(None));
        }
        let chroma_quantizer = Quantizer::new(&output.quant[1]);
        let mut blanks_sent = ahead;
        let drawn = draw();
        let layers = drawn.borrow().layers();
        let region = Region::of(layers, header.width, header.height, mcu as u32);
        let mut dc = [0i32; 3];
        for row in 0..mcus.1 {
            let mut received = receiver
                .recv()
                .map_err(|_| Unsupported("the scan ended early"))??;
            taken.store(row + 1, Ordering::Relaxed);
            let spare = source::shrink_row(&mut received, header, &chroma_quantizer);
            planes.rows.push(received);
            if blanks_sent < mcus.1 {
                let _ = blank_sender.send(blank(spare));
                blanks_sent += 1;
            }
            if let Some(region) = &region {
                region.redraw_row(&mut planes, row, layers);
            }
            if row % sampled != 0 {
                continue;
            }
            if strips.iter().any(|strip| strip.start == row) {
                dc = [0; 3];
            } else if sampled > 1 {
                // DC is coded as a difference from the block before, in the row skipped.
                planes.mcu(mcus.0 - 1, row - 1, |c, block| dc[c] = i32::from(block[0]));
            }
            for x in 0..mcus.0 {
                planes.mcu(x, row, |component, block| {
                    let (dcf, acf) = &mut frequencies[component.min(1)];
                    entropy::count(block, &mut dc[component], dcf, acf);
                });
            }
        }
        Ok(())
    })?;

    let specs: Vec<_> = frequencies[..if grey { 1 } else { 2 }]
        .iter_mut()
        .map(|(dcf, acf)| {
            if sampled > 1 {
                dcf.cover_every_symbol(false);
                acf.cover_every_symbol(true);
            }
            (entropy::build_spec(dcf), entropy::build_spec(acf))
        })
        .collect();
    let tables: Vec<_> = specs
        .iter()
        .map(|(dc, ac)| (EncodeTable::new(dc), EncodeTable::new(ac)))
        .collect();
    let coded = code_strips(&planes, &strips, &tables)?;

    let restart = if strips.len() > 1 {
        strips[0].len() * mcus.0
    } else {
        0
    };
    let mut out = Vec::with_capacity(coded.iter().map(Vec::len).sum::<usize>() + 1024);
    markers::write_header(
        &markers::Layout {
            width: header.width,
            height: header.height,
            quant: &planes.quant[..if grey { 1 } else { 2 }],
            huffman: &specs,
            restart: restart as u32,
        },
        &mut out,
    );
    for (index, strip) in coded.iter().enumerate() {
        if index > 0 {
            out.extend_from_slice(&[0xFF, 0xD0 + ((index - 1) % 8) as u8]);
        }
        out.extend_from_slice(strip);
    }
    out.extend_from_slice(&[0xFF, 0xD9]);
    Ok(out)
}

/// Never finer than the source (that only costs bytes) nor than the asked quality.
fn output_tables(header: &Header, quality: u8) -> Result<[[u16; 64]; 2], Unsupported> {
    let mut tables = [
        dct::scaled_table(false, quality),
        dct::scaled_table(true, quality),
    ];
    for (index, component) in header.components.iter().enumerate() {
        let target = &mut tables[usize::from(index > 0)];
        for (out, &source) in target.iter_mut().zip(header.quant[component.quant].iter()) {
            *out = (*out).max(source);
        }
    }
    if tables.iter().flatten().any(|&q| q > 255) {
        return Err(Unsupported("16-bit quantization tables"));
    }
    Ok(tables)
}

/// Row ranges coded independently, separated by restart markers. Two whatever the
/// machine, so a file comes out the same everywhere; the restart interval (MCUs per
/// strip) must also fit 16 bits.
fn strips(mcus: (usize, usize)) -> Vec<Range<usize>> {
    let mut rows = mcus.1.div_ceil(2).max(1);
    rows = rows.min((usize::from(u16::MAX) / mcus.0.max(1)).max(1));
    (0..mcus.1)
        .step_by(rows)
        .map(|start| start..(start + rows).min(mcus.1))
        .collect()
}

/// Codes each strip on its own thread (strips are independent after a restart).
fn code_strips(
    planes: &Planes,
    strips: &[Range<usize>],
    tables: &[(EncodeTable, EncodeTable)],
) -> Result<Vec<Vec<u8>>, Unsupported> {
    crate::render::strips::code_each(strips.len(), |index| {
        code_strip(planes, strips[index].clone(), tables)
    })
    .into_iter()
    // A strip missing would corrupt the file: fall back to pixels instead.
    .map(|strip| strip.ok_or(Unsupported("a coding thread failed")))
    .collect()
}

fn code_strip(
    planes: &Planes,
    rows: Range<usize>,
    tables: &[(EncodeTable, EncodeTable)],
) -> Vec<u8> {
    let blocks = rows.len() * planes.mcus.0 * if planes.grey { 1 } else { 6 };
    let mut writer = BitWriter::with_capacity(blocks * 16);
    let mut dc = [0i32; 3];
    for y in rows {
        for x in 0..planes.mcus.0 {
            planes.mcu(x, y, |component, block| {
                let (dc_table, ac_table) = &tables[component.min(1)];
                writer.block(block, &mut dc[component], dc_table, ac_table);
            });
        }
    }
    writer.finish()
}
