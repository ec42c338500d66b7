//! Adding a Mastodon account: Relais is registered once per server (the registration,
//! which holds a client secret, is kept in the keychain), the volunteer signs in in their
//! browser, and the token that comes back is the account's secret. The server's own
//! limits are kept with the account.

use std::sync::Mutex;

use url::Url;

use super::keep::{fresh, refuse_twice, save, NewAccount};
use super::record::{Account, Kind};
use super::{Error, Keychain, Secret, Settings};
use crate::db::Store;
use crate::net::Client;
use crate::networks::mastodon::{self, App, Redirect, SignIn, Token};

fn app_entry(server: &Url) -> String {
    format!("mastodon-app:{}", mastodon_server(server))
}

/// A server's address as kept: no trailing slash.
fn mastodon_server(server: &Url) -> String {
    server.as_str().trim_end_matches('/').to_owned()
}

/// Relais's registration on `server`, made once and then read from the keychain.
async fn app(keychain: &Keychain, client: &Client, server: &Url, now: i64) -> Result<App, Error> {
    if let Some(kept) = keychain.named_secret(&app_entry(server))? {
        if let Ok(app) = serde_json::from_str(kept.expose()) {
            return Ok(app);
        }
    }
    let app = mastodon::register(client, server, now).await?;
    let json = serde_json::to_string(&app).map_err(|_| Error::NoKeychain)?;
    keychain.store_named(&app_entry(server), &Secret::new(json))?;
    Ok(app)
}

/// Checks that `server` is a Mastodon server, registers Relais there if it is not yet,
/// and prepares the authorization page's address for the volunteer's browser.
/// `random`: 64 bytes for the state and the PKCE verifier.
pub async fn begin_mastodon(
    keychain: &Keychain,
    client: &Client,
    server: &Url,
    redirect: Redirect,
    random: [u8; 64],
    lang: &str,
    now: i64,
) -> Result<SignIn, Error> {
    mastodon::instance(client, server, now).await?;
    let app = app(keychain, client, server, now).await?;
    Ok(mastodon::begin(client, server, app, redirect, random, lang, now).await?)
}

/// Exchanges the code the browser brought back (or the volunteer pasted) for a token,
/// and adds the account it belongs to.
pub async fn finish_mastodon(
    store: &Mutex<Store>,
    keychain: &Keychain,
    client: &Client,
    sign_in: &SignIn,
    code: &str,
    new: NewAccount,
) -> Result<Account, Error> {
    if code.trim().is_empty() {
        return Err(Error::Mastodon(mastodon::Error::CodeRefused));
    }
    let instance = mastodon::instance(client, &sign_in.server, new.now).await?;
    let (token, who) = mastodon::finish(client, sign_in, code, new.now).await?;
    let server = mastodon_server(&sign_in.server);
    let handle = format!("{}@{}", who.username, instance.domain);
    refuse_twice(store, Kind::Mastodon, &server, &handle)?;
    let mut account = fresh(
        new,
        Kind::Mastodon,
        handle.clone(),
        server,
        if who.display_name.is_empty() {
            format!("@{handle}")
        } else {
            who.display_name
        },
    );
    account.settings = Settings {
        server_limits: Some(instance.limits),
        ..Settings::default()
    };
    save(
        store,
        keychain,
        account,
        Some(&Secret::new(token.expose().to_owned())),
    )
}

/// The token kept for a Mastodon account.
pub fn mastodon_token(keychain: &Keychain, account: &Account) -> Result<Token, Error> {
    let secret = keychain.secret(&account.id)?;
    Ok(Token::new(secret.expose().to_owned()))
}

/// The account's server as an address.
pub fn mastodon_url(account: &Account) -> Result<Url, Error> {
    Url::parse(&format!("{}/", account.server)).map_err(|_| {
        Error::Mastodon(mastodon::Error::NotMastodon {
            server: account.server.clone(),
        })
    })
}

/// Whether the token still works, and the server's limits as they are today.
pub(super) async fn test_mastodon(
    keychain: &Keychain,
    client: &Client,
    account: &Account,
    now: i64,
) -> Result<Settings, Error> {
    let server = mastodon_url(account)?;
    let token = mastodon_token(keychain, account)?;
    mastodon::who_am_i(client, &server, &token, now).await?;
    let instance = mastodon::instance(client, &server, now).await?;
    Ok(Settings {
        server_limits: Some(instance.limits),
        ..account.settings.clone()
    })
}
