//! The built-in demo kit: posters and an animated GIF drawn by Relais itself (no
//! third-party images), written as an ordinary kit folder and installed through the
//! same import as any organizer's kit.

use std::io::Write;
use std::path::Path;

use image::RgbaImage;
use tiny_skia::{Color, FillRule, Paint, PathBuilder, Pixmap, Rect, Transform};

use super::manifest::{
    AssetEntry, AssetKind, CaptionZone, Localized, LocalizedList, Manifest, StyleSpec, ZoneRect,
    FORMAT_MAJOR,
};
use super::signature::PublicKey;
use super::source::SOURCE_FILE;
use super::{import_path, Error, ImportReport, Trust, MANIFEST_FILE};
use crate::db::blobs::sha256_hex;
use crate::db::Store;
use crate::render::{
    self, Align, Caption, Face, Frame, Limits, OutputFormat, Picture, Style, Typesetter, Zone,
};

pub const KIT_ID: &str = "relais-demo";
/// Bump when the drawings change, then run scripts/build-demo-kit.sh, so existing
/// installs get the new version.
pub const VERSION: u64 = 4;

/// The demo kit as built and signed by `scripts/build-demo-kit.sh` with the organizer
/// tools (`relais kit build`), and the public key it was signed with. The secret key
/// was thrown away after signing: nobody can publish another version under this key.
pub const SIGNED_KIT: &[u8] = include_bytes!("demo/relais-demo.relais");
pub const PUBLIC_KEY: &str = include_str!("demo/relais-demo.pub");

/// Installs the embedded demo kit, through the same checks as any `.relais` file and
/// with its key pinned, unless this version (or a newer one) is already there. The
/// typesetter is unused since the kit is built ahead of time; kept so callers need
/// no change.
pub fn ensure_installed(
    store: &mut Store,
    _typesetter: &mut Typesetter,
    now_unix: i64,
    limits: &Limits,
) -> Result<Option<ImportReport>, Error> {
    let installed = crate::db::kits::installed(store.conn(), KIT_ID)?;
    if installed.is_some_and(|installed| installed.version >= VERSION) {
        return Ok(None);
    }
    let key = PublicKey::parse(PUBLIC_KEY)?;
    let mut file = tempfile::Builder::new()
        .prefix(".demo-kit-")
        .suffix(".relais")
        .tempfile_in(store.root())
        .map_err(|source| Error::Blob { source })?;
    file.write_all(SIGNED_KIT)
        .and_then(|()| file.flush())
        .map_err(|source| Error::Blob { source })?;
    import_path(store, file.path(), &Trust::Pinned(key), now_unix, limits).map(Some)
}

struct Poster {
    id: &'static str,
    size: (u32, u32),
    background: [u8; 3],
    ink: [u8; 4],
    accent: [u8; 3],
    headline: &'static str,
    subline: &'static str,
    title: (&'static str, &'static str),
    tags: &'static [&'static str],
    alt: (&'static str, &'static str),
    captions: (&'static [&'static str], &'static [&'static str]),
    post: (&'static str, &'static str),
}

const POSTERS: &[Poster] = &[
    Poster {
        id: "dimanche-on-vote",
        size: (1080, 1350),
        background: [27, 42, 107],
        ink: [255, 255, 255, 255],
        accent: [229, 72, 77],
        headline: "DIMANCHE, ON VOTE",
        subline: "Bureaux ouverts de 8 h à 20 h",
        title: ("Dimanche, on vote", "Sunday, we vote"),
        tags: &["vote", "mobilisation", "affiche"],
        alt: (
            "Affiche bleu nuit avec un grand cercle rouge : « Dimanche, on vote », bureaux ouverts de 8 h à 20 h.",
            "Navy poster with a large red circle: \"Sunday, we vote\", polls open 8am to 8pm.",
        ),
        captions: (
            &["Déjà l'été ? On vote !", "Tout le monde aux urnes", "Ma voix compte"],
            &["Summer already? We vote!", "Everyone to the polls", "My voice counts"],
        ),
        post: ("Dimanche, on vote. Et toi ? #vote", "Sunday, we vote. You too? #vote"),
    },
    Poster {
        id: "ensemble",
        size: (1080, 1350),
        background: [229, 72, 77],
        ink: [255, 247, 236, 255],
        accent: [240, 110, 110],
        headline: "ENSEMBLE",
        subline: "Chaque voix compte",
        title: ("Ensemble", "Together"),
        tags: &["mobilisation", "affiche", "unité"],
        alt: (
            "Affiche rouge corail à rayures diagonales : « Ensemble », chaque voix compte.",
            "Coral red poster with diagonal stripes: \"Together\", every voice counts.",
        ),
        captions: (
            &["Ensemble, on peut tout changer", "Rendez-vous dans l'isoloir"],
            &["Together we can change everything", "See you in the voting booth"],
        ),
        post: ("Ensemble. #mobilisation", "Together. #mobilisation"),
    },
    Poster {
        id: "procuration",
        size: (1080, 1350),
        background: [244, 239, 230],
        ink: [27, 42, 107, 255],
        accent: [14, 124, 123],
        headline: "ABSENT·E ? PROCURATION !",
        subline: "Une démarche de cinq minutes",
        title: ("Pensez à la procuration", "Remember proxy voting"),
        tags: &["procuration", "pratique", "affiche"],
        alt: (
            "Affiche crème avec une case cochée verte : « Absent·e ? Procuration ! », une démarche de cinq minutes.",
            "Cream poster with a green ticked box: \"Away? Vote by proxy!\", a five-minute formality.",
        ),
        captions: (
            &["En vacances ? Donne ta procuration", "Cinq minutes pour voter quand même"],
            &["On holiday? Give a proxy", "Five minutes to vote anyway"],
        ),
        post: (
            "Absent·e dimanche ? La procuration prend cinq minutes. #procuration",
            "Away on Sunday? A proxy takes five minutes. #proxy",
        ),
    },
    Poster {
        id: "premiere-fois",
        size: (1080, 1350),
        background: [14, 124, 123],
        ink: [255, 255, 255, 255],
        accent: [242, 193, 78],
        headline: "18 ANS ? TA PREMIÈRE FOIS",
        subline: "Ton premier vote, ça se fête",
        title: ("Ton premier vote", "Your first vote"),
        tags: &["jeunes", "premier vote", "affiche"],
        alt: (
            "Affiche vert canard avec des cercles jaunes : « 18 ans ? Ta première fois », ton premier vote, ça se fête.",
            "Teal poster with yellow circles: \"18? Your first time\", your first vote is worth celebrating.",
        ),
        captions: (&["Mon premier vote 🗳️", "Été 2026 : je vote"], &["My first vote 🗳️", "Summer 2026: I vote"]),
        post: ("Premier vote, et pas le dernier. #jeunes", "First vote, not the last. #youth"),
    },
    Poster {
        id: "partagez",
        size: (1080, 1080),
        background: [242, 193, 78],
        ink: [27, 42, 107, 255],
        accent: [255, 226, 150],
        headline: "PARTAGEZ !",
        subline: "Une affiche, mille relais",
        title: ("Partagez !", "Share it!"),
        tags: &["partage", "carré"],
        alt: (
            "Visuel carré jaune : « Partagez ! », une affiche, mille relais.",
            "Yellow square visual: \"Share it!\", one poster, a thousand relays.",
        ),
        captions: (&["Fais tourner !", "Une voix de plus"], &["Pass it on!", "One more voice"]),
        post: ("Une affiche, mille relais. #partage", "One poster, a thousand relays. #share"),
    },
];

/// Writes the demo kit's files and an unsigned kit.json into `dir`: what the kit looks
/// like, and test material.
pub fn write(dir: &Path, typesetter: &mut Typesetter) -> Result<(), Error> {
    let manifest = draw(dir, typesetter)?;
    let json = serde_json::to_vec_pretty(&manifest).map_err(|e| Error::Demo(e.to_string()))?;
    std::fs::write(dir.join(MANIFEST_FILE), json).map_err(|source| Error::Blob { source })
}

/// Writes the demo kit's source folder into `dir`: the drawn files and the kit.toml an
/// organizer would write, for `relais kit build`.
pub fn write_source(dir: &Path, typesetter: &mut Typesetter) -> Result<(), Error> {
    let manifest = draw(dir, typesetter)?;
    let mut value = serde_json::to_value(&manifest).map_err(|e| Error::Demo(e.to_string()))?;
    if let Some(kit) = value.as_object_mut() {
        // Filled in by `relais kit build`.
        kit.remove("public_key");
        kit.remove("format");
        for asset in kit
            .get_mut("assets")
            .and_then(|assets| assets.as_array_mut())
            .into_iter()
            .flatten()
        {
            if let Some(asset) = asset.as_object_mut() {
                for measured in ["size", "sha256", "width", "height"] {
                    asset.remove(measured);
                }
            }
        }
    }
    strip_nulls(&mut value);
    let text = toml::to_string(&value).map_err(|e| Error::Demo(e.to_string()))?;
    std::fs::write(
        dir.join(SOURCE_FILE),
        format!("# The Relais demo kit, drawn by `relais kit demo-source`.\n{text}"),
    )
    .map_err(|source| Error::Blob { source })
}

/// TOML has no null: absent means default.
fn strip_nulls(value: &mut serde_json::Value) {
    match value {
        serde_json::Value::Object(map) => {
            map.retain(|_, item| !item.is_null());
            map.values_mut().for_each(strip_nulls);
        }
        serde_json::Value::Array(items) => items.iter_mut().for_each(strip_nulls),
        _ => {}
    }
}

/// Draws the demo assets into `dir` and describes them.
fn draw(dir: &Path, typesetter: &mut Typesetter) -> Result<Manifest, Error> {
    let mut assets = Vec::new();
    for poster in POSTERS {
        let image = draw_poster(poster, typesetter)?;
        let bytes = render::encode_still(&image, OutputFormat::Png)
            .map_err(|e| Error::Demo(e.to_string()))?;
        let file = format!("{}.png", poster.id);
        std::fs::write(dir.join(&file), &bytes).map_err(|source| Error::Blob { source })?;
        assets.push(entry(
            poster.id,
            AssetKind::Image,
            file,
            &bytes,
            image.dimensions(),
            poster,
        ));
    }
    let animation = draw_animation(typesetter)?;
    let bytes =
        render::encode(&animation, OutputFormat::Gif).map_err(|e| Error::Demo(e.to_string()))?;
    let file = "a-vos-urnes.gif".to_owned();
    std::fs::write(dir.join(&file), &bytes).map_err(|source| Error::Blob { source })?;
    assets.push(entry(
        "a-vos-urnes",
        AssetKind::Animation,
        file,
        &bytes,
        animation.dimensions(),
        &Poster {
            id: "a-vos-urnes",
            size: (480, 480),
            background: [0, 0, 0],
            ink: [0, 0, 0, 0],
            accent: [0, 0, 0],
            headline: "",
            subline: "",
            title: ("À vos urnes (GIF)", "To the ballot box (GIF)"),
            tags: &["vote", "gif", "animation"],
            alt: (
                "Animation : une enveloppe descend et tombe dans une urne blanche, sous le titre « À vos urnes ».",
                "Animation: an envelope drops into a white ballot box, under the title \"To the ballot box\".",
            ),
            captions: (&["J'y vais, et toi ?", "Dimanche !"], &["I'm going, are you?", "Sunday!"]),
            post: ("À vos urnes ! #vote", "To the ballot box! #vote"),
        },
    ));
    Ok(Manifest {
        format: FORMAT_MAJOR,
        id: KIT_ID.to_owned(),
        title: Localized::new("Kit de démonstration Relais", "Relais demo kit"),
        publisher: "Relais".to_owned(),
        version: VERSION,
        published: "2026-11-24T00:00:00Z".to_owned(),
        public_key: String::new(),
        valid_from: None,
        expires_at: None,
        blackouts: Vec::new(),
        fonts: Vec::new(),
        styles: Vec::new(),
        assets,
    })
}

fn strings(list: &[&str]) -> Vec<String> {
    list.iter().map(|s| (*s).to_owned()).collect()
}

fn entry(
    id: &str,
    kind: AssetKind,
    file: String,
    bytes: &[u8],
    (width, height): (u32, u32),
    poster: &Poster,
) -> AssetEntry {
    AssetEntry {
        id: id.to_owned(),
        kind,
        file,
        size: bytes.len() as u64,
        sha256: sha256_hex(bytes),
        width,
        height,
        title: Localized::new(poster.title.0, poster.title.1),
        tags: strings(poster.tags),
        alt: Localized::new(poster.alt.0, poster.alt.1),
        captions: LocalizedList {
            fr: strings(poster.captions.0),
            en: strings(poster.captions.1),
        },
        post_texts: LocalizedList {
            fr: vec![poster.post.0.to_owned()],
            en: vec![poster.post.1.to_owned()],
        },
        zones: vec![CaptionZone {
            zone: ZoneRect::BOTTOM_BAND,
            style: StyleSpec::default(),
            style_id: None,
            max_lines: None,
            align: None,
            locked: false,
            movable: true,
        }],
        credit: "Relais".to_owned(),
        licence: "CC0-1.0".to_owned(),
        valid_from: None,
        expires_at: None,
        retracted: None,
    }
}

fn fill(color: [u8; 3], alpha: u8) -> Paint<'static> {
    let mut paint = Paint::default();
    paint.set_color(Color::from_rgba8(color[0], color[1], color[2], alpha));
    paint.anti_alias = true;
    paint
}

fn draw_poster(poster: &Poster, typesetter: &mut Typesetter) -> Result<RgbaImage, Error> {
    let (width, height) = poster.size;
    let (w, h) = (width as f32, height as f32);
    let mut pixmap =
        Pixmap::new(width, height).ok_or_else(|| Error::Demo("empty poster".into()))?;
    pixmap.fill(Color::from_rgba8(
        poster.background[0],
        poster.background[1],
        poster.background[2],
        255,
    ));
    let accent = fill(poster.accent, 255);
    match poster.id {
        "dimanche-on-vote" => {
            if let Some(circle) = PathBuilder::from_circle(w * 0.78, h * 0.16, w * 0.42) {
                pixmap.fill_path(
                    &circle,
                    &accent,
                    FillRule::Winding,
                    Transform::identity(),
                    None,
                );
            }
        }
        "ensemble" => {
            for i in -6..14 {
                let x = i as f32 * w * 0.16;
                let mut stripe = PathBuilder::new();
                stripe.move_to(x, 0.0);
                stripe.line_to(x + w * 0.07, 0.0);
                stripe.line_to(x + w * 0.07 + h * 0.6, h);
                stripe.line_to(x + h * 0.6, h);
                stripe.close();
                if let Some(path) = stripe.finish() {
                    pixmap.fill_path(
                        &path,
                        &fill(poster.accent, 110),
                        FillRule::Winding,
                        Transform::identity(),
                        None,
                    );
                }
            }
        }
        "procuration" => {
            let side = w * 0.22;
            let (x, y) = (w * 0.07, h * 0.07);
            if let Some(rect) = Rect::from_xywh(x, y, side, side) {
                let mut frame = PathBuilder::new();
                frame.push_rect(rect);
                if let Some(path) = frame.finish() {
                    let stroke = tiny_skia::Stroke {
                        width: w * 0.025,
                        line_join: tiny_skia::LineJoin::Round,
                        ..Default::default()
                    };
                    pixmap.stroke_path(
                        &path,
                        &fill([27, 42, 107], 255),
                        &stroke,
                        Transform::identity(),
                        None,
                    );
                }
            }
            let mut tick = PathBuilder::new();
            tick.move_to(x + side * 0.18, y + side * 0.52);
            tick.line_to(x + side * 0.42, y + side * 0.78);
            tick.line_to(x + side * 0.92, y + side * 0.12);
            if let Some(path) = tick.finish() {
                let stroke = tiny_skia::Stroke {
                    width: w * 0.05,
                    line_cap: tiny_skia::LineCap::Round,
                    line_join: tiny_skia::LineJoin::Round,
                    ..Default::default()
                };
                pixmap.stroke_path(&path, &accent, &stroke, Transform::identity(), None);
            }
        }
        "premiere-fois" => {
            for (cx, cy, r) in [
                (0.15, 0.12, 0.10),
                (0.85, 0.22, 0.16),
                (0.55, 0.05, 0.06),
                (0.92, 0.6, 0.05),
            ] {
                if let Some(circle) = PathBuilder::from_circle(w * cx, h * cy, w * r) {
                    pixmap.fill_path(
                        &circle,
                        &accent,
                        FillRule::Winding,
                        Transform::identity(),
                        None,
                    );
                }
            }
        }
        _ => {
            if let Some(circle) = PathBuilder::from_circle(w * 0.5, h * 0.42, w * 0.36) {
                pixmap.fill_path(
                    &circle,
                    &accent,
                    FillRule::Winding,
                    Transform::identity(),
                    None,
                );
            }
        }
    }
    // Room for the volunteer's caption: a slightly darker band at the bottom.
    if let Some(band) = Rect::from_xywh(0.0, h * 0.72, w, h * 0.24) {
        pixmap.fill_rect(band, &fill([0, 0, 0], 40), Transform::identity(), None);
    }
    let mut image = RgbaImage::from_raw(width, height, pixmap.take())
        .ok_or_else(|| Error::Demo("poster buffer size".into()))?;
    let headline = Caption {
        text: poster.headline.to_owned(),
        zone: Zone {
            x: 0.07,
            y: 0.30,
            width: 0.86,
            height: 0.28,
        },
        style: Style {
            face: Face::Poster,
            fill: poster.ink,
            outline: None,
            align: Align::Left,
            max_lines: 3,
            line_height: 1.0,
            uppercase: true,
            max_size: 0.12,
            ..Style::default()
        },
    };
    typesetter.draw_onto(&mut image, &headline, width, height);
    let subline = Caption {
        text: poster.subline.to_owned(),
        zone: Zone {
            x: 0.07,
            y: 0.60,
            width: 0.86,
            height: 0.08,
        },
        style: Style {
            face: Face::SansBold,
            fill: poster.ink,
            outline: None,
            align: Align::Left,
            max_lines: 1,
            line_height: 1.2,
            uppercase: false,
            max_size: 0.045,
            ..Style::default()
        },
    };
    typesetter.draw_onto(&mut image, &subline, width, height);
    Ok(image)
}

fn draw_animation(typesetter: &mut Typesetter) -> Result<Picture, Error> {
    const SIDE: u32 = 480;
    const FRAMES: usize = 16;
    let s = SIDE as f32;
    let title = Caption {
        text: "À VOS URNES".to_owned(),
        zone: Zone {
            x: 0.08,
            y: 0.05,
            width: 0.84,
            height: 0.16,
        },
        style: Style {
            face: Face::Poster,
            fill: [255, 255, 255, 255],
            outline: None,
            align: Align::Center,
            max_lines: 1,
            line_height: 1.0,
            uppercase: true,
            max_size: 0.14,
            ..Style::default()
        },
    };
    let layout = typesetter.layout(&title, SIDE, SIDE);
    let title_layer = typesetter.layer(&layout, SIDE, SIDE);
    let mut frames = Vec::with_capacity(FRAMES);
    for index in 0..FRAMES {
        let mut pixmap =
            Pixmap::new(SIDE, SIDE).ok_or_else(|| Error::Demo("empty frame".into()))?;
        pixmap.fill(Color::from_rgba8(27, 42, 107, 255));
        // The envelope falls during the first 11 frames, then rests inside the box.
        let progress = (index as f32 / 10.0).min(1.0);
        let eased = progress * progress;
        let envelope_y = s * 0.22 + eased * s * 0.30;
        if let Some(rect) = Rect::from_xywh(s * 0.38, envelope_y, s * 0.24, s * 0.16) {
            pixmap.fill_rect(
                rect,
                &fill([244, 239, 230], 255),
                Transform::identity(),
                None,
            );
        }
        let mut flap = PathBuilder::new();
        flap.move_to(s * 0.38, envelope_y);
        flap.line_to(s * 0.50, envelope_y + s * 0.09);
        flap.line_to(s * 0.62, envelope_y);
        if let Some(path) = flap.finish() {
            let stroke = tiny_skia::Stroke {
                width: 3.0,
                ..Default::default()
            };
            pixmap.stroke_path(
                &path,
                &fill([229, 72, 77], 255),
                &stroke,
                Transform::identity(),
                None,
            );
        }
        // The box is drawn after the envelope so the envelope disappears into it.
        if let Some(rect) = Rect::from_xywh(s * 0.24, s * 0.50, s * 0.52, s * 0.40) {
            pixmap.fill_rect(
                rect,
                &fill([255, 255, 255], 255),
                Transform::identity(),
                None,
            );
        }
        if let Some(slot) = Rect::from_xywh(s * 0.36, s * 0.535, s * 0.28, s * 0.025) {
            pixmap.fill_rect(slot, &fill([27, 42, 107], 255), Transform::identity(), None);
        }
        if index >= 11 {
            if let Some(check) =
                PathBuilder::from_circle(s * 0.5, s * 0.74, s * (0.05 + 0.01 * (index - 11) as f32))
            {
                pixmap.fill_path(
                    &check,
                    &fill([229, 72, 77], 255),
                    FillRule::Winding,
                    Transform::identity(),
                    None,
                );
            }
        }
        let mut image = RgbaImage::from_raw(SIDE, SIDE, pixmap.take())
            .ok_or_else(|| Error::Demo("frame buffer size".into()))?;
        image::imageops::overlay(&mut image, &title_layer, 0, 0);
        frames.push(Frame {
            image,
            delay_ms: if index == FRAMES - 1 { 900 } else { 80 },
        });
    }
    Ok(Picture::Animation {
        frames,
        repeat: render::Repeat::Infinite,
    })
}
