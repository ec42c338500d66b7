//! What every network client does with a post, behind one trait, and the one
//! classification of what can go wrong, so the queue treats all networks alike.

use std::future::Future;

use serde::{Deserialize, Serialize};

use super::TargetLimits;
use crate::net::{self, Client};

/// One image or animation of a post, already fitted to the account's limits.
#[derive(Debug, Clone, Copy)]
pub struct Media<'a> {
    pub bytes: &'a [u8],
    /// `image/png`, `image/jpeg`, `image/gif` or `image/webp`.
    pub mime: &'a str,
    /// The file name shown where a network shows one (Discord, Telegram, the folder).
    pub file_name: &'a str,
    /// Alt text; empty when the volunteer gave none.
    pub alt: &'a str,
    pub width: u32,
    pub height: u32,
    pub animated: bool,
}

impl Media<'_> {
    /// The file as one part of a multipart upload, named and typed. A type reqwest cannot
    /// parse is left out rather than refused: the server reads the bytes either way.
    pub fn part(&self) -> reqwest::multipart::Part {
        let part = || {
            reqwest::multipart::Part::bytes(self.bytes.to_vec())
                .file_name(self.file_name.to_owned())
        };
        part().mime_str(self.mime).unwrap_or_else(|_| part())
    }
}

/// Who may see a post, where the network has the notion (Mastodon).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Visibility {
    #[default]
    Public,
    Unlisted,
    Private,
}

/// A post as the volunteer wrote it.
#[derive(Debug, Clone, Copy)]
pub struct Post<'a> {
    pub text: &'a str,
    /// The text's language, as a BCP 47 tag ("fr").
    pub language: Option<&'a str>,
    pub media: &'a [Media<'a>],
    pub visibility: Visibility,
    /// Mastodon's content warning; ignored elsewhere.
    pub content_warning: Option<&'a str>,
}

/// What stays the same across every attempt at one post to one account (chosen once and
/// kept with the job before the first attempt, so a retry is the same request), and the
/// time of this attempt.
#[derive(Debug, Clone, Copy)]
pub struct Attempt<'a> {
    /// Mastodon's `Idempotency-Key`, Bluesky's record key (a TID): unique per post and
    /// account.
    pub key: &'a str,
    /// When the post was first tried, RFC 3339 (Bluesky's `createdAt`).
    pub created_at: &'a str,
    /// An earlier attempt's outcome is unknown: look for the post before writing it again,
    /// where the network allows it.
    pub earlier_unknown: bool,
    /// The time of this attempt, Unix seconds: what a server's "retry after N seconds" is
    /// counted from, and how old the first attempt is. Passed in, never read inside.
    pub now: i64,
}

/// Where a sent post lives.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Sent {
    /// The network's own id: a status id, an `at://` URI, a message id, a file name.
    pub id: String,
    /// Where a person can see it, when there is such an address.
    pub url: Option<String>,
}

/// What to do after a failure: the one classification for every network.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(tag = "class", rename_all = "snake_case")]
pub enum Class {
    /// Nothing was applied: the same request may be sent again later, at `at` (Unix
    /// seconds) when the server said when.
    RetryLater { at: Option<i64> },
    /// The secret was refused: the volunteer must sign in (or paste it) again.
    SignInAgain,
    /// The server or Relais refused the post for good: sending it again as it is will
    /// fail again. The error carries the server's own words.
    Refused,
    /// The request may have been applied: look for the post, or let the volunteer
    /// decide, before sending it again. Never "not sent".
    OutcomeUnknown,
}

/// Every client's error says which [`Class`] it is.
pub trait Classify {
    fn class(&self) -> Class;
}

/// How a network error is to be handled. `writing`: the request would create something
/// (a post, a message), so an answer lost after it left is an unknown outcome, not a
/// failure.
pub fn net_class(error: &net::Error, writing: bool) -> Class {
    if writing && error.may_have_been_applied() {
        return Class::OutcomeUnknown;
    }
    if error.is_transient() {
        let at = match error {
            net::Error::Status { retry_at, .. } => *retry_at,
            _ => None,
        };
        return Class::RetryLater { at };
    }
    Class::Refused
}

impl Classify for net::Error {
    /// Without knowing the request, the careful reading: writing.
    fn class(&self) -> Class {
        net_class(self, true)
    }
}

/// One client per network, each for one account. `&mut self`: a client may renew what
/// it holds (Bluesky rotates its session tokens); the caller keeps the renewed secret
/// after every call, whether the call succeeded or not.
pub trait Publish {
    type Error: std::error::Error + Classify + crate::messages::Describe + Send + 'static;

    /// What this account accepts, for fitting the media and checking the post before
    /// anything is sent.
    fn limits(&self) -> &TargetLimits;

    /// Sends the post, or, when `attempt.earlier_unknown`, finds it first where the
    /// network can tell. The post has passed [`super::check::check`] against
    /// [`Publish::limits`] already; clients check again what only they can know.
    fn publish(
        &mut self,
        client: &Client,
        post: &Post<'_>,
        attempt: &Attempt<'_>,
    ) -> impl Future<Output = Result<Sent, Self::Error>> + Send;

    /// Removes a sent post (a retracted asset's follow-up), where the network allows it.
    /// `now`: Unix seconds, as in [`Attempt::now`].
    fn delete(
        &mut self,
        client: &Client,
        sent: &Sent,
        now: i64,
    ) -> impl Future<Output = Result<(), Self::Error>> + Send;
}
