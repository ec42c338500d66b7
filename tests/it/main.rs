//! The one integration-test binary: a module per area.

mod cli;
mod encode;
mod fit;
mod kit;
mod kit_tools;
mod render;
mod store;
mod support;

#[cfg(feature = "desktop")]
mod desktop;
#[cfg(feature = "desktop")]
mod e2e;
