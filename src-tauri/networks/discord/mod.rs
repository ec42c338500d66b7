//! Discord channel webhooks. The webhook's address is itself the secret (its last path
//! segment is a token), so it is cut out of every error, and never logged. Webhooks
//! have no idempotency key: a post is sent at most once.

mod error;
mod publish;
mod verify;

pub use error::Error;
pub use publish::WebhookAccount;
pub use verify::{verify, Webhook};

use url::Url;

/// What is wrong with a pasted webhook address.
#[derive(Debug, Clone, Copy, PartialEq, Eq, strum::IntoStaticStr, strum::VariantNames)]
#[strum(serialize_all = "snake_case")]
pub enum Shape {
    NotAnAddress,
    NoWebhooksPath,
    WrongEnding,
}

impl std::fmt::Display for Shape {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            Shape::NotAnAddress => "not a web address",
            Shape::NoWebhooksPath => "its path has no /webhooks/",
            Shape::WrongEnding => "it should end in /webhooks/<number>/<token>",
        })
    }
}

/// The address parsed and checked for the shape of a webhook: `…/webhooks/{id}/{token}`
/// over https (or http to this computer, for bridges and tests).
pub fn parse_address(text: &str) -> Result<Url, Error> {
    let url = Url::parse(text.trim()).map_err(|_| Error::NotAWebhook(Shape::NotAnAddress))?;
    let segments: Vec<&str> = url.path_segments().map(|s| s.collect()).unwrap_or_default();
    let at = segments
        .iter()
        .position(|s| *s == "webhooks")
        .ok_or(Error::NotAWebhook(Shape::NoWebhooksPath))?;
    match &segments[at + 1..] {
        [id, token]
            if !id.is_empty() && id.bytes().all(|b| b.is_ascii_digit()) && !token.is_empty() =>
        {
            Ok(url)
        }
        _ => Err(Error::NotAWebhook(Shape::WrongEnding)),
    }
}

fn token(url: &Url) -> String {
    url.path_segments()
        .and_then(|mut s| s.next_back().map(str::to_owned))
        .unwrap_or_default()
}
