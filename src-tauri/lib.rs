//! Relais: relay approved campaign visuals, with your own caption, to your own accounts.
//!
//! Everything here is a plain library used the same way by the command line, the tests,
//! the benchmarks and the desktop shell. Only `desktop` (behind the `desktop` feature)
//! knows Tauri.

pub mod accounts;
pub mod cli;
pub mod clock;
pub mod dates;
pub mod db;
pub mod draft;
pub mod kit;
pub mod logging;
pub mod messages;
pub mod net;
pub mod networks;
pub mod paths;
pub mod render;

#[cfg(feature = "desktop")]
pub mod desktop;
