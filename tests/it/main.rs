//! The one integration-test binary: a module per area.

mod accounts;
mod architecture;
mod bad_kits;
mod bluesky;
mod bluesky_video;
mod cli;
mod discord;
mod draft;
mod encode;
mod export;
mod fit;
mod folder_export;
mod golden;
mod jpeg;
mod kit;
mod kit_fonts;
mod kit_remote;
mod kit_tools;
mod kit_trust;
mod mastodon;
mod messages;
mod net;
mod render;
mod store;
mod support;
mod telegram;

#[cfg(feature = "desktop")]
mod desktop;
#[cfg(feature = "desktop")]
mod e2e;
#[cfg(feature = "desktop")]
mod e2e_accounts;
#[cfg(feature = "desktop")]
mod e2e_editor;
#[cfg(feature = "desktop")]
mod e2e_kits;
