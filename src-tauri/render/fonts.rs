//! The only fonts the renderer knows. System fonts are never loaded, so a caption looks
//! the same on every volunteer's laptop.

use cosmic_text::fontdb;

const POSTER: &[u8] = include_bytes!("fonts/LeagueSpartan-Black.otf");
const SANS: &[u8] = include_bytes!("fonts/Inter-Regular.otf");
const SANS_BOLD: &[u8] = include_bytes!("fonts/Inter-Bold.otf");
const EMOJI: &[u8] = include_bytes!("fonts/NotoColorEmoji-Relais.ttf");

/// Faces for the scripts Inter and League Spartan lack, one per weight a bundled face
/// has (the shaper's script fallback only takes a face of the exact weight asked for).
/// Subsets of Noto built by `scripts/subset-script-fonts.sh`; sizes in the README.
const SCRIPT_FACES: [&[u8]; 7] = [
    include_bytes!("fonts/NotoSansArabic-Regular-Relais.ttf"),
    include_bytes!("fonts/NotoSansArabic-Bold-Relais.ttf"),
    include_bytes!("fonts/NotoSansArabic-Black-Relais.ttf"),
    include_bytes!("fonts/NotoSansHebrew-Regular-Relais.ttf"),
    include_bytes!("fonts/NotoSansHebrew-Bold-Relais.ttf"),
    include_bytes!("fonts/NotoSansHebrew-Black-Relais.ttf"),
    include_bytes!("fonts/NotoSansTifinagh-Regular-Relais.ttf"),
];

/// The family each script falls back to when the chosen face lacks a character; the
/// same lists on every system, so a caption looks the same everywhere.
pub(crate) fn script_families(script: unicode_script::Script) -> &'static [&'static str] {
    use unicode_script::Script;
    match script {
        Script::Arabic => &["Noto Sans Arabic"],
        Script::Hebrew => &["Noto Sans Hebrew"],
        Script::Tifinagh => &["Noto Sans Tifinagh"],
        _ => &[],
    }
}

/// Tried after the script's own list, for every script: Inter covers Latin (Vietnamese
/// too), Greek and Cyrillic; the emoji face covers emoji.
pub(crate) const COMMON_FAMILIES: &[&str] = &["Inter", "Noto Color Emoji"];

/// A face as the shaper asks for it.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct FaceQuery {
    pub family: String,
    pub weight: fontdb::Weight,
}

pub(crate) struct BundledFonts {
    pub db: fontdb::Database,
    pub poster: FaceQuery,
    pub sans: FaceQuery,
    pub sans_bold: FaceQuery,
    pub emoji: Option<fontdb::ID>,
}

pub(crate) fn bundled() -> BundledFonts {
    let mut db = fontdb::Database::new();
    let poster = load(&mut db, POSTER);
    let sans = load(&mut db, SANS);
    let sans_bold = load(&mut db, SANS_BOLD);
    let emoji = load_id(&mut db, EMOJI);
    for face in SCRIPT_FACES {
        load_id(&mut db, face);
    }
    // The shaper falls back to these for characters the chosen face lacks.
    db.set_sans_serif_family(sans.family.clone());
    BundledFonts {
        db,
        poster,
        sans,
        sans_bold,
        emoji,
    }
}

fn load_id(db: &mut fontdb::Database, bytes: &'static [u8]) -> Option<fontdb::ID> {
    let ids = db.load_font_source(fontdb::Source::Binary(std::sync::Arc::new(bytes)));
    ids.first().copied()
}

fn load(db: &mut fontdb::Database, bytes: &'static [u8]) -> FaceQuery {
    let face = load_id(db, bytes).and_then(|id| db.face(id));
    match face {
        Some(face) => FaceQuery {
            family: face
                .families
                .first()
                .map(|(name, _)| name.clone())
                .unwrap_or_default(),
            weight: face.weight,
        },
        // Unreachable with the bundled files; a test asserts every face loads.
        None => FaceQuery {
            family: String::new(),
            weight: fontdb::Weight::NORMAL,
        },
    }
}
