//! From the source's coefficients to the new file: one thread decodes MCU rows while
//! this one turns them into output blocks and counts symbols; then strips are coded in
//! parallel.

use std::ops::Range;
use std::sync::mpsc;

use super::dct::{self, clamp_coefficient};
use super::entropy::{self, BitReader, BitWriter, EncodeTable, Frequencies};
use super::markers::{self, Header};
use super::region::Region;
use super::Unsupported;
use crate::render::text::raster::Drawn;

pub(super) type Coefficients = [i16; 64];

/// Output planes: luma, then the two chroma planes (absent for grey), in raster block
/// order. Colour output is always 4:2:0: each MCU is 2x2 luma blocks and one of each
/// chroma.
pub(super) struct Planes {
    pub grey: bool,
    /// MCUs per row and rows of MCUs.
    pub mcus: (usize, usize),
    pub luma: Vec<Coefficients>,
    pub chroma: [Vec<Coefficients>; 2],
    /// Zigzag quantization tables of the output: luma, chroma.
    pub quant: [[u16; 64]; 2],
}

impl Planes {
    /// Luma blocks per row.
    pub fn luma_width(&self) -> usize {
        if self.grey {
            self.mcus.0
        } else {
            self.mcus.0 * 2
        }
    }

    /// The blocks of MCU (`x`, `y`) in the order a scan codes them, with the index of
    /// the table pair (0 luma, 1 chroma).
    fn mcu(&self, x: usize, y: usize, mut visit: impl FnMut(usize, &Coefficients)) {
        if self.grey {
            visit(0, &self.luma[y * self.mcus.0 + x]);
            return;
        }
        let width = self.luma_width();
        for (dy, dx) in [(0, 0), (0, 1), (1, 0), (1, 1)] {
            visit(0, &self.luma[(2 * y + dy) * width + 2 * x + dx]);
        }
        let index = y * self.mcus.0 + x;
        visit(1, &self.chroma[0][index]);
        visit(1, &self.chroma[1][index]);
    }
}

/// One MCU row of the source: per component, its blocks row by row.
type SourceRow = Vec<Vec<Coefficients>>;

pub(super) fn run(header: &Header, layers: &[Drawn], quality: u8) -> Result<Vec<u8>, Unsupported> {
    let grey = header.components.len() == 1;
    let subsampled = !grey && header.components[0].h == 2;
    let (width, height) = (header.width as usize, header.height as usize);
    let out_mcu = if grey { 8 } else { 16 };
    let mcus = (width.div_ceil(out_mcu), height.div_ceil(out_mcu));
    let quant = output_tables(header, quality)?;
    let mut planes = Planes {
        grey,
        mcus,
        luma: vec![[0; 64]; mcus.0 * mcus.1 * if grey { 1 } else { 4 }],
        chroma: if grey {
            [Vec::new(), Vec::new()]
        } else {
            [
                vec![[0; 64]; mcus.0 * mcus.1],
                vec![[0; 64]; mcus.0 * mcus.1],
            ]
        },
        quant,
    };
    let strips = strips(mcus);
    let region = Region::of(layers, header.width, header.height, out_mcu as u32);
    // Source MCUs: 8x8 for grey and 4:4:4, 16x16 for 4:2:0.
    let source_mcu = if subsampled { 16 } else { 8 };
    let source_mcus = (width.div_ceil(source_mcu), height.div_ceil(source_mcu));

    let mut frequencies = [
        (Frequencies::default(), Frequencies::default()),
        (Frequencies::default(), Frequencies::default()),
    ];
    std::thread::scope(|scope| -> Result<(), Unsupported> {
        let (sender, receiver) = mpsc::sync_channel::<Result<SourceRow, Unsupported>>(8);
        // Rows go back to the decoder once used: clearing a row that is still in cache
        // is cheaper than fresh pages from the allocator.
        let (recycle, recycled) = mpsc::channel::<SourceRow>();
        scope.spawn(move || decode(header, source_mcus, &sender, &recycled));
        let mut dc = [0i32; 3];
        for row in 0..mcus.1 {
            let first = receiver
                .recv()
                .map_err(|_| Unsupported("the scan ended early"))??;
            if subsampled || grey {
                place_rows(&mut planes, header, row, &first, None);
            } else {
                // Two 8-pixel source rows make one 16-pixel output row; the last may be
                // alone.
                let second = match receiver.recv() {
                    Ok(result) => Some(result?),
                    Err(_) => None,
                };
                place_rows(&mut planes, header, row, &first, second.as_ref());
                if let Some(second) = second {
                    let _ = recycle.send(second);
                }
            }
            let _ = recycle.send(first);
            if let Some(region) = &region {
                region.redraw_row(&mut planes, row, layers);
            }
            if strips.iter().any(|strip| strip.start == row) {
                dc = [0; 3];
            }
            for x in 0..mcus.0 {
                let mut chroma_seen = 0;
                planes.mcu(x, row, |table, block| {
                    let slot = if table == 0 {
                        0
                    } else {
                        chroma_seen += 1;
                        chroma_seen
                    };
                    let (dcf, acf) = &mut frequencies[table];
                    entropy::count(block, &mut dc[slot], dcf, acf);
                });
            }
        }
        Ok(())
    })?;

    let specs: Vec<_> = frequencies[..if grey { 1 } else { 2 }]
        .iter()
        .map(|(dcf, acf)| (entropy::build_spec(dcf), entropy::build_spec(acf)))
        .collect();
    let tables: Vec<_> = specs
        .iter()
        .map(|(dc, ac)| (EncodeTable::new(dc), EncodeTable::new(ac)))
        .collect();
    let coded = code_strips(&planes, &strips, &tables);

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

/// Row ranges coded independently, separated by restart markers, one per core; the
/// restart interval (MCUs per strip) must fit 16 bits.
fn strips(mcus: (usize, usize)) -> Vec<Range<usize>> {
    let cores = std::thread::available_parallelism().map_or(1, |n| n.get().min(8));
    let mut rows = mcus.1.div_ceil(cores).max(1);
    rows = rows.min((usize::from(u16::MAX) / mcus.0.max(1)).max(1));
    (0..mcus.1)
        .step_by(rows)
        .map(|start| start..(start + rows).min(mcus.1))
        .collect()
}

/// Decodes the scan row by row into `sender`, stopping at the first problem.
fn decode(
    header: &Header,
    mcus: (usize, usize),
    sender: &mpsc::SyncSender<Result<SourceRow, Unsupported>>,
    recycled: &mpsc::Receiver<SourceRow>,
) {
    let mut reader = BitReader::new(header.scan);
    let shapes: Vec<(usize, usize)> = if header.components.len() == 1 {
        // A lone component is coded block by block whatever its sampling says.
        vec![(1, 1)]
    } else {
        header
            .components
            .iter()
            .map(|c| (usize::from(c.h), usize::from(c.v)))
            .collect()
    };
    let mut dc = vec![0i32; shapes.len()];
    let restart = header.restart as usize;
    let mut next_marker = 0u8;
    for y in 0..mcus.1 {
        let mut row: SourceRow = match recycled.try_recv() {
            Ok(mut row) => {
                for plane in &mut row {
                    plane.fill([0; 64]);
                }
                row
            }
            Err(_) => shapes
                .iter()
                .map(|&(h, v)| vec![[0i16; 64]; mcus.0 * h * v])
                .collect(),
        };
        let result = (|| {
            for x in 0..mcus.0 {
                let index = y * mcus.0 + x;
                if restart > 0 && index > 0 && index % restart == 0 {
                    reader.restart(next_marker)?;
                    next_marker = next_marker.wrapping_add(1);
                    dc.fill(0);
                }
                for (c, &(h, v)) in shapes.iter().enumerate() {
                    let component = &header.components[c];
                    let (dc_table, ac_table) = (&header.dc[component.dc], &header.ac[component.ac]);
                    for by in 0..v {
                        for bx in 0..h {
                            let block = &mut row[c][by * mcus.0 * h + x * h + bx];
                            reader.block(dc_table, ac_table, &mut dc[c], block)?;
                        }
                    }
                }
            }
            if reader.overran() {
                return Err(Unsupported("the scan is cut short"));
            }
            Ok(())
        })();
        let failed = result.is_err();
        if sender.send(result.map(|()| row)).is_err() || failed {
            return;
        }
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

/// Fills output MCU row `row` from one source row (grey, 4:2:0) or two (4:4:4).
fn place_rows(
    planes: &mut Planes,
    header: &Header,
    row: usize,
    first: &SourceRow,
    second: Option<&SourceRow>,
) {
    let luma_table = &header.quant[header.components[0].quant];
    let out_width = planes.luma_width();
    let [out_luma, out_chroma] = planes.quant;
    if planes.grey {
        for (x, block) in first[0].iter().enumerate().take(out_width) {
            planes.luma[row * out_width + x] = requantize(block, luma_table, &out_luma);
        }
        return;
    }
    let subsampled = header.components[0].h == 2;
    if subsampled {
        // Same grid in and out: every block maps to itself.
        for dy in 0..2 {
            for x in 0..out_width {
                let block = &first[0][dy * out_width + x];
                planes.luma[(2 * row + dy) * out_width + x] =
                    requantize(block, luma_table, &out_luma);
            }
        }
        for c in 0..2 {
            let table = &header.quant[header.components[c + 1].quant];
            for x in 0..planes.mcus.0 {
                planes.chroma[c][row * planes.mcus.0 + x] =
                    requantize(&first[c + 1][x], table, &out_chroma);
            }
        }
        return;
    }
    // 4:4:4: luma blocks copied (the last column and row repeated into the padding),
    // chroma shrunk 2:1 both ways.
    let source_width = first[0].len();
    let rows = [first, second.unwrap_or(first)];
    for (dy, source) in rows.iter().enumerate() {
        for x in 0..out_width {
            let block = &source[0][x.min(source_width - 1)];
            planes.luma[(2 * row + dy) * out_width + x] = requantize(block, luma_table, &out_luma);
        }
    }
    for c in 0..2 {
        let table = &header.quant[header.components[c + 1].quant];
        for x in 0..planes.mcus.0 {
            let mut pixels = [0f32; 64];
            for (dy, source) in rows.iter().enumerate() {
                for dx in 0..2 {
                    let block = &source[c + 1][(2 * x + dx).min(source_width - 1)];
                    let small = dct::inverse_half(block, table);
                    for j in 0..4 {
                        for i in 0..4 {
                            pixels[(dy * 4 + j) * 8 + dx * 4 + i] = small[j * 4 + i];
                        }
                    }
                }
            }
            planes.chroma[c][row * planes.mcus.0 + x] =
                dct::quantize(&dct::forward(&pixels), &out_chroma);
        }
    }
}

/// Codes each strip on its own thread (strips are independent after a restart).
fn code_strips(
    planes: &Planes,
    strips: &[Range<usize>],
    tables: &[(EncodeTable, EncodeTable)],
) -> Vec<Vec<u8>> {
    std::thread::scope(|scope| {
        let handles: Vec<_> = strips
            .iter()
            .map(|strip| scope.spawn(move || code_strip(planes, strip.clone(), tables)))
            .collect();
        handles
            .into_iter()
            .map(|handle| handle.join().unwrap_or_default())
            .collect()
    })
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
            let mut chroma_seen = 0;
            planes.mcu(x, y, |table, block| {
                let slot = if table == 0 {
                    0
                } else {
                    chroma_seen += 1;
                    chroma_seen
                };
                let (dc_table, ac_table) = &tables[table];
                writer.block(block, &mut dc[slot], dc_table, ac_table);
            });
        }
    }
    writer.finish()
}
