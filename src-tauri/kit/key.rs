//! Organizer public keys and how a person tells them apart: the fingerprint (a hash of
//! the whole key) and, for minisign users, the key id (a hint chosen by whoever made
//! the key). A leaf: signatures, manifests and trust all build on it.

use std::fmt;
use std::path::{Path, PathBuf};

use serde::Serialize;

/// Key files are two short lines; anything much larger is not one.
pub(crate) const MAX_KEY_BYTES: u64 = 64 * 1024;

#[derive(Debug, thiserror::Error, strum::IntoStaticStr, strum::VariantNames)]
#[strum(serialize_all = "snake_case")]
#[non_exhaustive]
pub enum Error {
    #[error("this is not a minisign public key ({detail}). Give the base64 line or the contents of the organizer's .pub file.")]
    Malformed { detail: String },
    #[error("{path}: cannot read the key ({source}).")]
    Read {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
}

/// A minisign key id: 8 bytes that name a key pair, shown as 16 hex digits exactly as
/// the `minisign` program shows them, so an organizer can compare the two.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct KeyId([u8; 8]);

impl KeyId {
    /// Reads the 16 hex digits `Display` writes (either case), as typed by a volunteer
    /// confirming a fingerprint.
    pub fn parse(text: &str) -> Option<Self> {
        let text = text.trim();
        if text.len() != 16 || !text.bytes().all(|b| b.is_ascii_hexdigit()) {
            return None;
        }
        u64::from_str_radix(text, 16)
            .ok()
            .map(|value| Self(value.to_le_bytes()))
    }

    pub(crate) fn from_slice(bytes: &[u8]) -> Self {
        let mut id = [0u8; 8];
        let len = bytes.len().min(8);
        id[..len].copy_from_slice(&bytes[..len]);
        Self(id)
    }
}

impl fmt::Display for KeyId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // minisign prints the id as a little-endian number.
        write!(f, "{:016X}", u64::from_le_bytes(self.0))
    }
}

/// What identifies an organizer key to a person: the SHA-256 of the whole public key
/// (the 42 bytes its base64 line decodes to: algorithm, key id and Ed25519 key), shown
/// as 64 hex digits in groups of four. Unlike the [`KeyId`], which whoever makes a key
/// chooses, it cannot be given to another key: matching it means finding a second
/// preimage of SHA-256. Anyone can recompute it from the `.pub` file:
/// `tail -n 1 relais-kit.pub | base64 -d | sha256sum`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Fingerprint([u8; 32]);

/// What `Fingerprint::parse` could not accept.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FingerprintText {
    /// 16 hex digits: a minisign key id, which proves nothing about the key.
    KeyId(KeyId),
    /// Neither a fingerprint nor a key id.
    Other,
}

impl Fingerprint {
    pub fn of(key: &PublicKey) -> Self {
        use sha2::{Digest, Sha256};
        Self(Sha256::digest(key.key.to_bytes()).into())
    }

    /// Reads the 64 hex digits `Display` writes, in either case, with or without the
    /// spaces, colons or dashes people add when copying one, and an optional
    /// `SHA256:` prefix. A key id is told apart so the caller can say why it is not
    /// enough.
    pub fn parse(text: &str) -> Result<Self, FingerprintText> {
        let text = text.trim();
        let text = text
            .get(..7)
            .filter(|prefix| prefix.eq_ignore_ascii_case("sha256:"))
            .map_or(text, |_| &text[7..]);
        let digits: String = text
            .chars()
            .filter(|c| !matches!(c, ' ' | ':' | '-' | '\t'))
            .collect();
        if let Some(key_id) = KeyId::parse(&digits) {
            return Err(FingerprintText::KeyId(key_id));
        }
        let mut bytes = [0u8; 32];
        hex::decode_to_slice(&digits, &mut bytes).map_err(|_| FingerprintText::Other)?;
        Ok(Self(bytes))
    }

    /// The 64 digits without spaces, for a command line a person copies.
    pub fn compact(&self) -> String {
        hex::encode_upper(self.0)
    }
}

impl fmt::Display for Fingerprint {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let digits = self.compact();
        for (index, group) in digits.as_bytes().chunks(4).enumerate() {
            if index > 0 {
                f.write_str(" ")?;
            }
            // Hex digits are ASCII.
            f.write_str(std::str::from_utf8(group).unwrap_or_default())?;
        }
        Ok(())
    }
}

impl Serialize for Fingerprint {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

/// An organizer's public key.
#[derive(Debug, Clone)]
pub struct PublicKey {
    key: minisign::PublicKey,
}

/// Two keys are the same key when every byte is: algorithm, key id and Ed25519 key.
impl PartialEq for PublicKey {
    fn eq(&self, other: &Self) -> bool {
        self.key.to_bytes() == other.key.to_bytes()
    }
}

impl Eq for PublicKey {}

impl PublicKey {
    /// Accepts the bare base64 line or the whole `.pub` file (comment line + base64).
    pub fn parse(text: &str) -> Result<Self, Error> {
        let malformed = |error: minisign::PError| Error::Malformed {
            detail: error.to_string(),
        };
        let text = text.trim();
        let key = if text.starts_with("untrusted comment:") {
            let line = text.lines().nth(1).ok_or_else(|| Error::Malformed {
                detail: "the key line after the comment is missing".to_owned(),
            })?;
            minisign::PublicKey::from_base64(line.trim()).map_err(malformed)?
        } else {
            minisign::PublicKey::from_base64(text).map_err(malformed)?
        };
        Ok(Self { key })
    }

    /// Reads a `.pub` file, or takes `value` itself as the key when it is not a file:
    /// the command line accepts either.
    pub fn from_file_or_text(value: &str) -> Result<Self, Error> {
        let path = Path::new(value);
        if path.is_file() {
            let text = read_bounded(path, MAX_KEY_BYTES).map_err(|source| Error::Read {
                path: path.to_path_buf(),
                source,
            })?;
            Self::parse(&text)
        } else {
            Self::parse(value).map_err(|error| {
                // A mistyped path would otherwise be reported as a malformed key. Every
                // minisign public key line starts with "RW" (the Ed25519 tag).
                let looks_like_key = value.trim_start().starts_with("RW")
                    || value.trim_start().starts_with("untrusted comment:");
                if !looks_like_key && !path.exists() {
                    Error::Read {
                        path: path.to_path_buf(),
                        source: std::io::Error::from(std::io::ErrorKind::NotFound),
                    }
                } else {
                    error
                }
            })
        }
    }

    pub(crate) fn from_minisign(key: minisign::PublicKey) -> Self {
        Self { key }
    }

    pub(crate) fn minisign(&self) -> &minisign::PublicKey {
        &self.key
    }

    pub fn key_id(&self) -> KeyId {
        KeyId::from_slice(self.key.keynum())
    }

    pub fn fingerprint(&self) -> Fingerprint {
        Fingerprint::of(self)
    }

    /// The base64 line that `minisign -P` takes.
    pub fn to_base64(&self) -> String {
        self.key.to_base64()
    }

    /// The `.pub` file contents, as `minisign -G` writes them.
    pub fn to_file_text(&self) -> String {
        format!(
            "untrusted comment: minisign public key {}\n{}\n",
            self.key_id(),
            self.to_base64()
        )
    }
}

pub(crate) fn read_bounded(path: &Path, max_bytes: u64) -> std::io::Result<String> {
    use std::io::Read;
    let file = std::fs::File::open(path)?;
    let mut text = String::new();
    file.take(max_bytes + 1).read_to_string(&mut text)?;
    if text.len() as u64 > max_bytes {
        return Err(std::io::Error::new(
            std::io::ErrorKind::InvalidData,
            format!("larger than {max_bytes} bytes"),
        ));
    }
    Ok(text)
}

impl crate::messages::Describe for Error {
    fn codes() -> Vec<String> {
        crate::messages::codes_of("error.key", <Self as strum::VariantNames>::VARIANTS, &[])
    }

    fn describe(&self) -> crate::messages::Message {
        #[allow(unused_imports)]
        use crate::messages::{io_reason, Describe, Message};
        let message = Message::new(format!("error.key.{}", <&str>::from(self)));
        match self {
            Error::Malformed { detail } => message.text("detail", detail),
            Error::Read { path, source } => message
                .text("path", path.display())
                .nested("reason", io_reason(source)),
        }
    }
}
