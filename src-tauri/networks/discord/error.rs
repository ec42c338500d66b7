//! What can go wrong with a webhook, and what the queue does about it.

use super::Shape;
use crate::messages::{self, Describe, Message};
use crate::net;
use crate::networks::post::{net_class, Class, Classify};
use crate::networks::Problem;

#[derive(Debug, thiserror::Error, strum::IntoStaticStr, strum::VariantNames)]
#[strum(serialize_all = "snake_case")]
#[non_exhaustive]
pub enum Error {
    #[error("not a webhook address: {0}")]
    NotAWebhook(Shape),
    #[error("the webhook no longer exists")]
    Gone,
    #[error("{host} did not answer as a webhook does")]
    NotAWebhookServer { host: String },
    #[error("Discord asks to wait until {at} (Unix time)")]
    RateLimited { at: i64 },
    #[error("the files are {bytes} bytes; the server refused them as too large (the account's limit is {max})")]
    TooLarge { bytes: u64, max: u64 },
    #[error("Discord refused the post: {words}")]
    Refused { words: String },
    /// The upload went through but the answer could not be read: the message may exist.
    #[error("Discord's answer could not be read; the post may have been sent")]
    AnswerUnreadable,
    #[error(transparent)]
    Check(Problem),
    #[error(transparent)]
    Net(net::Error),
}

impl Classify for Error {
    fn class(&self) -> Class {
        match self {
            // Deleted or regenerated: only a newly pasted address works again.
            Error::Gone => Class::SignInAgain,
            Error::RateLimited { at } => Class::RetryLater { at: Some(*at) },
            Error::AnswerUnreadable => Class::OutcomeUnknown,
            Error::Check(problem) => problem.class(),
            // Every call here that can fail this way after sending writes something.
            Error::Net(error) => net_class(error, true),
            Error::NotAWebhook(_)
            | Error::NotAWebhookServer { .. }
            | Error::TooLarge { .. }
            | Error::Refused { .. } => Class::Refused,
        }
    }
}

impl Describe for Error {
    fn codes() -> Vec<String> {
        messages::codes_of(
            "error.discord",
            <Self as strum::VariantNames>::VARIANTS,
            &["check", "net"],
        )
    }

    fn describe(&self) -> Message {
        let message = Message::new(format!("error.discord.{}", <&str>::from(self)));
        match self {
            Error::NotAWebhook(shape) => message.nested(
                "reason",
                Message::new(format!("account.webhook.{}", <&str>::from(*shape))),
            ),
            Error::Gone | Error::AnswerUnreadable => message,
            Error::NotAWebhookServer { host } => message.text("host", host),
            Error::RateLimited { at } => message.date("at", *at),
            Error::TooLarge { bytes, max } => message.size("size", *bytes).size("max", *max),
            Error::Refused { words } => message.text("words", words),
            Error::Check(problem) => problem.describe(),
            Error::Net(error) => error.describe(),
        }
    }
}
