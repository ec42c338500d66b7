//! What a volunteer is shown before trusting a kit: who publishes it, which key signed
//! it, whether that key is the one already trusted for this kit id.

use std::path::Path;

use serde::Serialize;

use super::archive::{self, Archive};
use super::import::read_manifest;
use super::manifest::{Localized, Manifest};
use super::signature::{Fingerprint, Signature};
use super::trust::{embedded_key, pinned_key, PinState};
use super::{Error, MANIFEST_FILE};
use crate::db::Store;
use crate::render::Limits;

#[derive(Debug, Clone, Serialize)]
pub struct Inspection {
    pub kit_id: String,
    pub title: Localized,
    pub publisher: String,
    pub version: u64,
    /// The signing key's fingerprint (SHA-256 of the whole key): what the volunteer
    /// compares with the one the organizer published.
    pub fingerprint: Fingerprint,
    pub public_key: String,
    pub pinned: PinState,
    pub installed_version: Option<u64>,
    /// Assets the library would show (retracted ones excluded).
    pub assets: usize,
    /// Bytes of the assets and fonts kit.json lists.
    pub bytes: u64,
}

/// kit.json's bytes and the signature text of the kit folder or `.relais` file at
/// `path`, read with limits.
pub(crate) fn read_signed(path: &Path) -> Result<(Vec<u8>, Signature), Error> {
    if archive::is_archive(path) {
        let (manifest, signature) = Archive::open(path)?.manifest_and_signature()?;
        let signature = signature.ok_or_else(|| super::signature::Error::SignatureMissing {
            path: path.join(super::signature::SIGNATURE_FILE),
        })?;
        Ok((manifest, Signature::parse(&signature)?))
    } else if path.is_dir() {
        let manifest = read_manifest(&path.join(MANIFEST_FILE), path)?;
        Ok((manifest, Signature::read(path)?))
    } else {
        Err(Error::NotAKit {
            path: path.to_path_buf(),
        })
    }
}

/// Reads and verifies the kit at `path` (folder or `.relais`) with the key it embeds
/// (or, when it embeds none, the key pinned for its id). Writes nothing; the files
/// themselves are checked on import.
pub fn inspect(path: &Path, store: &Store, _limits: &Limits) -> Result<Inspection, Error> {
    let (manifest_bytes, signature) = read_signed(path)?;
    let manifest = Manifest::parse(&manifest_bytes)?;
    let pinned = pinned_key(store, &manifest.id)?;
    let key = match (embedded_key(&manifest)?, &pinned) {
        (Some(key), _) => key,
        (None, Some(pinned)) => pinned.clone(),
        (None, None) => return Err(Error::PublicKeyMissing),
    };
    signature.verify(&key, &manifest_bytes, &manifest.id, manifest.version)?;
    let installed_version =
        crate::db::kits::installed(store.conn(), &manifest.id)?.map(|installed| installed.version);
    let pinned = match pinned {
        None => PinState::New,
        Some(pinned) if pinned == key => PinState::Same,
        Some(_) => PinState::Different,
    };
    let shown = manifest
        .assets
        .iter()
        .filter(|asset| asset.retracted.is_none());
    Ok(Inspection {
        kit_id: manifest.id.clone(),
        title: manifest.title.clone(),
        publisher: manifest.publisher.clone(),
        version: manifest.version,
        fingerprint: key.fingerprint(),
        public_key: key.to_base64(),
        pinned,
        installed_version,
        assets: shown.clone().count(),
        // Sizes are bounded by validation; saturate anyway rather than trust a sum.
        bytes: shown
            .map(|asset| asset.size)
            .chain(manifest.fonts.iter().map(|font| font.size))
            .fold(0u64, u64::saturating_add),
    })
}
