//! Kit fonts, from the organizer's kit.toml to the pixels: a kit built and imported
//! with a font draws its styles in that font, per kit, with the bundled faces as the
//! only fallback.

use std::path::{Path, PathBuf};

use relais::db::Store;
use relais::kit::{self, import_path};
use relais::render::{Caption, Face, KitFont, Limits, Remix, Style, Typesetter, Zone};
use tempfile::TempDir;

use crate::kit::{Signer, NOW};
use crate::support::{self, Pixels};

const CAPTION: &str = "Dimanche, tous aux urnes";
/// Armenian: in the test font, in no bundled face.
const ARMENIAN: &str = "Բարեւ";

/// Builds (with `relais kit build`'s library call) a kit `id` shipping `font` as family
/// "Marianne", whose one asset's zone uses a named style with `font = "Marianne"`.
pub(crate) fn build_kit(
    work: &Path,
    signer: &Signer,
    id: &str,
    version: u64,
    font: &[u8],
) -> PathBuf {
    let src = work.join(format!("{id}-{version}-src"));
    std::fs::create_dir_all(src.join("fonts")).unwrap();
    std::fs::write(src.join("fonts/marianne.ttf"), font).unwrap();
    std::fs::write(
        src.join("affiche.png"),
        support::png(400, 500, |_, y| [20, 30, 90 + (y / 10) as u8, 255]),
    )
    .unwrap();
    std::fs::write(
        src.join("kit.toml"),
        format!(
            r#"id = "{id}"
publisher = "Comité"
version = {version}
title = {{ fr = "Polices" }}

[[fonts]]
file = "fonts/marianne.ttf"
family = "Marianne"

[[styles]]
id = "bandeau"
name = {{ fr = "Bandeau" }}
style = {{ font = "Marianne", face = "poster", max_size = 0.12 }}

[[assets]]
id = "affiche"
kind = "image"
file = "affiche.png"
title = {{ fr = "Affiche" }}

[[assets.zones]]
x = 0.05
y = 0.3
width = 0.9
height = 0.4
style_id = "bandeau"
"#
        ),
    )
    .unwrap();
    let out = work.join(format!("{id}-{version}.relais"));
    kit::source::build(&src, &signer.secret, &out, NOW, &Limits::default())
        .unwrap_or_else(|error| panic!("kit {id} v{version} should build: {error}"));
    out
}

/// A data folder with kits imported into it.
struct Library {
    work: TempDir,
    signer: Signer,
    store: Store,
}

impl Library {
    fn new() -> Self {
        let work = TempDir::new().unwrap();
        let store = Store::open(&work.path().join("data")).unwrap();
        Self {
            work,
            signer: Signer::new(),
            store,
        }
    }

    fn install(&mut self, id: &str, version: u64, font: &[u8]) {
        let kit = build_kit(self.work.path(), &self.signer, id, version, font);
        import_path(
            &mut self.store,
            &kit,
            &self.signer.trust(),
            NOW,
            &Limits::default(),
        )
        .unwrap_or_else(|error| panic!("kit {id} v{version} should import: {error}"));
    }

    /// The kit's asset with `text` in its zone, drawn as the editor's export draws it.
    fn draw(&self, typesetter: &mut Typesetter, kit_id: &str, text: &str) -> Pixels {
        let asset = kit::find_asset(&self.store, kit_id, "affiche").unwrap();
        kit::use_kit_fonts(&self.store, typesetter, &asset)
            .expect("the kit's fonts load from the blob store");
        let picture = kit::load_picture(&self.store, &asset, &Limits::default()).unwrap();
        Pixels::of(&typesetter.apply_remix(&picture, &remix_of(&asset, text)))
    }

    /// The same asset and caption with the style's `font` taken out (and `restyle`
    /// applied), drawn by a typesetter holding no kit font.
    fn draw_bundled(&self, kit_id: &str, text: &str, restyle: impl FnOnce(&mut Style)) -> Pixels {
        let asset = kit::find_asset(&self.store, kit_id, "affiche").unwrap();
        let picture = kit::load_picture(&self.store, &asset, &Limits::default()).unwrap();
        let mut remix = remix_of(&asset, text);
        remix.layers[0].style.font = None;
        restyle(&mut remix.layers[0].style);
        Pixels::of(&Typesetter::new().apply_remix(&picture, &remix))
    }
}

fn remix_of(asset: &kit::AssetSummary, text: &str) -> Remix {
    let mut remix = Remix::from_zones(&asset.zone_rules());
    remix.layers[0].text = text.to_owned();
    remix
}

/// The kit's style as the window would send it, drawn on a plain backdrop by a
/// typesetter holding exactly `fonts` for kit `scope`.
fn draw_direct(fonts: &[(&str, Vec<u8>)], style: Style, text: &str) -> Pixels {
    let mut typesetter = Typesetter::new();
    let fonts = fonts
        .iter()
        .map(|(family, bytes)| KitFont {
            family: (*family).to_owned(),
            file: format!("{family}.ttf"),
            bytes: bytes.clone(),
        })
        .collect();
    typesetter.load_kit_fonts("scope", fonts).unwrap();
    typesetter.use_kit_fonts(Some("scope"));
    let picture = support::picture(&support::png(400, 500, |_, _| [20, 30, 90, 255]));
    let remix = Remix::from(Caption {
        text: text.to_owned(),
        zone: Zone::BOTTOM_BAND,
        style,
    });
    Pixels::of(&typesetter.apply_remix(&picture, &remix))
}

fn marianne() -> Style {
    Style {
        font: Some("Marianne".into()),
        ..Style::default()
    }
}

#[test]
fn a_kit_imported_with_a_font_draws_its_style_in_that_font_not_the_bundled_face() {
    let mut library = Library::new();
    library.install("municipales", 1, &support::test_font());
    let with_font = library.draw(&mut Typesetter::new(), "municipales", CAPTION);
    let without = library.draw_bundled("municipales", CAPTION, |_| {});
    let caption_rows = with_font.rows(0.3, 0.7);
    let changed = with_font.differing_pixels(&without, caption_rows.clone());
    assert!(
        changed > 3000,
        "a serif kit font must draw visibly unlike League Spartan: only {changed} pixels differ"
    );
    assert_eq!(
        with_font.differing_pixels(&without, 0..caption_rows.start),
        0,
        "the font changes the caption, nothing above it"
    );
}

#[test]
fn two_kits_declaring_the_same_family_with_different_files_each_draw_with_their_own() {
    let mut library = Library::new();
    library.install("serif", 1, &support::test_font());
    library.install("inter", 1, &support::inter_bold());
    // One typesetter for both, in both orders, as the desktop shares one.
    let mut typesetter = Typesetter::new();
    let serif = library.draw(&mut typesetter, "serif", CAPTION);
    let inter = library.draw(&mut typesetter, "inter", CAPTION);
    let serif_again = library.draw(&mut typesetter, "serif", CAPTION);
    assert!(
        serif.differing_pixels(&inter, serif.rows(0.3, 0.7)) > 3000,
        "both kits call their font \"Marianne\", yet they are different files"
    );
    assert_eq!(
        serif, serif_again,
        "drawing the other kit in between must not change this kit's font"
    );
    assert_eq!(
        serif,
        library.draw(&mut Typesetter::new(), "serif", CAPTION),
        "a kit draws the same whether or not another kit's fonts are loaded"
    );
    assert_eq!(
        inter,
        library.draw_bundled("inter", CAPTION, |style| style.face = Face::SansBold),
        "the kit that ships Inter Bold draws exactly as Relais's own sans_bold face"
    );
}

#[test]
fn a_character_the_kit_font_lacks_comes_from_the_bundled_faces_never_from_another_kits_font() {
    let text = format!("Allez {ARMENIAN} 🗳️");
    // Only the kit's own font (Inter Bold, without Armenian) loaded...
    let alone = draw_direct(&[("Marianne", support::inter_bold())], marianne(), &text);
    // ...and with another kit's font, which has Armenian, loaded in the same typesetter.
    let mut typesetter = Typesetter::new();
    for (kit, bytes) in [
        ("other", support::test_font()),
        ("scope", support::inter_bold()),
    ] {
        typesetter
            .load_kit_fonts(
                kit,
                vec![KitFont {
                    family: "Marianne".into(),
                    file: "marianne.ttf".into(),
                    bytes,
                }],
            )
            .unwrap();
    }
    typesetter.use_kit_fonts(Some("scope"));
    let picture = support::picture(&support::png(400, 500, |_, _| [20, 30, 90, 255]));
    let beside_another = Pixels::of(&typesetter.apply_remix(
        &picture,
        &Remix::from(Caption {
            text: text.clone(),
            zone: Zone::BOTTOM_BAND,
            style: marianne(),
        }),
    ));
    assert_eq!(
        alone, beside_another,
        "another kit's font must never fill in for a missing character: output would depend on which kits were opened"
    );
    let colourful = (0..alone.height)
        .flat_map(|y| (0..alone.width).map(move |x| (x, y)))
        .map(|(x, y)| alone.pixel(x, y))
        .filter(|[r, g, b, _]| r.abs_diff(*g) > 60 || g.abs_diff(*b) > 60)
        .count();
    assert!(
        colourful > 50,
        "the emoji the kit font lacks is still drawn in colour from the bundled font"
    );
}

#[test]
fn a_style_naming_a_font_that_is_not_loaded_draws_in_its_bundled_face() {
    let bundled = draw_direct(&[], Style::default(), CAPTION);
    assert_eq!(
        draw_direct(&[], marianne(), CAPTION),
        bundled,
        "a font the kit no longer ships (or the window made up) falls back to `face`"
    );
    assert_eq!(
        draw_direct(&[("Autre", support::test_font())], marianne(), CAPTION),
        bundled,
        "only the family the style names is used, not whatever the kit ships"
    );
}

#[test]
fn a_kit_update_that_swaps_its_font_file_draws_with_the_new_one_in_the_same_typesetter() {
    let mut library = Library::new();
    library.install("municipales", 1, &support::test_font());
    let mut typesetter = Typesetter::new();
    let before = library.draw(&mut typesetter, "municipales", CAPTION);
    library.install("municipales", 2, &support::inter_bold());
    let after = library.draw(&mut typesetter, "municipales", CAPTION);
    assert!(
        before.differing_pixels(&after, before.rows(0.3, 0.7)) > 3000,
        "the layout cache must not hand back the old font's caption"
    );
    assert_eq!(
        after,
        library.draw(&mut Typesetter::new(), "municipales", CAPTION),
        "after the update the kit draws as a fresh start would draw it"
    );
}

#[test]
fn a_font_file_that_is_not_a_font_is_refused_by_the_typesetter_and_the_others_still_load() {
    let mut typesetter = Typesetter::new();
    let error = typesetter
        .load_kit_fonts(
            "kit",
            vec![
                KitFont {
                    family: "Cassée".into(),
                    file: "fonts/cassee.ttf".into(),
                    bytes: b"this is no font, only text".to_vec(),
                },
                KitFont {
                    family: "Marianne".into(),
                    file: "fonts/marianne.ttf".into(),
                    bytes: support::test_font(),
                },
            ],
        )
        .expect_err("garbage is not a font");
    assert!(
        error.to_string().contains("fonts/cassee.ttf"),
        "the error names the file: {error}"
    );
    assert!(
        typesetter.has_kit_font("kit", "Marianne") && !typesetter.has_kit_font("kit", "Cassée"),
        "the good font loads even though the bad one did not"
    );
}

/// A kit.toml with one poster and the given `[[fonts]]` / `[[styles]]` text.
fn source_with(work: &Path, fonts: &[(&str, &[u8])], extra: &str) -> PathBuf {
    let src = work.join("src");
    std::fs::create_dir_all(src.join("fonts")).unwrap();
    for (file, bytes) in fonts {
        std::fs::write(src.join(file), bytes).unwrap();
    }
    std::fs::write(
        src.join("affiche.png"),
        support::png(32, 32, |_, _| [9, 9, 9, 255]),
    )
    .unwrap();
    std::fs::write(
        src.join("kit.toml"),
        format!(
            "id = \"polices\"\npublisher = \"Comité\"\nversion = 1\n\
             title = {{ fr = \"Polices\" }}\n\n{extra}\n\
             [[assets]]\nid = \"affiche\"\nkind = \"image\"\nfile = \"affiche.png\"\n\
             title = {{ fr = \"Affiche\" }}\n"
        ),
    )
    .unwrap();
    src
}

/// One organizer mistake: the font files in the source folder, the kit.toml lines
/// that name them, and the words the refusal must contain.
struct Mistake<'a> {
    name: &'a str,
    files: Vec<(&'a str, &'a [u8])>,
    toml: &'a str,
    words: &'a [&'a str],
}

#[test]
fn the_build_refuses_font_mistakes_naming_the_kit_toml_field_and_writes_nothing() {
    let serif = support::test_font();
    let inter = support::inter_bold();
    let mistakes = [
        Mistake {
            name: "a style naming a family no [[fonts]] declares",
            files: vec![("fonts/serif.ttf", &serif)],
            toml: "[[fonts]]\nfile = \"fonts/serif.ttf\"\nfamily = \"Serif\"\n\n\
                   [[styles]]\nid = \"bandeau\"\nstyle = { font = \"Marianne\" }\n",
            words: &["styles[0].style.font", "\"Marianne\"", "\"Serif\""],
        },
        Mistake {
            name: "a zone style naming a font while the kit ships none",
            files: vec![],
            toml: "[[assets]]\nid = \"autre\"\nkind = \"image\"\nfile = \"affiche.png\"\n\
                   title = { fr = \"Autre\" }\n\n[[assets.zones]]\nx = 0.1\ny = 0.1\n\
                   width = 0.5\nheight = 0.5\nstyle = { font = \"Marianne\" }\n",
            words: &["assets[0].zones[0].style.font", "ships no font"],
        },
        Mistake {
            name: "a font file that is not a font",
            files: vec![("fonts/marianne.otf", b"PK\x03\x04 a zip, not a font")],
            toml: "[[fonts]]\nfile = \"fonts/marianne.otf\"\nfamily = \"Marianne\"\n",
            words: &[
                "fonts[0].file",
                "fonts/marianne.otf",
                "not a TrueType or OpenType font",
            ],
        },
        Mistake {
            name: "one family declared for two files",
            files: vec![("fonts/serif.ttf", &serif), ("fonts/inter.otf", &inter)],
            toml: "[[fonts]]\nfile = \"fonts/serif.ttf\"\nfamily = \"Marianne\"\n\n\
                   [[fonts]]\nfile = \"fonts/inter.otf\"\nfamily = \"Marianne\"\n",
            words: &["fonts[1].family", "fonts[0]"],
        },
    ];
    let signer = Signer::new();
    for mistake in mistakes {
        let name = mistake.name;
        let work = TempDir::new().unwrap();
        let src = source_with(work.path(), &mistake.files, mistake.toml);
        let out = work.path().join("out");
        let error = kit::source::build(&src, &signer.secret, &out, NOW, &Limits::default())
            .expect_err(name);
        let message = error.to_string();
        for word in mistake.words {
            assert!(
                message.contains(word),
                "{name}: the message should say {word:?}: {message}"
            );
        }
        assert!(
            !out.exists(),
            "{name}: nothing is written for a refused build"
        );
    }
}
