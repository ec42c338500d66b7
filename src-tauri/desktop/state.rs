use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, MutexGuard};

use crate::db::Store;
use crate::kit::{self, AssetSummary, FontEntry};
use crate::render::{Limits, Picture, Preview, Typesetter};

use super::error::AppMessage;
use super::IpcError;

/// Everything the commands share. Each part has its own lock so a slow export does not
/// block the library list.
pub struct AppState {
    pub data_dir: PathBuf,
    pub locale: String,
    pub limits: Limits,
    store: Mutex<Store>,
    typesetter: Mutex<Typesetter>,
    /// Per kit, the fonts loaded into the typesetter: a render reads no font blob unless
    /// the kit's fonts changed (a new version) since.
    kit_fonts: Mutex<HashMap<String, Vec<FontEntry>>>,
    /// The open asset at screen size, kept so a drag costs only the caption.
    preview: Mutex<Preview>,
    /// The first frame of the asset open in the editor, decoded once: the preview and the
    /// copy show nothing else, and an export decodes the file itself, frame by frame when
    /// it is long, so a long GIF never sits decoded whole in memory while editing.
    current: Mutex<Option<(String, Arc<Picture>)>>,
    /// The `.relais` file the system opened Relais with (a double-click), if any.
    pub opened_kit_file: Option<PathBuf>,
}

impl AppState {
    pub fn open(data_dir: &Path) -> Result<Self, crate::kit::Error> {
        let mut store = Store::open(data_dir)?;
        let mut typesetter = Typesetter::new();
        let limits = Limits::default();
        let now = crate::clock::now_unix();
        if let Some(report) =
            kit::demo::ensure_installed(&mut store, &mut typesetter, now, &limits)?
        {
            tracing::info!(?report, "demo kit installed");
        }
        Ok(Self {
            data_dir: data_dir.to_path_buf(),
            locale: ui_locale(),
            limits,
            store: Mutex::new(store),
            typesetter: Mutex::new(typesetter),
            kit_fonts: Mutex::new(HashMap::new()),
            preview: Mutex::new(Preview::default()),
            current: Mutex::new(None),
            opened_kit_file: None,
        })
    }

    pub fn opened_with(self, kit_file: Option<PathBuf>) -> Self {
        Self {
            opened_kit_file: kit_file,
            ..self
        }
    }

    pub fn store(&self) -> Result<MutexGuard<'_, Store>, IpcError> {
        self.store.lock().map_err(|_| IpcError::poisoned())
    }

    /// The store's lock itself, for library code that locks only around its database
    /// work (kit sync holds it while importing, not while downloading).
    pub fn store_mutex(&self) -> &Mutex<Store> {
        &self.store
    }

    pub fn typesetter(&self) -> Result<MutexGuard<'_, Typesetter>, IpcError> {
        self.typesetter.lock().map_err(|_| IpcError::poisoned())
    }

    /// The typesetter with the fonts of `asset`'s kit loaded and selected, for drawing
    /// that asset. A font that cannot be loaded is logged and the styles naming it draw
    /// in their bundled face: a preview or an export is never refused over a font.
    pub fn typesetter_for(
        &self,
        asset: &AssetSummary,
    ) -> Result<MutexGuard<'_, Typesetter>, IpcError> {
        // Locked before the typesetter, and the store last, like every other command.
        let mut loaded = self.kit_fonts.lock().map_err(|_| IpcError::poisoned())?;
        let mut typesetter = self.typesetter()?;
        if loaded.get(&asset.kit_id) == Some(&asset.fonts) {
            typesetter.use_kit_fonts(Some(&asset.kit_id));
        } else {
            if let Err(error) = kit::use_kit_fonts(&*self.store()?, &mut typesetter, asset) {
                tracing::warn!(%error, "kit fonts not loaded");
            }
            // Remembered even after an error, so a drag does not retry it at every step;
            // the kit's next version tries again.
            loaded.insert(asset.kit_id.clone(), asset.fonts.clone());
        }
        Ok(typesetter)
    }

    pub fn preview(&self) -> Result<MutexGuard<'_, Preview>, IpcError> {
        self.preview.lock().map_err(|_| IpcError::poisoned())
    }

    /// Refuses an asset that may not be used now (expired, not yet valid): export and
    /// copy go through here, the preview does not.
    pub fn usable_now(&self, kit_id: &str, asset_id: &str) -> Result<(), IpcError> {
        let asset =
            kit::find_asset_at(&*self.store()?, kit_id, asset_id, crate::clock::now_unix())?;
        match asset.availability {
            kit::Availability::Available => Ok(()),
            kit::Availability::Expired { since } => Err(IpcError::unavailable(
                AppMessage::AssetExpired
                    .message()
                    .localized("title", &asset.entry.title.fr, &asset.entry.title.en)
                    .date("date", kit::parse_rfc3339(&since).unwrap_or_default()),
            )),
            kit::Availability::NotYet { from } => Err(IpcError::unavailable(
                AppMessage::AssetNotYet
                    .message()
                    .localized("title", &asset.entry.title.fr, &asset.entry.title.en)
                    .date("date", kit::parse_rfc3339(&from).unwrap_or_default()),
            )),
        }
    }

    /// An installed asset's summary.
    pub fn summary(&self, kit_id: &str, asset_id: &str) -> Result<AssetSummary, IpcError> {
        Ok(kit::find_asset(&*self.store()?, kit_id, asset_id)?)
    }

    /// The asset's summary and its first frame (a still, even for an animation),
    /// decoding only when the asset changes.
    pub fn asset(
        &self,
        kit_id: &str,
        asset_id: &str,
    ) -> Result<(AssetSummary, Arc<Picture>), IpcError> {
        let store = self.store()?;
        let summary = kit::find_asset(&store, kit_id, asset_id)?;
        let mut current = self.current.lock().map_err(|_| IpcError::poisoned())?;
        if let Some((sha, picture)) = current.as_ref() {
            if *sha == summary.entry.sha256 {
                return Ok((summary, Arc::clone(picture)));
            }
        }
        let first = kit::load_first_frame(&store, &summary, &self.limits)?;
        let picture = Arc::new(Picture::Still(first));
        *current = Some((summary.entry.sha256.clone(), Arc::clone(&picture)));
        Ok((summary, picture))
    }
}

/// `RELAIS_LANG` wins (tests and translators), then the OS locale; French unless the
/// OS says English.
pub(crate) fn ui_locale() -> String {
    let requested = std::env::var("RELAIS_LANG")
        .ok()
        .or_else(sys_locale::get_locale)
        .unwrap_or_default()
        .to_ascii_lowercase();
    if requested.starts_with("en") {
        "en".to_owned()
    } else {
        "fr".to_owned()
    }
}
