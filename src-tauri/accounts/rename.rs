//! The name the volunteer gives an account in Relais. Only the row changes: the id, and
//! so the keychain entry, stay the same.

use super::record::{Account, AccountId};
use super::Error;
use crate::db::{accounts as rows, Store};

/// Renames the account `id` to `name` (trimmed); an empty name is refused, since the
/// account would then show as a blank line.
pub fn rename(store: &Store, id: &AccountId, name: &str) -> Result<Account, Error> {
    let name = name.trim();
    if name.is_empty() {
        return Err(Error::NameEmpty);
    }
    let not_found = || Error::NotFound {
        account: id.to_string(),
    };
    if !rows::set_display_name(store.conn(), id.as_str(), name)? {
        return Err(not_found());
    }
    rows::get(store.conn(), id.as_str())?
        .map(Account::from_row)
        .transpose()?
        .ok_or_else(not_found)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::accounts::{add_folder, NewAccount};

    fn store_with_folder() -> (tempfile::TempDir, Store, AccountId) {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open(&dir.path().join("data")).unwrap();
        let new = NewAccount {
            now: 1_700_000_000,
            random: [1, 2, 3, 4, 5, 6, 7, 8],
        };
        let store = std::sync::Mutex::new(store);
        let account = add_folder(&store, &dir.path().join("À poster"), new).unwrap();
        let store = store.into_inner().unwrap();
        (dir, store, account.id)
    }

    #[test]
    fn a_renamed_account_keeps_its_id_and_shows_the_new_name_trimmed() {
        let (_dir, store, id) = store_with_folder();
        let renamed = rename(&store, &id, "  Mes affiches d’été ").unwrap();
        assert_eq!(renamed.id, id, "the id names the keychain entry: it stays");
        assert_eq!(renamed.display_name, "Mes affiches d’été");
        let listed = crate::accounts::list(&store).unwrap();
        assert_eq!(
            listed[0].display_name, "Mes affiches d’été",
            "the new name is what the list shows"
        );
    }

    #[test]
    fn an_empty_name_is_refused_and_the_old_one_kept() {
        let (_dir, store, id) = store_with_folder();
        let error = rename(&store, &id, " \t ").unwrap_err();
        assert!(matches!(error, Error::NameEmpty), "{error}");
        assert_eq!(
            crate::accounts::list(&store).unwrap()[0].display_name,
            "À poster"
        );
    }

    #[test]
    fn renaming_an_account_that_is_not_there_says_which() {
        let (_dir, store, _) = store_with_folder();
        let other = AccountId::from_random([9; 8]);
        let error = rename(&store, &other, "Camille").unwrap_err();
        assert!(
            matches!(&error, Error::NotFound { account } if account == other.as_str()),
            "{error}"
        );
    }
}
