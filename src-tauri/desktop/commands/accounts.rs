//! The Accounts view: list, add (checked with the network first), test, rename and
//! remove the volunteer's accounts. Secrets arrive as arguments from the window and go
//! straight into `Secret`: never logged, never sent back.

use tauri::{AppHandle, Manager, Runtime, State, WebviewWindow};
use url::Url;

use crate::accounts::{self, Account, AccountId, Keychain, NewAccount, Secret};
use crate::desktop::{dialog, AppState, IpcError};
use crate::networks::bluesky::identity;
use crate::networks::telegram;

#[tauri::command(async)]
pub fn account_list(state: State<'_, AppState>) -> Result<Vec<Account>, IpcError> {
    Ok(accounts::list(&*state.store()?)?)
}

#[tauri::command]
pub async fn account_add_bluesky<R: Runtime>(
    app: AppHandle<R>,
    handle: String,
    app_password: String,
    pds: Option<String>,
) -> Result<Account, IpcError> {
    let secret = Secret::new(app_password);
    let pds = pds
        .filter(|text| !text.trim().is_empty())
        .map(|text| server_url(&text, |server| accounts::Error::NotBluesky { server }))
        .transpose()?;
    let new = new_account()?;
    on_network(app, move |state, client| {
        let store = state.store_mutex();
        let directory = identity::Directory::default();
        let server = match &pds {
            Some(pds) => accounts::BlueskyServer::Given(pds),
            None => accounts::BlueskyServer::Find(&directory),
        };
        block_on(accounts::add_bluesky(
            store, &Keychain, client, server, &handle, secret, new,
        ))
    })
    .await
}

#[tauri::command]
pub async fn account_add_discord<R: Runtime>(
    app: AppHandle<R>,
    webhook: String,
) -> Result<Account, IpcError> {
    let secret = Secret::new(webhook);
    let new = new_account()?;
    on_network(app, move |state, client| {
        let store = state.store_mutex();
        block_on(accounts::add_discord(store, &Keychain, client, secret, new))
    })
    .await
}

#[tauri::command]
pub async fn account_add_telegram<R: Runtime>(
    app: AppHandle<R>,
    channel: String,
    token: String,
) -> Result<Account, IpcError> {
    let secret = Secret::new(token);
    let server = server_url(telegram::DEFAULT_SERVER, |server| {
        accounts::Error::NotTelegram { server }
    })?;
    let new = new_account()?;
    on_network(app, move |state, client| {
        let store = state.store_mutex();
        block_on(accounts::add_telegram(
            store,
            &Keychain,
            client,
            &server,
            channel.trim(),
            secret,
            new,
        ))
    })
    .await
}

/// An export folder: `path`, or the one the volunteer picks in the native dialog.
/// `None` when the dialog is cancelled.
#[tauri::command]
pub async fn account_add_folder<R: Runtime>(
    window: WebviewWindow<R>,
    path: Option<String>,
) -> Result<Option<Account>, IpcError> {
    let path = match path.filter(|text| !text.trim().is_empty()) {
        Some(path) => std::path::PathBuf::from(path),
        None => match dialog::ask_folder(&window).await {
            Some(path) => path,
            None => return Ok(None),
        },
    };
    let state = window.state::<AppState>();
    let store = state.store_mutex();
    Ok(Some(accounts::add_folder(store, &path, new_account()?)?))
}

#[tauri::command]
pub async fn account_test<R: Runtime>(app: AppHandle<R>, id: String) -> Result<Account, IpcError> {
    let id = parse_id(&id)?;
    on_network(app, move |state, client| {
        let store = state.store_mutex();
        block_on(accounts::test_connection(
            store,
            &Keychain,
            client,
            &id,
            crate::clock::now_unix(),
        ))
    })
    .await
}

#[tauri::command(async)]
pub fn account_rename(
    state: State<'_, AppState>,
    id: String,
    name: String,
) -> Result<Account, IpcError> {
    Ok(accounts::rename(&*state.store()?, &parse_id(&id)?, &name)?)
}

/// Removes the account and its secret from the keychain (the window asks first).
#[tauri::command(async)]
pub fn account_remove(state: State<'_, AppState>, id: String) -> Result<Account, IpcError> {
    Ok(accounts::remove(
        &*state.store()?,
        &Keychain,
        &parse_id(&id)?,
    )?)
}

fn parse_id(text: &str) -> Result<AccountId, IpcError> {
    AccountId::parse(text).ok_or_else(|| {
        accounts::Error::NotFound {
            account: text.to_owned(),
        }
        .into()
    })
}

pub(super) fn server_url(
    text: &str,
    wrong: fn(String) -> accounts::Error,
) -> Result<Url, IpcError> {
    crate::net::server_address(text).ok_or_else(|| wrong(text.trim().to_owned()).into())
}

pub(super) fn new_account() -> Result<NewAccount, IpcError> {
    let mut random = [0u8; 8];
    getrandom::fill(&mut random).map_err(|_| IpcError::poisoned())?;
    Ok(NewAccount {
        now: crate::clock::now_unix(),
        random,
    })
}

/// Runs `work` on a thread that may block, with a client of its own: the keychain
/// answers over D-Bus. The library locks the store only around its queries, never while
/// the network is asked, so the rest of the window is not held up by a slow server.
pub(super) async fn on_network<R, T, F>(app: AppHandle<R>, work: F) -> Result<T, IpcError>
where
    R: Runtime,
    T: Send + 'static,
    F: FnOnce(&AppState, &crate::net::Client) -> Result<T, IpcError> + Send + 'static,
{
    tauri::async_runtime::spawn_blocking(move || {
        let client = crate::net::Client::new(crate::net::Options {
            overall_timeout: Some(std::time::Duration::from_secs(30)),
            ..crate::net::Options::default()
        })
        .map_err(accounts::Error::Net)?;
        work(&app.state::<AppState>(), &client)
    })
    .await
    .map_err(|_| IpcError::poisoned())?
}

pub(super) fn block_on<T>(
    work: impl std::future::Future<Output = Result<T, accounts::Error>>,
) -> Result<T, IpcError> {
    Ok(tauri::async_runtime::handle().block_on(work)?)
}
