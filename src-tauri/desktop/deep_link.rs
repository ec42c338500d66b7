//! K2 + deep link: `relais://subscribe?url=…&key=…` opens the Kits view and subscribes,
//! with the key from the link pinned. NOT yet in the module tree: it needs two crates and
//! K2's `kit::subscribe::SubscribeLink`. To wire (integrator):
//! - Cargo.toml, desktop feature: `tauri-plugin-deep-link = "2"` and
//!   `tauri-plugin-single-instance = { version = "2", features = ["deep-link"] }` (both
//!   MIT/Apache-2.0). On Linux a link starts a second `relais` process; without
//!   single-instance it would meet the data-folder lock instead of the open window.
//! - tauri.conf.json: `"plugins": { "deep-link": { "desktop": { "schemes": ["relais"] } } }`
//!   (the .deb then registers the scheme handler).
//! - desktop/mod.rs: `mod deep_link;`, `let builder = deep_link::plugins(builder);` before
//!   `.manage(..)`, and `.setup(|app| { deep_link::setup(app); Ok(()) })`.
//! - capabilities/default.json: nothing: the link arrives as the app's own event.
//! The UI already listens for `kit-subscribe-link` (ui/app.js) and calls `kit_subscribe`
//! with the link, which `commands::kits::kit_subscribe` parses and pins.

use tauri::{App, Builder, Emitter, Manager, Runtime};
use tauri_plugin_deep_link::DeepLinkExt;

/// The event the UI listens to; the payload is the link as a string.
pub const LINK_EVENT: &str = "kit-subscribe-link";

pub fn plugins<R: Runtime>(builder: Builder<R>) -> Builder<R> {
    builder
        // Must be the first plugin: a second launch hands its link to this window and exits.
        .plugin(tauri_plugin_single_instance::init(|app, _argv, _cwd| {
            if let Some(window) = app.get_webview_window("main") {
                let _ = window.set_focus();
            }
        }))
        .plugin(tauri_plugin_deep_link::init())
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
    if let Ok(Some(urls)) = app.deep_link().get_current() {
        for url in urls {
            forward(url.as_str());
        }
    }
    app.deep_link().on_open_url(move |event| {
        for url in event.urls() {
            forward(url.as_str());
        }
    });
}
