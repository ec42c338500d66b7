//! What can go wrong with Bluesky, told to a person (Describe) and to the queue
//! (Classify). A lost answer matters only for the write of the post itself: an upload or
//! a read sent again does no harm.

use super::{MAX_GRAPHEMES, MAX_IMAGE_BYTES, MAX_TEXT_BYTES};
use crate::messages::{Describe, Message};
use crate::networks::post::{net_class, Class, Classify};

#[derive(Debug, thiserror::Error, strum::IntoStaticStr, strum::VariantNames)]
#[strum(serialize_all = "snake_case")]
#[non_exhaustive]
pub enum Error {
    #[error("the handle or the app password was refused")]
    WrongPassword,
    #[error("the handle {handle} is not known to {pds}")]
    UnknownHandle { handle: String, pds: String },
    #[error("the session has ended: sign in again")]
    SignInAgain,
    #[error("{pds} did not answer as a Bluesky server does")]
    NotBluesky { pds: String },
    #[error("the post is {graphemes} characters ({bytes} bytes); Bluesky takes {MAX_GRAPHEMES} ({MAX_TEXT_BYTES} bytes)")]
    TextTooLong { graphemes: usize, bytes: usize },
    #[error("the image is {bytes} bytes; Bluesky takes {MAX_IMAGE_BYTES}")]
    ImageTooBig { bytes: usize },
    /// Bluesky's video embed holds one video and nothing else.
    #[error("an animation goes alone in a Bluesky post: {count} media were given")]
    AnimationNotAlone { count: usize },
    /// The video service cannot take the animation now; the still image can go instead.
    #[error("the animation cannot go to Bluesky's video service: {reason}")]
    VideoUnavailable { reason: VideoRefusal },
    /// The video service took the animation but had not finished with it after every
    /// poll: sending again finds the finished job (the service knows the file).
    #[error("the video service is still processing the animation")]
    VideoStillProcessing,
    /// A sent post's id that is not a post of this account.
    #[error("{id} is not a post of this account")]
    NotOurPost { id: String },
    /// getRecord found nothing under the key.
    #[error("no record under that key")]
    NoRecord,
    /// The post breaks the account's limits (checked before any request).
    #[error(transparent)]
    Check(crate::networks::Problem),
    /// The server refused the request for good; its own words.
    #[error("the server refused: {0}")]
    Refused(String),
    /// A request that writes no post (sign-in, read, upload, delete) failed.
    #[error(transparent)]
    Net(crate::net::Error),
    /// The write of the post itself (createRecord) failed: when its answer was lost, the
    /// post may exist.
    #[error(transparent)]
    Writing(crate::net::Error),
}

/// Why the video service will not take an animation, in the words its errors use (the
/// official app matches the same sentences).
#[derive(Debug, Clone, PartialEq, Eq, strum::IntoStaticStr, strum::VariantNames)]
#[strum(serialize_all = "snake_case")]
#[non_exhaustive]
pub enum VideoRefusal {
    /// "Confirm your email address to upload videos".
    EmailNotConfirmed,
    /// The daily number of videos or of bytes is used up.
    DailyLimit,
    /// "User is not allowed to upload videos".
    NotAllowed,
    /// "Account is not old enough to upload videos".
    AccountTooYoung,
    /// "Uploading is disabled at the moment".
    Paused,
    /// Larger than the video service takes.
    TooBig { bytes: u64, max: u64 },
    /// The service did not answer, or answered with a server error.
    Unreachable,
    /// The service could not turn the animation into a video; its words.
    Failed { words: String },
    /// Any other refusal; the service's words.
    Other { words: String },
}

impl VideoRefusal {
    /// The refusal the service's `message` (or `error`) names.
    pub fn from_words(words: &str) -> Self {
        let lower = words.to_ascii_lowercase();
        if lower.contains("email") {
            VideoRefusal::EmailNotConfirmed
        } else if lower.contains("daily") || lower.contains("limit") {
            VideoRefusal::DailyLimit
        } else if lower.contains("not allowed") {
            VideoRefusal::NotAllowed
        } else if lower.contains("not old enough") {
            VideoRefusal::AccountTooYoung
        } else if lower.contains("disabled") {
            VideoRefusal::Paused
        } else {
            VideoRefusal::Other {
                words: words.to_owned(),
            }
        }
    }

    fn describe(&self) -> Message {
        let message = Message::new(format!("bluesky.video.{}", <&str>::from(self)));
        match self {
            VideoRefusal::TooBig { bytes, max } => message.size("size", *bytes).size("max", *max),
            VideoRefusal::Failed { words } | VideoRefusal::Other { words } => {
                message.text("words", words)
            }
            _ => message,
        }
    }
}

impl std::fmt::Display for VideoRefusal {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            VideoRefusal::EmailNotConfirmed => f.write_str("the account's e-mail is not confirmed"),
            VideoRefusal::DailyLimit => f.write_str("the daily video limit is reached"),
            VideoRefusal::NotAllowed => f.write_str("the account may not upload videos"),
            VideoRefusal::AccountTooYoung => f.write_str("the account is too new"),
            VideoRefusal::Paused => f.write_str("video uploads are paused"),
            VideoRefusal::TooBig { bytes, max } => write!(f, "{bytes} bytes, over {max}"),
            VideoRefusal::Unreachable => f.write_str("the service did not answer"),
            VideoRefusal::Failed { words } | VideoRefusal::Other { words } => f.write_str(words),
        }
    }
}

impl Classify for Error {
    fn class(&self) -> Class {
        match self {
            Error::WrongPassword | Error::SignInAgain => Class::SignInAgain,
            Error::Net(error) => net_class(error, false),
            Error::Writing(error) => net_class(error, true),
            Error::Check(problem) => problem.class(),
            Error::VideoUnavailable {
                reason: VideoRefusal::Unreachable,
            }
            | Error::VideoStillProcessing => Class::RetryLater { at: None },
            Error::UnknownHandle { .. }
            | Error::NotBluesky { .. }
            | Error::TextTooLong { .. }
            | Error::ImageTooBig { .. }
            | Error::AnimationNotAlone { .. }
            | Error::VideoUnavailable { .. }
            | Error::NotOurPost { .. }
            | Error::NoRecord
            | Error::Refused(_) => Class::Refused,
        }
    }
}

impl Describe for Error {
    /// With the words a video refusal nests, so the catalogue test sees them too.
    fn codes() -> Vec<String> {
        let mut codes = crate::messages::codes_of(
            "error.bluesky",
            <Self as strum::VariantNames>::VARIANTS,
            &["net", "writing", "check"],
        );
        codes.extend(
            <VideoRefusal as strum::VariantNames>::VARIANTS
                .iter()
                .map(|variant| format!("bluesky.video.{variant}")),
        );
        codes
    }

    fn describe(&self) -> Message {
        let message = Message::new(format!("error.bluesky.{}", <&str>::from(self)));
        match self {
            Error::Check(problem) => problem.describe(),
            Error::WrongPassword
            | Error::SignInAgain
            | Error::VideoStillProcessing
            | Error::NoRecord => message,
            Error::UnknownHandle { handle, pds } => message.text("handle", handle).text("pds", pds),
            Error::NotBluesky { pds } => message.text("pds", pds),
            Error::TextTooLong { graphemes, bytes } => message
                .number("graphemes", *graphemes)
                .number("bytes", *bytes)
                .number("max", MAX_GRAPHEMES)
                .number("max_bytes", MAX_TEXT_BYTES),
            Error::ImageTooBig { bytes } => message
                .size("size", *bytes as u64)
                .size("max", MAX_IMAGE_BYTES as u64),
            Error::AnimationNotAlone { count } => message.number("count", *count),
            Error::VideoUnavailable { reason } => message.nested("reason", reason.describe()),
            Error::NotOurPost { id } => message.text("id", id),
            Error::Refused(words) => message.text("words", words),
            Error::Net(error) | Error::Writing(error) => error.describe(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::net;

    fn torn() -> net::Error {
        net::Error::Torn {
            url: "https://pds.example/xrpc/x".into(),
            detail: "reset".into(),
        }
    }

    #[test]
    fn a_lost_answer_is_an_unknown_outcome_only_for_the_write_of_the_post() {
        assert_eq!(Error::Writing(torn()).class(), Class::OutcomeUnknown);
        assert_eq!(
            Error::Net(torn()).class(),
            Class::RetryLater { at: None },
            "a lost upload answer leaves an orphan blob, never a post"
        );
        let server_error = |status| net::Error::Status {
            url: "https://pds.example/xrpc/x".into(),
            status,
            retry_at: Some(1_800_000_000),
        };
        assert_eq!(
            Error::Writing(server_error(502)).class(),
            Class::OutcomeUnknown
        );
        assert_eq!(
            Error::Writing(server_error(429)).class(),
            Class::RetryLater {
                at: Some(1_800_000_000)
            },
            "a rate limit refused the write before doing it"
        );
    }

    #[test]
    fn the_video_services_sentences_name_their_reason() {
        assert_eq!(
            VideoRefusal::from_words("Confirm your email address to upload videos"),
            VideoRefusal::EmailNotConfirmed
        );
        assert_eq!(
            VideoRefusal::from_words("User has exceeded daily upload videos limit"),
            VideoRefusal::DailyLimit
        );
        assert_eq!(
            VideoRefusal::from_words("Account is not old enough to upload videos"),
            VideoRefusal::AccountTooYoung
        );
        assert!(matches!(
            VideoRefusal::from_words("Something new"),
            VideoRefusal::Other { .. }
        ));
    }
}
