//! Fonts a kit ships. A style names one by the family its kit declares; the typesetter
//! loads each distinct file once, keyed by the SHA-256 of its bytes, under a family name
//! of its own. So two kits may both call different files "Marianne", and a font's inner
//! name (which an organizer does not control) can never clash with a bundled face.
//!
//! Kit faces never stand in for a character another face lacks: the fallback stays the
//! bundled one, so a caption looks the same whichever other kits happen to be loaded.

use std::collections::HashMap;
use std::sync::Arc;

use cosmic_text::{fontdb, Fallback, FontSystem};
use sha2::{Digest, Sha256};

use super::fonts::FaceQuery;
use super::Error;

/// A font file a kit ships, with the family its kit.json declares for it.
#[derive(Debug, Clone)]
pub struct KitFont {
    /// The name styles give in `font`.
    pub family: String,
    /// Where the file sits in the kit, for messages.
    pub file: String,
    pub bytes: Vec<u8>,
}

/// A second family name every kit face carries, so the fallback can leave them all out.
const KIT_FACE_MARKER: &str = "Relais kit font";

/// Checks that `bytes` is a font the typesetter can draw with: its first face parses,
/// has a family name, and the shaper accepts it. `name` is used in the error.
pub fn check_font(bytes: &[u8], name: &str) -> Result<(), Error> {
    let mut scratch = fontdb::Database::new();
    parse(&mut scratch, bytes.to_vec(), name).map(|_| ())
}

/// The first face of `bytes`, loaded into `db`.
fn parse(db: &mut fontdb::Database, bytes: Vec<u8>, name: &str) -> Result<fontdb::FaceInfo, Error> {
    let not_a_font = || Error::NotAFont {
        name: name.to_owned(),
    };
    let ids = db.load_font_source(fontdb::Source::Binary(Arc::new(bytes)));
    let id = ids.first().copied().ok_or_else(not_a_font)?;
    let face = db.face(id).cloned().ok_or_else(not_a_font)?;
    // fontdb only reads the names; this is the parse the shaper itself will do.
    cosmic_text::Font::new(db, id, face.weight).ok_or_else(not_a_font)?;
    Ok(face)
}

/// The kit fonts a typesetter has loaded, and which kit's families styles name now.
#[derive(Default)]
pub(crate) struct KitFaces {
    /// One face per distinct file, by the SHA-256 of its bytes.
    faces: HashMap<String, FaceQuery>,
    /// Per kit id: declared family -> SHA-256 of its file.
    kits: HashMap<String, HashMap<String, String>>,
    current: Option<String>,
}

impl KitFaces {
    /// Makes `fonts` the fonts of `kit`, replacing what an earlier version declared. A
    /// file already loaded (by this kit or another) is not loaded again. When a family
    /// is declared twice, the first file wins. Every font that parses is loaded even if
    /// one does not; the error names the first that did not, and styles naming it fall
    /// back to their bundled face.
    pub fn load(
        &mut self,
        system: &mut FontSystem,
        kit: &str,
        fonts: Vec<KitFont>,
    ) -> Result<(), Error> {
        let mut families = HashMap::new();
        let mut first_error = None;
        for font in fonts {
            let sha = hex::encode(Sha256::digest(&font.bytes));
            if !self.faces.contains_key(&sha) {
                match add_face(system, &sha, font.bytes, &font.file) {
                    Ok(face) => {
                        self.faces.insert(sha.clone(), face);
                    }
                    Err(error) => {
                        first_error.get_or_insert(error);
                        continue;
                    }
                }
            }
            families.entry(font.family).or_insert(sha);
        }
        self.kits.insert(kit.to_owned(), families);
        first_error.map_or(Ok(()), Err)
    }

    /// Whose families `resolve` looks in; None: no kit's.
    pub fn select(&mut self, kit: Option<&str>) {
        self.current = kit.map(str::to_owned);
    }

    /// The face the selected kit declares as `family`, if it is loaded.
    pub fn resolve(&self, family: &str) -> Option<&FaceQuery> {
        let kit = self.kits.get(self.current.as_deref()?)?;
        self.faces.get(kit.get(family)?)
    }

    /// Whether `kit` has a loaded font for `family`.
    pub fn has(&self, kit: &str, family: &str) -> bool {
        self.kits
            .get(kit)
            .and_then(|families| families.get(family))
            .is_some_and(|sha| self.faces.contains_key(sha))
    }
}

/// Loads the face into the typesetter's database under a family named after its hash
/// (its own names are dropped: an organizer's "Inter" must not replace the bundled one).
fn add_face(
    system: &mut FontSystem,
    sha: &str,
    bytes: Vec<u8>,
    file: &str,
) -> Result<FaceQuery, Error> {
    let mut scratch = fontdb::Database::new();
    let mut face = parse(&mut scratch, bytes, file)?;
    let family = format!("Relais kit {sha}");
    let english = fontdb::Language::English_UnitedStates;
    face.families = vec![
        (family.clone(), english),
        (KIT_FACE_MARKER.to_owned(), english),
    ];
    face.id = fontdb::ID::dummy();
    let weight = face.weight;
    system.db_mut().push_face_info(face);
    Ok(FaceQuery { family, weight })
}

/// The bundled fallback lists (the same on every system), with every kit face
/// forbidden as a fallback.
#[derive(Debug)]
pub(crate) struct BundledFallback;

impl Fallback for BundledFallback {
    fn common_fallback(&self) -> &[&'static str] {
        super::fonts::COMMON_FAMILIES
    }

    fn forbidden_fallback(&self) -> &[&'static str] {
        &[KIT_FACE_MARKER]
    }

    fn script_fallback(&self, script: unicode_script::Script, _locale: &str) -> &[&'static str] {
        super::fonts::script_families(script)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// No system or bundled faces: only what a test loads.
    fn empty_system() -> FontSystem {
        FontSystem::new_with_locale_and_db("fr-FR".to_owned(), fontdb::Database::new())
    }

    fn font(family: &str, bytes: &[u8]) -> KitFont {
        KitFont {
            family: family.to_owned(),
            file: format!("{family}.otf"),
            bytes: bytes.to_vec(),
        }
    }

    #[test]
    fn the_same_file_is_loaded_once_however_many_kits_and_versions_ship_it() {
        let inter = include_bytes!("fonts/Inter-Bold.otf");
        let mut system = empty_system();
        let mut faces = KitFaces::default();
        faces
            .load(&mut system, "a", vec![font("Marianne", inter)])
            .unwrap();
        let loaded = system.db().len();
        faces
            .load(&mut system, "a", vec![font("Marianne", inter)])
            .unwrap();
        faces
            .load(&mut system, "b", vec![font("Autre", inter)])
            .unwrap();
        assert_eq!(
            system.db().len(),
            loaded,
            "a file already loaded must not add a face again"
        );
        faces.select(Some("b"));
        assert!(faces.resolve("Autre").is_some() && faces.resolve("Marianne").is_none());
    }

    #[test]
    fn a_kit_font_never_takes_the_name_of_a_bundled_face() {
        let inter = include_bytes!("fonts/Inter-Bold.otf");
        let mut system = empty_system();
        let mut faces = KitFaces::default();
        faces
            .load(&mut system, "kit", vec![font("Inter", inter)])
            .unwrap();
        assert!(
            system
                .db()
                .faces()
                .all(|face| face.families.iter().all(|(name, _)| name != "Inter")),
            "an organizer's copy of Inter must not answer for the bundled Inter"
        );
    }
}
