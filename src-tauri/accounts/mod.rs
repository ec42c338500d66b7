//! A volunteer's own accounts. Each is a row in the store (which network, which handle
//! on which server, what it is called, whether it works) and its secrets, which live only
//! in the OS keychain under the account's id: never in the database, a log, an error or
//! the command line's arguments.

mod add;
mod error;
mod keychain;
mod record;
mod settings;

pub use add::{
    add_bluesky, add_discord, add_folder, add_telegram, bluesky_session, keep_bluesky_session,
    remove, test_connection, NewAccount,
};
pub use error::{part_codes, Error, FolderProblem, Given};
pub use keychain::{Keychain, Secret};
pub use record::{list, status_codes, Account, AccountId, Kind, Status};
pub use settings::{limits, ServerLimits, Settings};
