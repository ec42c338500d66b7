//! Huffman coding of JPEG's quantized coefficients: reading a baseline scan, and writing
//! one with tables built for the image (annex K.2), so no fixed table wastes bits.

use super::Unsupported;

/// Bits of the lookup that decodes most codes in one step.
const FAST_BITS: u32 = 9;
/// Flag in a `fast_ac` entry: the rest of the block is zeros.
const END_OF_BLOCK: i32 = 1 << 13;

/// A Huffman table as a DHT segment carries it.
#[derive(Debug, Clone, PartialEq)]
pub(super) struct Spec {
    /// How many codes have each length 1..=16.
    pub counts: [u8; 16],
    /// The symbols, shortest codes first.
    pub symbols: Vec<u8>,
}

pub(super) struct DecodeTable {
    /// (length << 8 | symbol) for codes of at most FAST_BITS bits, 0 otherwise.
    fast: Box<[u16; 1 << FAST_BITS]>,
    /// For AC codes whose value bits also fit in FAST_BITS: (value << 16 | run << 8 |
    /// bits used), so most coefficients cost one lookup; [`END_OF_BLOCK`] marks the
    /// end-of-block code, and a run of 16 zeros is a run of 15 and a zero; 0 otherwise.
    fast_ac: Box<[i32; 1 << FAST_BITS]>,
    /// Largest code of each length (index 1..=16), -1 when none.
    max_code: [i32; 17],
    /// Offset from a code of each length to its symbol's index.
    offset: [i32; 17],
    symbols: Vec<u8>,
}

impl DecodeTable {
    pub fn new(spec: &Spec) -> Result<Self, Unsupported> {
        let total: usize = spec.counts.iter().map(|&c| usize::from(c)).sum();
        if total == 0 || total > 256 || total != spec.symbols.len() {
            return Err(Unsupported("a Huffman table is malformed"));
        }
        // Fixed-size, so indexing by FAST_BITS bits needs no bounds check.
        let mut fast = Box::new([0u16; 1 << FAST_BITS]);
        let mut max_code = [-1i32; 17];
        let mut offset = [0i32; 17];
        let mut code = 0i32;
        let mut index = 0usize;
        for length in 1..=16u32 {
            let count = i32::from(spec.counts[length as usize - 1]);
            offset[length as usize] = index as i32 - code;
            for _ in 0..count {
                if length <= FAST_BITS {
                    let shift = FAST_BITS - length;
                    let first = (code as usize) << shift;
                    for slot in fast.iter_mut().skip(first).take(1 << shift) {
                        *slot = ((length as u16) << 8) | u16::from(spec.symbols[index]);
                    }
                }
                code += 1;
                index += 1;
            }
            if count > 0 {
                max_code[length as usize] = code - 1;
            }
            if code > (1 << length) {
                return Err(Unsupported("a Huffman table has too many codes"));
            }
            code <<= 1;
        }
        let fast_ac = Box::new(std::array::from_fn(|peek| {
            let entry = fast[peek];
            let (length, symbol) = (u32::from(entry >> 8), entry & 0xFF);
            let (run, size) = (i32::from(symbol >> 4), u32::from(symbol & 15));
            if entry == 0 || length + size > FAST_BITS {
                return 0;
            }
            match (run, size) {
                (0, 0) => return END_OF_BLOCK | length as i32,
                // Fifteen zeros, then a zero written where a value would go.
                (15, 0) => return (15 << 8) | length as i32,
                (_, 0) => return 0,
                _ => {}
            }
            let bits = (peek as u32 >> (FAST_BITS - length - size)) & ((1 << size) - 1);
            (extend(bits, size) << 16) | (run << 8) | (length + size) as i32
        }));
        Ok(Self {
            fast,
            fast_ac,
            max_code,
            offset,
            symbols: spec.symbols.clone(),
        })
    }
}

/// Reads entropy-coded bits, undoing byte stuffing and stopping at markers.
pub(super) struct BitReader<'a> {
    data: &'a [u8],
    pos: usize,
    acc: u64,
    bits: u32,
    /// The marker that ended the data, once seen.
    marker: Option<u8>,
    /// Zero bytes fed after the data ended, so a truncated file is noticed.
    padding: u32,
}

impl<'a> BitReader<'a> {
    pub fn new(data: &'a [u8]) -> Self {
        Self {
            data,
            pos: 0,
            acc: 0,
            bits: 0,
            marker: None,
            padding: 0,
        }
    }

    fn refill(&mut self) {
        // Fast path: whole bytes straight from the data while none of them is 0xFF.
        if self.marker.is_none() {
            if let Some(chunk) = self.data.get(self.pos..self.pos + 8) {
                let mut word = [0u8; 8];
                word.copy_from_slice(chunk);
                let word = u64::from_be_bytes(word);
                let inverse = !word;
                // High bit set at (or, conservatively, before) each 0xFF byte.
                let ff =
                    inverse.wrapping_sub(0x0101_0101_0101_0101) & !inverse & 0x8080_8080_8080_8080;
                let room = (64 - self.bits) / 8;
                let take = room.min(ff.leading_zeros() / 8);
                if take > 0 {
                    let kept = if take == 8 {
                        word
                    } else {
                        word & !(u64::MAX >> (take * 8))
                    };
                    self.acc |= kept >> self.bits;
                    self.bits += take * 8;
                    self.pos += take as usize;
                    if self.bits > 56 {
                        return;
                    }
                }
            }
        }
        while self.bits <= 56 {
            let byte = if self.marker.is_some() || self.pos >= self.data.len() {
                self.padding += 1;
                0
            } else {
                let byte = self.data[self.pos];
                if byte != 0xFF {
                    self.pos += 1;
                    byte
                } else {
                    match self.data.get(self.pos + 1) {
                        Some(0) => {
                            self.pos += 2;
                            0xFF
                        }
                        // Fill bytes before a marker.
                        Some(0xFF) => {
                            self.pos += 1;
                            continue;
                        }
                        Some(&marker) => {
                            self.marker = Some(marker);
                            self.pos += 2;
                            continue;
                        }
                        None => {
                            self.pos += 1;
                            continue;
                        }
                    }
                }
            };
            self.acc |= u64::from(byte) << (56 - self.bits);
            self.bits += 8;
        }
    }

    /// True once a bit past the end of the data has been used: the file is cut short.
    pub fn overran(&self) -> bool {
        self.padding * 8 > self.bits
    }

    fn bits(&mut self, count: u32) -> u32 {
        if count == 0 {
            return 0;
        }
        if self.bits < count {
            self.refill();
        }
        let value = (self.acc >> (64 - count)) as u32;
        self.acc <<= count;
        self.bits -= count;
        value
    }

    fn symbol(&mut self, table: &DecodeTable) -> Result<u8, Unsupported> {
        if self.bits < 16 {
            self.refill();
        }
        let peek = (self.acc >> (64 - FAST_BITS)) as usize;
        let hit = table.fast[peek];
        if hit != 0 {
            let length = u32::from(hit >> 8);
            self.acc <<= length;
            self.bits -= length;
            return Ok(hit as u8);
        }
        for length in FAST_BITS + 1..=16 {
            let code = (self.acc >> (64 - length)) as i32;
            if code <= table.max_code[length as usize] {
                self.acc <<= length;
                self.bits -= length;
                let index = code + table.offset[length as usize];
                return usize::try_from(index)
                    .ok()
                    .and_then(|index| table.symbols.get(index).copied())
                    .ok_or(Unsupported("a Huffman code is invalid"));
            }
        }
        Err(Unsupported("a Huffman code is invalid"))
    }

    /// One block's coefficients in zigzag order into `out`, which must be all zeros
    /// (rows are freshly allocated; zeroing each block again cost a tenth of the time).
    /// `dc` holds the running DC value.
    pub fn block(
        &mut self,
        dc_table: &DecodeTable,
        ac_table: &DecodeTable,
        dc: &mut i32,
        out: &mut [i16; 64],
    ) -> Result<(), Unsupported> {
        let category = u32::from(self.symbol(dc_table)?);
        if category > 11 {
            return Err(Unsupported("a DC difference is out of range"));
        }
        *dc += extend(self.bits(category), category);
        if dc.unsigned_abs() > 1 << 15 {
            return Err(Unsupported("a DC value is out of range"));
        }
        // Stored clamped to what a baseline DC difference can reach, so blocks go to the
        // output as they are.
        out[0] = (*dc).clamp(-1024, 1023) as i16;
        let mut k = 1usize;
        // The bit buffer in locals on the fast path: kept in `self`, every coefficient
        // waited for the previous one's store to be read back.
        let (mut acc, mut bits) = (self.acc, self.bits);
        while k < 64 {
            if bits < 16 {
                (self.acc, self.bits) = (acc, bits);
                self.refill();
                (acc, bits) = (self.acc, self.bits);
            }
            let fast = ac_table.fast_ac[(acc >> (64 - FAST_BITS)) as usize];
            if fast & END_OF_BLOCK != 0 {
                let used = (fast & 0xFF) as u32;
                acc <<= used;
                bits -= used;
                break;
            }
            if fast != 0 {
                k += ((fast >> 8) & 15) as usize;
                if k > 63 {
                    return Err(Unsupported("a block has more than 64 coefficients"));
                }
                let used = (fast & 0xFF) as u32;
                acc <<= used;
                bits -= used;
                out[k] = (fast >> 16) as i16;
                k += 1;
                continue;
            }
            (self.acc, self.bits) = (acc, bits);
            let symbol = self.symbol(ac_table)?;
            let (run, size) = (usize::from(symbol >> 4), u32::from(symbol & 15));
            if size == 0 {
                (acc, bits) = (self.acc, self.bits);
                if run == 15 {
                    k += 16;
                    continue;
                }
                break;
            }
            k += run;
            if k > 63 || size > 15 {
                return Err(Unsupported("a block has more than 64 coefficients"));
            }
            // Ten bits at most, like every baseline AC value (the fast path's always fit).
            out[k] = extend(self.bits(size), size).clamp(-1023, 1023) as i16;
            (acc, bits) = (self.acc, self.bits);
            k += 1;
        }
        (self.acc, self.bits) = (acc, bits);
        if k > 64 {
            return Err(Unsupported("a block has more than 64 coefficients"));
        }
        Ok(())
    }

    /// Skips to the restart marker `RSTn` that must come next, and forgets buffered bits.
    pub fn restart(&mut self, n: u8) -> Result<(), Unsupported> {
        let expected = 0xD0 + (n & 7);
        let marker = match self.marker.take() {
            Some(marker) => marker,
            None => {
                // The marker was not reached yet: only padding bits were left before it.
                while self.data.get(self.pos) == Some(&0xFF)
                    && self.data.get(self.pos + 1) == Some(&0xFF)
                {
                    self.pos += 1;
                }
                match (self.data.get(self.pos), self.data.get(self.pos + 1)) {
                    (Some(0xFF), Some(&marker)) => {
                        self.pos += 2;
                        marker
                    }
                    _ => return Err(Unsupported("a restart marker is missing")),
                }
            }
        };
        if marker != expected || self.overran() {
            return Err(Unsupported("a restart marker is missing"));
        }
        self.acc = 0;
        self.bits = 0;
        self.padding = 0;
        Ok(())
    }
}

/// The value of `category` bits as JPEG stores it (a leading zero bit means negative),
/// branch-free for the same reason as [`magnitude`].
#[inline(always)]
fn extend(value: u32, category: u32) -> i32 {
    if category == 0 {
        return 0;
    }
    let value = value as i32;
    let negative = (value - (1 << (category - 1))) >> 31;
    value + (negative & ((-1 << category) + 1))
}

/// Category (bit count) and the bits JPEG stores for a coefficient or DC difference.
/// Branch-free: a coefficient's sign is a coin toss, and a branch on it mispredicted
/// often enough to make up most of the time spent writing.
#[inline(always)]
fn magnitude(value: i32) -> (u32, u32) {
    let sign = value >> 31;
    let category = 32 - ((value ^ sign) - sign).unsigned_abs().leading_zeros();
    // One less than a negative value: its bits are those of the magnitude inverted.
    let bits = (value + sign) as u32 & ((1u32 << category) - 1);
    (category, bits)
}

/// Symbol counts for one table, plus annex K.2's reserved all-ones code.
#[derive(Clone)]
pub(super) struct Frequencies(pub [u32; 257]);

impl Default for Frequencies {
    fn default() -> Self {
        Self([0; 257])
    }
}

/// Bit k set when zigzag coefficient k (k >= 1) is not zero: coding then jumps from one
/// nonzero coefficient to the next instead of testing all 63.
#[inline]
fn ac_mask(block: &[i16; 64]) -> u64 {
    let mut mask = 0u64;
    for (k, &coefficient) in block.iter().enumerate() {
        mask |= u64::from(coefficient != 0) << k;
    }
    mask & !1
}

/// A Huffman symbol of a block: which table, the symbol, and the `size` extra bits
/// (`bits`) that follow its code.
struct Symbol {
    ac: bool,
    symbol: usize,
    bits: u32,
    size: u32,
}

/// Walks the symbols of `block` (zigzag) after the previous DC value `dc`, in the order a
/// scan codes them: the one walk both counting and writing follow, so the tables always
/// have a code for every symbol written.
#[inline(always)]
fn symbols(block: &[i16; 64], dc: &mut i32, mut emit: impl FnMut(Symbol)) {
    let value = i32::from(block[0]);
    let (size, bits) = magnitude(value - *dc);
    *dc = value;
    emit(Symbol {
        ac: false,
        symbol: size as usize,
        bits,
        size,
    });
    let mut mask = ac_mask(block);
    let mut next = 1u32;
    while mask != 0 {
        let k = mask.trailing_zeros();
        mask &= mask - 1;
        let mut run = k - next;
        next = k + 1;
        while run > 15 {
            emit(Symbol {
                ac: true,
                symbol: 0xF0,
                bits: 0,
                size: 0,
            });
            run -= 16;
        }
        let (size, bits) = magnitude(i32::from(block[k as usize]));
        emit(Symbol {
            ac: true,
            symbol: ((run as usize) << 4) | size as usize,
            bits,
            size,
        });
    }
    if next != 64 {
        emit(Symbol {
            ac: true,
            symbol: 0,
            bits: 0,
            size: 0,
        });
    }
}

/// Counts the symbols `block` (zigzag) will need, as [`BitWriter::block`] writes them.
pub(super) fn count(block: &[i16; 64], dc: &mut i32, dcf: &mut Frequencies, acf: &mut Frequencies) {
    symbols(block, dc, |s| {
        let table = if s.ac { &mut *acf } else { &mut *dcf };
        table.0[s.symbol] += 1;
    });
}

impl Frequencies {
    /// Gives every symbol a baseline scan can hold (DC categories 0-11; AC end of block,
    /// sixteen zeros, and runs 0-15 before values of 1-10 bits) a count of at least one,
    /// so tables built from a sample of the blocks still have a code for all of them.
    pub fn cover_every_symbol(&mut self, ac: bool) {
        let symbols: Vec<usize> = if ac {
            let values = (0..16).flat_map(|run| (1..=10).map(move |size| run << 4 | size));
            [0x00, 0xF0].into_iter().chain(values).collect()
        } else {
            (0..=11).collect()
        };
        for symbol in symbols {
            self.0[symbol] = self.0[symbol].max(1);
        }
    }
}

/// Optimal code lengths limited to 16 bits (annex K.2, as libjpeg does it).
pub(super) fn build_spec(frequencies: &Frequencies) -> Spec {
    let mut freq = frequencies.0.map(u64::from);
    // One code of the longest length is reserved so no code is all ones.
    freq[256] = 1;
    let mut size = [0usize; 257];
    let mut others = [usize::MAX; 257];
    loop {
        // The least frequent symbol (the largest index on ties), then the next least.
        let mut c1 = usize::MAX;
        let mut best = u64::MAX;
        for (i, &f) in freq.iter().enumerate() {
            if f > 0 && f <= best {
                best = f;
                c1 = i;
            }
        }
        let mut c2 = usize::MAX;
        let mut best = u64::MAX;
        for (i, &f) in freq.iter().enumerate() {
            if f > 0 && f <= best && i != c1 {
                best = f;
                c2 = i;
            }
        }
        if c2 == usize::MAX {
            break;
        }
        freq[c1] += freq[c2];
        freq[c2] = 0;
        size[c1] += 1;
        let mut c = c1;
        while others[c] != usize::MAX {
            c = others[c];
            size[c] += 1;
        }
        others[c] = c2;
        size[c2] += 1;
        let mut c = c2;
        while others[c] != usize::MAX {
            c = others[c];
            size[c] += 1;
        }
    }
    let mut bits = [0u32; 33];
    for &s in size.iter().filter(|&&s| s > 0) {
        bits[s.min(32)] += 1;
    }
    for i in (17..=32).rev() {
        while bits[i] > 0 {
            let mut j = i - 2;
            while bits[j] == 0 {
                j -= 1;
            }
            bits[i] -= 2;
            bits[i - 1] += 1;
            bits[j + 1] += 2;
            bits[j] -= 1;
        }
    }
    let mut longest = 16;
    while bits[longest] == 0 {
        longest -= 1;
    }
    bits[longest] -= 1;
    let mut counts = [0u8; 16];
    for (length, count) in counts.iter_mut().enumerate() {
        *count = bits[length + 1] as u8;
    }
    let mut symbols = Vec::new();
    for length in 1..=32 {
        for (symbol, &s) in size.iter().enumerate().take(256) {
            if s == length {
                symbols.push(symbol as u8);
            }
        }
    }
    Spec { counts, symbols }
}

pub(super) struct EncodeTable {
    code: [u16; 256],
    length: [u8; 256],
}

impl EncodeTable {
    pub fn new(spec: &Spec) -> Self {
        let mut table = Self {
            code: [0; 256],
            length: [0; 256],
        };
        let mut code = 0u16;
        let mut index = 0;
        for length in 1..=16u8 {
            for _ in 0..spec.counts[usize::from(length) - 1] {
                if let Some(&symbol) = spec.symbols.get(index) {
                    table.code[usize::from(symbol)] = code;
                    table.length[usize::from(symbol)] = length;
                }
                code = code.wrapping_add(1);
                index += 1;
            }
            code = code.wrapping_shl(1);
        }
        table
    }
}

/// Writes entropy-coded bits with 0xFF byte stuffing.
pub(super) struct BitWriter {
    pub out: Vec<u8>,
    acc: u64,
    bits: u32,
}

impl BitWriter {
    pub fn with_capacity(capacity: usize) -> Self {
        Self {
            out: Vec::with_capacity(capacity),
            acc: 0,
            bits: 0,
        }
    }

    #[inline(always)]
    fn put(&mut self, value: u32, count: u32) {
        self.acc = (self.acc << count) | u64::from(value);
        self.bits += count;
        if self.bits >= 32 {
            let word = (self.acc >> (self.bits - 32)) as u32;
            self.bits -= 32;
            let inverse = !word;
            if inverse.wrapping_sub(0x0101_0101) & !inverse & 0x8080_8080 == 0 {
                // No 0xFF byte in the word: the common case.
                self.out.extend_from_slice(&word.to_be_bytes());
            } else {
                for byte in word.to_be_bytes() {
                    self.out.push(byte);
                    if byte == 0xFF {
                        self.out.push(0);
                    }
                }
            }
        }
    }

    /// One block (zigzag) after the previous DC value `dc`.
    pub fn block(&mut self, block: &[i16; 64], dc: &mut i32, dct: &EncodeTable, act: &EncodeTable) {
        symbols(block, dc, |s| {
            let table = if s.ac { act } else { dct };
            // Code and extra bits in one go: at most 16 + 11 bits.
            self.put(
                (u32::from(table.code[s.symbol]) << s.size) | s.bits,
                u32::from(table.length[s.symbol]) + s.size,
            );
        });
    }

    /// Pads the last byte with one bits, as the standard asks.
    pub fn finish(mut self) -> Vec<u8> {
        while !self.bits.is_multiple_of(8) {
            self.put(1, 1);
        }
        while self.bits > 0 {
            let byte = (self.acc >> (self.bits - 8)) as u8;
            self.bits -= 8;
            self.out.push(byte);
            if byte == 0xFF {
                self.out.push(0);
            }
        }
        self.out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_value_a_baseline_scan_holds_survives_its_category_and_bits() {
        for value in -2047..=2047 {
            let (category, bits) = magnitude(value);
            let expected = 32 - value.unsigned_abs().leading_zeros();
            assert_eq!(category, expected, "category of {value}");
            assert_eq!(
                extend(bits, category),
                value,
                "{value} as {category} bits {bits:b}"
            );
        }
    }

    #[test]
    fn every_0xff_byte_written_is_followed_by_a_zero_byte() {
        let mut writer = BitWriter::with_capacity(0);
        // Codes that straddle bytes, so the 0xFF bytes complete at different points.
        writer.put(0x7F, 7);
        writer.put(0x1FF, 9);
        writer.put(0x3A, 6);
        writer.put(0x3_FFFF, 18);
        writer.put(0x1, 1);
        let bytes = writer.finish();
        assert_eq!(
            bytes,
            [0xFF, 0x00, 0xFF, 0x00, 0xEB, 0xFF, 0x00, 0xFF, 0x00, 0xFF, 0x00],
            "41 bits: 0xFF 0xFF, then 111010 and 18 ones, then a one padded with ones"
        );
    }

    #[test]
    fn a_block_written_then_read_comes_back_the_same() {
        let mut block = [0i16; 64];
        block[0] = -300;
        block[1] = 5;
        block[5] = -1;
        block[40] = 1023;
        block[63] = -7;
        let mut dcf = Frequencies::default();
        let mut acf = Frequencies::default();
        count(&block, &mut 0, &mut dcf, &mut acf);
        count(&block, &mut -300, &mut dcf, &mut acf);
        let (dc_spec, ac_spec) = (build_spec(&dcf), build_spec(&acf));
        let mut writer = BitWriter::with_capacity(64);
        let (dct, act) = (EncodeTable::new(&dc_spec), EncodeTable::new(&ac_spec));
        writer.block(&block, &mut 0, &dct, &act);
        writer.block(&block, &mut -300, &dct, &act);
        let bytes = writer.finish();
        let mut reader = BitReader::new(&bytes);
        let (dcd, acd) = (
            DecodeTable::new(&dc_spec).expect("valid"),
            DecodeTable::new(&ac_spec).expect("valid"),
        );
        let mut dc = 0;
        let mut out = [0i16; 64];
        for _ in 0..2 {
            reader
                .block(&dcd, &acd, &mut dc, &mut out)
                .expect("decodes");
            assert_eq!(out, block);
        }
        assert!(!reader.overran());
    }
}
