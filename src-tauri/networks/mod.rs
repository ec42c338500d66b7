//! What each social network accepts (the one table lives in [`limits`]) and one client
//! per network.

pub mod bluesky;
pub mod discord;
pub mod limits;
pub mod telegram;

pub use limits::{for_network, MediaFormat, Network, TargetLimits, TextLimits};
