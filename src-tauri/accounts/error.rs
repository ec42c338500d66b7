use std::path::PathBuf;

use crate::messages::{Describe, Message};
use crate::networks::discord::Shape;

/// Which secret was expected on standard input.
#[derive(Debug, Clone, Copy, PartialEq, Eq, strum::IntoStaticStr, strum::VariantNames)]
#[strum(serialize_all = "snake_case")]
pub enum Given {
    AppPassword,
    WebhookAddress,
    BotToken,
}

impl std::fmt::Display for Given {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            Given::AppPassword => "app password",
            Given::WebhookAddress => "webhook address",
            Given::BotToken => "bot token",
        })
    }
}

/// Why a folder cannot take posts.
#[derive(Debug, Clone, Copy, PartialEq, Eq, strum::IntoStaticStr, strum::VariantNames)]
#[strum(serialize_all = "snake_case")]
pub enum FolderProblem {
    CannotCreate,
    CannotRead,
    NotWritable,
    Gone,
}

impl std::fmt::Display for FolderProblem {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            FolderProblem::CannotCreate => "it cannot be created",
            FolderProblem::CannotRead => "it cannot be read",
            FolderProblem::NotWritable => "Relais cannot write into it",
            FolderProblem::Gone => "it no longer exists",
        })
    }
}

/// The catalogue keys of the words these errors nest, for the catalogue test.
pub fn part_codes() -> Vec<String> {
    let of = |prefix: &str, variants: &[&str]| {
        variants
            .iter()
            .map(|v| format!("account.{prefix}.{v}"))
            .collect::<Vec<_>>()
    };
    use strum::VariantNames;
    [
        of("given", Given::VARIANTS),
        of("webhook", Shape::VARIANTS),
        of("folder", FolderProblem::VARIANTS),
    ]
    .concat()
}

fn part(prefix: &str, variant: &'static str) -> Message {
    Message::new(format!("account.{prefix}.{variant}"))
}

#[derive(Debug, thiserror::Error, strum::IntoStaticStr, strum::VariantNames)]
#[strum(serialize_all = "snake_case")]
#[non_exhaustive]
pub enum Error {
    #[error("no keychain answers: Relais keeps account secrets only in the system keychain. On Linux, install and start a Secret Service (GNOME Keyring or KeePassXC) and log in again.")]
    NoKeychain,
    #[error(
        "the keychain is locked: unlock it (your session password usually does), then try again."
    )]
    KeychainLocked,
    #[error("the secret of account {account} is no longer in the keychain: remove the account and add it again.")]
    SecretMissing { account: String },
    #[error("no account {account}: `relais account list` shows the accounts.")]
    NotFound { account: String },
    #[error("this {network} account is already added, as {account}.")]
    AlreadyAdded { network: String, account: String },
    #[error("nothing was given: paste the {what} on standard input.")]
    NothingGiven { what: Given },
    #[error("this is not a webhook address: {reason}. In Discord: channel settings, Integrations, Webhooks, Copy Webhook URL.")]
    NotAWebhook { reason: Shape },
    #[error("{host} answered, but not as a webhook does: check the address.")]
    NotAWebhookServer { host: String },
    #[error("this webhook no longer exists (deleted, or its address was regenerated): copy the new address from the channel's Integrations settings.")]
    WebhookGone,
    #[error("Telegram refused the bot token: copy it again from @BotFather (/mybots, API Token).")]
    BadBotToken,
    #[error("the channel {channel} was not found by the bot: check its @name, and add the bot to the channel.")]
    ChannelNotFound { channel: String },
    #[error("the bot @{bot} is not an administrator of {channel} allowed to post: in the channel's settings, Administrators, add the bot with \"Post messages\".")]
    BotNotAdmin { bot: String, channel: String },
    #[error("Bluesky refused this handle and app password: check the handle, or make a new app password (Settings, Privacy and security, App passwords) and paste it.")]
    WrongAppPassword,
    #[error("{server} does not know the handle {handle}: check its spelling, or give the account's own server with --pds.")]
    UnknownHandle { handle: String, server: String },
    #[error("the account's session has ended: sign in again (a new app password).")]
    SignInAgain,
    #[error("{server} answered, but not as a Bluesky server does: check the address.")]
    NotBluesky { server: String },
    #[error("the server refused: {words}")]
    Refused { words: String },
    #[error("{server} answered, but not as the Telegram Bot API does: check the address.")]
    NotTelegram { server: String },
    #[error("the folder {path} cannot be used: {reason}.")]
    Folder {
        path: PathBuf,
        reason: FolderProblem,
    },
    #[error("account {account} is damaged in the database ({what} unreadable): remove it and add it again.")]
    StoredDataDamaged { account: String, what: String },
    #[error("the account store is unavailable after an earlier failure: restart Relais.")]
    StoreUnavailable,
    #[error("an account needs a name: type the name it should have in Relais.")]
    NameEmpty,
    #[error(transparent)]
    Net(#[from] crate::net::Error),
    #[error(transparent)]
    Store(#[from] crate::db::Error),
    #[error(transparent)]
    Mastodon(#[from] crate::networks::mastodon::Error),
}

impl From<rusqlite::Error> for Error {
    fn from(error: rusqlite::Error) -> Self {
        Self::Store(crate::db::Error::from(error))
    }
}

impl Describe for Error {
    fn codes() -> Vec<String> {
        crate::messages::codes_of(
            "error.accounts",
            <Self as strum::VariantNames>::VARIANTS,
            &["net", "store", "mastodon"],
        )
    }

    fn describe(&self) -> Message {
        let message = Message::new(format!("error.accounts.{}", <&str>::from(self)));
        match self {
            Error::NoKeychain | Error::KeychainLocked | Error::WebhookGone | Error::BadBotToken => {
                message
            }
            Error::SecretMissing { account } | Error::NotFound { account } => {
                message.text("account", account)
            }
            Error::AlreadyAdded { network, account } => {
                message.text("network", network).text("account", account)
            }
            Error::NothingGiven { what } => message.nested("what", part("given", (*what).into())),
            Error::NotAWebhook { reason } => {
                message.nested("reason", part("webhook", (*reason).into()))
            }
            Error::NotAWebhookServer { host } => message.text("host", host),
            Error::ChannelNotFound { channel } => message.text("channel", channel),
            Error::BotNotAdmin { bot, channel } => {
                message.text("bot", bot).text("channel", channel)
            }
            Error::NotTelegram { server } | Error::NotBluesky { server } => {
                message.text("server", server)
            }
            Error::WrongAppPassword
            | Error::SignInAgain
            | Error::NameEmpty
            | Error::StoreUnavailable => message,
            Error::UnknownHandle { handle, server } => {
                message.text("handle", handle).text("server", server)
            }
            Error::Refused { words } => message.text("words", words),
            Error::Folder { path, reason } => message
                .text("path", path.display())
                .nested("reason", part("folder", (*reason).into())),
            Error::StoredDataDamaged { account, what } => {
                message.text("account", account).text("what", what)
            }
            Error::Net(inner) => inner.describe(),
            Error::Store(inner) => inner.describe(),
            Error::Mastodon(inner) => inner.describe(),
        }
    }
}
