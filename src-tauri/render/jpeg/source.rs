//! The decoding thread: reads the source scan MCU row by MCU row and turns it into
//! output rows (blocks copied or requantized, 4:4:4 chroma shrunk to 4:2:0), so the
//! thread that redraws captions and counts symbols only receives finished rows.

use std::sync::mpsc;

use super::dct::{self, clamp_coefficient};
use super::entropy::BitReader;
use super::markers::Header;
use super::planes::{luma_width, Coefficients, OutputRow};
use super::Unsupported;

/// One MCU row of the source: per component, its blocks row by row.
type SourceRow = Vec<Vec<Coefficients>>;

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
    sender: &mpsc::SyncSender<Result<OutputRow, Unsupported>>,
) {
    let mut scan = Scan::new(header);
    let pairs = !output.grey && !scan.subsampled;
    let mut first = scan.empty_row();
    let mut second = scan.empty_row();
    for _ in 0..output.mcus.1 {
        let result = (|| {
            scan.next_row(&mut first)?;
            // Two 8-pixel source rows make one 16-pixel output row of a 4:4:4 source; the
            // last one may be alone.
            let paired = pairs && scan.rows_left() > 0;
            if paired {
                scan.next_row(&mut second)?;
            }
            let second = if paired { &second } else { &first };
            Ok(transform(
                header,
                output,
                &first,
                if pairs { Some(second) } else { None },
            ))
        })();
        let failed = result.is_err();
        if sender.send(result).is_err() || failed {
            return;
        }
    }
}

struct Scan<'a> {
    header: &'a Header<'a>,
    reader: BitReader<'a>,
    subsampled: bool,
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
            subsampled,
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

    fn empty_row(&self) -> SourceRow {
        self.shapes
            .iter()
            .map(|&(h, v)| vec![[0i16; 64]; self.mcus.0 * h * v])
            .collect()
    }

    fn rows_left(&self) -> usize {
        self.mcus.1 - self.row
    }

    fn next_row(&mut self, row: &mut SourceRow) -> Result<(), Unsupported> {
        if self.row >= self.mcus.1 {
            return Err(Unsupported("the scan ended early"));
        }
        for plane in row.iter_mut() {
            plane.fill([0; 64]);
        }
        let restart = self.header.restart as usize;
        for x in 0..self.mcus.0 {
            let index = self.row * self.mcus.0 + x;
            if restart > 0 && index > 0 && index.is_multiple_of(restart) {
                self.reader.restart(self.next_marker)?;
                self.next_marker = self.next_marker.wrapping_add(1);
                self.dc.fill(0);
            }
            for (c, &(h, v)) in self.shapes.iter().enumerate() {
                let component = &self.header.components[c];
                let dc_table = &self.header.dc[component.dc];
                let ac_table = &self.header.ac[component.ac];
                for by in 0..v {
                    for bx in 0..h {
                        let block = &mut row[c][by * self.mcus.0 * h + x * h + bx];
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

/// Copies a block to the output, requantizing only when the tables differ.
fn requantize(block: &Coefficients, from: &[u16; 64], to: &[u16; 64]) -> Coefficients {
    if from == to {
        let mut out = block.map(|c| c.clamp(-1023, 1023));
        out[0] = clamp_coefficient(0, i32::from(block[0]));
        return out;
    }
    let mut out = [0i16; 64];
    for k in 0..64 {
        let value = (i32::from(block[k]) * i32::from(from[k])) as f32 / f32::from(to[k]);
        out[k] = clamp_coefficient(k, dct::round(value));
    }
    out
}

/// One output row from one source row (grey, 4:2:0) or two (4:4:4, `second`).
fn transform(
    header: &Header,
    output: &Output,
    first: &SourceRow,
    second: Option<&SourceRow>,
) -> OutputRow {
    let source_table = |c: usize| &header.quant[header.components[c].quant];
    let [luma_table, chroma_table] = &output.quant;
    let width = luma_width(output.grey, output.mcus.0);
    let copy = |plane: &[Coefficients], from: &[u16; 64], to: &[u16; 64]| -> Vec<Coefficients> {
        // The last column is repeated into the padding a wider MCU grid adds.
        (0..width)
            .map(|x| requantize(&plane[x.min(plane.len() - 1)], from, to))
            .collect()
    };
    match second {
        None if output.grey => OutputRow {
            luma: copy(&first[0], source_table(0), luma_table),
            chroma: [Vec::new(), Vec::new()],
            unshrunk: None,
        },
        // 4:2:0 in and out: the same grid, every block maps to itself.
        None => OutputRow {
            luma: first[0]
                .iter()
                .map(|block| requantize(block, source_table(0), luma_table))
                .collect(),
            chroma: [1, 2].map(|c| {
                first[c]
                    .iter()
                    .map(|block| requantize(block, source_table(c), chroma_table))
                    .collect()
            }),
            unshrunk: None,
        },
        Some(second) => {
            let mut luma = copy(&first[0], source_table(0), luma_table);
            luma.extend(copy(&second[0], source_table(0), luma_table));
            let cb = (0..output.mcus.0)
                .map(|x| shrink(&first[1], &second[1], x, source_table(1), chroma_table))
                .collect();
            OutputRow {
                luma,
                chroma: [cb, Vec::new()],
                unshrunk: Some((first[2].clone(), second[2].clone(), *source_table(2))),
            }
        }
    }
}

/// The output chroma block `x` from the 2x2 source blocks under it, each shrunk 2:1 in
/// the DCT domain.
pub(super) fn shrink(
    top: &[Coefficients],
    bottom: &[Coefficients],
    x: usize,
    from: &[u16; 64],
    to: &[u16; 64],
) -> Coefficients {
    let mut pixels = [0f32; 64];
    for (dy, row) in [top, bottom].iter().enumerate() {
        for dx in 0..2 {
            let block = &row[(2 * x + dx).min(row.len() - 1)];
            let small = dct::inverse_half(block, from);
            for j in 0..4 {
                let at = (dy * 4 + j) * 8 + dx * 4;
                pixels[at..at + 4].copy_from_slice(&small[j * 4..j * 4 + 4]);
            }
        }
    }
    dct::quantize(&dct::forward(&pixels), to)
}
