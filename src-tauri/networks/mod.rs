//! What each social network accepts (the one table lives in [`limits`]) and one client
//! per network.

pub mod bluesky;
pub mod check;
pub mod discord;
pub mod folder;
pub mod limits;
pub mod mastodon;
pub mod post;
pub mod telegram;

pub use check::{check, Problem};
pub use limits::{
    for_network, Counting, MediaFormat, Network, ServerLimits, TargetLimits, TextLimits,
};
pub use post::{net_class, Attempt, Class, Classify, Media, Post, Publish, Sent, Visibility};
