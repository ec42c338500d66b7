//! The one integration-test binary: a module per area.

mod accounts;
mod architecture;
mod bad_kits;
mod bluesky;
mod cli;
mod draft;
mod encode;
mod export;
mod fit;
mod golden;
mod jpeg;
mod kit;
mod kit_fonts;
mod kit_remote;
mod kit_tools;
mod kit_trust;
mod messages;
mod net;
mod render;
mod store;
mod support;

#[cfg(feature = "desktop")]
mod desktop;
#[cfg(feature = "desktop")]
mod e2e;
#[cfg(feature = "desktop")]
mod e2e_editor;
#[cfg(feature = "desktop")]
mod e2e_kits;
