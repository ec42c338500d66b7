//! What Relais knows of an account outside the keychain.

use serde::Serialize;

use super::settings::Settings;
use super::Error;
use crate::db::{accounts as rows, Store};
use crate::networks::{for_network, Network, TargetLimits};

/// An account's id: `acct-` and 16 random hex digits, chosen once when it is added. It
/// names the keychain entry, so it never changes.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize)]
#[serde(transparent)]
pub struct AccountId(String);

impl AccountId {
    /// A new id from 8 random bytes (passed in, so tests choose them).
    pub fn from_random(bytes: [u8; 8]) -> Self {
        Self(format!("acct-{}", hex::encode(bytes)))
    }

    pub fn parse(text: &str) -> Option<Self> {
        let hex = text.strip_prefix("acct-")?;
        (hex.len() == 16 && hex.bytes().all(|b| b.is_ascii_hexdigit()))
            .then(|| Self(text.to_ascii_lowercase()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl std::fmt::Display for AccountId {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

/// Where an account posts.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, strum::IntoStaticStr, strum::EnumString)]
#[serde(rename_all = "snake_case")]
#[strum(serialize_all = "snake_case")]
pub enum Kind {
    Mastodon,
    Bluesky,
    /// A bot that is an administrator of a channel.
    Telegram,
    /// A channel webhook.
    Discord,
    /// A folder on this computer: the hand-off for networks without an open API.
    Folder,
}

/// Whether the account worked the last time Relais asked.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, strum::IntoStaticStr, strum::EnumString)]
#[serde(rename_all = "snake_case")]
#[strum(serialize_all = "snake_case")]
pub enum Status {
    Connected,
    /// The server refused the secret: the volunteer must sign in (or paste it) again.
    NeedsSignIn,
    /// The server could not be reached the last time.
    Unreachable,
}

impl Status {
    /// The catalogue key that words it.
    pub fn message_code(self) -> String {
        format!("account.status.{}", <&str>::from(self))
    }
}

/// Every status's catalogue key, for the catalogue test.
pub fn status_codes() -> Vec<String> {
    [Status::Connected, Status::NeedsSignIn, Status::Unreachable]
        .into_iter()
        .map(Status::message_code)
        .collect()
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Account {
    pub id: AccountId,
    pub kind: Kind,
    /// What the volunteer knows the account by: @name, a channel, a webhook's name.
    pub handle: String,
    /// The server's address, or the folder's path; the host is shown to the volunteer.
    pub server: String,
    pub display_name: String,
    pub status: Status,
    /// Unix seconds.
    pub created: i64,
    pub settings: Settings,
}

impl Account {
    pub(crate) fn from_row(row: rows::AccountRow) -> Result<Self, Error> {
        let damaged = |what: &str| Error::StoredDataDamaged {
            account: row.id.clone(),
            what: what.to_owned(),
        };
        Ok(Self {
            id: AccountId::parse(&row.id).ok_or_else(|| damaged("id"))?,
            kind: row.kind.parse().map_err(|_| damaged("network"))?,
            status: row.status.parse().map_err(|_| damaged("status"))?,
            handle: row.handle,
            server: row.server,
            settings: Settings::parse(&row.settings).ok_or_else(|| damaged("settings"))?,
            display_name: row.display_name,
            created: row.created,
        })
    }

    pub(crate) fn to_row(&self) -> rows::AccountRow {
        rows::AccountRow {
            id: self.id.to_string(),
            kind: <&str>::from(self.kind).to_owned(),
            handle: self.handle.clone(),
            server: self.server.clone(),
            display_name: self.display_name.clone(),
            status: <&str>::from(self.status).to_owned(),
            created: self.created,
            settings: self.settings.to_json(),
        }
    }

    /// What posts to this account are checked and fitted to.
    pub fn limits(&self) -> crate::networks::TargetLimits {
        limits(self.kind, &self.settings)
    }
}

/// The limits posts to an account of `kind` with `settings` are checked and fitted to.
pub fn limits(kind: Kind, settings: &Settings) -> TargetLimits {
    let mut limits = for_network(match kind {
        Kind::Mastodon => Network::Mastodon,
        Kind::Bluesky => Network::Bluesky,
        Kind::Telegram => Network::Telegram,
        Kind::Discord => Network::Discord,
        Kind::Folder => Network::LocalExport,
    });
    if let Some(server) = &settings.server_limits {
        limits.max_bytes = server.image_bytes;
        limits.max_pixels = Some(server.image_pixels);
        limits.max_animation_bytes = server.video_bytes;
        limits.text.max_post_chars = Some(server.max_characters);
        limits.text.url_length = Some(server.url_length);
        limits.text.max_images = Some(server.max_media);
        limits.text.max_alt_chars = Some(server.alt_characters);
    }
    if let Some(bytes) = settings.upload_limit {
        limits.max_bytes = bytes;
        if limits.max_animation_bytes.is_some() {
            limits.max_animation_bytes = Some(bytes);
        }
    }
    limits
}

/// Every account, oldest first.
pub fn list(store: &Store) -> Result<Vec<Account>, Error> {
    rows::all(store.conn())?
        .into_iter()
        .map(Account::from_row)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_account_id_is_sixteen_hex_digits_after_its_prefix() {
        let id = AccountId::from_random([0xab, 1, 2, 3, 4, 5, 6, 0xff]);
        assert_eq!(id.as_str(), "acct-ab010203040506ff");
        assert_eq!(AccountId::parse(id.as_str()), Some(id));
        for bad in [
            "acct-12",
            "ab010203040506ff",
            "acct-zz010203040506ff",
            "acct-ab010203040506ff0",
        ] {
            assert_eq!(AccountId::parse(bad), None, "{bad} is not an account id");
        }
    }
}
