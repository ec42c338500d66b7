//! Encoding: GIF re-quantization and frame diffing, streaming long GIFs, still formats
//! without metadata, JPEG alpha flattening.

use std::process::Command;

use image::{Rgba, RgbaImage};
use relais::render::gif::{caption_animation_streaming, needs_streaming};
use relais::render::{
    decode_bytes, encode, encode_still, Error, Frame, Limits, OutputFormat, Picture, Repeat,
};

/// A photo-like animation: smooth colour gradients with soft texture, a soft-edged ball
/// moving across, and a slow global shimmer in one corner, like a real short clip.
pub fn photo_like_animation(width: u32, height: u32, frames: usize) -> Picture {
    let frames = (0..frames)
        .map(|index| {
            let t = index as f32;
            let cx = width as f32 * (0.2 + 0.6 * (t / 10.0).sin().abs());
            let cy = height as f32 * 0.4;
            let radius = width.min(height) as f32 * 0.15;
            let image = RgbaImage::from_fn(width, height, |x, y| {
                let (fx, fy) = (x as f32 / width as f32, y as f32 / height as f32);
                let texture = ((x as f32 * 0.31).sin() * (y as f32 * 0.23).cos()) * 6.0;
                let mut r = 40.0 + 170.0 * fx + texture;
                let mut g = 70.0 + 120.0 * fy + texture;
                let mut b = 150.0 + 80.0 * (1.0 - fx) * fy - texture;
                if fx > 0.8 && fy < 0.2 {
                    // Slowly changing light in the corner.
                    let light = 20.0 * (t / 6.0).sin();
                    r += light;
                    g += light;
                }
                let d = ((x as f32 - cx).powi(2) + (y as f32 - cy).powi(2)).sqrt();
                let ball = (1.0 - ((d - radius) / 3.0).clamp(0.0, 1.0)).clamp(0.0, 1.0);
                let shade = 1.0 - (d / radius).min(1.0) * 0.4;
                r = r * (1.0 - ball) + 235.0 * shade * ball;
                g = g * (1.0 - ball) + 180.0 * shade * ball;
                b = b * (1.0 - ball) + 40.0 * shade * ball;
                Rgba([
                    r.clamp(0.0, 255.0) as u8,
                    g.clamp(0.0, 255.0) as u8,
                    b.clamp(0.0, 255.0) as u8,
                    255,
                ])
            });
            Frame {
                image,
                delay_ms: [40, 60, 100][index % 3],
            }
        })
        .collect();
    Picture::Animation {
        frames,
        repeat: Repeat::Finite(3),
    }
}

/// A white band with a black border across the bottom fifth: stands in for a caption.
fn with_band(picture: &Picture) -> Picture {
    let Picture::Animation { frames, repeat } = picture else {
        unreachable!("an animation is expected")
    };
    let frames = frames
        .iter()
        .map(|frame| {
            let mut image = frame.image.clone();
            let (w, h) = image.dimensions();
            for y in h * 4 / 5..h {
                for x in 0..w {
                    let border = y < h * 4 / 5 + 3 || x < 3 || x >= w - 3;
                    image.put_pixel(
                        x,
                        y,
                        if border {
                            Rgba([0, 0, 0, 255])
                        } else {
                            Rgba([255, 255, 255, 255])
                        },
                    );
                }
            }
            Frame {
                image,
                delay_ms: frame.delay_ms,
            }
        })
        .collect();
    Picture::Animation {
        frames,
        repeat: *repeat,
    }
}

fn frames_of(picture: &Picture) -> &[Frame] {
    match picture {
        Picture::Animation { frames, .. } => frames,
        Picture::Still(_) => panic!("expected an animation, got a still"),
    }
}

/// Peak signal-to-noise ratio over the rows `rows` of every frame, RGB only.
fn psnr(a: &Picture, b: &Picture, rows: std::ops::Range<u32>) -> f64 {
    let (mut sum, mut count) = (0.0f64, 0u64);
    for (fa, fb) in frames_of(a).iter().zip(frames_of(b)) {
        for y in rows.clone() {
            for x in 0..fa.image.width() {
                let (pa, pb) = (fa.image.get_pixel(x, y), fb.image.get_pixel(x, y));
                for c in 0..3 {
                    let d = f64::from(pa[c]) - f64::from(pb[c]);
                    sum += d * d;
                    count += 1;
                }
            }
        }
    }
    let mse = sum / count as f64;
    10.0 * (255.0 * 255.0 / mse.max(1e-9)).log10()
}

#[test]
fn gif_output_keeps_frame_count_delays_and_loop_count() {
    let source = photo_like_animation(96, 64, 7);
    let bytes = encode(&source, OutputFormat::Gif).unwrap();
    let back = decode_bytes(&bytes, "out.gif", &Limits::default()).unwrap();
    let Picture::Animation { frames, repeat } = &back else {
        panic!("the GIF came back as a still")
    };
    assert_eq!(
        frames.len(),
        7,
        "every frame must survive, even unchanged ones"
    );
    assert_eq!(
        frames.iter().map(|f| f.delay_ms).collect::<Vec<_>>(),
        frames_of(&source)
            .iter()
            .map(|f| f.delay_ms)
            .collect::<Vec<_>>(),
        "per-frame delays must be kept"
    );
    assert_eq!(*repeat, Repeat::Finite(3), "the loop count must be kept");
}

#[test]
fn gif_caption_free_regions_stay_close_to_the_source() {
    let source = with_band(&photo_like_animation(160, 120, 12));
    let bytes = encode(&source, OutputFormat::Gif).unwrap();
    let back = decode_bytes(&bytes, "out.gif", &Limits::default()).unwrap();
    let above_caption = psnr(&source, &back, 0..96);
    assert!(
        above_caption > 30.0,
        "re-quantized frames must stay faithful to the source above the caption: {above_caption:.1} dB"
    );
    let caption = psnr(&source, &back, 100..117);
    assert!(
        caption > 40.0,
        "the flat caption colours must be exact or nearly: {caption:.1} dB"
    );
}

#[test]
fn gif_frames_after_the_first_are_cropped_to_what_changed() {
    // Only the ball moves: a frame-diffing encoder writes far less than frames x pixels.
    let source = photo_like_animation(200, 150, 10);
    let bytes = encode(&source, OutputFormat::Gif).unwrap();
    let first_only = encode_still(source.first_frame(), OutputFormat::Gif).unwrap();
    assert!(
        bytes.len() < first_only.len() * 4,
        "10 frames took {} bytes, one frame alone {}: unchanged areas are being re-sent",
        bytes.len(),
        first_only.len()
    );
    let mut decoder = gif::DecodeOptions::new()
        .read_info(bytes.as_slice())
        .unwrap();
    let mut sizes = Vec::new();
    while let Some(frame) = decoder.read_next_frame().unwrap() {
        sizes.push((frame.width, frame.height, frame.dispose));
    }
    assert_eq!(sizes[0].0, 200, "the first frame is the whole canvas");
    assert!(
        sizes[1..]
            .iter()
            .all(|(w, h, _)| u32::from(*w) * u32::from(*h) < 200 * 150),
        "later frames must be sub-rectangles: {sizes:?}"
    );
}

#[test]
fn gif_is_no_larger_than_imagemagick_layers_optimize() {
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("in.gif");
    let optimized = dir.path().join("im.gif");
    // The input as a typical tool writes it: full frames, a local palette each.
    let source = photo_like_animation(240, 180, 16);
    {
        let file = std::fs::File::create(&input).unwrap();
        let mut encoder = image::codecs::gif::GifEncoder::new_with_speed(file, 10);
        encoder
            .set_repeat(image::codecs::gif::Repeat::Infinite)
            .unwrap();
        for frame in frames_of(&source) {
            encoder
                .encode_frame(image::Frame::from_parts(
                    frame.image.clone(),
                    0,
                    0,
                    image::Delay::from_numer_denom_ms(frame.delay_ms, 1),
                ))
                .unwrap();
        }
    }
    let status = Command::new("convert")
        .arg(&input)
        .args(["-layers", "Optimize"])
        .arg(&optimized)
        .status()
        .expect("ImageMagick's `convert` must be installed (./x installs it from Debian)");
    assert!(status.success(), "convert failed on the test GIF");
    let imagemagick = std::fs::metadata(&optimized).unwrap().len();
    let decoded = decode_bytes(
        &std::fs::read(&input).unwrap(),
        "in.gif",
        &Limits::default(),
    )
    .unwrap();
    let ours = encode(&decoded, OutputFormat::Gif).unwrap().len() as u64;
    assert!(
        ours <= imagemagick,
        "Relais wrote {ours} bytes, ImageMagick -layers Optimize {imagemagick}"
    );
}

/// A GIF built frame by frame with explicit disposal, to check what the decoder shows.
fn hand_made_gif() -> Vec<u8> {
    let palette = [255, 0, 0, 0, 0, 255, 0, 255, 0, 0, 0, 0];
    let mut out = Vec::new();
    {
        let mut encoder = gif::Encoder::new(&mut out, 4, 4, &palette).unwrap();
        let frame = |left, top, w, h, buffer: Vec<u8>, dispose| gif::Frame {
            left,
            top,
            width: w,
            height: h,
            buffer: buffer.into(),
            dispose,
            transparent: Some(3),
            delay: 5,
            ..gif::Frame::default()
        };
        // Red background, kept.
        encoder
            .write_frame(&frame(0, 0, 4, 4, vec![0; 16], gif::DisposalMethod::Keep))
            .unwrap();
        // Blue square top-left, then restored to what was there before (red).
        encoder
            .write_frame(&frame(
                0,
                0,
                2,
                2,
                vec![1; 4],
                gif::DisposalMethod::Previous,
            ))
            .unwrap();
        // Green pixel bottom-right with a transparent neighbour showing through.
        encoder
            .write_frame(&frame(
                2,
                3,
                2,
                1,
                vec![3, 2],
                gif::DisposalMethod::Background,
            ))
            .unwrap();
        // After "restore to background" the green pixel's rectangle becomes transparent.
        encoder
            .write_frame(&frame(0, 0, 1, 1, vec![1], gif::DisposalMethod::Keep))
            .unwrap();
    }
    out
}

#[test]
fn decoding_applies_restore_to_previous_background_and_transparency() {
    let picture = decode_bytes(&hand_made_gif(), "hand.gif", &Limits::default()).unwrap();
    let frames = frames_of(&picture);
    let red = Rgba([255, 0, 0, 255]);
    assert_eq!(
        *frames[1].image.get_pixel(0, 0),
        Rgba([0, 0, 255, 255]),
        "frame 2 shows the blue square"
    );
    assert_eq!(
        *frames[2].image.get_pixel(0, 0),
        red,
        "restore-to-previous removes the blue square"
    );
    assert_eq!(
        *frames[2].image.get_pixel(2, 3),
        red,
        "a transparent pixel shows what was there"
    );
    assert_eq!(*frames[2].image.get_pixel(3, 3), Rgba([0, 255, 0, 255]));
    assert_eq!(
        frames[3].image.get_pixel(3, 3)[3],
        0,
        "restore-to-background clears the frame's rectangle"
    );
    assert_eq!(
        *frames[3].image.get_pixel(1, 1),
        red,
        "outside that rectangle nothing is cleared"
    );

    // Re-encoding keeps exactly what is shown, transparency included.
    let again = decode_bytes(
        &encode(&picture, OutputFormat::Gif).unwrap(),
        "again.gif",
        &Limits::default(),
    )
    .unwrap();
    for (a, b) in frames.iter().zip(frames_of(&again)) {
        for (pa, pb) in a.image.pixels().zip(b.image.pixels()) {
            if pa[3] == 0 {
                assert_eq!(pb[3], 0, "transparent pixels stay transparent");
            } else {
                assert_eq!(pa, pb, "flat colours survive re-encoding exactly");
            }
        }
    }
}

fn gif_bytes(picture: &Picture) -> Vec<u8> {
    encode(picture, OutputFormat::Gif).unwrap()
}

#[test]
fn a_gif_too_long_to_decode_at_once_is_captioned_frame_by_frame() {
    let source = photo_like_animation(64, 48, 30);
    let bytes = gif_bytes(&source);
    let frame_bytes = 64 * 48 * 4;
    let limits = Limits {
        max_animation_bytes: frame_bytes * 10,
        ..Limits::default()
    };
    assert!(
        matches!(
            decode_bytes(&bytes, "long.gif", &limits),
            Err(Error::AnimationTooLong { .. })
        ),
        "30 frames do not fit a 10-frame budget decoded at once"
    );
    assert!(needs_streaming(&bytes, "long.gif", &limits).unwrap());

    let white_band = |frame: &mut RgbaImage| {
        for y in 40..48 {
            for x in 0..64 {
                frame.put_pixel(x, y, Rgba([255, 255, 255, 255]));
            }
        }
    };
    let out = caption_animation_streaming(&bytes, "long.gif", white_band, &limits).unwrap();
    let back = decode_bytes(&out, "out.gif", &Limits::default()).unwrap();
    let frames = frames_of(&back);
    assert_eq!(frames.len(), 30, "no frame lost while streaming");
    assert!(
        frames
            .iter()
            .all(|f| *f.image.get_pixel(10, 44) == Rgba([255, 255, 255, 255])),
        "the caption layer is composited onto every frame"
    );
    assert_eq!(
        frames.iter().map(|f| f.delay_ms).collect::<Vec<_>>(),
        frames_of(&source)
            .iter()
            .map(|f| f.delay_ms)
            .collect::<Vec<_>>()
    );
}

#[test]
fn streaming_refuses_with_a_clear_error_when_even_one_frame_is_over_budget() {
    let bytes = gif_bytes(&photo_like_animation(64, 48, 3));
    let limits = Limits {
        max_animation_bytes: 64 * 48 * 4,
        ..Limits::default()
    };
    let error = caption_animation_streaming(&bytes, "huge.gif", |_| {}, &limits).unwrap_err();
    let message = error.to_string();
    assert!(matches!(error, Error::OverBudget { .. }), "{message}");
    assert!(
        message.contains("huge.gif") && message.contains("smaller"),
        "the message names the file and what to do: {message}"
    );

    let few_frames = Limits {
        max_frames: 2,
        ..Limits::default()
    };
    assert!(matches!(
        caption_animation_streaming(&bytes, "huge.gif", |_| {}, &few_frames),
        Err(Error::AnimationTooLong { .. })
    ));
}

#[test]
fn jpeg_flattens_transparency_onto_white() {
    let image = RgbaImage::from_fn(32, 16, |x, _| {
        if x < 16 {
            Rgba([255, 0, 0, 0]) // invisible red must not show
        } else {
            Rgba([0, 0, 0, 128]) // half-transparent black: mid grey on white
        }
    });
    let jpeg = encode_still(&image, OutputFormat::Jpeg { quality: 95 }).unwrap();
    let back = decode_bytes(&jpeg, "flat.jpg", &Limits::default()).unwrap();
    let flat = back.first_frame();
    let left = flat.get_pixel(8, 8);
    let right = flat.get_pixel(24, 8);
    assert!(
        left.0[..3].iter().all(|&c| c > 245),
        "fully transparent turns white, got {left:?}"
    );
    assert!(
        right.0[..3].iter().all(|&c| (120..=135).contains(&c)),
        "50% black on white is grey, got {right:?}"
    );
}

/// A JPEG with an EXIF segment (camera, GPS-like text) right after SOI.
fn jpeg_with_exif() -> Vec<u8> {
    let image = RgbaImage::from_pixel(40, 30, Rgba([90, 120, 200, 255]));
    let plain = encode_still(&image, OutputFormat::Jpeg { quality: 90 }).unwrap();
    let mut payload = b"Exif\0\0MM\0*\0\0\0\x08SECRET-GPS-48.85N".to_vec();
    payload.resize(64, 0);
    let mut out = plain[..2].to_vec();
    out.extend_from_slice(&[0xFF, 0xE1]);
    out.extend_from_slice(&((payload.len() + 2) as u16).to_be_bytes());
    out.extend_from_slice(&payload);
    out.extend_from_slice(&plain[2..]);
    out
}

fn jpeg_markers(bytes: &[u8]) -> Vec<u8> {
    let mut markers = Vec::new();
    let mut at = 2;
    while at + 4 <= bytes.len() && bytes[at] == 0xFF {
        let marker = bytes[at + 1];
        markers.push(marker);
        if marker == 0xDA {
            break;
        }
        let length = usize::from(u16::from_be_bytes([bytes[at + 2], bytes[at + 3]]));
        at += 2 + length;
    }
    markers
}

fn png_chunks(bytes: &[u8]) -> Vec<String> {
    let mut chunks = Vec::new();
    let mut at = 8;
    while at + 8 <= bytes.len() {
        let length = u32::from_be_bytes(bytes[at..at + 4].try_into().unwrap()) as usize;
        chunks.push(String::from_utf8_lossy(&bytes[at + 4..at + 8]).into_owned());
        at += 12 + length;
    }
    chunks
}

#[test]
fn exports_carry_no_exif_or_other_metadata() {
    let source = jpeg_with_exif();
    assert!(
        jpeg_markers(&source).contains(&0xE1),
        "the test input really has EXIF"
    );
    let picture = decode_bytes(&source, "camera.jpg", &Limits::default()).unwrap();
    for format in [
        OutputFormat::Png,
        OutputFormat::Jpeg { quality: 90 },
        OutputFormat::Gif,
        OutputFormat::WebP,
    ] {
        let out = encode(&picture, format).unwrap();
        assert!(
            !out.windows(4).any(|w| w == b"Exif") && !out.windows(6).any(|w| w == b"SECRET"),
            "{} output still carries the EXIF block",
            format.name()
        );
        match format {
            OutputFormat::Png => assert_eq!(
                png_chunks(&out),
                ["IHDR", "IDAT", "IEND"],
                "no text, time, ICC or EXIF chunk"
            ),
            OutputFormat::Jpeg { .. } => {
                let markers = jpeg_markers(&out);
                assert!(
                    markers
                        .iter()
                        .all(|m| !(0xE1..=0xEF).contains(m) && *m != 0xFE),
                    "JPEG may only carry JFIF (APP0), no APP1-15 or comment: {markers:x?}"
                );
            }
            OutputFormat::WebP => {
                assert!(
                    !out.windows(4)
                        .any(|w| w == b"EXIF" || w == b"ICCP" || w == b"XMP "),
                    "no WebP metadata chunk"
                );
            }
            OutputFormat::Gif => {
                // Application extensions other than the loop count, or comments, would be metadata.
                assert!(
                    !out.windows(2).any(|w| w == [0x21, 0xFE]),
                    "no GIF comment extension"
                );
            }
        }
    }
}

#[test]
fn png_written_in_two_strips_is_lossless_and_read_back_exactly_by_libpng() {
    let dir = tempfile::tempdir().unwrap();
    for alpha in [false, true] {
        let image = RgbaImage::from_fn(301, 257, |x, y| {
            let n = ((x * 7919 + y * 104_729) % 29) as u8;
            let a = if alpha { ((x + y) % 256) as u8 } else { 255 };
            Rgba([(x % 256) as u8 ^ n, (y % 256) as u8, n.wrapping_mul(9), a])
        });
        let png = encode_still(&image, OutputFormat::Png).unwrap();
        let back = decode_bytes(&png, "out.png", &Limits::default()).unwrap();
        assert_eq!(
            back.first_frame(),
            &image,
            "PNG must be lossless (alpha {alpha})"
        );
        // libpng checks every CRC and the zlib checksum the strips are joined under.
        let path = dir.path().join(format!("out-{alpha}.png"));
        std::fs::write(&path, &png).unwrap();
        let raw = Command::new("convert")
            .arg(&path)
            .arg("-depth")
            .arg("8")
            .arg("rgba:-")
            .output()
            .expect("ImageMagick is installed for the tests");
        assert!(
            raw.status.success(),
            "libpng refused the file: {}",
            String::from_utf8_lossy(&raw.stderr)
        );
        assert_eq!(
            raw.stdout,
            image.as_raw().as_slice(),
            "libpng reads other pixels (alpha {alpha})"
        );
    }
}
