//! `relais://subscribe?url=…&key=…` links: registered as the handler of the `relais`
//! scheme (by the .deb, and at run time on Linux), they start Relais with the link as
//! its argument; the Kits view then subscribes with the key from the link pinned.
//!
//! A link opened while Relais already runs on the same data folder starts a second
//! process that meets the folder lock and says so; handing the link over to the open
//! window needs a single-instance channel keyed by data folder (not done: the
//! single-instance plugin keys by app id, which would also merge separate data folders).

use tauri::{App, AppHandle, Builder, Emitter, Runtime};
use tauri_plugin_deep_link::DeepLinkExt;

/// The event the UI listens to; the payload is the link as a string.
pub const LINK_EVENT: &str = "kit-subscribe-link";

pub fn plugins<R: Runtime>(builder: Builder<R>) -> Builder<R> {
    builder.plugin(tauri_plugin_deep_link::init())
}

pub fn setup<R: Runtime>(app: &App<R>) {
    // Linux and Windows dev builds register the scheme at run time; macOS uses Info.plist.
    #[cfg(any(target_os = "linux", all(debug_assertions, windows)))]
    if let Err(error) = app.deep_link().register_all() {
        tracing::warn!(%error, "relais:// links could not be registered");
    }
    let handle = app.handle().clone();
    let forward = move |url: &str| {
        // Only subscribe links reach the UI; anything else under relais:// is ignored.
        if url.starts_with("relais://subscribe") {
            tracing::info!("subscribe link received");
            let _ = handle.emit(LINK_EVENT, url.to_owned());
        }
    };
    // The link Relais was started with is asked for by the window once its script runs
    // (`startup_link`): an event sent now would arrive before anyone listens.
    app.deep_link().on_open_url(move |event| {
        for url in event.urls() {
            forward(url.as_str());
        }
    });
}

/// The subscribe link Relais was started with, if any.
pub fn startup_link<R: Runtime>(app: &AppHandle<R>) -> Option<String> {
    let urls = app.deep_link().get_current().ok()??;
    urls.into_iter()
        .map(String::from)
        .find(|url| url.starts_with("relais://subscribe"))
}
