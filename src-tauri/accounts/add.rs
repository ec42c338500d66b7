//! Adding, testing and removing accounts. Each addition checks with the network first,
//! then writes the secret to the keychain, then the row: a failure at any step leaves
//! nothing behind (a secret whose row could not be written is taken back).

use std::path::Path;
use std::sync::Mutex;

use url::Url;

use super::error::{FolderProblem, Given};
use super::keep::{fresh, lock, refuse_twice, save, NewAccount};
use super::record::{Account, AccountId, Kind, Status};
use super::{Error, Keychain, Secret};
use crate::db::{accounts as rows, Store};
use crate::net::Client;
use crate::networks::bluesky::identity;
use crate::networks::{bluesky, discord, mastodon, telegram};

fn discord_error(error: discord::Error) -> Error {
    match error {
        discord::Error::NotAWebhook(reason) => Error::NotAWebhook { reason },
        discord::Error::Gone => Error::WebhookGone,
        discord::Error::NotAWebhookServer { host } => Error::NotAWebhookServer { host },
        discord::Error::Net(error) => Error::Net(error),
        // Posting's own failures; verifying never meets them.
        other => Error::Refused {
            words: other.to_string(),
        },
    }
}

fn telegram_error(error: telegram::Error, server: &Url, channel: &str) -> Error {
    match error {
        telegram::Error::BadToken => Error::BadBotToken,
        telegram::Error::ChannelNotFound => Error::ChannelNotFound {
            channel: channel.to_owned(),
        },
        telegram::Error::NotAdmin { bot } => Error::BotNotAdmin {
            bot,
            channel: channel.to_owned(),
        },
        telegram::Error::NotTelegram => Error::NotTelegram {
            server: server.as_str().trim_end_matches('/').to_owned(),
        },
        telegram::Error::Net(error) => Error::Net(error),
        // Posting's own failures; verifying never meets them.
        other => Error::Refused {
            words: other.to_string(),
        },
    }
}

fn bluesky_error(error: bluesky::Error) -> Error {
    match error {
        bluesky::Error::WrongPassword => Error::WrongAppPassword,
        bluesky::Error::UnknownHandle { handle, pds } => Error::UnknownHandle {
            handle,
            server: pds,
        },
        bluesky::Error::SignInAgain => Error::SignInAgain,
        bluesky::Error::NotBluesky { pds } => Error::NotBluesky { server: pds },
        bluesky::Error::Net(error) => Error::Net(error),
        other => Error::Refused {
            words: other.to_string(),
        },
    }
}

/// Where a Bluesky account lives.
#[derive(Debug, Clone, Copy)]
pub enum BlueskyServer<'a> {
    /// The volunteer named its server (a self-hosted PDS).
    Given(&'a Url),
    /// Found from the handle: its DID, then the server the DID's document names.
    Find(&'a identity::Directory),
}

/// A Bluesky account with an app password: exchanged here for a session, whose tokens
/// are the secret kept; the password itself is dropped.
pub async fn add_bluesky(
    store: &Mutex<Store>,
    keychain: &Keychain,
    client: &Client,
    server: BlueskyServer<'_>,
    handle: &str,
    app_password: Secret,
    new: NewAccount,
) -> Result<Account, Error> {
    let handle = handle.trim().trim_start_matches('@').to_ascii_lowercase();
    if app_password.expose().trim().is_empty() {
        return Err(Error::NothingGiven {
            what: Given::AppPassword,
        });
    }
    let pds = match server {
        BlueskyServer::Given(pds) => pds.clone(),
        BlueskyServer::Find(directory) => identity::locate(client, directory, &handle)
            .await
            .map_err(|failure| match failure {
                identity::Failure::Net(error) => Error::Net(error),
                _ => Error::UnknownHandle {
                    handle: handle.clone(),
                    server: directory.entryway.as_str().trim_end_matches('/').to_owned(),
                },
            })?,
    };
    let session = bluesky::sign_in(client, &pds, &handle, app_password.expose().trim(), new.now)
        .await
        .map_err(bluesky_error)?;
    drop(app_password);
    refuse_twice(store, Kind::Bluesky, &session.pds, &session.handle)?;
    let account = fresh(
        new,
        Kind::Bluesky,
        session.handle.clone(),
        session.pds.clone(),
        format!("@{}", session.handle),
    );
    let secret = session_secret(&session)?;
    save(store, keychain, account, Some(&secret))
}

fn session_secret(session: &bluesky::Session) -> Result<Secret, Error> {
    serde_json::to_string(session)
        .map(Secret::new)
        .map_err(|_| Error::NoKeychain)
}

/// The Bluesky session kept for `id`.
pub fn bluesky_session(keychain: &Keychain, id: &AccountId) -> Result<bluesky::Session, Error> {
    let secret = keychain.secret(id)?;
    serde_json::from_str(secret.expose()).map_err(|_| Error::StoredDataDamaged {
        account: id.to_string(),
        what: "session".into(),
    })
}

/// Keeps a refreshed session: the old refresh token no longer works.
pub fn keep_bluesky_session(
    keychain: &Keychain,
    id: &AccountId,
    session: &bluesky::Session,
) -> Result<(), Error> {
    keychain.store(id, &session_secret(session)?)
}

/// A Discord channel webhook; its address is the secret.
pub async fn add_discord(
    store: &Mutex<Store>,
    keychain: &Keychain,
    client: &Client,
    webhook: Secret,
    new: NewAccount,
) -> Result<Account, Error> {
    if webhook.expose().trim().is_empty() {
        return Err(Error::NothingGiven {
            what: Given::WebhookAddress,
        });
    }
    let url = discord::parse_address(webhook.expose()).map_err(discord_error)?;
    let hook = discord::verify(client, &url).await.map_err(discord_error)?;
    let handle = format!("{} ({})", hook.name, hook.channel_id);
    refuse_twice(store, Kind::Discord, &hook.host, &handle)?;
    let account = fresh(new, Kind::Discord, handle, hook.host, hook.name);
    save(
        store,
        keychain,
        account,
        Some(&Secret::new(url.as_str().to_owned())),
    )
}

/// A bot that is an administrator of `channel` (`@name`); its token is the secret.
pub async fn add_telegram(
    store: &Mutex<Store>,
    keychain: &Keychain,
    client: &Client,
    server: &Url,
    channel: &str,
    token: Secret,
    new: NewAccount,
) -> Result<Account, Error> {
    let token_text = token.expose().trim();
    if token_text.is_empty() {
        return Err(Error::NothingGiven {
            what: Given::BotToken,
        });
    }
    let channel = if channel.starts_with('@') || channel.starts_with('-') {
        channel.to_owned()
    } else {
        format!("@{channel}")
    };
    let found = telegram::verify(client, server, token_text, &channel)
        .await
        .map_err(|e| telegram_error(e, server, &channel))?;
    let server_text = server.as_str().trim_end_matches('/').to_owned();
    refuse_twice(store, Kind::Telegram, &server_text, &channel)?;
    let account = fresh(
        new,
        Kind::Telegram,
        channel,
        server_text,
        if found.title.is_empty() {
            found.bot
        } else {
            found.title
        },
    );
    save(
        store,
        keychain,
        account,
        Some(&Secret::new(token_text.to_owned())),
    )
}

/// A folder on this computer that posts are written to, for the volunteer to hand on.
pub fn add_folder(store: &Mutex<Store>, path: &Path, new: NewAccount) -> Result<Account, Error> {
    let folder = |reason: FolderProblem| Error::Folder {
        path: path.to_path_buf(),
        reason,
    };
    std::fs::create_dir_all(path).map_err(|_| folder(FolderProblem::CannotCreate))?;
    let path = path
        .canonicalize()
        .map_err(|_| folder(FolderProblem::CannotRead))?;
    // Writable now, not only by its permission bits (a read-only mount has good bits).
    let probe = path.join(".relais-write-check");
    std::fs::write(&probe, b"").map_err(|_| folder(FolderProblem::NotWritable))?;
    let _ = std::fs::remove_file(&probe);
    let server = path.display().to_string();
    let handle = path
        .file_name()
        .map(|name| name.to_string_lossy().into_owned())
        .unwrap_or_else(|| server.clone());
    refuse_twice(store, Kind::Folder, &server, &handle)?;
    let account = fresh(new, Kind::Folder, handle.clone(), server, handle);
    save(store, &Keychain, account, None)
}

fn find(store: &Store, id: &AccountId) -> Result<Account, Error> {
    rows::get(store.conn(), id.as_str())?
        .map(Account::from_row)
        .transpose()?
        .ok_or_else(|| Error::NotFound {
            account: id.to_string(),
        })
}

/// Asks the network whether the account still works, without posting, and records the
/// answer as its status: a refused secret is "needs sign-in", no answer "unreachable".
pub async fn test_connection(
    store: &Mutex<Store>,
    keychain: &Keychain,
    client: &Client,
    id: &AccountId,
    now: i64,
) -> Result<Account, Error> {
    let mut account = find(&*lock(store)?, id)?;
    // In a block of its own so a secret missing from the keychain is recorded as a
    // status like any other answer, not returned before the status is written.
    let outcome: Result<(), Error> = async {
        match account.kind {
            Kind::Folder => {
                let path = Path::new(&account.server);
                if path.is_dir() {
                    Ok(())
                } else {
                    Err(Error::Folder {
                        path: path.to_path_buf(),
                        reason: FolderProblem::Gone,
                    })
                }
            }
            Kind::Discord => {
                let secret = keychain.secret(id)?;
                match discord::parse_address(secret.expose()) {
                    Ok(url) => discord::verify(client, &url)
                        .await
                        .map(|_| ())
                        .map_err(discord_error),
                    Err(error) => Err(discord_error(error)),
                }
            }
            Kind::Telegram => {
                let secret = keychain.secret(id)?;
                let server = Url::parse(&format!("{}/", account.server)).map_err(|_| {
                    Error::NotTelegram {
                        server: account.server.clone(),
                    }
                })?;
                telegram::verify(client, &server, secret.expose(), &account.handle)
                    .await
                    .map(|_| ())
                    .map_err(|e| telegram_error(e, &server, &account.handle))
            }
            Kind::Bluesky => {
                let session = bluesky_session(keychain, id)?;
                match bluesky::check(client, &session).await {
                    Ok(fresh) => {
                        if fresh != session {
                            keep_bluesky_session(keychain, id, &fresh)?;
                        }
                        Ok(())
                    }
                    Err(error) => Err(bluesky_error(error)),
                }
            }
            Kind::Mastodon => {
                match super::mastodon::test_mastodon(keychain, client, &account, now).await {
                    Ok(settings) => {
                        if settings != account.settings {
                            rows::set_settings(
                                lock(store)?.conn(),
                                id.as_str(),
                                &settings.to_json(),
                            )?;
                            account.settings = settings;
                        }
                        Ok(())
                    }
                    Err(error) => Err(error),
                }
            }
        }
    }
    .await;
    let status = match &outcome {
        Ok(()) => Status::Connected,
        Err(
            Error::WebhookGone
            | Error::BadBotToken
            | Error::BotNotAdmin { .. }
            | Error::SignInAgain
            | Error::Mastodon(mastodon::Error::SignInAgain)
            | Error::SecretMissing { .. },
        ) => Status::NeedsSignIn,
        Err(_) => Status::Unreachable,
    };
    rows::set_status(lock(store)?.conn(), id.as_str(), status.into())?;
    account.status = status;
    outcome.map(|()| account)
}

/// Removes the account and its secret. The secret goes first: if the keychain refuses,
/// the account stays listed so the removal can be tried again.
pub fn remove(store: &Store, keychain: &Keychain, id: &AccountId) -> Result<Account, Error> {
    let account = find(store, id)?;
    if account.kind != Kind::Folder {
        keychain.forget(id)?;
    }
    rows::delete(store.conn(), id.as_str())?;
    tracing::info!(account = %id, "account removed");
    Ok(account)
}
