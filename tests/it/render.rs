//! The renderer as a library: layout, rasterization, decoding limits and encoding.

use image::RgbaImage;
use std::path::Path;

use relais::render::{
    decode_bytes, decode_file, encode, encode_still, Caption, Error, Face, Frame, Limits,
    OutputFormat, Picture, Repeat, Style, Typesetter, Zone,
};
use tempfile::TempDir;

use crate::support::{self, png, Pixels};

const POSTER_W: u32 = 1080;
const POSTER_H: u32 = 1350;

const LONG_TEXT: &str =
    "Dimanche, tout le monde aux urnes : on se retrouve devant la mairie à dix heures, \
     et on n'oublie pas sa carte d'électeur ni sa pièce d'identité !";

fn grey(width: u32, height: u32) -> Picture {
    support::picture(&png(width, height, |_, _| [128, 128, 128, 255]))
}

#[test]
fn a_long_caption_shrinks_to_fit_its_zone_in_at_most_max_lines_lines() {
    let mut typesetter = Typesetter::new();
    let short = typesetter.layout(&Caption::new("Vote"), POSTER_W, POSTER_H);
    let long_caption = Caption::new(LONG_TEXT);
    let long = typesetter.layout(&long_caption, POSTER_W, POSTER_H);

    assert!(
        short.fits && long.fits,
        "both captions should fit the default bottom band"
    );
    assert!(
        long.font_size < short.font_size,
        "a long caption should be set smaller ({}) than a one-word caption ({})",
        long.font_size,
        short.font_size
    );
    assert!(
        short.font_size <= Style::default().max_size * POSTER_H as f32 + 0.01,
        "a short caption should never exceed the style's maximum size"
    );
    assert!(
        (1..=long_caption.style.max_lines as usize).contains(&long.line_count()),
        "the long caption should use between 1 and max_lines ({}) lines, used {}",
        long_caption.style.max_lines,
        long.line_count()
    );

    // Check the promise on pixels too: every bit of ink stays in (or within an outline's
    // reach of) the zone.
    let layer = Pixels::of(&Picture::Still(typesetter.layer(&long, POSTER_W, POSTER_H)));
    let (x0, y0, x1, y1) = layer
        .ink_bounds()
        .expect("a laid-out caption should draw some ink");
    let zone = Zone::BOTTOM_BAND;
    let slack = long.font_size * 0.35;
    let (zx0, zy0) = (
        zone.x * POSTER_W as f32 - slack,
        zone.y * POSTER_H as f32 - slack,
    );
    let (zx1, zy1) = (
        (zone.x + zone.width) * POSTER_W as f32 + slack,
        (zone.y + zone.height) * POSTER_H as f32 + slack,
    );
    assert!(
        x0 as f32 >= zx0 && y0 as f32 >= zy0 && x1 as f32 <= zx1 && y1 as f32 <= zy1,
        "the ink ({x0},{y0})-({x1},{y1}) should stay inside the zone ({zx0},{zy0})-({zx1},{zy1})"
    );
}

#[test]
fn fewer_allowed_lines_force_a_smaller_font_for_the_same_text() {
    let mut typesetter = Typesetter::new();
    let mut caption = Caption::new(LONG_TEXT);
    caption.style.max_lines = 3;
    let three = typesetter.layout(&caption, POSTER_W, POSTER_H);
    caption.style.max_lines = 1;
    let one = typesetter.layout(&caption, POSTER_W, POSTER_H);
    assert!(
        one.line_count() <= 1,
        "max_lines = 1 should give a single line, got {}",
        one.line_count()
    );
    assert!(
        one.font_size < three.font_size,
        "squeezing the text onto one line ({}) should need a smaller font than three lines ({})",
        one.font_size,
        three.font_size
    );
}

#[test]
fn a_caption_too_long_for_any_size_is_reported_as_not_fitting() {
    let mut typesetter = Typesetter::new();
    let text = LONG_TEXT.repeat(40);
    let layout = typesetter.layout(&Caption::new(text), 400, 300);
    assert!(
        !layout.fits,
        "a caption of several thousand characters cannot fit a 400x300 band and must say so"
    );
}

#[test]
fn line_breaks_are_identical_at_preview_and_full_size() {
    let mut typesetter = Typesetter::new();
    let caption = Caption::new(LONG_TEXT);
    let layout = typesetter.layout(&caption, POSTER_W, POSTER_H);
    assert!(
        layout.line_count() > 1,
        "the test needs a caption that wraps, got {} line(s)",
        layout.line_count()
    );

    // One layout drawn at two sizes: the half-size ink must be the full-size ink halved.
    let full = Pixels::of(&Picture::Still(
        typesetter.layer(&layout, POSTER_W, POSTER_H),
    ));
    let half = Pixels::of(&Picture::Still(typesetter.layer(
        &layout,
        POSTER_W / 2,
        POSTER_H / 2,
    )));
    let full_box = full
        .ink_bounds()
        .expect("the full-size layer should have ink");
    let half_box = half
        .ink_bounds()
        .expect("the half-size layer should have ink");
    let doubled = [
        half_box.0 * 2,
        half_box.1 * 2,
        half_box.2 * 2,
        half_box.3 * 2,
    ];
    let expected = [full_box.0, full_box.1, full_box.2, full_box.3];
    for (got, want) in doubled.iter().zip(expected) {
        assert!(
            got.abs_diff(want) <= 6,
            "the half-size preview's ink box x2 {doubled:?} should match the full-size ink box {expected:?}"
        );
    }

    // The editor's own path: its half-size preview must show the export's lines, so the
    // preview's ink, measured in the picture, is the export's ink halved.
    let remix = Remix::from(caption.clone());
    let mut exported = RgbaImage::new(POSTER_W, POSTER_H);
    typesetter.draw_remix_onto(&mut exported, &remix, POSTER_W, POSTER_H);
    let mut previewed = RgbaImage::new(POSTER_W / 2, POSTER_H / 2);
    Typesetter::new().draw_remix_preview(&mut previewed, &remix, POSTER_W, POSTER_H);
    let (export_ink, preview_ink) = (strong_ink(&exported), strong_ink(&previewed));
    assert!(
        same_ink_box(export_ink, preview_ink, previewed.dimensions(), 2.5),
        "the half-size preview's ink {preview_ink:?} should be the export's ink {export_ink:?}, relative to each picture"
    );
}

/// The box of clearly drawn pixels (alpha over a quarter), relative to the picture, so
/// pictures of different sizes compare; faint antialiasing at the edges is left out.
fn strong_ink(image: &RgbaImage) -> Option<[f32; 4]> {
    let (w, h) = image.dimensions();
    let mut bounds: Option<[u32; 4]> = None;
    for (x, y, pixel) in image.enumerate_pixels() {
        if pixel[3] > 64 {
            bounds = Some(match bounds {
                None => [x, y, x + 1, y + 1],
                Some([l, t, r, b]) => [l.min(x), t.min(y), r.max(x + 1), b.max(y + 1)],
            });
        }
    }
    bounds.map(|[l, t, r, b]| {
        [
            l as f32 / w as f32,
            t as f32 / h as f32,
            r as f32 / w as f32,
            b as f32 / h as f32,
        ]
    })
}

/// Whether two relative ink boxes agree within `pixels` pixels of the smaller picture.
fn same_ink_box(a: Option<[f32; 4]>, b: Option<[f32; 4]>, (w, h): (u32, u32), pixels: f32) -> bool {
    match (a, b) {
        (None, None) => true,
        (Some(a), Some(b)) => a.iter().zip(b).enumerate().all(|(i, (a, b))| {
            let size = if i % 2 == 0 { w } else { h } as f32;
            (a - b).abs() * size <= pixels
        }),
        _ => false,
    }
}

#[test]
fn line_starts_are_offsets_into_the_whole_text_even_after_a_hard_line_break() {
    let mut typesetter = Typesetter::new();
    let text = "ON VOTE\nDIMANCHE";
    let layout = typesetter.layout(&Caption::new(text), POSTER_W, POSTER_H);
    assert_eq!(
        layout.line_count(),
        2,
        "a short caption with one newline should be laid out on two lines"
    );
    assert_eq!(
        layout.line_starts,
        vec![0, text.find("DIMANCHE").unwrap()],
        "line_starts is documented as byte offsets in the text where each visual line starts"
    );
}

#[test]
fn an_empty_or_blank_caption_changes_no_pixel() {
    let mut typesetter = Typesetter::new();
    let source = support::picture(&png(200, 250, |x, y| {
        [(x % 256) as u8, (y % 256) as u8, 90, 255]
    }));
    for text in ["", "   "] {
        let out = typesetter.apply(&source, &Caption::new(text));
        assert_eq!(
            Pixels::of(&out),
            Pixels::of(&source),
            "caption {text:?} should leave every pixel as it was"
        );
    }
}

#[test]
fn the_bundled_faces_and_the_emoji_font_all_load() {
    let typesetter = Typesetter::new();
    let families = typesetter.face_families();
    for family in families {
        assert!(
            !family.is_empty(),
            "every bundled face should load and report a family, got {families:?}"
        );
    }
    assert_ne!(
        families[0], families[1],
        "the poster face and the sans face should be different fonts"
    );
    assert!(
        typesetter.has_emoji_font(),
        "the bundled colour emoji font should load"
    );
}

#[test]
fn the_three_faces_draw_different_glyphs() {
    let mut typesetter = Typesetter::new();
    let source = grey(600, 400);
    let mut drawn = Vec::new();
    for face in [Face::Poster, Face::Sans, Face::SansBold] {
        let mut caption = Caption::new("Ensemble on vote");
        caption.style.face = face;
        drawn.push(Pixels::of(&typesetter.apply(&source, &caption)));
    }
    assert_ne!(drawn[0], drawn[1], "Poster and Sans should look different");
    assert_ne!(
        drawn[1], drawn[2],
        "Sans and SansBold should look different (the bold weight must be used)"
    );
}

#[test]
fn an_emoji_only_caption_puts_coloured_pixels_in_the_band() {
    let mut typesetter = Typesetter::new();
    let source = grey(600, 600);
    let out = Pixels::of(&typesetter.apply(&source, &Caption::new("🎉❤️")));
    let band = out.rows(0.74, 0.94);
    let coloured = band
        .flat_map(|y| (0..out.width).map(move |x| (x, y)))
        .filter(|&(x, y)| {
            let [r, g, b, _] = out.pixel(x, y);
            r.max(g).max(b) - r.min(g).min(b) > 80
        })
        .count();
    assert!(
        coloured > 100,
        "a colour emoji caption on a grey image should leave saturated pixels in the band, found {coloured}"
    );
}

#[test]
fn jpeg_export_flattens_transparency_on_white_not_black() {
    // Left half fully transparent (black underneath), right half opaque blue.
    let source = support::picture(&png(64, 64, |x, _| {
        if x < 32 {
            [0, 0, 0, 0]
        } else {
            [20, 40, 200, 255]
        }
    }));
    let jpeg = encode_still(source.first_frame(), OutputFormat::Jpeg { quality: 90 })
        .expect("JPEG encoding");
    let back = Pixels::of(
        &decode_bytes(&jpeg, "flat.jpg", &Limits::default()).expect("our JPEG should decode"),
    );
    let [r, g, b, _] = back.pixel(8, 32);
    assert!(
        r > 240 && g > 240 && b > 240,
        "transparent pixels should come out white in a JPEG, got {:?}",
        [r, g, b]
    );
    let [r, g, b, _] = back.pixel(56, 32);
    assert!(
        b > 150 && r < 80,
        "opaque pixels should keep their colour in a JPEG, got {:?}",
        [r, g, b]
    );
}

#[test]
fn output_format_follows_the_extension_case_insensitively() {
    let accepted = [
        ("a.png", OutputFormat::Png),
        ("a.PNG", OutputFormat::Png),
        (
            "a.jpg",
            OutputFormat::Jpeg {
                quality: OutputFormat::DEFAULT_JPEG_QUALITY,
            },
        ),
        (
            "dir/a.JPEG",
            OutputFormat::Jpeg {
                quality: OutputFormat::DEFAULT_JPEG_QUALITY,
            },
        ),
        ("a.Gif", OutputFormat::Gif),
        ("a.webp", OutputFormat::WebP),
        ("a.WEBP", OutputFormat::WebP),
    ];
    for (name, format) in accepted {
        assert_eq!(
            OutputFormat::from_path(Path::new(name)).ok(),
            Some(format),
            "{name} should be accepted"
        );
    }
    for name in ["a.bmp", "a.tiff", "a", "a.png.txt", ".png", "a.jpg "] {
        assert!(
            matches!(
                OutputFormat::from_path(Path::new(name)),
                Err(Error::UnsupportedOutput { .. })
            ),
            "{name:?} should be refused as an unsupported output"
        );
    }
}

#[test]
fn decode_refuses_an_image_over_a_custom_pixel_budget() {
    let bytes = png(20, 20, |_, _| [1, 2, 3, 255]);
    let tight = Limits {
        max_pixels: 399,
        ..Limits::default()
    };
    match decode_bytes(&bytes, "vingt.png", &tight) {
        Err(Error::TooLarge {
            name,
            width,
            height,
            max_pixels,
        }) => {
            assert_eq!(
                (name.as_str(), width, height, max_pixels),
                ("vingt.png", 20, 20, 399)
            );
        }
        other => panic!("400 pixels over a 399-pixel budget should be TooLarge, got {other:?}"),
    }
    let exact = Limits {
        max_pixels: 400,
        ..Limits::default()
    };
    assert!(
        decode_bytes(&bytes, "vingt.png", &exact).is_ok(),
        "an image exactly at the budget should decode"
    );
}

#[test]
fn decode_file_refuses_a_file_over_the_byte_budget() {
    let dir = TempDir::new().unwrap();
    let path = dir.path().join("gros.png");
    let bytes = png(16, 16, |_, _| [9, 9, 9, 255]);
    std::fs::write(&path, &bytes).unwrap();
    let tight = Limits {
        max_file_bytes: bytes.len() as u64 - 1,
        ..Limits::default()
    };
    assert!(
        matches!(decode_file(&path, &tight), Err(Error::FileTooLarge { ref name, .. }) if name == "gros.png"),
        "a file one byte over max_file_bytes should be refused by size"
    );
    let exact = Limits {
        max_file_bytes: bytes.len() as u64,
        ..Limits::default()
    };
    assert!(
        decode_file(&path, &exact).is_ok(),
        "a file exactly at max_file_bytes should decode"
    );
}

/// A three-frame animation with distinct colours and timings.
fn animation(repeat: Repeat) -> Picture {
    let colours = [[200, 30, 30, 255], [30, 200, 30, 255], [30, 30, 200, 255]];
    let delays = [50, 120, 700];
    let frames = colours
        .iter()
        .zip(delays)
        .map(|(colour, delay_ms)| {
            let colour = *colour;
            let Picture::Still(image) = support::picture(&png(160, 120, move |_, _| colour)) else {
                unreachable!("a PNG decodes to a still")
            };
            Frame { image, delay_ms }
        })
        .collect();
    Picture::Animation { frames, repeat }
}

fn timing(picture: &Picture) -> (usize, Vec<u32>, Option<Repeat>) {
    match picture {
        Picture::Animation { frames, repeat } => (
            frames.len(),
            frames.iter().map(|frame| frame.delay_ms).collect(),
            Some(*repeat),
        ),
        Picture::Still(_) => (1, Vec::new(), None),
    }
}

#[test]
fn gif_frame_count_delays_and_loop_count_survive_a_render_round_trip() {
    let mut typesetter = Typesetter::new();
    let limits = Limits::default();
    let source = decode_bytes(
        &encode(&animation(Repeat::Finite(3)), OutputFormat::Gif).unwrap(),
        "in.gif",
        &limits,
    )
    .expect("our own GIF should decode");
    assert_eq!(
        timing(&source),
        (3, vec![50, 120, 700], Some(Repeat::Finite(3))),
        "the source GIF should decode with the timing it was written with"
    );

    let captioned = typesetter.apply(&source, &Caption::new("J'y vais !"));
    let gif = encode(&captioned, OutputFormat::Gif).expect("GIF encoding");
    let back = decode_bytes(&gif, "out.gif", &limits).expect("the rendered GIF should decode");
    assert_eq!(
        timing(&back),
        timing(&source),
        "frames, delays and loop count should survive rendering"
    );

    if let (Picture::Animation { frames: before, .. }, Picture::Animation { frames: after, .. }) =
        (&source, &back)
    {
        for (index, (b, a)) in before.iter().zip(after).enumerate() {
            let (b, a) = (
                Pixels::of(&Picture::Still(b.image.clone())),
                Pixels::of(&Picture::Still(a.image.clone())),
            );
            assert!(
                a.mean_abs_diff(&b, a.rows(0.74, 0.94)) > 5.0,
                "frame {index} should carry the caption in its band"
            );
            assert!(
                a.mean_abs_diff(&b, a.rows(0.0, 0.6)) < 3.0,
                "frame {index} should be unchanged above the band"
            );
        }
    }
}

#[test]
fn an_animation_over_the_frame_budget_is_refused() {
    let gif = encode(&animation(Repeat::Infinite), OutputFormat::Gif).unwrap();
    let tight = Limits {
        max_frames: 2,
        ..Limits::default()
    };
    assert!(
        matches!(
            decode_bytes(&gif, "long.gif", &tight),
            Err(Error::AnimationTooLong { max_frames: 2, .. })
        ),
        "a three-frame GIF should be refused when only two frames are allowed"
    );
}

#[test]
fn still_formats_keep_only_the_first_frame_of_an_animation() {
    let source = animation(Repeat::Infinite);
    for format in [OutputFormat::Png, OutputFormat::WebP] {
        let bytes = encode(&source, format).expect("encoding an animation as a still format");
        let back =
            decode_bytes(&bytes, "still", &Limits::default()).expect("the still should decode");
        assert!(
            !back.is_animated(),
            "{} output of an animation should be a still",
            format.name()
        );
        assert_eq!(
            Pixels::of(&back),
            Pixels::of(&source),
            "{} is lossless, so the still should be exactly the first frame",
            format.name()
        );
    }
}

/// A GIF whose 1x1 logical screen is fine but whose single frame claims 65535x65535.
fn gif_with_an_oversized_frame() -> Vec<u8> {
    let mut gif = b"GIF89a".to_vec();
    gif.extend_from_slice(&[1, 0, 1, 0, 0x00, 0, 0]); // 1x1 screen, no global palette
    gif.push(0x2C); // image descriptor
    gif.extend_from_slice(&[0, 0, 0, 0, 0xFF, 0xFF, 0xFF, 0xFF, 0x80]); // 65535x65535, local palette of 2
    gif.extend_from_slice(&[0, 0, 0, 255, 255, 255]);
    gif.extend_from_slice(&[2, 1, 0x2C, 0]); // LZW: clear code then end code
    gif.push(0x3B);
    gif
}

#[test]
fn a_gif_frame_larger_than_its_screen_is_refused_with_an_honest_message() {
    let error = decode_bytes(
        &gif_with_an_oversized_frame(),
        "cadre.gif",
        &Limits::default(),
    )
    .expect_err("a 65535x65535 frame should never be decoded");
    let message = error.to_string();
    assert!(
        message.starts_with("cadre.gif"),
        "the refusal should name the file, got {message:?}"
    );
    assert!(
        !message.contains("0x0 pixels"),
        "the refusal should not claim the image is 0x0 pixels and yet too large, got {message:?}"
    );
}

// ---- Layers, remixes, French typography, balanced lines -------------------------------

use proptest::prelude::*;
use relais::render::{
    glue_punctuation, Align, CaptionLayout, Layer, Remix, SizeRule, Zone as RZone, ZoneRule,
};

/// The text of each visual line of a layout.
fn lines(layout: &CaptionLayout) -> Vec<&str> {
    let mut ends: Vec<usize> = layout.line_starts.iter().skip(1).copied().collect();
    ends.push(layout.text.len());
    layout
        .line_starts
        .iter()
        .zip(ends)
        .map(|(&start, end)| layout.text[start..end].trim())
        .collect()
}

fn plain(size: f32, align: Align) -> Style {
    Style {
        outline: None,
        size: SizeRule::Fixed(size),
        align,
        max_lines: 12,
        ..Style::default()
    }
}

#[test]
fn french_spaces_before_double_punctuation_and_inside_guillemets_become_non_breaking() {
    assert_eq!(
        glue_punctuation("Oui ! Et toi ? « Bien » ; voilà : fini"),
        "Oui\u{202F}! Et toi\u{202F}? «\u{202F}Bien\u{202F}»\u{202F}; voilà\u{A0}: fini",
        "the space before ! ? ; » and after « is narrow and non-breaking, before : a full one"
    );
    for untouched in ["10:30", "https://relais.example", "Oui!", "« ", " !"] {
        assert_eq!(
            glue_punctuation(untouched),
            untouched,
            "{untouched:?} has no space to glue between a word and its punctuation"
        );
    }
}

#[test]
fn a_question_mark_never_starts_a_line_even_when_the_zone_is_just_too_narrow() {
    let mut typesetter = Typesetter::new();
    let style = plain(0.05, Align::Left);
    // Measure "Vous venez" alone, then give the zone just that width: greedy breaking
    // on a plain space would push "?" alone onto the next line.
    let wide = RZone {
        x: 0.0,
        y: 0.5,
        width: 1.0,
        height: 0.4,
    };
    let head = typesetter.layout_text("Vous venez", wide, &style, POSTER_W, POSTER_H);
    let head_width = head.ink.expect("visible text has an ink box").width;
    let narrow = RZone {
        width: head_width + 0.005,
        ..wide
    };
    let layout = typesetter.layout_text("Vous venez ?", narrow, &style, POSTER_W, POSTER_H);
    let got = lines(&layout);
    assert!(
        got.iter().all(|line| !line.starts_with('?')),
        "the ? must stay on the line of its word, got lines {got:?}"
    );
}

#[test]
fn balanced_lines_leave_no_orphan_word_on_the_last_line() {
    let mut typesetter = Typesetter::new();
    let style = plain(0.03, Align::Center);
    let wide = RZone {
        x: 0.0,
        y: 0.3,
        width: 1.0,
        height: 0.6,
    };
    let words = "On se retrouve tous devant la mairie dimanche";
    let head = typesetter.layout_text(words, wide, &style, POSTER_W, POSTER_H);
    assert_eq!(
        head.line_count(),
        1,
        "the test needs the head on one line in a wide zone"
    );
    // Just wide enough for every word but the last: greedy breaking leaves "matin" alone.
    let zone = RZone {
        width: head.ink.expect("ink").width + 0.01,
        ..wide
    };
    let layout =
        typesetter.layout_text(&format!("{words} matin"), zone, &style, POSTER_W, POSTER_H);
    let got = lines(&layout);
    assert_eq!(got.len(), 2, "balancing never adds a line, got {got:?}");
    assert!(
        got[1].contains(' '),
        "the last line should carry more than one word once balanced, got {got:?}"
    );
    let (a, b) = (got[0].chars().count() as f32, got[1].chars().count() as f32);
    assert!(
        (a - b).abs() / a.max(b) < 0.5,
        "balanced lines should have comparable lengths, got {got:?}"
    );
}

#[test]
fn uppercase_maps_french_accents_to_capital_accents() {
    let mut typesetter = Typesetter::new();
    let style = Style {
        uppercase: true,
        ..Style::default()
    };
    let layout = typesetter.layout_text("été à Noël, ça ira", RZone::BOTTOM_BAND, &style, 600, 750);
    assert_eq!(
        layout.text, "ÉTÉ À NOËL, ÇA IRA",
        "uppercase keeps the accents: é -> É, à -> À, ë -> Ë, ç -> Ç"
    );
}

#[test]
fn a_fixed_size_is_kept_whatever_the_zone_and_a_fitted_one_shrinks() {
    let mut typesetter = Typesetter::new();
    let fixed = typesetter.layout_text(
        LONG_TEXT,
        RZone::BOTTOM_BAND,
        &plain(0.04, Align::Left),
        1000,
        1000,
    );
    assert!(
        (fixed.font_size - 40.0).abs() < 0.01,
        "a fixed size of 4% of a 1000 px asset is 40 px, got {}",
        fixed.font_size
    );
    let fitted =
        typesetter.layout_text(LONG_TEXT, RZone::BOTTOM_BAND, &Style::default(), 1000, 1000);
    assert!(
        fitted.font_size < 85.0 && fitted.fits,
        "a long fitted caption shrinks below the 8.5% maximum and fits, got {} px",
        fitted.font_size
    );
}

#[test]
fn old_style_json_without_the_new_fields_still_parses() {
    let old = r#"{"face":"sans","fill":[1,2,3,255],"outline":null,"align":"left",
        "max_lines":2,"line_height":1.2,"uppercase":true,"max_size":0.05}"#;
    let style: Style = serde_json::from_str(old).expect("a style saved before shadows parses");
    assert_eq!(style.shadow, None, "no shadow unless asked");
    assert_eq!(style.band, None, "no band unless asked");
    assert_eq!(style.size, SizeRule::Fit, "size fits the zone by default");
    let fixed: Style = serde_json::from_str(r#"{"size":{"fixed":0.05}}"#).expect("fixed size");
    assert_eq!(
        fixed.size,
        SizeRule::Fixed(0.05),
        "a fixed size reads from {{\"fixed\": f}}"
    );
}

#[test]
fn a_remix_from_the_editor_may_omit_every_field_but_the_text() {
    let remix: Remix =
        serde_json::from_str(r#"{"layers":[{"text":"Salut"},{}]}"#).expect("a sparse remix parses");
    assert_eq!(remix.layers.len(), 2, "both layers are kept");
    assert_eq!(
        remix.layers[0].zone,
        RZone::BOTTOM_BAND,
        "default zone is the bottom band"
    );
    assert_eq!(remix.layers[0].style, Style::default(), "default style");
    assert!(!remix.layers[0].locked, "layers are free by default");
}

#[test]
fn an_asset_without_zones_opens_with_one_bottom_band_layer() {
    let remix = Remix::from_zones(&[]);
    assert_eq!(
        remix.layers,
        vec![Layer::default()],
        "no kit zone: one empty layer in the bottom band"
    );
}

#[test]
fn locks_restore_the_kit_zone_and_style_and_recreate_a_dropped_locked_layer() {
    let locked = ZoneRule {
        zone: RZone {
            x: 0.1,
            y: 0.1,
            width: 0.5,
            height: 0.1,
        },
        style: Style {
            fill: [255, 0, 0, 255],
            ..Style::default()
        },
        locked: true,
    };
    let free = ZoneRule::default();
    let zones = [free.clone(), locked.clone()];
    let mut sent = Remix::from_zones(&zones);
    assert!(
        sent.layers[1].locked,
        "the layer of a locked zone starts locked"
    );
    sent.layers[0].locked = true; // the editor cannot lock a free zone either
    sent.layers[0].zone.x = 0.3;
    sent.layers[1].zone.x = 0.4;
    sent.layers[1].style.fill = [0, 0, 255, 255];
    sent.layers[1].text = "Texte".into();
    let enforced = sent.with_locks(&zones);
    assert_eq!(
        enforced.layers[1].zone, locked.zone,
        "a locked layer cannot move"
    );
    assert_eq!(
        enforced.layers[1].style, locked.style,
        "a locked layer cannot be restyled"
    );
    assert_eq!(
        enforced.layers[1].text, "Texte",
        "its text is the volunteer's"
    );
    assert!(
        !enforced.layers[0].locked,
        "a free zone's layer is never locked"
    );
    assert_eq!(
        enforced.layers[0].zone.x, 0.3,
        "a free layer keeps where it was dragged"
    );

    let dropped = Remix { layers: vec![] }.with_locks(&zones);
    assert_eq!(
        dropped.layers.len(),
        2,
        "a locked zone's layer comes back if dropped"
    );
    assert_eq!(dropped.layers[1].zone, locked.zone, "in the kit's zone");
}

#[test]
fn layout_remix_gives_each_layer_a_relative_box_inside_the_asset_around_its_zone() {
    let mut typesetter = Typesetter::new();
    let top = RZone {
        x: 0.1,
        y: 0.05,
        width: 0.8,
        height: 0.2,
    };
    let remix = Remix {
        layers: vec![
            Layer {
                text: "En haut".into(),
                zone: top,
                ..Layer::default()
            },
            Layer {
                text: "En bas".into(),
                ..Layer::default()
            },
            Layer::default(),
        ],
    };
    let layouts = typesetter.layout_remix(&remix, POSTER_W, POSTER_H);
    assert_eq!(layouts.len(), 3, "one layout per layer");
    let first = layouts[0].ink.expect("visible text has an ink box");
    let second = layouts[1].ink.expect("visible text has an ink box");
    assert!(
        first.y >= 0.0 && first.y + first.height <= 0.3 && second.y > 0.7,
        "each box sits around its own zone: top {first:?}, bottom {second:?}"
    );
    assert!(layouts[2].ink.is_none(), "an empty layer has no box");
}

#[test]
fn dragging_a_layer_moves_its_glyphs_without_changing_its_lines() {
    let mut typesetter = Typesetter::new();
    let style = Style::default();
    let at = |y: f32| RZone {
        y,
        ..RZone::BOTTOM_BAND
    };
    let before = typesetter.layout_text(LONG_TEXT, at(0.7), &style, POSTER_W, POSTER_H);
    let after = typesetter.layout_text(LONG_TEXT, at(0.3), &style, POSTER_W, POSTER_H);
    let fresh = Typesetter::new().layout_text(LONG_TEXT, at(0.3), &style, POSTER_W, POSTER_H);
    assert_eq!(
        after.line_starts, before.line_starts,
        "a move keeps the line breaks"
    );
    let (a, f) = (after.ink.expect("ink"), fresh.ink.expect("ink"));
    assert!(
        (a.y - f.y).abs() < 1e-4 && (a.x - f.x).abs() < 1e-4,
        "the moved layout must equal a fresh layout at the new place: {a:?} vs {f:?}"
    );
    assert!(
        (a.y - (before.ink.expect("ink").y - 0.4)).abs() < 1e-3,
        "the box moves with the zone"
    );
}

const ALPHABET: &[&str] = &[
    "vote",
    "Dimanche",
    "é",
    "À",
    "ça",
    "«",
    "»",
    "!",
    "?",
    ":",
    ";",
    " ",
    " ",
    " ",
    "\n",
    "mairie",
    "10",
    "🗳️",
    "❤️",
    "🇫🇷",
    "👨‍👩‍👧",
    "élections",
    "W",
    "anticonstitutionnellement",
    "d'",
    "—",
    ",",
    ".",
];

fn random_text() -> impl Strategy<Value = String> {
    proptest::collection::vec(proptest::sample::select(ALPHABET), 0..24)
        .prop_map(|parts| parts.concat())
}

fn random_zone() -> impl Strategy<Value = RZone> {
    (0.0f32..0.6, 0.0f32..0.7, 0.15f32..1.0, 0.08f32..0.5).prop_map(|(x, y, width, height)| RZone {
        x,
        y,
        width,
        height,
    })
}

proptest! {
    #![proptest_config(ProptestConfig {
        cases: std::env::var("PROPTEST_CASES").ok().and_then(|v| v.parse().ok()).unwrap_or(24),
        ..ProptestConfig::default()
    })]

    #[test]
    fn layout_never_places_a_glyph_outside_its_zone(
        text in random_text(),
        zone in random_zone(),
        max_lines in 1u32..5,
        line_height in 0.9f32..1.6,
        align in proptest::sample::select(vec![Align::Left, Align::Center, Align::Right]),
        (width, height) in (200u32..1400, 200u32..1400),
    ) {
        let mut typesetter = Typesetter::new();
        let style = Style { max_lines, line_height, align, ..Style::default() };
        let layout = typesetter.layout_text(&text, zone, &style, width, height);
        prop_assume!(layout.fits);
        let z = layout.zone;
        let (w, h) = (width as f32, height as f32);
        // The outline may reach past the outlines; a pixel of anti-aliasing on top.
        let slack = style.outline.map_or(0.0, |o| o.width) * layout.font_size + 1.0;
        let (zl, zt, zr, zb) = (z.x * w - slack, z.y * h - slack, (z.x + z.width) * w + slack, (z.y + z.height) * h + slack);
        for [l, t, r, b] in typesetter.glyph_boxes(&layout) {
            prop_assert!(
                l >= zl && r <= zr && t >= zt && b <= zb,
                "glyph box {:?} leaves zone {:?} (px {:?}) for {:?} at {} px",
                [l, t, r, b], z, [zl, zt, zr, zb], text, layout.font_size
            );
        }
    }

    #[test]
    fn french_punctuation_never_starts_a_line_and_guillemets_never_end_one(
        text in random_text(),
        zone in random_zone(),
    ) {
        let mut typesetter = Typesetter::new();
        let layout = typesetter.layout_text(&text, zone, &Style::default(), 1080, 1350);
        for (index, line) in lines(&layout).into_iter().enumerate() {
            let start = layout.line_starts[index];
            // A line the volunteer started with a newline may start with anything.
            let before = layout.text[..start].trim_end_matches([' ', '\u{A0}', '\u{202F}']);
            let soft = !before.is_empty() && !before.ends_with(['\n', '\r']);
            prop_assert!(
                !soft || !line.starts_with(['!', '?', ':', ';', '»']),
                "line {:?} of {:?} starts with punctuation", line, layout.text
            );
            prop_assert!(
                index + 1 == layout.line_starts.len() || !line.ends_with('«') || layout.text[..layout.line_starts[index + 1]].trim_end_matches(' ').ends_with('\n'),
                "line {:?} of {:?} ends with an opening guillemet", line, layout.text
            );
        }
    }

    #[test]
    fn preview_and_export_break_lines_identically_at_any_scale(
        text in random_text(),
        zone in random_zone(),
        scale in 0.15f32..1.0,
    ) {
        let (aw, ah) = (1080u32, 1350u32);
        let remix = Remix { layers: vec![Layer { text: text.clone(), zone, ..Layer::default() }] };
        let mut exported = image::RgbaImage::new(aw, ah);
        let export = Typesetter::new().draw_remix_onto(&mut exported, &remix, aw, ah);
        let (pw, ph) = (((aw as f32 * scale) as u32).max(16), ((ah as f32 * scale) as u32).max(16));
        let mut preview_setter = Typesetter::new();
        let mut previewed = image::RgbaImage::new(pw, ph);
        preview_setter.draw_remix_preview(&mut previewed, &remix, aw, ah);
        // Again, on a fresh base: the second draw reuses what the first one drew.
        let mut again = image::RgbaImage::new(pw, ph);
        let preview = preview_setter.draw_remix_preview(&mut again, &remix, aw, ah);
        prop_assert_eq!(&preview[0].line_starts, &export[0].line_starts, "same line breaks for {:?}", text);
        let (export_ink, preview_ink, again_ink) = (strong_ink(&exported), strong_ink(&previewed), strong_ink(&again));
        prop_assert!(
            same_ink_box(export_ink, preview_ink, (pw, ph), 2.5),
            "for {:?} at scale {}, the preview's ink {:?} should be the export's {:?}", text, scale, preview_ink, export_ink
        );
        prop_assert_eq!(again_ink, preview_ink, "a reused drawing should land where the first one did");
    }
}

#[test]
fn a_layer_moved_in_the_preview_lands_where_a_fresh_drawing_puts_it() {
    let at = |x: f32| Remix {
        layers: vec![Layer {
            text: "On vote dimanche".into(),
            zone: RZone {
                x,
                y: 0.3,
                width: 0.5,
                height: 0.2,
            },
            ..Layer::default()
        }],
    };
    let mut setter = Typesetter::new();
    let mut before = RgbaImage::new(540, 675);
    setter.draw_remix_preview(&mut before, &at(0.1), 1080, 1350);
    // Only the zone moved: the preview places its earlier drawing instead of drawing.
    let mut moved = RgbaImage::new(540, 675);
    setter.draw_remix_preview(&mut moved, &at(0.33), 1080, 1350);
    let mut fresh = RgbaImage::new(540, 675);
    Typesetter::new().draw_remix_preview(&mut fresh, &at(0.33), 1080, 1350);
    let (moved_ink, fresh_ink) = (strong_ink(&moved), strong_ink(&fresh));
    assert!(
        strong_ink(&before) != moved_ink,
        "the layer should have moved in the preview"
    );
    assert!(
        same_ink_box(moved_ink, fresh_ink, (540, 675), 1.0),
        "the moved drawing {moved_ink:?} should sit within a pixel of a fresh one {fresh_ink:?}"
    );
}

#[test]
fn cli_render_with_layers_json_draws_each_layer_in_its_zone() {
    let home = TempDir::new().expect("temp dir");
    let source = home.path().join("grey.png");
    std::fs::write(&source, png(300, 400, |_, _| [128, 128, 128, 255])).expect("write source");
    let out = home.path().join("out.png");
    let layers =
        r#"{"layers":[{"text":"En haut","zone":{"x":0.1,"y":0.05,"width":0.8,"height":0.15}}]}"#;
    support::relais(home.path())
        .args(["render", "--image"])
        .arg(&source)
        .args(["--layers", layers, "-o"])
        .arg(&out)
        .assert()
        .success();
    let rendered = Pixels::of(&decode_file(&out, &Limits::default()).expect("output decodes"));
    let untouched = Pixels::of(&grey(300, 400));
    assert!(
        rendered.differing_pixels(&untouched, rendered.rows(0.05, 0.2)) > 0,
        "the layer's text should be drawn in its top zone"
    );
    assert_eq!(
        rendered.differing_pixels(&untouched, rendered.rows(0.3, 1.0)),
        0,
        "nothing should be drawn in the default bottom band when layers are given"
    );

    support::relais(home.path())
        .args(["render", "--image"])
        .arg(&source)
        .args(["--layers", "{not json", "-o"])
        .arg(home.path().join("bad.png"))
        .assert()
        .failure();
    assert!(
        !home.path().join("bad.png").exists(),
        "malformed layers JSON writes nothing"
    );
}

#[test]
fn flags_and_zwj_sequences_are_each_drawn_as_one_colour_glyph() {
    let mut typesetter = Typesetter::new();
    for (name, text) in [
        ("the French flag", "🇫🇷"),
        ("the European flag", "🇪🇺"),
        ("the rainbow flag (ZWJ)", "🏳️‍🌈"),
        ("a family (ZWJ)", "👨‍👩‍👧"),
    ] {
        let layout = typesetter.layout_text(text, RZone::BOTTOM_BAND, &Style::default(), 600, 750);
        let boxes = typesetter.glyph_boxes(&layout);
        assert_eq!(
            boxes.len(),
            1,
            "{name} should shape to a single emoji glyph from the bundled font, got {boxes:?}"
        );
    }
}

#[test]
fn a_dragged_preview_matches_a_fresh_preview_at_the_new_place() {
    use relais::render::Preview;
    let picture = grey(POSTER_W, POSTER_H);
    let at = |y: f32| Remix {
        layers: vec![Layer {
            text: "On se retrouve dimanche !".into(),
            zone: RZone {
                y,
                ..RZone::BOTTOM_BAND
            },
            ..Layer::default()
        }],
    };
    let mut typesetter = Typesetter::new();
    let mut dragging = Preview::default();
    dragging.frame_remix(&mut typesetter, "asset", &picture, &at(0.7), 540, 675);
    let moved = dragging
        .frame_remix(&mut typesetter, "asset", &picture, &at(0.33), 540, 675)
        .clone();
    let fresh = Preview::default()
        .frame_remix(
            &mut Typesetter::new(),
            "asset",
            &picture,
            &at(0.33),
            540,
            675,
        )
        .clone();
    let (a, b) = (
        Pixels::of(&Picture::Still(moved)),
        Pixels::of(&Picture::Still(fresh)),
    );
    let all = a.rows(0.0, 1.0);
    assert!(
        a.mean_abs_diff(&b, all.clone()) < 1.0,
        "reusing the drawn layer while dragging should look like drawing it afresh (mean diff {})",
        a.mean_abs_diff(&b, all)
    );
    assert!(
        a.differing_pixels(&Pixels::of(&grey(540, 675)), a.rows(0.3, 0.55)) > 0,
        "the caption should be at its new place"
    );
    let jpeg = dragging
        .render_remix(&mut typesetter, "asset", &picture, &at(0.5), 540, 675)
        .expect("the preview encodes");
    let decoded = relais::render::decode_bytes(&jpeg, "preview.jpg", &Limits::default())
        .expect("the preview is a JPEG the renderer can read back");
    assert_eq!(
        decoded.dimensions(),
        (540, 675),
        "fitted into the preview box"
    );
}
