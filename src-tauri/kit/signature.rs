//! Organizer keys and the signature over `kit.json` (`kit.json.minisig`), in the
//! format of the standard `minisign` program so organizers can sign with either tool.
//!
//! The signature covers kit.json, which lists every file with its size and SHA-256, so
//! one signature vouches for the whole kit. The trusted comment (signed too) carries
//! `kit=<id> version=<n>`: without it a signature over an old kit.json could be
//! presented again later, or one kit's signature passed off for another.

use std::fmt;
use std::fs::OpenOptions;
use std::io::{Cursor, Write};
use std::path::{Path, PathBuf};

use ct_codecs::{Base64, Decoder};
use serde::Serialize;

use super::manifest::Manifest;

/// The signature's file name inside a kit folder, next to kit.json.
pub const SIGNATURE_FILE: &str = "kit.json.minisig";
/// File names written by `relais kit keygen`.
pub const SECRET_KEY_FILE: &str = "relais-kit.key";
pub const PUBLIC_KEY_FILE: &str = "relais-kit.pub";

/// A signature file is four short lines; anything much larger is not one.
pub(crate) const MAX_SIGNATURE_BYTES: u64 = 64 * 1024;
/// Same bound for key files, which are two short lines.
const MAX_KEY_BYTES: u64 = 64 * 1024;

#[derive(Debug, thiserror::Error)]
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
    #[error("this is not a minisign public key ({detail}). Give the base64 line or the contents of the organizer's .pub file.")]
    PublicKeyMalformed { detail: String },
    #[error("{path}: this is not a minisign secret key ({detail}).")]
    SecretKeyMalformed { path: PathBuf, detail: String },
    #[error("{path}: cannot read the key ({source}).")]
    KeyRead {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
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

    fn from_slice(bytes: &[u8]) -> Self {
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
        let malformed = |error: minisign::PError| Error::PublicKeyMalformed {
            detail: error.to_string(),
        };
        let text = text.trim();
        let key = if text.starts_with("untrusted comment:") {
            let line = text
                .lines()
                .nth(1)
                .ok_or_else(|| Error::PublicKeyMalformed {
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
            let text = read_bounded(path, MAX_KEY_BYTES).map_err(|source| Error::KeyRead {
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
                    Error::KeyRead {
                        path: path.to_path_buf(),
                        source: std::io::Error::from(std::io::ErrorKind::NotFound),
                    }
                } else {
                    error
                }
            })
        }
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
            public: PublicKey { key: public },
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
    let public = PublicKey { key: pair.pk };
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
    /// names this manifest's kit id and version.
    pub fn verify(
        &self,
        key: &PublicKey,
        manifest_bytes: &[u8],
        manifest: &Manifest,
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
        if !comment_names(&comment, &manifest.id, manifest.version) {
            return Err(Error::TrustedCommentMismatch {
                comment,
                expected: trusted_comment(&manifest.id, manifest.version),
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
                &key.key,
                &self.signature,
                Cursor::new(manifest_bytes),
                true,
                false,
                false,
            )
            .is_ok()
    }
}

/// Signs `manifest_bytes` (the exact kit.json bytes) with the trusted comment for this
/// manifest.
pub fn sign(
    key: &SecretKey,
    manifest_bytes: &[u8],
    manifest: &Manifest,
) -> Result<Signature, Error> {
    let comment = trusted_comment(&manifest.id, manifest.version);
    let signature = minisign::sign(
        Some(&key.public.key),
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

fn read_bounded(path: &Path, max_bytes: u64) -> std::io::Result<String> {
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
