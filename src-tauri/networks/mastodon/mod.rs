//! Mastodon, on any server that speaks its API (Pixelfed does for images): the server's
//! own limits, Relais registered once per server, OAuth sign-in in the volunteer's
//! browser, attachments with alt text, statuses written once thanks to an
//! `Idempotency-Key` and found again when that key may have expired.

mod api;
mod instance;
mod loopback;
mod media;
mod oauth;
mod status;

pub use instance::{instance, Instance};
pub use loopback::{page_codes, Loopback};
pub use media::Polling;
pub use oauth::{begin, finish, register, who_am_i, App, Redirect, SignIn, Who};
pub use status::KEY_TRUSTED_SECONDS;

use url::Url;
use zeroize::Zeroizing;

use crate::net;
use crate::networks::{net_class, Attempt, Class, Classify, Post, Publish, Sent, TargetLimits};
use api::Api;

#[derive(Debug, thiserror::Error, strum::IntoStaticStr, strum::VariantNames)]
#[strum(serialize_all = "snake_case")]
#[non_exhaustive]
pub enum Error {
    #[error("{server} did not answer as a Mastodon server does")]
    NotMastodon { server: String },
    #[error("the server no longer accepts Relais's sign-in: sign in again")]
    SignInAgain,
    #[error("the server refused: {words}")]
    Refused { words: String },
    #[error("too many requests for now")]
    RateLimited { at: Option<i64> },
    #[error("the sign-in was refused in the browser")]
    AuthorizationDenied,
    #[error("the browser came back from another sign-in than this one")]
    StateMismatch,
    #[error("the code was refused (mistyped, or already used)")]
    CodeRefused,
    #[error("cannot wait for the browser on this computer ({detail})")]
    NoListener { detail: String },
    #[error("the sign-in was cancelled")]
    Cancelled,
    #[error("the browser did not come back within {minutes} minutes")]
    NoCallback { minutes: u64 },
    #[error("the server was still converting the animation after {seconds} s")]
    MediaNotReady { seconds: u64 },
    /// The post breaks the account's limits (checked before any request).
    #[error(transparent)]
    Check(crate::networks::Problem),
    /// The status was sent and its answer lost: it may have been written.
    #[error("the answer to the post was lost: {0}")]
    Lost(net::Error),
    #[error(transparent)]
    Net(net::Error),
}

impl Classify for Error {
    fn class(&self) -> Class {
        match self {
            Error::SignInAgain
            | Error::CodeRefused
            | Error::AuthorizationDenied
            | Error::Cancelled => Class::SignInAgain,
            Error::RateLimited { at } => Class::RetryLater { at: *at },
            // The status was not written: only attachments were.
            Error::MediaNotReady { .. } => Class::RetryLater { at: None },
            Error::Lost(error) => net_class(error, true),
            Error::Net(error) => net_class(error, false),
            Error::Check(problem) => problem.class(),
            _ => Class::Refused,
        }
    }
}

impl crate::messages::Describe for Error {
    fn codes() -> Vec<String> {
        let mut codes = crate::messages::codes_of(
            "error.mastodon",
            <Self as strum::VariantNames>::VARIANTS,
            &["net", "check"],
        );
        codes.push("error.mastodon.rate_limited_now".into());
        codes
    }

    fn describe(&self) -> crate::messages::Message {
        use crate::messages::Message;
        let message = Message::new(format!("error.mastodon.{}", <&str>::from(self)));
        match self {
            Error::NotMastodon { server } => message.text("server", server),
            Error::Refused { words } => message.text("words", words),
            Error::RateLimited { at: Some(at) } => message.date("at", *at),
            Error::RateLimited { at: None } => Message::new("error.mastodon.rate_limited_now"),
            Error::NoListener { detail } => message.text("detail", detail),
            Error::NoCallback { minutes } => message.number("minutes", *minutes),
            Error::MediaNotReady { seconds } => message.number("seconds", *seconds),
            Error::Lost(error) => message.nested("reason", error.describe()),
            Error::Net(error) => error.describe(),
            Error::Check(problem) => problem.describe(),
            _ => message,
        }
    }
}

/// An access token: a token lives until the volunteer revokes it (Mastodon has no
/// refresh), so it is the whole secret of an account.
pub struct Token(Zeroizing<String>);

impl Token {
    pub fn new(text: String) -> Self {
        Self(Zeroizing::new(text))
    }

    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl std::fmt::Debug for Token {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Token(…)")
    }
}

/// One Mastodon account, ready to post.
#[derive(Debug)]
pub struct Account {
    server: Url,
    token: Token,
    limits: TargetLimits,
    /// The account's id on its server, learnt when it is first needed (to look for a
    /// status whose answer was lost).
    id: Option<String>,
    pub polling: Polling,
}

impl Account {
    pub fn new(server: Url, token: Token, limits: TargetLimits) -> Self {
        Self {
            server,
            token,
            limits,
            id: None,
            polling: Polling::default(),
        }
    }

    fn api<'a>(&'a self, client: &'a net::Client, now: i64) -> Api<'a> {
        Api {
            client,
            server: &self.server,
            token: Some(self.token.expose()),
            now,
        }
    }

    async fn account_id(&mut self, client: &net::Client, now: i64) -> Result<String, Error> {
        if let Some(id) = &self.id {
            return Ok(id.clone());
        }
        let who = who_am_i(client, &self.server, &self.token, now).await?;
        self.id = Some(who.id.clone());
        Ok(who.id)
    }
}

impl Publish for Account {
    type Error = Error;

    fn limits(&self) -> &TargetLimits {
        &self.limits
    }

    async fn publish(
        &mut self,
        client: &net::Client,
        post: &Post<'_>,
        attempt: &Attempt<'_>,
    ) -> Result<Sent, Error> {
        crate::networks::check(post, &self.limits).map_err(Error::Check)?;
        let now = attempt.now;
        let first_try = crate::dates::parse_rfc3339(attempt.created_at).unwrap_or(now);
        // Within the key's hour the server itself answers a repeat with the first
        // status; past it, Relais looks for the status before writing it again.
        if attempt.earlier_unknown && now - first_try > KEY_TRUSTED_SECONDS {
            let id = self.account_id(client, now).await?;
            if let Some(found) = status::find(&self.api(client, now), &id, post, first_try).await? {
                tracing::info!(status = %found.id, "the post whose answer was lost had been written");
                return Ok(found);
            }
        }
        let api = self.api(client, now);
        let mut media_ids = Vec::with_capacity(post.media.len());
        for media in post.media {
            media_ids.push(media::upload(&api, media, self.polling).await?);
        }
        status::write(&api, post, &media_ids, attempt.key).await
    }

    async fn delete(&mut self, client: &net::Client, sent: &Sent, now: i64) -> Result<(), Error> {
        status::delete(&self.api(client, now), &sent.id).await
    }
}
