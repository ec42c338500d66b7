//! Checking a published kit folder the way an importer will, without touching any
//! library: the signature first, then every listed file.

use std::path::Path;

use super::import::{check, check_font, read_manifest};
use super::manifest::{AssetEntry, Manifest};
use super::signature::{KeyId, PublicKey, Signature};
use super::{Error, MANIFEST_FILE};
use crate::render::Limits;

/// One check that passed, reported as it happens so a long kit shows progress.
#[derive(Debug)]
#[non_exhaustive]
pub enum Passed<'a> {
    /// The signature was made by `key_id` over this kit.json and names this kit version.
    Signature {
        key_id: KeyId,
        trusted_comment: &'a str,
    },
    /// The signature parses and names `key_id`, but no key was given to check it.
    SignatureWellFormed {
        key_id: KeyId,
    },
    File {
        entry: &'a AssetEntry,
    },
}

/// What a fully passed verification established.
#[derive(Debug)]
pub struct Verified {
    pub manifest: Manifest,
    pub key_id: KeyId,
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
    let key_id = signature.key_id();
    match key {
        Some(key) => {
            signature.verify(key, &manifest_bytes, &manifest)?;
            on_pass(&Passed::Signature {
                key_id,
                trusted_comment: &signature.trusted_comment(),
            });
        }
        None => on_pass(&Passed::SignatureWellFormed { key_id }),
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
    if key.is_none() {
        return Err(super::signature::Error::KeyNeeded { key_id }.into());
    }
    Ok(Verified { manifest, key_id })
}
