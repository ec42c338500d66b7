//! What can go wrong with a bot and its channel, and what the queue does about it.

use crate::messages::{self, Describe, Message};
use crate::net;
use crate::networks::post::{net_class, Class, Classify};
use crate::networks::Problem;

#[derive(Debug, thiserror::Error, strum::IntoStaticStr, strum::VariantNames)]
#[strum(serialize_all = "snake_case")]
#[non_exhaustive]
pub enum Error {
    #[error("the bot token was refused")]
    BadToken,
    #[error("the channel was not found")]
    ChannelNotFound,
    #[error("the bot @{bot} may not post in the channel")]
    NotAdmin { bot: String },
    #[error("the server does not speak the Bot API")]
    NotTelegram,
    /// Found when posting: kicked out, or no longer an administrator with "Post messages".
    #[error("the bot may no longer post in {channel}: {words}")]
    MayNotPost { channel: String, words: String },
    #[error("Telegram asks to wait until {at} (Unix time)")]
    RateLimited { at: i64 },
    #[error("the file is {bytes} bytes; Telegram refused it as too large (it takes {max})")]
    TooLarge { bytes: u64, max: u64 },
    #[error("Telegram refused the post: {words}")]
    Refused { words: String },
    /// The upload went through but the answer could not be read: the message may exist.
    #[error("Telegram's answer could not be read; the post may have been sent")]
    AnswerUnreadable,
    #[error(transparent)]
    Check(Problem),
    #[error(transparent)]
    Net(net::Error),
}

impl Classify for Error {
    fn class(&self) -> Class {
        match self {
            // A bot that lost its rights needs the volunteer, as a refused token does.
            Error::BadToken | Error::NotAdmin { .. } | Error::MayNotPost { .. } => {
                Class::SignInAgain
            }
            Error::RateLimited { at } => Class::RetryLater { at: Some(*at) },
            Error::AnswerUnreadable => Class::OutcomeUnknown,
            Error::Check(problem) => problem.class(),
            // Every call here that can fail this way after sending writes something.
            Error::Net(error) => net_class(error, true),
            Error::ChannelNotFound
            | Error::NotTelegram
            | Error::TooLarge { .. }
            | Error::Refused { .. } => Class::Refused,
        }
    }
}

impl Describe for Error {
    fn codes() -> Vec<String> {
        messages::codes_of(
            "error.telegram",
            <Self as strum::VariantNames>::VARIANTS,
            &["check", "net"],
        )
    }

    fn describe(&self) -> Message {
        let message = Message::new(format!("error.telegram.{}", <&str>::from(self)));
        match self {
            Error::BadToken
            | Error::ChannelNotFound
            | Error::NotTelegram
            | Error::AnswerUnreadable => message,
            Error::NotAdmin { bot } => message.text("bot", bot),
            Error::MayNotPost { channel, words } => {
                message.text("channel", channel).text("words", words)
            }
            Error::RateLimited { at } => message.date("at", *at),
            Error::TooLarge { bytes, max } => message.size("size", *bytes).size("max", *max),
            Error::Refused { words } => message.text("words", words),
            Error::Check(problem) => problem.describe(),
            Error::Net(error) => error.describe(),
        }
    }
}
