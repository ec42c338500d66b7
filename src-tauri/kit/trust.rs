//! Which organizer key may vouch for a kit: keys are pinned per kit id on first import
//! (trust on first use, or a key from a subscribe link), and a kit signed by any other
//! key is refused from then on.

use serde::Serialize;

use super::manifest::Manifest;
use super::signature::{Fingerprint, PublicKey, Signature};
use super::Error;
use crate::db::{self, Store};

/// What the volunteer (or the caller) vouches for on this import.
#[derive(Debug, Clone)]
pub enum Trust {
    /// A key given explicitly: from a subscribe link or `--trust KEY`.
    Pinned(PublicKey),
    /// The volunteer confirmed this fingerprint, shown for the key embedded in kit.json.
    Fingerprint(Fingerprint),
    /// Only a key already pinned for this kit id (updates, sync).
    KnownOnly,
}

/// How the key that signed a kit relates to the one pinned for its id.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum PinState {
    /// No key pinned for this kit id yet.
    New,
    Same,
    /// Another key is pinned: an import would be refused.
    Different,
}

/// The key pinned for `kit_id`, if any.
pub fn pinned_key(store: &Store, kit_id: &str) -> Result<Option<PublicKey>, Error> {
    db::kit_keys::pinned(store.conn(), kit_id)?
        .map(|text| {
            PublicKey::parse(&text)
                .map_err(|error| super::library::stored("pinned key", kit_id, error))
        })
        .transpose()
}

/// The key embedded in kit.json, if the organizer filled it in.
pub fn embedded_key(manifest: &Manifest) -> Result<Option<PublicKey>, Error> {
    if manifest.public_key.is_empty() {
        return Ok(None);
    }
    PublicKey::parse(&manifest.public_key)
        .map(Some)
        .map_err(|_| Error::field("public_key", "not a minisign public key"))
}

/// Decides which key must have signed this kit.json, then checks the signature with
/// it (bytes, key, trusted comment). Keys are compared whole, never by key id: a key
/// id is chosen by whoever makes the key, so a forger can copy it. Reads the store,
/// writes nothing.
pub fn authenticate(
    store: &Store,
    manifest: &Manifest,
    manifest_bytes: &[u8],
    signature: &Signature,
    trust: &Trust,
) -> Result<PublicKey, Error> {
    let embedded = embedded_key(manifest)?;
    let pinned = pinned_key(store, &manifest.id)?;
    let was_pinned = pinned.is_some();
    let key = match pinned {
        Some(pinned) => {
            let offered = match trust {
                Trust::Pinned(key) => Some(key.fingerprint()),
                Trust::Fingerprint(confirmed) => Some(*confirmed),
                Trust::KnownOnly => None,
            };
            if let Some(offered) = offered.filter(|offered| *offered != pinned.fingerprint()) {
                return Err(Error::OtherKeyOffered {
                    kit: manifest.id.clone(),
                    pinned: pinned.fingerprint(),
                    offered,
                });
            }
            pinned
        }
        None => match trust {
            Trust::Pinned(key) => key.clone(),
            Trust::Fingerprint(confirmed) => {
                let embedded = embedded.clone().ok_or(Error::PublicKeyMissing)?;
                if embedded.fingerprint() != *confirmed {
                    return Err(Error::FingerprintMismatch {
                        confirmed: *confirmed,
                        embedded: embedded.fingerprint(),
                    });
                }
                embedded
            }
            Trust::KnownOnly => {
                let embedded = embedded.ok_or(Error::PublicKeyMissing)?;
                // What the volunteer is asked to confirm must at least be what the
                // kit's own key signed: check that before asking.
                signature.verify(&embedded, manifest_bytes, &manifest.id, manifest.version)?;
                return Err(Error::NotTrusted {
                    kit: manifest.id.clone(),
                    version: manifest.version,
                    publisher: manifest.publisher.clone(),
                    fingerprint: embedded.fingerprint(),
                });
            }
        },
    };
    match signature.verify(&key, manifest_bytes, &manifest.id, manifest.version) {
        Ok(()) => Ok(key),
        Err(error) => Err(
            signed_by_another(&key, embedded.as_ref(), signature, manifest_bytes).map_or_else(
                || Error::from(error),
                |offered| {
                    if was_pinned {
                        Error::KeyChanged {
                            kit: manifest.id.clone(),
                            pinned: key.fingerprint(),
                            offered,
                        }
                    } else {
                        Error::SignedByAnotherKey {
                            kit: manifest.id.clone(),
                            expected: key.fingerprint(),
                            offered,
                        }
                    }
                },
            ),
        ),
    }
}

/// When the expected key's check failed: the fingerprint of the key that really made
/// the signature, if kit.json embeds another key and that one made it. Then the kit
/// was signed by a different key, not damaged; the volunteer must be told which.
fn signed_by_another(
    expected: &PublicKey,
    embedded: Option<&PublicKey>,
    signature: &Signature,
    manifest_bytes: &[u8],
) -> Option<Fingerprint> {
    let embedded = embedded.filter(|embedded| *embedded != expected)?;
    signature
        .checks_with(embedded, manifest_bytes)
        .then(|| embedded.fingerprint())
}

/// Records `key` for `kit_id` unless one is already pinned; inside the import's
/// transaction so a kit and its key appear together.
pub(crate) fn pin(
    tx: &rusqlite::Transaction<'_>,
    kit_id: &str,
    key: &PublicKey,
    now_unix: i64,
) -> Result<(), Error> {
    db::kit_keys::pin(
        tx,
        kit_id,
        &key.to_base64(),
        &key.key_id().to_string(),
        now_unix,
    )?;
    Ok(())
}
