//! Reading the segments before a JPEG's scan, and writing a new file's segments. Only
//! what the coefficient path can carry over is accepted; anything else sends the file
//! down the ordinary decode-and-encode path.

use super::entropy::{DecodeTable, Spec};
use super::Unsupported;

#[derive(Debug, Clone, Copy)]
pub(super) struct Component {
    pub h: u8,
    pub v: u8,
    pub quant: usize,
    pub dc: usize,
    pub ac: usize,
}

pub(super) struct Header<'a> {
    pub width: u32,
    pub height: u32,
    pub components: Vec<Component>,
    /// Quantization tables in zigzag order, by the component's `quant`.
    pub quant: Vec<[u16; 64]>,
    pub dc: Vec<DecodeTable>,
    pub ac: Vec<DecodeTable>,
    /// MCUs between restart markers, 0 for none.
    pub restart: u32,
    /// The entropy-coded data and whatever follows it.
    pub scan: &'a [u8],
}

struct Reader<'a> {
    bytes: &'a [u8],
    pos: usize,
}

impl<'a> Reader<'a> {
    fn u8(&mut self) -> Result<u8, Unsupported> {
        let byte = *self.bytes.get(self.pos).ok_or(TRUNCATED)?;
        self.pos += 1;
        Ok(byte)
    }

    fn u16(&mut self) -> Result<u16, Unsupported> {
        Ok(u16::from(self.u8()?) << 8 | u16::from(self.u8()?))
    }

    fn take(&mut self, count: usize) -> Result<&'a [u8], Unsupported> {
        let end = self.pos.checked_add(count).ok_or(TRUNCATED)?;
        let slice = self.bytes.get(self.pos..end).ok_or(TRUNCATED)?;
        self.pos = end;
        Ok(slice)
    }
}

const TRUNCATED: Unsupported = Unsupported("the file ends inside a header");

pub(super) fn read(bytes: &[u8]) -> Result<Header<'_>, Unsupported> {
    let mut reader = Reader { bytes, pos: 0 };
    if reader.u16()? != 0xFFD8 {
        return Err(Unsupported("not a JPEG"));
    }
    let mut quant: [Option<[u16; 64]>; 4] = [None; 4];
    let mut dc: [Option<Spec>; 4] = Default::default();
    let mut ac: [Option<Spec>; 4] = Default::default();
    // Width, height, and per component: id, sampling across and down, table.
    type Frame = (u32, u32, Vec<(u8, u8, u8, u8)>);
    let mut frame: Option<Frame> = None;
    let mut restart = 0u32;
    // Adobe's APP14 transform flag: 0 means the three components are R, G, B.
    let mut adobe_transform = None;
    loop {
        if reader.u8()? != 0xFF {
            return Err(Unsupported("a marker is missing"));
        }
        let mut marker = reader.u8()?;
        while marker == 0xFF {
            marker = reader.u8()?;
        }
        let length = usize::from(reader.u16()?);
        let body = reader.take(length.checked_sub(2).ok_or(TRUNCATED)?)?;
        let mut segment = Reader {
            bytes: body,
            pos: 0,
        };
        match marker {
            0xDB => {
                while segment.pos < body.len() {
                    let pq_tq = segment.u8()?;
                    let slot = usize::from(pq_tq & 15);
                    if slot > 3 {
                        return Err(Unsupported("a quantization table id is out of range"));
                    }
                    let mut table = [0u16; 64];
                    for entry in &mut table {
                        *entry = if pq_tq >> 4 == 0 {
                            u16::from(segment.u8()?)
                        } else {
                            segment.u16()?
                        };
                        if *entry == 0 {
                            return Err(Unsupported("a quantization table has a zero"));
                        }
                    }
                    quant[slot] = Some(table);
                }
            }
            0xC4 => {
                while segment.pos < body.len() {
                    let tc_th = segment.u8()?;
                    let slot = usize::from(tc_th & 15);
                    if slot > 3 || tc_th >> 4 > 1 {
                        return Err(Unsupported("a Huffman table id is out of range"));
                    }
                    let mut counts = [0u8; 16];
                    for count in &mut counts {
                        *count = segment.u8()?;
                    }
                    let total = counts.iter().map(|&c| usize::from(c)).sum();
                    let symbols = segment.take(total)?.to_vec();
                    let spec = Some(Spec { counts, symbols });
                    if tc_th >> 4 == 0 {
                        dc[slot] = spec;
                    } else {
                        ac[slot] = spec;
                    }
                }
            }
            0xDD => restart = u32::from(segment.u16()?),
            // Baseline and extended sequential Huffman frames.
            0xC0 | 0xC1 => {
                if segment.u8()? != 8 {
                    return Err(Unsupported("only 8-bit samples"));
                }
                let height = u32::from(segment.u16()?);
                let width = u32::from(segment.u16()?);
                let count = segment.u8()?;
                let mut components = Vec::new();
                for _ in 0..count {
                    let id = segment.u8()?;
                    let sampling = segment.u8()?;
                    let table = segment.u8()?;
                    components.push((id, sampling >> 4, sampling & 15, table));
                }
                frame = Some((width, height, components));
            }
            // Progressive, lossless, arithmetic and hierarchical frames.
            0xC2 | 0xC3 | 0xC5..=0xC7 | 0xC9..=0xCB | 0xCD..=0xCF => {
                return Err(Unsupported("not a sequential Huffman JPEG"));
            }
            0xDA => {
                let (width, height, frame_components) = frame.ok_or(Unsupported("no frame"))?;
                let ids: Vec<u8> = frame_components.iter().map(|c| c.0).collect();
                if frame_components.len() == 3 && (adobe_transform == Some(0) || ids == b"RGB") {
                    // The output says YCbCr (JFIF): RGB components would change colour.
                    return Err(Unsupported("an RGB JPEG"));
                }
                let count = usize::from(segment.u8()?);
                if count != frame_components.len() {
                    return Err(Unsupported("the scan does not hold every component"));
                }
                let mut components = Vec::new();
                for &(id, h, v, q) in &frame_components {
                    if segment.u8()? != id {
                        return Err(Unsupported("scan components are out of order"));
                    }
                    let tables = segment.u8()?;
                    components.push((h, v, q, tables >> 4, tables & 15));
                }
                if (segment.u8()?, segment.u8()?, segment.u8()?) != (0, 63, 0) {
                    return Err(Unsupported("not a sequential scan"));
                }
                return header(
                    width,
                    height,
                    &components,
                    &quant,
                    &dc,
                    &ac,
                    restart,
                    &bytes[reader.pos..],
                );
            }
            0xEE if body.starts_with(b"Adobe") && body.len() >= 12 => {
                adobe_transform = Some(body[11]);
            }
            0xD8 | 0xD9 => return Err(Unsupported("no scan")),
            // APPn (EXIF, ICC, Adobe...), COM and the rest: dropped like all metadata.
            _ => {}
        }
    }
}

#[allow(clippy::too_many_arguments)]
fn header<'a>(
    width: u32,
    height: u32,
    components: &[(u8, u8, u8, u8, u8)],
    quant: &[Option<[u16; 64]>; 4],
    dc: &[Option<Spec>; 4],
    ac: &[Option<Spec>; 4],
    restart: u32,
    scan: &'a [u8],
) -> Result<Header<'a>, Unsupported> {
    if width == 0 || height == 0 {
        return Err(Unsupported("no size in the header"));
    }
    let shape: Vec<(u8, u8)> = components.iter().map(|c| (c.0, c.1)).collect();
    // Grey, 4:4:4 and 4:2:0: what cameras, phones and design tools write.
    let supported = matches!(
        shape.as_slice(),
        [_] | [(1, 1), (1, 1), (1, 1)] | [(2, 2), (1, 1), (1, 1)]
    );
    if !supported {
        return Err(Unsupported("this chroma layout"));
    }
    let mut tables = Vec::new();
    let mut dc_tables = Vec::new();
    let mut ac_tables = Vec::new();
    let mut out = Vec::new();
    for &(h, v, q, d, a) in components {
        let table = quant
            .get(usize::from(q))
            .copied()
            .flatten()
            .ok_or(Unsupported("a quantization table is missing"))?;
        let dc_spec = dc
            .get(usize::from(d))
            .and_then(Option::as_ref)
            .ok_or(Unsupported("a Huffman table is missing"))?;
        let ac_spec = ac
            .get(usize::from(a))
            .and_then(Option::as_ref)
            .ok_or(Unsupported("a Huffman table is missing"))?;
        out.push(Component {
            h,
            v,
            quant: tables.len(),
            dc: dc_tables.len(),
            ac: ac_tables.len(),
        });
        tables.push(table);
        dc_tables.push(DecodeTable::new(dc_spec)?);
        ac_tables.push(DecodeTable::new(ac_spec)?);
    }
    Ok(Header {
        width,
        height,
        components: out,
        quant: tables,
        dc: dc_tables,
        ac: ac_tables,
        restart,
        scan,
    })
}

/// The segments of a new baseline file up to its scan data: JFIF, tables, frame, scan.
pub(super) struct Layout<'a> {
    pub width: u32,
    pub height: u32,
    /// Luma then chroma quantization tables (zigzag); one for grey.
    pub quant: &'a [[u16; 64]],
    /// (DC, AC) Huffman tables: luma, then chroma.
    pub huffman: &'a [(Spec, Spec)],
    pub restart: u32,
}

pub(super) fn write_header(layout: &Layout, out: &mut Vec<u8>) {
    out.extend_from_slice(&[0xFF, 0xD8]);
    // JFIF 1.01, square pixels, no thumbnail: nothing else about the source survives.
    segment(
        out,
        0xE0,
        &[b'J', b'F', b'I', b'F', 0, 1, 1, 0, 0, 1, 0, 1, 0, 0],
    );
    let mut dqt = Vec::new();
    for (slot, table) in layout.quant.iter().enumerate() {
        dqt.push(slot as u8);
        dqt.extend(table.iter().map(|&q| q as u8));
    }
    segment(out, 0xDB, &dqt);
    let grey = layout.quant.len() == 1;
    let mut sof = vec![8];
    sof.extend_from_slice(&(layout.height as u16).to_be_bytes());
    sof.extend_from_slice(&(layout.width as u16).to_be_bytes());
    if grey {
        sof.extend_from_slice(&[1, 1, 0x11, 0]);
    } else {
        sof.extend_from_slice(&[3, 1, 0x22, 0, 2, 0x11, 1, 3, 0x11, 1]);
    }
    segment(out, 0xC0, &sof);
    let mut dht = Vec::new();
    for (slot, (dc, ac)) in layout.huffman.iter().enumerate() {
        for (class, spec) in [(0u8, dc), (1, ac)] {
            dht.push(class << 4 | slot as u8);
            dht.extend_from_slice(&spec.counts);
            dht.extend_from_slice(&spec.symbols);
        }
    }
    segment(out, 0xC4, &dht);
    if layout.restart > 0 {
        segment(out, 0xDD, &(layout.restart as u16).to_be_bytes());
    }
    if grey {
        segment(out, 0xDA, &[1, 1, 0x00, 0, 63, 0]);
    } else {
        segment(out, 0xDA, &[3, 1, 0x00, 2, 0x11, 3, 0x11, 0, 63, 0]);
    }
}

fn segment(out: &mut Vec<u8>, marker: u8, body: &[u8]) {
    out.extend_from_slice(&[0xFF, marker]);
    out.extend_from_slice(&((body.len() + 2) as u16).to_be_bytes());
    out.extend_from_slice(body);
}
