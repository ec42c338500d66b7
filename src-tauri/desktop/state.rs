use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, MutexGuard};

use crate::db::Store;
use crate::kit::{self, AssetSummary};
use crate::render::{Limits, Picture, Typesetter};

use super::remix::Screen;

use super::IpcError;

/// Everything the commands share. Each part has its own lock so a slow export does not
/// block the library list.
pub struct AppState {
    pub data_dir: PathBuf,
    pub locale: String,
    pub limits: Limits,
    store: Mutex<Store>,
    typesetter: Mutex<Typesetter>,
    // R1: `Mutex<Preview>` again once `Preview::render_remix` exists.
    screen: Mutex<Screen>,
    /// The asset open in the editor, decoded once.
    current: Mutex<Option<(String, Arc<Picture>)>>,
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
            screen: Mutex::new(Screen::default()),
            current: Mutex::new(None),
        })
    }

    pub fn store(&self) -> Result<MutexGuard<'_, Store>, IpcError> {
        self.store.lock().map_err(|_| IpcError::poisoned())
    }

    /// The store's lock itself, for library code that locks only around its database
    /// work (K2's sync holds it while importing, not while downloading).
    pub fn store_mutex(&self) -> &Mutex<Store> {
        &self.store
    }

    pub fn typesetter(&self) -> Result<MutexGuard<'_, Typesetter>, IpcError> {
        self.typesetter.lock().map_err(|_| IpcError::poisoned())
    }

    pub fn screen(&self) -> Result<MutexGuard<'_, Screen>, IpcError> {
        self.screen.lock().map_err(|_| IpcError::poisoned())
    }

    /// The asset's summary and decoded pixels, decoding only when the asset changes.
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
        let picture = Arc::new(kit::load_picture(&store, &summary, &self.limits)?);
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
