//! Golden images: each case renders captions on a generated background and compares the
//! result with a reference in `tests/golden/<case>.png`, pixel by pixel with a small
//! tolerance.
//!
//! On a mismatch the test writes `expected | diff | actual` side by side to
//! `target/test-output/golden/<case>.png` and names that file in its message.
//!
//! To rewrite the references deliberately (after a wanted change in the renderer), run
//! `RELAIS_REGENERATE_GOLDEN=1 cargo test --no-default-features --test it -- golden`,
//! then LOOK at every changed PNG before committing it.

use std::path::PathBuf;

use image::imageops::FilterType;
use image::{Rgba, RgbaImage};
use relais::render::{
    Align, Band, Face, Frame, KitFont, Layer, Outline, Picture, Remix, Repeat, Shadow, SizeRule,
    Style, Typesetter, Zone, ZoneRule,
};

use crate::support;

/// Largest difference allowed on any channel of a pixel.
const CHANNEL_TOLERANCE: u8 = 24;
/// Share of pixels allowed beyond the channel tolerance (anti-aliasing at glyph edges).
const OUTLIER_SHARE: f64 = 0.002;

fn golden_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/golden")
}

fn output_dir() -> PathBuf {
    let target = std::env::var_os("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("target"));
    target.join("test-output/golden")
}

/// Compares `actual` with the reference of `case`, or rewrites the reference when
/// `RELAIS_REGENERATE_GOLDEN=1`.
fn check(case: &str, actual: &RgbaImage) {
    let reference = golden_dir().join(format!("{case}.png"));
    if std::env::var("RELAIS_REGENERATE_GOLDEN").as_deref() == Ok("1") {
        std::fs::create_dir_all(golden_dir()).expect("create tests/golden");
        actual.save(&reference).expect("write the golden reference");
        return;
    }
    let expected = match image::open(&reference) {
        Ok(image) => image.to_rgba8(),
        Err(error) => panic!(
            "{case}: no readable reference at {} ({error}); run with RELAIS_REGENERATE_GOLDEN=1 \
             and look at the image before committing it",
            reference.display()
        ),
    };
    let (outliers, worst) = compare(&expected, actual);
    let allowed = (f64::from(actual.width() * actual.height()) * OUTLIER_SHARE) as usize;
    if expected.dimensions() == actual.dimensions() && outliers <= allowed {
        return;
    }
    let report = output_dir().join(format!("{case}.png"));
    std::fs::create_dir_all(output_dir()).expect("create target/test-output/golden");
    side_by_side(&expected, actual)
        .save(&report)
        .expect("write the comparison image");
    panic!(
        "{case}: the render differs from tests/golden/{case}.png ({outliers} pixels beyond \
         ±{CHANNEL_TOLERANCE}, {allowed} allowed, worst channel difference {worst}; sizes \
         {:?} expected, {:?} actual). See expected | diff | actual in {}",
        expected.dimensions(),
        actual.dimensions(),
        report.display()
    );
}

/// Pixels differing by more than the tolerance on some channel, and the worst difference.
fn compare(expected: &RgbaImage, actual: &RgbaImage) -> (usize, u8) {
    if expected.dimensions() != actual.dimensions() {
        return (usize::MAX, 255);
    }
    let mut outliers = 0;
    let mut worst = 0;
    for (e, a) in expected.pixels().zip(actual.pixels()) {
        let diff =
            e.0.iter()
                .zip(a.0)
                .map(|(x, y)| x.abs_diff(y))
                .max()
                .unwrap_or(0);
        worst = worst.max(diff);
        if diff > CHANNEL_TOLERANCE {
            outliers += 1;
        }
    }
    (outliers, worst)
}

fn side_by_side(expected: &RgbaImage, actual: &RgbaImage) -> RgbaImage {
    let width = expected.width().max(actual.width());
    let height = expected.height().max(actual.height());
    let mut out = RgbaImage::from_pixel(width * 3, height, Rgba([255, 0, 255, 255]));
    image::imageops::overlay(&mut out, expected, 0, 0);
    image::imageops::overlay(&mut out, actual, i64::from(width) * 2, 0);
    for y in 0..height {
        for x in 0..width {
            let e = expected.get_pixel_checked(x, y).map_or([0; 4], |p| p.0);
            let a = actual.get_pixel_checked(x, y).map_or([0; 4], |p| p.0);
            let diff = e
                .iter()
                .zip(a)
                .map(|(p, q)| p.abs_diff(q))
                .max()
                .unwrap_or(0);
            // Differences in red over a dimmed copy of the actual image.
            let dim = |c: u8| c / 4;
            out.put_pixel(
                width + x,
                y,
                if diff > CHANNEL_TOLERANCE {
                    Rgba([255, 0, 0, 255])
                } else {
                    Rgba([dim(a[0]), dim(a[1]), dim(a[2]), 255])
                },
            );
        }
    }
    out
}

/// A diagonal colour gradient with two flat discs: enough structure to show halos and
/// clipping, and it compresses well so the references stay small.
fn backdrop(width: u32, height: u32) -> RgbaImage {
    RgbaImage::from_fn(width, height, |x, y| {
        // Stepped, not smooth: flat runs keep the reference PNGs small.
        let step = |t: f32| (t * 32.0).floor() / 32.0;
        let (u, v) = (x as f32 / width as f32, y as f32 / height as f32);
        let disc = |cx: f32, cy: f32, r: f32| (u - cx).powi(2) + (v - cy).powi(2) < r * r;
        if disc(0.3, 0.35, 0.18) {
            return Rgba([250, 200, 60, 255]);
        }
        if disc(0.75, 0.8, 0.22) {
            return Rgba([240, 240, 235, 255]);
        }
        let (u, v) = (step(u), step(v));
        Rgba([
            (40.0 + 150.0 * u) as u8,
            (70.0 + 90.0 * v) as u8,
            (170.0 - 100.0 * u * v) as u8,
            255,
        ])
    })
}

fn layer(text: &str, zone: Zone, style: Style) -> Layer {
    Layer {
        text: text.to_owned(),
        zone,
        style,
        locked: false,
    }
}

fn remix(layers: Vec<Layer>) -> Remix {
    Remix { layers }
}

/// The remix drawn on a still backdrop at full size.
fn render(width: u32, height: u32, remix: &Remix) -> RgbaImage {
    render_with(&mut Typesetter::new(), width, height, remix)
}

/// As [`render`], with a typesetter that may hold kit fonts.
fn render_with(typesetter: &mut Typesetter, width: u32, height: u32, remix: &Remix) -> RgbaImage {
    let picture = Picture::Still(backdrop(width, height));
    match typesetter.apply_remix(&picture, remix) {
        Picture::Still(image) => image,
        Picture::Animation { .. } => panic!("a still stays a still"),
    }
}

fn one(text: &str) -> Remix {
    remix(vec![layer(text, Zone::BOTTOM_BAND, Style::default())])
}

/// A visible box behind the text, so alignment is visible in the reference.
fn boxed(align: Align) -> Style {
    Style {
        face: Face::SansBold,
        align,
        outline: None,
        band: Some(Band {
            color: [20, 20, 30, 200],
            padding: 0.25,
            radius: 0.3,
            full_width: false,
        }),
        ..Style::default()
    }
}

const ALIGN_TEXT: &str = "Une ligne assez longue pour revenir à la ligne, puis une courte";

#[test]
fn golden_french_accents_and_guillemets() {
    check(
        "accents",
        &render(
            600,
            750,
            &one("Élections : « Ça compte ! » Où êtes-vous ? À l'école, ç'a été déçu…"),
        ),
    );
}

#[test]
fn golden_colour_emoji() {
    check("emoji", &render(600, 750, &one("On vote 🗳️ ❤️ 💪 ✅ 📣")));
}

#[test]
fn golden_flags_and_zwj_sequences_are_single_glyphs() {
    check(
        "flags_zwj",
        &render(600, 750, &one("🇫🇷 🇪🇺 🇧🇪 🏳️‍🌈 👨‍👩‍👧 ensemble")),
    );
}

#[test]
fn golden_long_text_shrinks_to_fit() {
    check(
        "long_text_fit",
        &render(
            600,
            750,
            &one(
                "Dimanche, tout le monde aux urnes : on se retrouve devant la mairie à dix \
                 heures, et on n'oublie pas sa carte d'électeur ni sa pièce d'identité !",
            ),
        ),
    );
}

#[test]
fn golden_three_lines_in_a_tall_zone() {
    let zone = Zone {
        x: 0.1,
        y: 0.1,
        width: 0.8,
        height: 0.5,
    };
    let style = Style {
        uppercase: true,
        max_size: 0.12,
        ..Style::default()
    };
    check(
        "three_lines",
        &render(
            600,
            750,
            &remix(vec![layer("On vote\ndimanche\nà 10 h", zone, style)]),
        ),
    );
}

#[test]
fn golden_left_alignment() {
    check(
        "align_left",
        &render(
            600,
            750,
            &remix(vec![layer(
                ALIGN_TEXT,
                Zone::BOTTOM_BAND,
                boxed(Align::Left),
            )]),
        ),
    );
}

#[test]
fn golden_centre_alignment() {
    check(
        "align_center",
        &render(
            600,
            750,
            &remix(vec![layer(
                ALIGN_TEXT,
                Zone::BOTTOM_BAND,
                boxed(Align::Center),
            )]),
        ),
    );
}

#[test]
fn golden_right_alignment() {
    check(
        "align_right",
        &render(
            600,
            750,
            &remix(vec![layer(
                ALIGN_TEXT,
                Zone::BOTTOM_BAND,
                boxed(Align::Right),
            )]),
        ),
    );
}

#[test]
fn golden_outline_shadow_and_full_width_band() {
    let style = Style {
        outline: Some(Outline {
            color: [120, 0, 40, 255],
            width: 0.08,
        }),
        shadow: Some(Shadow {
            color: [0, 0, 0, 200],
            offset: [0.1, 0.12],
            blur: 0.15,
        }),
        band: Some(Band {
            color: [255, 214, 0, 230],
            padding: 0.3,
            radius: 0.0,
            full_width: true,
        }),
        uppercase: true,
        ..Style::default()
    };
    check(
        "outline_shadow_band",
        &render(
            600,
            750,
            &remix(vec![layer("Tous aux urnes !", Zone::BOTTOM_BAND, style)]),
        ),
    );
}

#[test]
fn golden_locked_zone_keeps_its_place_and_style_against_the_editor() {
    let headline = ZoneRule {
        zone: Zone {
            x: 0.08,
            y: 0.06,
            width: 0.84,
            height: 0.18,
        },
        style: Style {
            fill: [255, 214, 0, 255],
            uppercase: true,
            ..Style::default()
        },
        locked: true,
    };
    let free = ZoneRule::default();
    let zones = [headline, free];
    let mut from_ui = Remix::from_zones(&zones);
    from_ui.layers[0].text = "Le 12 juin".into();
    // The editor tries to move and restyle the locked layer; only its text may change.
    from_ui.layers[0].zone.y = 0.7;
    from_ui.layers[0].style.fill = [255, 0, 0, 255];
    from_ui.layers[0].locked = false;
    from_ui.layers[1].text = "Moi j'y vais, et vous ?".into();
    from_ui.layers[1].zone.y = 0.5;
    let enforced = from_ui.with_locks(&zones);
    assert!(
        enforced.layers[0].locked && enforced.layers[0].zone == zones[0].zone,
        "the locked layer must be back in the kit's zone"
    );
    check("locked_zone", &render(600, 750, &enforced));
}

#[test]
fn golden_narrow_animated_gif_gets_the_caption_on_every_frame() {
    let (width, height) = (160, 400);
    let frames: Vec<Frame> = (0..3)
        .map(|i| Frame {
            image: RgbaImage::from_fn(width, height, |x, y| {
                let wave = ((y as f32 / 30.0 + i as f32).sin() * 40.0) as i32;
                Rgba([
                    (60 + wave + (x / 4) as i32).clamp(0, 255) as u8,
                    (90 + i * 50) as u8,
                    (200 - (y / 3) as i32).clamp(0, 255) as u8,
                    255,
                ])
            }),
            delay_ms: 100,
        })
        .collect();
    let picture = Picture::Animation {
        frames,
        repeat: Repeat::Infinite,
    };
    let out = Typesetter::new().apply_remix(&picture, &one("Allez, on y va !"));
    let Picture::Animation { frames, .. } = out else {
        panic!("an animation stays an animation");
    };
    assert_eq!(frames.len(), 3, "every frame is kept");
    let mut strip = RgbaImage::new(width * 3, height);
    for (i, frame) in frames.iter().enumerate() {
        image::imageops::overlay(&mut strip, &frame.image, i64::from(width) * i as i64, 0);
    }
    check("narrow_gif", &strip);
}

/// A remix whose every character a bundled face draws: a golden of blank words would
/// pass for ever.
fn drawable(remix: Remix) -> Remix {
    let missing = Typesetter::new().undrawable(&remix, 600, 750);
    assert!(missing.is_empty(), "no bundled face draws {missing:?}");
    remix
}

/// Arabic joined and shaped, right to left inside a French sentence, in the poster face
/// (black weight) and the sans, with an emoji.
#[test]
fn golden_arabic_caption_is_joined_right_to_left_among_french_words() {
    let sans = Style {
        face: Face::Sans,
        ..Style::default()
    };
    check(
        "arabic",
        &render(
            600,
            750,
            &drawable(remix(vec![
                layer(
                    "Dimanche : صوّتوا بكثافة 🗳️",
                    Zone::BOTTOM_BAND,
                    Style::default(),
                ),
                layer(
                    "مرحبا بالعالم — bienvenue à tous، لا إله",
                    Zone {
                        x: 0.05,
                        y: 0.08,
                        width: 0.9,
                        height: 0.2,
                    },
                    sans,
                ),
            ])),
        ),
    );
}

/// Hebrew right to left with its points, a French run and an emoji; Tifinagh, Greek
/// and Cyrillic in the same picture, each from its fallback face.
#[test]
fn golden_hebrew_caption_reads_right_to_left_with_french_and_other_scripts() {
    let bold = Style {
        face: Face::SansBold,
        ..Style::default()
    };
    check(
        "hebrew",
        &render(
            600,
            750,
            &drawable(remix(vec![
                layer(
                    "שָׁלוֹם עוֹלָם — votez le 7 juillet ✌️",
                    Zone::BOTTOM_BAND,
                    Style::default(),
                ),
                layer(
                    "ⴰⵣⵓⵍ · Ψηφίστε · Голосуйте · Bầu cử",
                    Zone {
                        x: 0.05,
                        y: 0.08,
                        width: 0.9,
                        height: 0.2,
                    },
                    bold,
                ),
            ])),
        ),
    );
}

#[test]
fn golden_empty_caption_leaves_the_image_untouched() {
    let out = render(400, 500, &one(""));
    assert_eq!(
        out,
        backdrop(400, 500),
        "an empty caption must not change a single pixel"
    );
    check("empty", &out);
}

#[test]
fn golden_poster_of_4000_by_5000_pixels() {
    let style = Style {
        shadow: Some(Shadow::default()),
        ..Style::default()
    };
    let full = render(
        4000,
        5000,
        &remix(vec![layer(
            "Une affiche géante, la même mise en page qu'en petit",
            Zone::BOTTOM_BAND,
            style,
        )]),
    );
    let small = image::imageops::resize(&full, 400, 500, FilterType::Triangle);
    check("poster_4000x5000", &small);
}

#[test]
fn golden_two_independent_layers_with_fixed_and_fitted_sizes() {
    let top = layer(
        "Fixe : 5 %",
        Zone {
            x: 0.05,
            y: 0.05,
            width: 0.9,
            height: 0.2,
        },
        Style {
            face: Face::Sans,
            size: SizeRule::Fixed(0.05),
            align: Align::Left,
            band: Some(Band::default()),
            outline: None,
            ..Style::default()
        },
    );
    let bottom = layer("Ajusté à la zone", Zone::BOTTOM_BAND, Style::default());
    check("two_layers", &render(600, 750, &remix(vec![top, bottom])));
}

#[test]
fn golden_kit_font_draws_the_caption_in_the_organizers_serif_with_bundled_emoji() {
    let mut typesetter = Typesetter::new();
    typesetter
        .load_kit_fonts(
            "municipales",
            vec![KitFont {
                family: "Marianne".into(),
                file: "fonts/marianne.ttf".into(),
                bytes: support::test_font(),
            }],
        )
        .expect("the test font loads");
    typesetter.use_kit_fonts(Some("municipales"));
    let style = Style {
        font: Some("Marianne".into()),
        fill: [255, 248, 220, 255],
        outline: Some(Outline {
            color: [40, 20, 60, 255],
            width: 0.06,
        }),
        max_size: 0.1,
        ..Style::default()
    };
    let zone = Zone {
        x: 0.06,
        y: 0.55,
        width: 0.88,
        height: 0.38,
    };
    // The ballot box emoji is not in the kit font: it must come from the bundled one.
    let text = "Dimanche, « tous » aux urnes ! 🗳️";
    let with_font = render_with(
        &mut typesetter,
        600,
        750,
        &remix(vec![layer(text, zone, style.clone())]),
    );
    let bundled = render(
        600,
        750,
        &remix(vec![layer(
            text,
            zone,
            Style {
                font: None,
                ..style
            },
        )]),
    );
    let (changed, _) = compare(&bundled, &with_font);
    assert!(
        changed > 2000,
        "the kit font must visibly replace the bundled poster face ({changed} pixels differ)"
    );
    check("kit_font", &with_font);
}
