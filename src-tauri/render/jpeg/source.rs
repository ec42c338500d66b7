//! The decoding thread: reads the source scan MCU row by MCU row straight into output
//! rows (blocks kept, or requantized when the output is coarser), so no block is copied
//! on the way. A 4:4:4 source's chroma is shrunk to 4:2:0 by whichever thread is less
//! busy at the time: this one, or the one that draws and redraws the captions.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::mpsc;

use super::dct::{self, Quantizer};
use super::entropy::BitReader;
use super::markers::Header;
use super::planes::{luma_width, unshrunk_rows, Coefficients, OutputRow, Unshrunk};
use super::Unsupported;

pub(super) struct Output {
    pub grey: bool,
    /// Output MCUs across and down.
    pub mcus: (usize, usize),
    /// Output tables: luma, chroma.
    pub quant: [[u16; 64]; 2],
}

/// Decodes the scan into `sender` as output rows, stopping at the first problem.
pub(super) fn produce(
    header: &Header,
    output: &Output,
    sender: &mpsc::Sender<Result<OutputRow, Unsupported>>,
    blanks: &mpsc::Receiver<OutputRow>,
    taken: &AtomicUsize,
) {
    let mut scan = Scan::new(header);
    let unshrunk_across = unshrunk_across(header);
    let chroma_quantizer = Quantizer::new(&output.quant[1]);
    for sent in 0..output.mcus.1 {
        // A blank row from the other thread, or a fresh one when none is ready yet.
        let blank = blanks
            .try_recv()
            .unwrap_or_else(|_| OutputRow::blank(output.grey, output.mcus.0, unshrunk_across));
        let mut result = next_output_row(&mut scan, output, blank);
        // Rows piling up means the other thread is the busier one (drawing the
        // captions, redrawing their blocks): shrink here instead. The result is the
        // same whichever thread does it.
        if sent.saturating_sub(taken.load(Ordering::Relaxed)) >= BACKLOG {
            if let Ok(row) = &mut result {
                // The emptied source rows are freed; the allocator hands their memory
                // to the next blank.
                drop(shrink_row(row, header, &chroma_quantizer));
            }
        }
        let failed = result.is_err();
        if sender.send(result).is_err() || failed {
            return;
        }
    }
}

/// Rows waiting for the other thread beyond which the decoder shrinks chroma itself.
const BACKLOG: usize = 2;

/// For a 4:4:4 source, whose chroma is shrunk after decoding: its blocks across.
pub(super) fn unshrunk_across(header: &Header) -> Option<usize> {
    let colour_444 = header.components.len() == 3 && header.components[0].h == 1;
    colour_444.then(|| (header.width as usize).div_ceil(8))
}

/// Shrinks a 4:4:4 source's chroma, left in `row` by the decoder, into the row's
/// 4:2:0 chroma, and returns the emptied source rows (zeroed, ready to be refilled).
/// Done by whichever thread is less busy (see [`produce`]).
pub(super) fn shrink_row(
    row: &mut OutputRow,
    header: &Header,
    to: &Quantizer,
) -> Option<Box<Unshrunk>> {
    let mut unshrunk = row.unshrunk.take()?;
    for (c, [upper, lower]) in unshrunk.iter().enumerate() {
        let from = &header.quant[header.components[c + 1].quant];
        let last = upper.len() - 1;
        for (x, out) in row.chroma[c].iter_mut().enumerate() {
            let (left, right) = (2 * x, (2 * x + 1).min(last));
            let quad = [&upper[left], &upper[right], &lower[left], &lower[right]];
            *out = dct::shrink(quad, from, to);
        }
    }
    for plane in unshrunk.iter_mut().flatten() {
        plane.fill([0; 64]);
    }
    Some(unshrunk)
}

fn next_output_row(
    scan: &mut Scan,
    output: &Output,
    mut row: OutputRow,
) -> Result<OutputRow, Unsupported> {
    let header = scan.header;
    let width = luma_width(output.grey, output.mcus.0);
    let source_table = |c: usize| &header.quant[header.components[c].quant];
    let [luma_table, chroma_table] = &output.quant;
    // The layout decides, not what the blank came with.
    match unshrunk_across(header) {
        Some(across) if row.unshrunk.is_none() => row.unshrunk = Some(unshrunk_rows(across)),
        None => row.unshrunk = None,
        Some(_) => {}
    }
    match row.unshrunk.as_deref_mut() {
        None if output.grey => {
            scan.next_row(&mut [Target::new(&mut row.luma, width)])?;
        }
        // 4:2:0 in and out: the same grid, every block lands where it stays.
        None => {
            let [cb, cr] = &mut row.chroma;
            scan.next_row(&mut [
                Target::new(&mut row.luma, width),
                Target::new(cb, output.mcus.0),
                Target::new(cr, output.mcus.0),
            ])?;
            for (c, plane) in row.chroma.iter_mut().enumerate() {
                requantize(plane, source_table(c + 1), chroma_table);
            }
        }
        // 4:4:4: two 8-pixel source rows make one 16-pixel output row; the last one may
        // be alone, and then stands for both. Chroma stays in `unshrunk` for the other
        // thread to shrink.
        Some([cb, cr]) => {
            let (top, bottom) = row.luma.split_at_mut(width);
            let ([cb_top, cb_bottom], [cr_top, cr_bottom]) = (cb, cr);
            let across = scan.mcus.0;
            scan.next_row(&mut [
                Target::new(top, width),
                Target::new(cb_top, across),
                Target::new(cr_top, across),
            ])?;
            if scan.rows_left() > 0 {
                scan.next_row(&mut [
                    Target::new(bottom, width),
                    Target::new(cb_bottom, across),
                    Target::new(cr_bottom, across),
                ])?;
            } else {
                bottom.copy_from_slice(top);
                cb_bottom.copy_from_slice(cb_top);
                cr_bottom.copy_from_slice(cr_top);
            }
            // The wider output grid repeats the last source column.
            if width > across {
                for half in [&mut *top, &mut *bottom] {
                    half[width - 1] = half[across - 1];
                }
            }
        }
    }
    requantize(&mut row.luma, source_table(0), luma_table);
    Ok(row)
}

/// Where one source MCU row's blocks of a component go: rows of blocks `stride` apart,
/// all zero beforehand (the decoder only writes coefficients that are not).
struct Target<'t> {
    blocks: &'t mut [Coefficients],
    stride: usize,
}

impl<'t> Target<'t> {
    fn new(blocks: &'t mut [Coefficients], stride: usize) -> Self {
        Self { blocks, stride }
    }
}

struct Scan<'a> {
    header: &'a Header<'a>,
    reader: BitReader<'a>,

    /// Blocks across and down in each component's MCU.
    shapes: Vec<(usize, usize)>,
    mcus: (usize, usize),
    row: usize,
    dc: Vec<i32>,
    next_marker: u8,
}

impl<'a> Scan<'a> {
    fn new(header: &'a Header<'a>) -> Self {
        let grey = header.components.len() == 1;
        let subsampled = !grey && header.components[0].h == 2;
        let shapes: Vec<(usize, usize)> = if grey {
            // A lone component is coded block by block whatever its sampling says.
            vec![(1, 1)]
        } else {
            header
                .components
                .iter()
                .map(|c| (usize::from(c.h), usize::from(c.v)))
                .collect()
        };
        let size = if subsampled { 16 } else { 8 };
        Self {
            header,
            reader: BitReader::new(header.scan),
            mcus: (
                (header.width as usize).div_ceil(size),
                (header.height as usize).div_ceil(size),
            ),
            dc: vec![0; shapes.len()],
            shapes,
            row: 0,
            next_marker: 0,
        }
    }

    fn rows_left(&self) -> usize {
        self.mcus.1 - self.row
    }

    fn next_row(&mut self, targets: &mut [Target]) -> Result<(), Unsupported> {
        if self.row >= self.mcus.1 {
            return Err(Unsupported("the scan ended early"));
        }
        let restart = self.header.restart as usize;
        for x in 0..self.mcus.0 {
            let index = self.row * self.mcus.0 + x;
            if restart > 0 && index > 0 && index.is_multiple_of(restart) {
                self.reader.restart(self.next_marker)?;
                self.next_marker = self.next_marker.wrapping_add(1);
                self.dc.fill(0);
            }
            for (c, (&(h, v), target)) in self.shapes.iter().zip(targets.iter_mut()).enumerate() {
                let component = &self.header.components[c];
                let dc_table = &self.header.dc[component.dc];
                let ac_table = &self.header.ac[component.ac];
                for by in 0..v {
                    for bx in 0..h {
                        let block = &mut target.blocks[by * target.stride + x * h + bx];
                        self.reader
                            .block(dc_table, ac_table, &mut self.dc[c], block)?;
                    }
                }
            }
        }
        if self.reader.overran() {
            return Err(Unsupported("the scan is cut short"));
        }
        self.row += 1;
        Ok(())
    }
}

/// Brings blocks from the source's table to the output's when they differ (the decoder
/// already clamped them to what baseline JPEG can code).
fn requantize(blocks: &mut [Coefficients], from: &[u16; 64], to: &[u16; 64]) {
    if from == to {
        return;
    }
    let ratio: [f32; 64] = std::array::from_fn(|k| f32::from(from[k]) / f32::from(to[k]));
    for block in blocks {
        for k in 0..64 {
            block[k] = dct::nearest(f32::from(block[k]) * ratio[k]);
        }
    }
}
