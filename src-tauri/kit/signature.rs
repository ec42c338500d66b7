//! Organizer keys and the signature over `kit.json` (`kit.json.minisig`), in the
//! format of the standard `minisign` program so organizers can sign with either tool.
//!
//! The signature covers kit.json, which lists every file with its size and SHA-256, so
//! one signature vouches for the whole kit. The trusted comment (signed too) carries
//! `kit=<id> version=<n>`: without it a signature over an old kit.json could be
//! presented again later, or one kit's signature passed off for another.

use std::fs::OpenOptions;
use std::io::{Cursor, Write};
use std::path::{Path, PathBuf};

use ct_codecs::{Base64, Decoder};

use super::key::{read_bounded, MAX_KEY_BYTES};
pub use super::key::{Fingerprint, FingerprintText, KeyId, PublicKey};

/// The signature's file name inside a kit folder, next to kit.json.
pub const SIGNATURE_FILE: &str = "kit.json.minisig";
/// File names written by `relais kit keygen`.
pub const SECRET_KEY_FILE: &str = "relais-kit.key";
pub const PUBLIC_KEY_FILE: &str = "relais-kit.pub";

/// A signature file is four short lines; anything much larger is not one.
pub(crate) const MAX_SIGNATURE_BYTES: u64 = 64 * 1024;

#[derive(Debug, thiserror::Error, strum::IntoStaticStr, strum::VariantNames)]
#[strum(serialize_all = "snake_case")]
#[non_exhaustive]
pub enum Error {
    #[error("{path}: no signature here. A published kit has kit.json.minisig next to kit.json; ask the organizer for the signed kit.")]
    SignatureMissing { path: PathBuf },
    #[error("{path}: cannot read the signature ({source}).")]
    SignatureRead {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error("kit.json.minisig is not a minisign signature ({detail}). Ask the organizer to sign the kit again.")]
    SignatureMalformed { detail: String },
    #[error("kit.json.minisig is a legacy minisign signature, which signs the file without hashing it first; sign again with a current minisign or `relais kit build`.")]
    SignatureLegacy,
    #[error("kit.json.minisig was made with another key than the expected one (fingerprint {expected}). This kit was not signed by that organizer.")]
    WrongKey { expected: Fingerprint },
    #[error("kit.json does not match its signature (kit.json.minisig, key fingerprint {key}): the kit was altered or damaged after signing. Download it again from the organizer.")]
    SignatureInvalid { key: Fingerprint },
    #[error("the signature's trusted comment `{comment}` does not say `{expected}`: this signature belongs to another kit or another version and cannot vouch for this kit.json.")]
    TrustedCommentMismatch { comment: String, expected: String },
    #[error("kit.json.minisig is well-formed (minisign key id {key_id}, which anyone can copy), but no public key was given to check it against, so the kit cannot be trusted yet. Pass the organizer's public key (--pubkey).")]
    KeyNeeded { key_id: KeyId },
    #[error("{path}: this is not a minisign secret key ({detail}).")]
    SecretKeyMalformed { path: PathBuf, detail: String },
    #[error("{path}: cannot read the key ({source}).")]
    KeyRead {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error(transparent)]
    Key(#[from] super::key::Error),
    #[error("{path}: wrong password for this secret key, or the key file is damaged.")]
    WrongPassword { path: PathBuf },
    #[error("{path}: the secret key is password-protected. Set RELAIS_KEY_PASSWORD or run in a terminal to be asked for the password.")]
    PasswordNeeded { path: PathBuf },
    #[error("cannot read the password from the terminal ({source}).")]
    PasswordPrompt {
        #[source]
        source: std::io::Error,
    },
    #[error("the two passwords differ; no key was written.")]
    PasswordsDiffer,
    #[error("{path} already exists; Relais never overwrites a key. Choose another --out folder or move the old key away first.")]
    KeyFileExists { path: PathBuf },
    #[error("cannot write {path} ({source}).")]
    KeyWrite {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error("cannot make a key or a signature: {detail}")]
    Crypto { detail: String },
}

/// A secret key file as read from disk, not yet unlocked.
pub struct SecretKeyFile {
    path: PathBuf,
    text: String,
    encrypted: bool,
}

impl SecretKeyFile {
    pub fn read(path: &Path) -> Result<Self, Error> {
        let text = read_bounded(path, MAX_KEY_BYTES).map_err(|source| Error::KeyRead {
            path: path.to_path_buf(),
            source,
        })?;
        let malformed = |detail: &str| Error::SecretKeyMalformed {
            path: path.to_path_buf(),
            detail: detail.to_owned(),
        };
        let mut lines = text.lines();
        if !lines
            .next()
            .is_some_and(|line| line.starts_with("untrusted comment:"))
        {
            return Err(malformed("the first line must be an untrusted comment"));
        }
        let encoded = lines
            .next()
            .ok_or_else(|| malformed("the key line after the comment is missing"))?;
        let bytes = Base64::decode_to_vec(encoded.trim(), None)
            .map_err(|_| malformed("the key line is not base64"))?;
        // Decoding the raw key only to learn whether it is encrypted, so the password is
        // asked for only when needed and a file that is no key is refused before that.
        let raw = minisign::SecretKey::from_bytes(&bytes)
            .map_err(|_| malformed("the key line is too short"))?;
        Ok(Self {
            path: path.to_path_buf(),
            encrypted: raw.is_encrypted(),
            text,
        })
    }

    pub fn is_encrypted(&self) -> bool {
        self.encrypted
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    /// `password` is ignored for an unencrypted key and required for an encrypted one.
    pub fn unlock(self, password: Option<&str>) -> Result<SecretKey, Error> {
        let key_box = minisign::SecretKeyBox::from_string(&self.text).map_err(|error| {
            Error::SecretKeyMalformed {
                path: self.path.clone(),
                detail: error.to_string(),
            }
        })?;
        let key = if self.encrypted {
            let password = password.ok_or_else(|| Error::PasswordNeeded {
                path: self.path.clone(),
            })?;
            minisign::SecretKey::from_box(key_box, Some(password.to_owned())).map_err(|_| {
                Error::WrongPassword {
                    path: self.path.clone(),
                }
            })?
        } else {
            minisign::SecretKey::from_unencrypted_box(key_box).map_err(|error| {
                Error::SecretKeyMalformed {
                    path: self.path.clone(),
                    detail: error.to_string(),
                }
            })?
        };
        let public = minisign::PublicKey::from_secret_key(&key).map_err(crypto)?;
        Ok(SecretKey {
            key,
            public: PublicKey::from_minisign(public),
        })
    }
}

/// An unlocked secret key, ready to sign.
pub struct SecretKey {
    key: minisign::SecretKey,
    public: PublicKey,
}

impl SecretKey {
    pub fn public_key(&self) -> &PublicKey {
        &self.public
    }
}

/// A freshly generated key pair, as written by `relais kit keygen`.
pub struct KeyPair {
    pub public: PublicKey,
    pub secret_path: PathBuf,
    pub public_path: PathBuf,
}

/// Generates a key pair into `dir` (`relais-kit.key` and `relais-kit.pub`). With a
/// password the secret key is encrypted exactly as `minisign -G` does; `None` writes
/// an unencrypted key, as `minisign -G -W` does. Existing files are never replaced.
pub fn generate_key_pair(dir: &Path, password: Option<&str>) -> Result<KeyPair, Error> {
    let secret_path = dir.join(SECRET_KEY_FILE);
    let public_path = dir.join(PUBLIC_KEY_FILE);
    for path in [&secret_path, &public_path] {
        if path.symlink_metadata().is_ok() {
            return Err(Error::KeyFileExists { path: path.clone() });
        }
    }
    std::fs::create_dir_all(dir).map_err(|source| Error::KeyWrite {
        path: dir.to_path_buf(),
        source,
    })?;
    let pair = match password {
        Some(password) => minisign::KeyPair::generate_encrypted_keypair(Some(password.to_owned())),
        None => minisign::KeyPair::generate_unencrypted_keypair(),
    }
    .map_err(crypto)?;
    let comment = if password.is_some() {
        "relais kit secret key"
    } else {
        "relais kit secret key (not password-protected)"
    };
    let secret_text = pair.sk.to_box(Some(comment)).map_err(crypto)?.into_string();
    let public = PublicKey::from_minisign(pair.pk);
    write_new(&secret_path, secret_text.as_bytes(), true)?;
    if let Err(error) = write_new(&public_path, public.to_file_text().as_bytes(), false) {
        // A secret key without its public half is useless and would block the next try.
        let _ = std::fs::remove_file(&secret_path);
        return Err(error);
    }
    Ok(KeyPair {
        public,
        secret_path,
        public_path,
    })
}

/// `create_new` so an existing key is never clobbered, even by a race.
fn write_new(path: &Path, bytes: &[u8], secret: bool) -> Result<(), Error> {
    let mut options = OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(if secret { 0o600 } else { 0o644 });
    }
    #[cfg(not(unix))]
    let _ = secret;
    let mut file = options.open(path).map_err(|source| match source.kind() {
        std::io::ErrorKind::AlreadyExists => Error::KeyFileExists {
            path: path.to_path_buf(),
        },
        _ => Error::KeyWrite {
            path: path.to_path_buf(),
            source,
        },
    })?;
    file.write_all(bytes)
        .and_then(|()| file.sync_all())
        .map_err(|source| Error::KeyWrite {
            path: path.to_path_buf(),
            source,
        })
}

/// The trusted comment a signature over this kit's kit.json must carry.
pub fn trusted_comment(kit_id: &str, version: u64) -> String {
    format!("kit={kit_id} version={version}")
}

/// A parsed `kit.json.minisig`, not yet checked against any key.
pub struct Signature {
    signature: minisign::SignatureBox,
}

impl Signature {
    pub fn parse(text: &str) -> Result<Self, Error> {
        let signature = minisign::SignatureBox::from_string(text).map_err(|error| {
            Error::SignatureMalformed {
                detail: error.to_string(),
            }
        })?;
        if !signature.is_prehashed() {
            return Err(Error::SignatureLegacy);
        }
        Ok(Self { signature })
    }

    /// Reads `kit.json.minisig` from a kit folder.
    pub fn read(folder: &Path) -> Result<Self, Error> {
        let path = folder.join(SIGNATURE_FILE);
        let text =
            read_bounded(&path, MAX_SIGNATURE_BYTES).map_err(|source| match source.kind() {
                std::io::ErrorKind::NotFound => Error::SignatureMissing { path: path.clone() },
                _ => Error::SignatureRead {
                    path: path.clone(),
                    source,
                },
            })?;
        Self::parse(&text)
    }

    /// The id of the key that made the signature, readable before any check.
    pub fn key_id(&self) -> KeyId {
        KeyId::from_slice(self.signature.keynum())
    }

    /// The trusted comment as written; only meaningful once the signature verified.
    pub fn trusted_comment(&self) -> String {
        self.signature.trusted_comment().unwrap_or_default()
    }

    /// The `.minisig` file contents.
    pub fn to_file_text(&self) -> String {
        self.signature.to_string()
    }

    /// Checks that `key` signed exactly `manifest_bytes`, and that the trusted comment
    /// names kit `kit_id` at `version` (read from those bytes by the caller).
    pub fn verify(
        &self,
        key: &PublicKey,
        manifest_bytes: &[u8],
        kit_id: &str,
        version: u64,
    ) -> Result<(), Error> {
        // The key id is a hint chosen by whoever made the key: a mismatch proves another
        // key signed, a match proves nothing until the signature checks.
        if self.key_id() != key.key_id() {
            return Err(Error::WrongKey {
                expected: key.fingerprint(),
            });
        }
        if !self.checks_with(key, manifest_bytes) {
            return Err(Error::SignatureInvalid {
                key: key.fingerprint(),
            });
        }
        let comment = self.trusted_comment();
        if !comment_names(&comment, kit_id, version) {
            return Err(Error::TrustedCommentMismatch {
                comment,
                expected: trusted_comment(kit_id, version),
            });
        }
        Ok(())
    }
}

impl Signature {
    /// Whether `key` made this signature over these bytes (trusted comment included),
    /// without judging what the comment says.
    pub(crate) fn checks_with(&self, key: &PublicKey, manifest_bytes: &[u8]) -> bool {
        self.key_id() == key.key_id()
            && minisign::verify(
                key.minisign(),
                &self.signature,
                Cursor::new(manifest_bytes),
                true,
                false,
                false,
            )
            .is_ok()
    }
}

/// Signs `manifest_bytes` (the exact kit.json bytes) with the trusted comment naming
/// kit `kit_id` at `version`.
pub fn sign(
    key: &SecretKey,
    manifest_bytes: &[u8],
    kit_id: &str,
    version: u64,
) -> Result<Signature, Error> {
    let comment = trusted_comment(kit_id, version);
    let signature = minisign::sign(
        Some(key.public.minisign()),
        &key.key,
        Cursor::new(manifest_bytes),
        Some(&comment),
        Some(&format!(
            "signature from relais kit key {}",
            key.public.key_id()
        )),
    )
    .map_err(crypto)?;
    Ok(Signature { signature })
}

/// Organizers signing with `minisign -t` may add their own words, so the comment is
/// read as whitespace-separated `name=value` words; `kit` and `version` must each
/// appear exactly once and match, or the signature could be read as vouching for two.
fn comment_names(comment: &str, kit_id: &str, version: u64) -> bool {
    let values = |name: &str| {
        comment
            .split_whitespace()
            .filter_map(|word| word.strip_prefix(name)?.strip_prefix('='))
            .collect::<Vec<_>>()
    };
    let version = version.to_string();
    values("kit") == [kit_id] && values("version") == [version.as_str()]
}

fn crypto(error: minisign::PError) -> Error {
    Error::Crypto {
        detail: error.to_string(),
    }
}

impl crate::messages::Describe for Error {
    fn codes() -> Vec<String> {
        crate::messages::codes_of(
            "error.signature",
            <Self as strum::VariantNames>::VARIANTS,
            &["key"],
        )
    }

    fn describe(&self) -> crate::messages::Message {
        #[allow(unused_imports)]
        use crate::messages::{io_reason, Describe, Message};
        let message = Message::new(format!("error.signature.{}", <&str>::from(self)));
        match self {
            Error::SignatureMissing { path } => message.text("path", path.display()),
            Error::SignatureRead { path, source }
            | Error::KeyRead { path, source }
            | Error::KeyWrite { path, source } => message
                .text("path", path.display())
                .nested("reason", io_reason(source)),
            Error::SignatureMalformed { detail } | Error::Crypto { detail } => {
                message.text("detail", detail)
            }
            Error::SignatureLegacy | Error::PasswordsDiffer => message,
            Error::WrongKey { expected } => message.text("expected", expected),
            Error::SignatureInvalid { key } => message.text("key", key),
            Error::TrustedCommentMismatch { comment, expected } => {
                message.text("comment", comment).text("expected", expected)
            }
            Error::KeyNeeded { key_id } => message.text("key_id", key_id),
            Error::SecretKeyMalformed { path, detail } => {
                message.text("path", path.display()).text("detail", detail)
            }
            Error::Key(inner) => inner.describe(),
            Error::WrongPassword { path }
            | Error::PasswordNeeded { path }
            | Error::KeyFileExists { path } => message.text("path", path.display()),
            Error::PasswordPrompt { source } => message.nested("reason", io_reason(source)),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::comment_names;

    #[test]
    fn a_comment_with_extra_words_still_names_the_kit() {
        assert!(comment_names(
            "kit=municipales version=3 by=comite",
            "municipales",
            3
        ));
    }

    #[test]
    fn a_comment_for_another_version_or_kit_does_not_match() {
        assert!(!comment_names(
            "kit=municipales version=2",
            "municipales",
            3
        ));
        assert!(!comment_names("kit=other version=3", "municipales", 3));
        assert!(!comment_names(
            "kit=municipales version=30",
            "municipales",
            3
        ));
    }

    #[test]
    fn a_comment_naming_two_kits_vouches_for_neither() {
        assert!(!comment_names(
            "kit=municipales kit=other version=3",
            "municipales",
            3
        ));
    }

    #[test]
    fn minisigns_default_comment_names_no_kit() {
        assert!(!comment_names(
            "timestamp:1790000000\tfile:kit.json\thashed",
            "municipales",
            3
        ));
    }
}
