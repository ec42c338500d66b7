//! Keeping a new account: checked against the ones already there, its secret written to
//! the keychain first, then its row; a row that cannot be written takes its secret back.

use super::record::{Account, AccountId, Kind, Status};
use super::{Error, Keychain, Secret};
use std::sync::{Mutex, MutexGuard};

use crate::db::{accounts as rows, Store};

/// What a new account takes from outside: the time and the randomness of its id.
#[derive(Debug, Clone, Copy)]
pub struct NewAccount {
    pub now: i64,
    pub random: [u8; 8],
}

/// A new, connected account.
pub(super) fn fresh(
    new: NewAccount,
    kind: Kind,
    handle: String,
    server: String,
    display_name: String,
) -> Account {
    Account {
        id: AccountId::from_random(new.random),
        kind,
        handle,
        server,
        display_name,
        status: Status::Connected,
        created: new.now,
        settings: Default::default(),
    }
}

pub(super) fn refuse_twice(
    store: &Mutex<Store>,
    kind: Kind,
    server: &str,
    handle: &str,
) -> Result<(), Error> {
    match rows::find(lock(store)?.conn(), kind.into(), server, handle)? {
        Some(row) => Err(Error::AlreadyAdded {
            network: <&str>::from(kind).to_owned(),
            account: row.id,
        }),
        None => Ok(()),
    }
}

pub(super) fn save(
    store: &Mutex<Store>,
    keychain: &Keychain,
    account: Account,
    secret: Option<&Secret>,
) -> Result<Account, Error> {
    if let Some(secret) = secret {
        keychain.store(&account.id, secret)?;
    }
    let inserted = rows::insert(lock(store)?.conn(), &account.to_row());
    if let Err(error) = inserted {
        if secret.is_some() {
            let _ = keychain.forget(&account.id);
        }
        return Err(error.into());
    }
    tracing::info!(account = %account.id, kind = ?account.kind, "account added");
    Ok(account)
}

/// The store, for the moment a query takes: never across a network call, so the window
/// stays responsive while a slow server is asked.
pub(super) fn lock(store: &Mutex<Store>) -> Result<MutexGuard<'_, Store>, Error> {
    store.lock().map_err(|_| Error::StoreUnavailable)
}
