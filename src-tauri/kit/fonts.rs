//! An installed kit's fonts, from the blob store to the typesetter, so its styles draw
//! with the organizer's type.

use super::library::AssetSummary;
use super::manifest::FontEntry;
use super::Error;
use crate::db::Store;
use crate::render::{KitFont, Typesetter};

/// The font files `fonts` lists, read from the blob store (where the import checked
/// them).
pub fn read_fonts(store: &Store, fonts: &[FontEntry]) -> Result<Vec<KitFont>, Error> {
    fonts
        .iter()
        .map(|font| {
            let bytes = store
                .blobs()
                .read(&font.sha256)
                .map_err(|source| Error::FileRead {
                    file: font.file.clone(),
                    source,
                })?;
            Ok(KitFont {
                family: font.family.clone(),
                file: font.file.clone(),
                bytes,
            })
        })
        .collect()
}

/// Loads the fonts of `asset`'s kit into `typesetter` and selects them, so the asset's
/// styles draw with them. The kit is selected even when a font cannot be loaded: styles
/// naming it then draw with their bundled face, and the error says why.
pub fn use_kit_fonts(
    store: &Store,
    typesetter: &mut Typesetter,
    asset: &AssetSummary,
) -> Result<(), Error> {
    typesetter.use_kit_fonts(Some(&asset.kit_id));
    let fonts = read_fonts(store, &asset.fonts)?;
    typesetter
        .load_kit_fonts(&asset.kit_id, fonts)
        .map_err(|source| Error::Font {
            kit: asset.kit_id.clone(),
            source,
        })
}
