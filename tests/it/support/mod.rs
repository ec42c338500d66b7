//! Shared helpers for the integration tests: hand-built PNG bytes (so tests need no image
//! crate of their own), pixel comparisons, a SHA-256 independent of the library's, and a
//! hermetic `relais` command.

use std::ops::Range;
use std::path::{Path, PathBuf};

use relais::render::{Picture, Typesetter};

pub mod keychain;
pub mod mastodon;
pub mod multipart;
pub mod organizer;
pub mod pds;
pub mod peer;
pub mod scripted;

/// Raw RGBA pixels pulled out of a decoded picture, so tests can compare images without
/// naming the image crate's types.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Pixels {
    pub width: u32,
    pub height: u32,
    pub data: Vec<u8>,
}

impl Pixels {
    /// The picture's first (or only) frame.
    pub fn of(picture: &Picture) -> Self {
        let image = picture.first_frame();
        let (width, height) = image.dimensions();
        Self {
            width,
            height,
            data: image.as_raw().clone(),
        }
    }

    pub fn pixel(&self, x: u32, y: u32) -> [u8; 4] {
        let at = ((y * self.width + x) * 4) as usize;
        [
            self.data[at],
            self.data[at + 1],
            self.data[at + 2],
            self.data[at + 3],
        ]
    }

    /// Rows `from` (inclusive) to `to` (exclusive) given as fractions of the height.
    pub fn rows(&self, from: f32, to: f32) -> Range<u32> {
        let h = self.height as f32;
        (from * h).floor() as u32..((to * h).ceil() as u32).min(self.height)
    }

    /// How many pixels in `rows` differ at all between the two images.
    pub fn differing_pixels(&self, other: &Pixels, rows: Range<u32>) -> usize {
        assert_eq!(
            (self.width, self.height),
            (other.width, other.height),
            "images compared must have the same size"
        );
        rows.flat_map(|y| (0..self.width).map(move |x| (x, y)))
            .filter(|&(x, y)| self.pixel(x, y) != other.pixel(x, y))
            .count()
    }

    /// Mean absolute difference of the RGB channels over `rows`, ignoring alpha.
    pub fn mean_abs_diff(&self, other: &Pixels, rows: Range<u32>) -> f64 {
        assert_eq!(
            (self.width, self.height),
            (other.width, other.height),
            "images compared must have the same size"
        );
        let mut total = 0u64;
        let mut count = 0u64;
        for y in rows {
            for x in 0..self.width {
                let (a, b) = (self.pixel(x, y), other.pixel(x, y));
                for c in 0..3 {
                    total += u64::from(a[c].abs_diff(b[c]));
                    count += 1;
                }
            }
        }
        if count == 0 {
            0.0
        } else {
            total as f64 / count as f64
        }
    }

    /// Bounding box (x0, y0, x1, y1), exclusive ends, of pixels with any alpha.
    pub fn ink_bounds(&self) -> Option<(u32, u32, u32, u32)> {
        let mut bounds: Option<(u32, u32, u32, u32)> = None;
        for y in 0..self.height {
            for x in 0..self.width {
                if self.pixel(x, y)[3] > 0 {
                    bounds = Some(match bounds {
                        None => (x, y, x + 1, y + 1),
                        Some((x0, y0, x1, y1)) => {
                            (x0.min(x), y0.min(y), x1.max(x + 1), y1.max(y + 1))
                        }
                    });
                }
            }
        }
        bounds
    }
}

pub fn crc32(bytes: &[u8]) -> u32 {
    let mut crc = 0xFFFF_FFFFu32;
    for &byte in bytes {
        crc ^= u32::from(byte);
        for _ in 0..8 {
            crc = if crc & 1 != 0 {
                (crc >> 1) ^ 0xEDB8_8320
            } else {
                crc >> 1
            };
        }
    }
    !crc
}

fn adler32(bytes: &[u8]) -> u32 {
    let (mut a, mut b) = (1u32, 0u32);
    for &byte in bytes {
        a = (a + u32::from(byte)) % 65521;
        b = (b + a) % 65521;
    }
    (b << 16) | a
}

pub const PNG_SIGNATURE: [u8; 8] = [0x89, b'P', b'N', b'G', 0x0D, 0x0A, 0x1A, 0x0A];

/// One PNG chunk: length, type, data, CRC over type and data.
pub fn png_chunk(kind: &[u8; 4], data: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(data.len() + 12);
    out.extend_from_slice(&(data.len() as u32).to_be_bytes());
    out.extend_from_slice(kind);
    out.extend_from_slice(data);
    let mut crc_input = kind.to_vec();
    crc_input.extend_from_slice(data);
    out.extend_from_slice(&crc32(&crc_input).to_be_bytes());
    out
}

/// IHDR data for an 8-bit RGBA image.
pub fn ihdr_rgba(width: u32, height: u32) -> Vec<u8> {
    let mut data = Vec::with_capacity(13);
    data.extend_from_slice(&width.to_be_bytes());
    data.extend_from_slice(&height.to_be_bytes());
    data.extend_from_slice(&[8, 6, 0, 0, 0]);
    data
}

/// zlib stream of uncompressed ("stored") deflate blocks.
pub fn zlib_stored(raw: &[u8]) -> Vec<u8> {
    let mut out = vec![0x78, 0x01];
    let mut blocks = raw.chunks(65_535).peekable();
    if blocks.peek().is_none() {
        out.extend_from_slice(&[1, 0, 0, 0xFF, 0xFF]);
    }
    while let Some(block) = blocks.next() {
        let last = blocks.peek().is_none();
        out.push(u8::from(last));
        let len = block.len() as u16;
        out.extend_from_slice(&len.to_le_bytes());
        out.extend_from_slice(&(!len).to_le_bytes());
        out.extend_from_slice(block);
    }
    out.extend_from_slice(&adler32(raw).to_be_bytes());
    out
}

/// A valid RGBA PNG whose pixel at (x, y) is `pixel(x, y)`.
pub fn png(width: u32, height: u32, pixel: impl Fn(u32, u32) -> [u8; 4]) -> Vec<u8> {
    let mut raw = Vec::with_capacity(((width * 4 + 1) * height) as usize);
    for y in 0..height {
        raw.push(0); // filter: none
        for x in 0..width {
            raw.extend_from_slice(&pixel(x, y));
        }
    }
    let mut out = PNG_SIGNATURE.to_vec();
    out.extend(png_chunk(b"IHDR", &ihdr_rgba(width, height)));
    out.extend(png_chunk(b"IDAT", &zlib_stored(&raw)));
    out.extend(png_chunk(b"IEND", &[]));
    out
}

/// Decodes hand-built PNG bytes through the library with default limits.
pub fn picture(bytes: &[u8]) -> Picture {
    relais::render::decode_bytes(bytes, "test.png", &relais::render::Limits::default())
        .expect("a PNG built by the test helper should decode")
}

/// SHA-256 as lowercase hex, written independently of the library's hashing.
pub fn sha256_hex(bytes: &[u8]) -> String {
    const K: [u32; 64] = [
        0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4,
        0xab1c5ed5, 0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe,
        0x9bdc06a7, 0xc19bf174, 0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f,
        0x4a7484aa, 0x5cb0a9dc, 0x76f988da, 0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7,
        0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967, 0x27b70a85, 0x2e1b2138, 0x4d2c6dfc,
        0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85, 0xa2bfe8a1, 0xa81a664b,
        0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070, 0x19a4c116,
        0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
        0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7,
        0xc67178f2,
    ];
    let mut h: [u32; 8] = [
        0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a, 0x510e527f, 0x9b05688c, 0x1f83d9ab,
        0x5be0cd19,
    ];
    let mut message = bytes.to_vec();
    message.push(0x80);
    while message.len() % 64 != 56 {
        message.push(0);
    }
    message.extend_from_slice(&((bytes.len() as u64) * 8).to_be_bytes());
    for block in message.chunks_exact(64) {
        let mut w = [0u32; 64];
        for (i, word) in block.chunks_exact(4).enumerate() {
            w[i] = u32::from_be_bytes([word[0], word[1], word[2], word[3]]);
        }
        for i in 16..64 {
            let s0 = w[i - 15].rotate_right(7) ^ w[i - 15].rotate_right(18) ^ (w[i - 15] >> 3);
            let s1 = w[i - 2].rotate_right(17) ^ w[i - 2].rotate_right(19) ^ (w[i - 2] >> 10);
            w[i] = w[i - 16]
                .wrapping_add(s0)
                .wrapping_add(w[i - 7])
                .wrapping_add(s1);
        }
        let [mut a, mut b, mut c, mut d, mut e, mut f, mut g, mut hh] = h;
        for i in 0..64 {
            let s1 = e.rotate_right(6) ^ e.rotate_right(11) ^ e.rotate_right(25);
            let ch = (e & f) ^ (!e & g);
            let t1 = hh
                .wrapping_add(s1)
                .wrapping_add(ch)
                .wrapping_add(K[i])
                .wrapping_add(w[i]);
            let s0 = a.rotate_right(2) ^ a.rotate_right(13) ^ a.rotate_right(22);
            let maj = (a & b) ^ (a & c) ^ (b & c);
            let t2 = s0.wrapping_add(maj);
            hh = g;
            g = f;
            f = e;
            e = d.wrapping_add(t1);
            d = c;
            c = b;
            b = a;
            a = t1.wrapping_add(t2);
        }
        for (state, value) in h.iter_mut().zip([a, b, c, d, e, f, g, hh]) {
            *state = state.wrapping_add(value);
        }
    }
    h.iter().map(|word| format!("{word:08x}")).collect()
}

/// Writes the built-in demo kit (kit.json + 5 PNG posters + 1 GIF) into `dir`.
pub fn write_demo_kit(dir: &Path) -> PathBuf {
    std::fs::create_dir_all(dir).expect("create the demo kit folder");
    relais::kit::demo::write(dir, &mut Typesetter::new()).expect("the demo kit should write");
    dir.to_path_buf()
}

/// The demo poster used by the render tests: navy, 1080x1350.
pub const DEMO_POSTER: &str = "dimanche-on-vote.png";
/// The demo animation: 16 frames, 480x480.
pub const DEMO_GIF: &str = "a-vos-urnes.gif";

/// `relais` with HOME and XDG folders pointed into `home`, and no inherited data-dir or
/// log settings, so nothing can reach the real user's data folder.
pub fn relais(home: &Path) -> assert_cmd::Command {
    let mut command =
        assert_cmd::Command::cargo_bin("relais").expect("the relais binary is built for tests");
    command
        .env("HOME", home)
        .env("XDG_DATA_HOME", home.join("xdg-data"))
        .env("XDG_CONFIG_HOME", home.join("xdg-config"))
        .env_remove("RELAIS_DATA_DIR")
        .env_remove("RELAIS_LOG")
        // English unless a test asks for another language.
        .env_remove("LC_ALL")
        .env_remove("LC_MESSAGES")
        .env("LANG", "C.UTF-8");
    command
}

/// Names of the entries in `dir`, sorted; empty when the folder does not exist.
pub fn entries(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = match std::fs::read_dir(dir) {
        Ok(read) => read
            .map(|entry| {
                entry
                    .expect("read a folder entry")
                    .file_name()
                    .to_string_lossy()
                    .into_owned()
            })
            .collect(),
        Err(_) => Vec::new(),
    };
    names.sort();
    names
}

/// The font the tests ship in kits: a DejaVu Serif Bold subset (Latin, French
/// punctuation, Armenian), nothing like the bundled faces. Licence beside it.
pub fn test_font() -> Vec<u8> {
    std::fs::read(
        Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("tests/fixtures/fonts/DejaVuSerif-Bold-Relais.ttf"),
    )
    .expect("the test font is committed under tests/fixtures/fonts")
}

/// One of Relais's own fonts, Inter Bold (the `sans_bold` face), as a kit would ship it.
pub fn inter_bold() -> Vec<u8> {
    std::fs::read(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("src-tauri/render/fonts/Inter-Bold.otf"),
    )
    .expect("the bundled Inter Bold is in the repository")
}

/// A baseline JPEG whose scan is cut by garbage a quarter of the way in: the lenient
/// decoder draws the top quarter and paints the rest grey without a word.
pub fn corrupt_jpeg(width: u16, height: u16) -> Vec<u8> {
    let rgb: Vec<u8> = (0..u32::from(width) * u32::from(height))
        .flat_map(|i| [(i % 251) as u8, (i * 7 % 253) as u8, (i * 13 % 255) as u8])
        .collect();
    let mut jpeg = Vec::new();
    jpeg_encoder::Encoder::new(&mut jpeg, 90)
        .encode(&rgb, width, height, jpeg_encoder::ColorType::Rgb)
        .unwrap();
    let sos = jpeg
        .windows(2)
        .position(|pair| pair == [0xFF, 0xDA])
        .expect("a start-of-scan marker");
    let header = usize::from(u16::from_be_bytes([jpeg[sos + 2], jpeg[sos + 3]]));
    let scan = sos + 2 + header;
    let at = scan + (jpeg.len() - 2 - scan) / 4;
    for (offset, byte) in jpeg[at..at + 32].iter_mut().enumerate() {
        *byte = if offset % 2 == 0 {
            0xFF
        } else {
            (offset as u8).wrapping_mul(37)
        };
    }
    jpeg
}

/// Every byte of every file under `dir` (database, WAL, logs), searched for `secret`.
pub fn files_holding(dir: &Path, secret: &str) -> Vec<String> {
    let mut found = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(dir) = stack.pop() {
        for entry in std::fs::read_dir(&dir).into_iter().flatten().flatten() {
            let path = entry.path();
            if path.is_dir() {
                stack.push(path);
            } else if let Ok(bytes) = std::fs::read(&path) {
                if bytes.windows(secret.len()).any(|w| w == secret.as_bytes()) {
                    found.push(path.display().to_string());
                }
            }
        }
    }
    found
}
