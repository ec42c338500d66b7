//! Checking a published kit folder the way an importer will, without touching any
//! library: the signature first, then every listed file.

use std::path::Path;

use super::import::{check, check_font, read_manifest};
use super::manifest::{AssetEntry, Manifest};
use super::signature::{Fingerprint, PublicKey, Signature};
use super::trust::embedded_key;
use super::{Error, MANIFEST_FILE};
use crate::render::Limits;

/// One check that passed, reported as it happens so a long kit shows progress.
#[derive(Debug)]
#[non_exhaustive]
pub enum Passed<'a> {
    /// The signature was made by the key with this fingerprint over this kit.json and
    /// names this kit version.
    Signature {
        fingerprint: Fingerprint,
        trusted_comment: &'a str,
    },
    /// The signature parses, but no key was given to check it. `embedded` is the
    /// fingerprint of the key kit.json carries, which only a check could confirm.
    SignatureWellFormed {
        embedded: Option<Fingerprint>,
    },
    File {
        entry: &'a AssetEntry,
    },
}

/// What a fully passed verification established.
#[derive(Debug)]
pub struct Verified {
    pub manifest: Manifest,
    pub fingerprint: Fingerprint,
}

/// Verifies the kit in `folder`: with `key`, the signature must be that key's, over
/// these exact kit.json bytes, for this kit id and version; then every file must match
/// kit.json. Without `key` the files are still checked (useful to an organizer), but
/// the result is [`super::signature::Error::KeyNeeded`]: nothing here is trusted yet.
pub fn verify_folder(
    folder: &Path,
    key: Option<&PublicKey>,
    limits: &Limits,
    on_pass: &mut dyn FnMut(&Passed),
) -> Result<Verified, Error> {
    let manifest_bytes = read_manifest(&folder.join(MANIFEST_FILE), folder)?;
    let manifest = Manifest::parse(&manifest_bytes)?;
    let signature = Signature::read(folder)?;
    match key {
        Some(key) => {
            signature.verify(key, &manifest_bytes, &manifest.id, manifest.version)?;
            on_pass(&Passed::Signature {
                fingerprint: key.fingerprint(),
                trusted_comment: &signature.trusted_comment(),
            });
        }
        None => on_pass(&Passed::SignatureWellFormed {
            embedded: embedded_key(&manifest)?.map(|key| key.fingerprint()),
        }),
    }
    for (index, font) in manifest.fonts.iter().enumerate() {
        check_font(folder, index, font)?;
    }
    for entry in manifest
        .assets
        .iter()
        .filter(|entry| entry.retracted.is_none())
    {
        check(folder, entry, limits)?;
        on_pass(&Passed::File { entry });
    }
    let Some(key) = key else {
        return Err(super::signature::Error::KeyNeeded {
            key_id: signature.key_id(),
        }
        .into());
    };
    Ok(Verified {
        manifest,
        fingerprint: key.fingerprint(),
    })
}
