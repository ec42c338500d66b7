//! A volunteer's own accounts. Each is a row in the store (which network, which handle
//! on which server, what it is called, whether it works) and its secrets, which live only
//! in the OS keychain under the account's id: never in the database, a log, an error or
//! the command line's arguments.

mod add;
mod error;
mod keep;
mod keychain;
mod mastodon;
mod record;
mod rename;
mod settings;

pub use add::{
    add_bluesky, add_discord, add_folder, add_telegram, bluesky_session, keep_bluesky_session,
    remove, test_connection, BlueskyServer,
};
pub use error::{part_codes, Error, FolderProblem, Given};
pub use keep::NewAccount;
pub use keychain::{Keychain, Secret};
pub use mastodon::{begin_mastodon, finish_mastodon, mastodon_token, mastodon_url};
pub use record::{limits, list, status_codes, Account, AccountId, Kind, Status};
pub use rename::rename;
pub use settings::Settings;
