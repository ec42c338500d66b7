//! Secrets in the OS keychain (Secret Service on Linux, Keychain on macOS, Credential
//! Manager on Windows), one entry per account, named by the account's id. When no
//! keychain answers, nothing is written anywhere else: there is no plaintext fallback.

use zeroize::Zeroizing;

use super::{AccountId, Error};

/// The keychain service every Relais entry is filed under.
const SERVICE: &str = "Relais";

/// A secret: never printed, never serialized, wiped from memory when dropped.
pub struct Secret(Zeroizing<String>);

impl Secret {
    pub fn new(text: String) -> Self {
        Self(Zeroizing::new(text))
    }

    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl std::fmt::Debug for Secret {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Secret(…)")
    }
}

/// The OS keychain. Calls block (D-Bus on Linux): call from a thread that may wait.
#[derive(Debug, Clone, Copy, Default)]
pub struct Keychain;

impl Keychain {
    fn entry(&self, id: &AccountId) -> Result<keyring::Entry, Error> {
        self.named(id.as_str())
    }

    fn named(&self, name: &str) -> Result<keyring::Entry, Error> {
        keyring::Entry::new(SERVICE, name).map_err(unavailable)
    }

    /// A secret that belongs to no one account (Relais's registration on a Mastodon
    /// server), under `name`.
    pub fn store_named(&self, name: &str, secret: &Secret) -> Result<(), Error> {
        self.named(name)?
            .set_password(secret.expose())
            .map_err(unavailable)
    }

    pub fn named_secret(&self, name: &str) -> Result<Option<Secret>, Error> {
        match self.named(name)?.get_password() {
            Ok(text) => Ok(Some(Secret::new(text))),
            Err(keyring::Error::NoEntry) => Ok(None),
            Err(error) => Err(unavailable(error)),
        }
    }

    pub fn store(&self, id: &AccountId, secret: &Secret) -> Result<(), Error> {
        self.entry(id)?
            .set_password(secret.expose())
            .map_err(unavailable)
    }

    pub fn secret(&self, id: &AccountId) -> Result<Secret, Error> {
        match self.entry(id)?.get_password() {
            Ok(text) => Ok(Secret::new(text)),
            Err(keyring::Error::NoEntry) => Err(Error::SecretMissing {
                account: id.to_string(),
            }),
            Err(error) => Err(unavailable(error)),
        }
    }

    /// Removes the account's secret; one already gone is not an error.
    pub fn forget(&self, id: &AccountId) -> Result<(), Error> {
        match self.entry(id)?.delete_credential() {
            Ok(()) | Err(keyring::Error::NoEntry) => Ok(()),
            Err(error) => Err(unavailable(error)),
        }
    }
}

/// The keychain could not be used. keyring's own words go to the log only: they name the
/// platform's failure, never the secret.
fn unavailable(error: keyring::Error) -> Error {
    tracing::warn!(%error, "the keychain refused");
    match error {
        keyring::Error::NoStorageAccess(_) => Error::KeychainLocked,
        _ => Error::NoKeychain,
    }
}
