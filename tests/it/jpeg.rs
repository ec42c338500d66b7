//! The JPEG coefficient path: captions on JPEGs without decoding the untouched blocks.
//! Its output is checked against the ordinary pixel path on the same inputs.

use proptest::prelude::*;
use relais::render::{
    decode_bytes, encode_still, remix_jpeg, Caption, Limits, OutputFormat, Picture, Remix,
    Typesetter, Zone,
};

use jpeg_encoder::{ColorType, Encoder, SamplingFactor};

/// Smooth gradients with texture, like a photo: what posters are made of.
fn photo_rgb(width: u32, height: u32) -> Vec<u8> {
    let mut out = Vec::with_capacity((width * height * 3) as usize);
    for y in 0..height {
        for x in 0..width {
            let n = ((x * 7919 + y * 104_729) % 23) as u8;
            out.push(((x * 255 / width) as u8).saturating_add(n));
            out.push(((y * 255 / height) as u8).saturating_add(n / 2));
            out.push((((x + y) * 127 / (width + height)) as u8 + 60).saturating_add(n));
        }
    }
    out
}

fn jpeg(
    width: u32,
    height: u32,
    sampling: SamplingFactor,
    setup: impl Fn(&mut Encoder<&mut Vec<u8>>),
) -> Vec<u8> {
    let mut out = Vec::new();
    let mut encoder = Encoder::new(&mut out, 90);
    encoder.set_sampling_factor(sampling);
    setup(&mut encoder);
    encoder
        .encode(
            &photo_rgb(width, height),
            width as u16,
            height as u16,
            ColorType::Rgb,
        )
        .expect("encodes");
    out
}

fn grey_jpeg(width: u32, height: u32) -> Vec<u8> {
    let rgb = photo_rgb(width, height);
    let luma: Vec<u8> = rgb.chunks(3).map(|p| p[0] / 2 + p[1] / 2).collect();
    let mut out = Vec::new();
    Encoder::new(&mut out, 90)
        .encode(&luma, width as u16, height as u16, ColorType::Luma)
        .expect("encodes");
    out
}

fn remix() -> Remix {
    let mut caption = Caption::new("Tous à la manif dimanche !\nOn lâche rien");
    caption.zone = Zone {
        x: 0.05,
        y: 0.55,
        width: 0.9,
        height: 0.4,
    };
    Remix::from(caption)
}

fn decode(bytes: &[u8]) -> Picture {
    decode_bytes(bytes, "out.jpg", &Limits::default())
        .expect("the output is a JPEG every decoder reads")
}

/// PSNR over RGB of the rows `rows`.
fn psnr(a: &Picture, b: &Picture, rows: std::ops::Range<u32>) -> f64 {
    let (a, b) = (a.first_frame(), b.first_frame());
    assert_eq!(a.dimensions(), b.dimensions());
    let (mut sum, mut count) = (0.0f64, 0u64);
    for y in rows {
        for x in 0..a.width() {
            let (pa, pb) = (a.get_pixel(x, y), b.get_pixel(x, y));
            for c in 0..3 {
                let d = f64::from(pa[c]) - f64::from(pb[c]);
                sum += d * d;
                count += 1;
            }
        }
    }
    10.0 * (255.0 * 255.0 / (sum / count as f64).max(1e-9)).log10()
}

/// What the pixel path makes of the same input: decode, composite, nothing else.
fn through_pixels(source: &[u8], typesetter: &mut Typesetter) -> Picture {
    typesetter.apply_remix(&decode(source), &remix())
}

fn check_against_pixels(source: &[u8], label: &str) {
    let mut typesetter = Typesetter::new();
    let out = remix_jpeg(&mut typesetter, source, &remix(), 90, &Limits::default()).unwrap_or_else(
        |reason| panic!("{label}: must take the coefficient path, refused: {reason}"),
    );
    let ours = decode(&out);
    let reference = through_pixels(source, &mut typesetter);
    let height = ours.first_frame().height();
    let above = psnr(&ours, &decode(source), 0..height / 2);
    assert!(
        above > 38.0,
        "{label}: above the caption the source must survive ({above:.1} dB)"
    );
    let caption = psnr(&ours, &reference, height / 2..height);
    assert!(
        caption > 30.0,
        "{label}: the caption must look as the pixel path draws it ({caption:.1} dB)"
    );
    assert_no_larger_than_pixel_path(&out, &reference, label);
}

fn assert_no_larger_than_pixel_path(out: &[u8], reference: &Picture, label: &str) {
    let pixel_path =
        encode_still(reference.first_frame(), OutputFormat::Jpeg { quality: 90 }).expect("encodes");
    assert!(
        out.len() <= pixel_path.len(),
        "{label}: {} bytes, the pixel path writes {}: tables fitted to the image must not cost more",
        out.len(),
        pixel_path.len()
    );
}

#[test]
fn a_caption_on_a_4_4_4_jpeg_matches_the_pixel_path_and_is_no_larger() {
    check_against_pixels(
        &jpeg(333, 217, SamplingFactor::F_1_1, |_| {}),
        "4:4:4 333x217",
    );
}

#[test]
fn a_caption_on_a_4_2_0_jpeg_matches_the_pixel_path_and_is_no_larger() {
    check_against_pixels(
        &jpeg(320, 240, SamplingFactor::F_2_2, |_| {}),
        "4:2:0 320x240",
    );
}

#[test]
fn a_jpeg_with_restart_markers_takes_the_coefficient_path() {
    let source = jpeg(301, 203, SamplingFactor::F_2_2, |encoder| {
        encoder.set_restart_interval(7)
    });
    check_against_pixels(&source, "4:2:0 with restarts");
}

#[test]
fn a_large_jpeg_whose_tables_come_from_a_sample_of_rows_decodes_whole_and_is_no_larger() {
    // Over 32,768 MCUs (8x8 for grey), so only one row in two is counted: every symbol
    // of the others must still have a code, or the file would decode to garbage.
    let (out, reference, whole) = grey_against_pixels(&grey_jpeg(1600, 1400));
    assert!(whole > 30.0, "the whole image must survive ({whole:.1} dB)");
    assert_no_larger_than_pixel_path(&out, &reference, "grey 1600x1400, sampled tables");
}

#[test]
fn a_grey_jpeg_stays_grey_with_its_caption() {
    let (_, _, whole) = grey_against_pixels(&grey_jpeg(250, 190));
    assert!(whole > 30.0, "grey with its caption: {whole:.1} dB");
}

/// A grey JPEG through the coefficient path: the file, the pixel path's picture, and
/// the PSNR between them over the whole image.
fn grey_against_pixels(source: &[u8]) -> (Vec<u8>, Picture, f64) {
    let mut typesetter = Typesetter::new();
    let out = remix_jpeg(&mut typesetter, source, &remix(), 90, &Limits::default())
        .expect("grey takes the coefficient path");
    let ours = decode(&out);
    let reference = through_pixels(source, &mut typesetter);
    let height = ours.first_frame().height();
    let whole = psnr(&ours, &reference, 0..height);
    (out, reference, whole)
}

#[test]
fn progressive_and_4_2_2_jpegs_are_left_to_the_pixel_path() {
    let mut typesetter = Typesetter::new();
    let progressive = jpeg(64, 48, SamplingFactor::F_2_2, |encoder| {
        encoder.set_progressive(true)
    });
    assert!(remix_jpeg(
        &mut typesetter,
        &progressive,
        &remix(),
        90,
        &Limits::default()
    )
    .is_err());
    let four_two_two = jpeg(64, 48, SamplingFactor::F_2_1, |_| {});
    assert!(remix_jpeg(
        &mut typesetter,
        &four_two_two,
        &remix(),
        90,
        &Limits::default()
    )
    .is_err());
}

#[test]
fn an_adobe_rgb_jpeg_is_left_to_the_pixel_path_so_its_colours_stay_right() {
    let mut typesetter = Typesetter::new();
    let source = jpeg(64, 48, SamplingFactor::F_1_1, |_| {});
    // APP14 "Adobe", version 100, flags 0 and 0, transform 0: components are R, G, B.
    let adobe = [
        0xFF, 0xEE, 0, 14, b'A', b'd', b'o', b'b', b'e', 0, 100, 0, 0, 0, 0, 0,
    ];
    let mut rgb = source[..2].to_vec();
    rgb.extend_from_slice(&adobe);
    rgb.extend_from_slice(&source[2..]);
    assert!(
        remix_jpeg(&mut typesetter, &source, &remix(), 90, &Limits::default()).is_ok(),
        "the same file without the Adobe segment takes the coefficient path"
    );
    assert!(
        remix_jpeg(&mut typesetter, &rgb, &remix(), 90, &Limits::default()).is_err(),
        "an RGB JPEG written back as YCbCr would change every colour"
    );
}

#[test]
fn a_lower_quality_requantizes_and_shrinks_the_file() {
    let source = jpeg(320, 240, SamplingFactor::F_2_2, |_| {});
    let mut typesetter = Typesetter::new();
    let high = remix_jpeg(&mut typesetter, &source, &remix(), 90, &Limits::default())
        .expect("coefficient path");
    let low = remix_jpeg(&mut typesetter, &source, &remix(), 50, &Limits::default())
        .expect("coefficient path");
    assert!(
        low.len() < high.len() * 3 / 4,
        "quality 50 must cost clearly less than 90: {} vs {}",
        low.len(),
        high.len()
    );
    assert!(psnr(&decode(&low), &decode(&source), 0..120) > 28.0);
}

#[test]
fn a_truncated_jpeg_is_refused_by_the_coefficient_path_not_half_written() {
    let source = jpeg(200, 160, SamplingFactor::F_2_2, |_| {});
    let mut typesetter = Typesetter::new();
    let cut = &source[..source.len() * 2 / 3];
    assert!(
        remix_jpeg(&mut typesetter, cut, &remix(), 90, &Limits::default()).is_err(),
        "a cut file must go to the pixel path, which reports it"
    );
}

#[test]
fn relais_render_writes_a_captioned_jpeg_from_a_jpeg() {
    let dir = tempfile::tempdir().expect("temp dir");
    let input = dir.path().join("poster.jpg");
    std::fs::write(&input, jpeg(400, 500, SamplingFactor::F_1_1, |_| {})).expect("write");
    let output = dir.path().join("out.jpg");
    let mut typesetter = Typesetter::new();
    let decoding = relais::render::render_file_as(
        &mut typesetter,
        &input,
        &remix(),
        &output,
        OutputFormat::Jpeg { quality: 90 },
        &Limits::default(),
    )
    .expect("renders");
    assert_eq!(
        decoding,
        relais::render::Decoding::Coefficients,
        "a baseline JPEG must keep its untouched blocks as coded"
    );
    let written = std::fs::read(&output).expect("written");
    let expected = remix_jpeg(
        &mut typesetter,
        &std::fs::read(&input).expect("read"),
        &remix(),
        90,
        &Limits::default(),
    )
    .expect("coefficient path");
    assert_eq!(
        written, expected,
        "render_file_as must take the coefficient path for a baseline JPEG"
    );
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(48))]
    #[test]
    fn a_mangled_jpeg_never_panics_the_coefficient_path(
        flips in proptest::collection::vec((0usize..4000, any::<u8>()), 1..6),
        cut in 0usize..4000,
    ) {
        let mut bytes = jpeg(48, 40, SamplingFactor::F_2_2, |encoder| encoder.set_restart_interval(2));
        for (at, value) in flips {
            let len = bytes.len();
            bytes[at % len] = value;
        }
        bytes.truncate(cut.max(2).min(bytes.len()));
        let mut typesetter = Typesetter::new();
        if let Ok(out) = remix_jpeg(&mut typesetter, &bytes, &remix(), 90, &Limits::default()) {
            // Whatever it accepted, it must have written a JPEG that decodes.
            prop_assert!(decode_bytes(&out, "out.jpg", &Limits::default()).is_ok());
        }
    }
}
