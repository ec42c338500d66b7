//! The Telegram Bot API, for a bot that is an administrator of the volunteer's channel.
//! The bot token sits in every request's path (`/bot<token>/method`), so it is cut out
//! of every error and never logged. Telegram has no idempotency key and no way to look
//! for a message: a post is sent at most once, and an answer lost after the upload
//! began is an unknown outcome.

mod bot;
mod error;
mod publish;
mod verify;

pub use error::Error;
pub use publish::ChannelAccount;
pub use verify::{verify, Channel};

pub const DEFAULT_SERVER: &str = "https://api.telegram.org";
