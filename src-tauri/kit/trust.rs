//! Which organizer key may vouch for a kit: keys are pinned per kit id on first import
//! (trust on first use, or a key from a subscribe link), and a kit signed by any other
//! key is refused from then on.

use rusqlite::{params, OptionalExtension};
use serde::Serialize;

use super::manifest::Manifest;
use super::signature::{KeyId, PublicKey, Signature};
use super::Error;
use crate::db::Store;

/// What the volunteer (or the caller) vouches for on this import.
#[derive(Debug, Clone)]
pub enum Trust {
    /// A key given explicitly: from a subscribe link or `--trust KEY`.
    Pinned(PublicKey),
    /// The volunteer confirmed this fingerprint, shown for the key embedded in kit.json.
    Fingerprint(KeyId),
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
    let text: Option<String> = store
        .conn()
        .query_row(
            "SELECT public_key FROM kit_key WHERE kit_id = ?1",
            params![kit_id],
            |row| row.get(0),
        )
        .optional()?;
    text.map(|text| PublicKey::parse(&text).map_err(Error::from))
        .transpose()
}

/// The key embedded in kit.json, if the organizer filled it in.
pub fn embedded_key(manifest: &Manifest) -> Result<Option<PublicKey>, Error> {
    if manifest.public_key.is_empty() {
        return Ok(None);
    }
    PublicKey::parse(&manifest.public_key)
        .map(Some)
        .map_err(|_| Error::Field {
            field: "public_key".to_owned(),
            problem: "not a minisign public key".to_owned(),
        })
}

/// Decides which key must have signed this kit.json, then checks the signature with
/// it (bytes, key, trusted comment). Reads the store, writes nothing.
pub fn authenticate(
    store: &Store,
    manifest: &Manifest,
    manifest_bytes: &[u8],
    signature: &Signature,
    trust: &Trust,
) -> Result<PublicKey, Error> {
    let key = match pinned_key(store, &manifest.id)? {
        Some(pinned) => {
            let offered = match trust {
                Trust::Pinned(key) => key.key_id(),
                _ => signature.key_id(),
            };
            for offered in [offered, signature.key_id()] {
                if offered != pinned.key_id() {
                    return Err(Error::KeyChanged {
                        kit: manifest.id.clone(),
                        pinned: pinned.key_id(),
                        offered,
                    });
                }
            }
            pinned
        }
        None => match trust {
            Trust::Pinned(key) => key.clone(),
            Trust::Fingerprint(confirmed) => {
                let embedded = embedded_key(manifest)?.ok_or(Error::PublicKeyMissing)?;
                if embedded.key_id() != *confirmed {
                    return Err(Error::FingerprintMismatch {
                        confirmed: *confirmed,
                        embedded: embedded.key_id(),
                    });
                }
                embedded
            }
            Trust::KnownOnly => {
                // What the volunteer is asked to confirm must at least be what the
                // kit's own key signed: check that before asking.
                if let Some(embedded) = embedded_key(manifest)? {
                    signature.verify(&embedded, manifest_bytes, manifest)?;
                }
                return Err(Error::NotTrusted {
                    kit: manifest.id.clone(),
                    version: manifest.version,
                    publisher: manifest.publisher.clone(),
                    key_id: signature.key_id(),
                });
            }
        },
    };
    signature.verify(&key, manifest_bytes, manifest)?;
    Ok(key)
}

/// Records `key` for `kit_id` unless one is already pinned; inside the import's
/// transaction so a kit and its key appear together.
pub(crate) fn pin(
    tx: &rusqlite::Transaction<'_>,
    kit_id: &str,
    key: &PublicKey,
    now_unix: i64,
) -> Result<(), Error> {
    tx.execute(
        "INSERT INTO kit_key (kit_id, public_key, key_id, pinned_at) VALUES (?1, ?2, ?3, ?4)
         ON CONFLICT (kit_id) DO NOTHING",
        params![kit_id, key.to_base64(), key.key_id().to_string(), now_unix],
    )?;
    Ok(())
}
