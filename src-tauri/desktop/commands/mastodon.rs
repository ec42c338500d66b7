//! Mastodon sign-in from the window: the volunteer's browser opens on the server's
//! page, and the account is added when the browser comes back to the one-shot listener
//! (or when the volunteer pastes the code the server shows).

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use serde::Serialize;
use tauri::{AppHandle, Runtime, State};
use tokio::sync::Notify;

use super::accounts::{block_on, new_account, on_network, server_url};
use crate::accounts::{self, Account, Keychain};
use crate::desktop::{AppState, IpcError};
use crate::messages::Lang;
use crate::networks::mastodon::{self, Loopback, Redirect, SignIn};

/// How long the browser has to come back.
const SIGN_IN_MINUTES: u64 = 10;

/// A sign-in under way: what the way back is checked against, the listener, and what
/// the window's Cancel rings while the listener waits.
type Pending = (SignIn, Option<Loopback>, Arc<Notify>, Lang);

/// The sign-ins under way, by the id the window holds.
#[derive(Default)]
pub struct SignIns(
    Mutex<HashMap<String, Pending>>,
    /// The sign-ins being finished, for Cancel to reach.
    Mutex<HashMap<String, Arc<Notify>>>,
);

#[derive(Serialize)]
pub struct Started {
    pub flow: String,
    /// The authorization page, shown so it can be opened by hand if no browser opened.
    pub url: String,
}

#[tauri::command]
pub async fn account_mastodon_start<R: Runtime>(
    app: AppHandle<R>,
    sign_ins: State<'_, SignIns>,
    state: State<'_, AppState>,
    server: String,
    paste: bool,
    lang: Option<String>,
) -> Result<Started, IpcError> {
    let server = server_url(&server, |server| {
        mastodon::Error::NotMastodon { server }.into()
    })?;
    let loopback = if paste {
        None
    } else {
        Some(Loopback::bind().await.map_err(accounts::Error::from)?)
    };
    let redirect = match &loopback {
        Some(listener) => Redirect::Loopback {
            port: listener.port,
        },
        None => Redirect::Paste,
    };
    let mut random = [0u8; 72];
    getrandom::fill(&mut random).map_err(|_| IpcError::poisoned())?;
    let (flow, random) = random.split_at(8);
    let random: [u8; 64] = random.try_into().map_err(|_| IpcError::poisoned())?;
    // The window's language now, which the volunteer may have switched since start-up:
    // the server's page and the page the browser comes back to speak it.
    let lang = Lang::from_tag(lang.as_deref().unwrap_or(&state.locale)).unwrap_or(Lang::En);
    let sign_in = on_network(app, move |_, client| {
        block_on(accounts::begin_mastodon(
            &Keychain,
            client,
            &server,
            redirect,
            random,
            lang.code(),
            crate::clock::now_unix(),
        ))
    })
    .await?;
    let url = sign_in.authorize_url.to_string();
    if loopback.is_some() {
        if let Err(error) = webbrowser::open(&url) {
            tracing::info!(%error, "no browser opened; the window shows the address");
        }
    }
    let flow = hex::encode(flow);
    sign_ins.0.lock().map_err(|_| IpcError::poisoned())?.insert(
        flow.clone(),
        (sign_in, loopback, Arc::new(Notify::new()), lang),
    );
    Ok(Started { flow, url })
}

/// Waits for the browser (no `code`) or takes the pasted `code`, then adds the account.
#[tauri::command]
pub async fn account_mastodon_finish<R: Runtime>(
    app: AppHandle<R>,
    sign_ins: State<'_, SignIns>,
    flow: String,
    code: Option<String>,
) -> Result<Account, IpcError> {
    // Taken out while it is finished, but its Cancel stays reachable: a sign-in the
    // volunteer cancelled must not add an account when the browser comes back later.
    let (sign_in, loopback, cancelled, lang) = sign_ins
        .0
        .lock()
        .map_err(|_| IpcError::poisoned())?
        .remove(&flow)
        .ok_or(accounts::Error::from(mastodon::Error::StateMismatch))?;
    sign_ins
        .1
        .lock()
        .map_err(|_| IpcError::poisoned())?
        .insert(flow.clone(), cancelled.clone());
    let code = match (code.filter(|c| !c.trim().is_empty()), loopback) {
        (Some(code), _) => Ok(code),
        (None, Some(loopback)) => tokio::select! {
            back = tokio::time::timeout(
                Duration::from_secs(SIGN_IN_MINUTES * 60),
                loopback.code(&sign_in.state, lang),
            ) => back
                .map_err(|_| mastodon::Error::NoCallback { minutes: SIGN_IN_MINUTES })
                .and_then(|code| code),
            () = cancelled.notified() => Err(mastodon::Error::Cancelled),
        },
        (None, None) => Err(mastodon::Error::CodeRefused),
    };
    if let Ok(mut waiting) = sign_ins.1.lock() {
        waiting.remove(&flow);
    }
    let code = code.map_err(accounts::Error::from)?;
    let new = new_account()?;
    on_network(app, move |state, client| {
        let store = state.store_mutex();
        block_on(accounts::finish_mastodon(
            store, &Keychain, client, &sign_in, &code, new,
        ))
    })
    .await
}

/// The volunteer closed the form: the listener stops waiting, and nothing is added.
#[tauri::command]
pub fn account_mastodon_cancel(sign_ins: State<'_, SignIns>, flow: String) -> Result<(), IpcError> {
    sign_ins
        .0
        .lock()
        .map_err(|_| IpcError::poisoned())?
        .remove(&flow);
    if let Some(waiting) = sign_ins
        .1
        .lock()
        .map_err(|_| IpcError::poisoned())?
        .remove(&flow)
    {
        // A permit is kept if the wait has not begun yet.
        waiting.notify_one();
    }
    Ok(())
}
