//! What each social network accepts. Only facts: the one table lives in [`limits`].

pub mod limits;

pub use limits::{for_network, MediaFormat, Network, TargetLimits, TextLimits};
