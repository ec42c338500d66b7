//! The output's blocks, kept as rows of MCUs the way they arrive from the decoder.
//! Colour output is always 4:2:0: each MCU is 2x2 luma blocks and one of each chroma.

pub(super) type Coefficients = [i16; 64];

/// One row of output MCUs: luma blocks row by row (two block rows for colour, one for
/// grey), and the chroma blocks (none for grey).
pub(super) struct OutputRow {
    pub luma: Vec<Coefficients>,
    pub chroma: [Vec<Coefficients>; 2],
    /// For a 4:4:4 source: its chroma as decoded, per component two rows of blocks
    /// (top, bottom), until [`super::source::shrink_row`] makes `chroma` from it.
    pub unshrunk: Option<Box<Unshrunk>>,
}

pub(super) type Unshrunk = [[Vec<Coefficients>; 2]; 2];

impl OutputRow {
    /// A row of zero blocks whose memory has been written, so the page faults of a
    /// fresh allocation are taken here, by whichever thread has time for them, and not
    /// by the decoder.
    /// `unshrunk`: the blocks across a 4:4:4 source, whose chroma rows come along, or
    /// those rows themselves, emptied by an earlier row.
    pub fn blank(grey: bool, mcus_across: usize, unshrunk: Option<usize>) -> Self {
        Self::blank_with(grey, mcus_across, unshrunk.map(unshrunk_rows))
    }

    pub fn blank_with(grey: bool, mcus_across: usize, unshrunk: Option<Box<Unshrunk>>) -> Self {
        let (luma, chroma) = if grey {
            (mcus_across, 0)
        } else {
            (4 * mcus_across, mcus_across)
        };
        Self {
            luma: touched(luma),
            chroma: [touched(chroma), touched(chroma)],
            unshrunk,
        }
    }
}

/// Zero source chroma rows for a 4:4:4 source `across` blocks wide.
pub(super) fn unshrunk_rows(across: usize) -> Box<Unshrunk> {
    let rows = [touched(across), touched(across)];
    Box::new([rows.clone(), rows])
}

/// Zero blocks, written (see [`OutputRow::blank`]).
fn touched(blocks: usize) -> Vec<Coefficients> {
    let mut plane = Vec::with_capacity(blocks);
    // Hidden from the optimizer, which would otherwise turn the allocation and the
    // zeros into one untouched zeroed allocation.
    std::hint::black_box(&mut plane);
    plane.resize(blocks, [0i16; 64]);
    plane
}

pub(super) struct Planes {
    pub grey: bool,
    /// MCUs per row and rows of MCUs.
    pub mcus: (usize, usize),
    pub rows: Vec<OutputRow>,
    /// Zigzag quantization tables of the output: luma, chroma.
    pub quant: [[u16; 64]; 2],
}

impl Planes {
    /// Luma blocks per row.
    pub fn luma_width(&self) -> usize {
        luma_width(self.grey, self.mcus.0)
    }

    /// Luma block (`dx`, `dy`) of MCU (`x`, `y`); both are 0 for grey.
    pub fn luma(&mut self, x: usize, y: usize, dx: usize, dy: usize) -> &mut Coefficients {
        let width = self.luma_width();
        let per_mcu = if self.grey { 1 } else { 2 };
        &mut self.rows[y].luma[dy * width + per_mcu * x + dx]
    }

    pub fn chroma(&mut self, component: usize, x: usize, y: usize) -> &mut Coefficients {
        &mut self.rows[y].chroma[component][x]
    }

    /// The blocks of MCU (`x`, `y`) in the order a scan codes them, each with its
    /// component (0 luma, 1 and 2 chroma).
    pub fn mcu(&self, x: usize, y: usize, mut visit: impl FnMut(usize, &Coefficients)) {
        let row = &self.rows[y];
        if self.grey {
            visit(0, &row.luma[x]);
            return;
        }
        let width = self.luma_width();
        for (dy, dx) in [(0, 0), (0, 1), (1, 0), (1, 1)] {
            visit(0, &row.luma[dy * width + 2 * x + dx]);
        }
        visit(1, &row.chroma[0][x]);
        visit(2, &row.chroma[1][x]);
    }
}

pub(super) fn luma_width(grey: bool, mcus_across: usize) -> usize {
    if grey {
        mcus_across
    } else {
        mcus_across * 2
    }
}
