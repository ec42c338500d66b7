//! `relais://subscribe?url=…&key=…`: what an organizer shares so volunteers subscribe to a
//! kit with its key pinned from the start (no fingerprint to compare by hand).

use percent_encoding::percent_decode_str;

use super::key::PublicKey;
use super::remote::{self, KitUrl};

/// Longer than any real link; bounds the work on whatever the OS hands over.
const MAX_LINK_CHARS: usize = 8 * 1024;

#[derive(Debug, thiserror::Error, strum::IntoStaticStr, strum::VariantNames)]
#[strum(serialize_all = "snake_case")]
#[non_exhaustive]
pub enum Error {
    #[error("this is not a Relais subscribe link; it should start with relais://subscribe?url=")]
    NotSubscribeLink,
    #[error("the subscribe link is longer than {MAX_LINK_CHARS} characters; it was damaged when copied.")]
    TooLong,
    #[error("the subscribe link has no `url=`: it does not say where the kit is. Ask the organizer for the full link.")]
    MissingUrl,
    #[error("the subscribe link gives `{name}=` twice; Relais cannot tell which to use. Ask the organizer for a corrected link.")]
    Repeated { name: &'static str },
    #[error("the subscribe link's `{name}=` is not valid percent-encoded UTF-8 text. It was damaged when copied; ask the organizer again.")]
    Encoding { name: &'static str },
    #[error("the subscribe link's address: {0}")]
    Url(#[source] remote::Error),
    #[error("the subscribe link's organizer key: {0}")]
    Key(#[source] crate::kit::key::Error),
}

/// A parsed subscribe link. `key`, when present, is pinned for the kit.
#[derive(Debug, Clone)]
pub struct SubscribeLink {
    pub url: KitUrl,
    pub key: Option<PublicKey>,
}

impl SubscribeLink {
    pub fn parse(link: &str) -> Result<Self, Error> {
        let link = link.trim();
        if link.len() > MAX_LINK_CHARS {
            return Err(Error::TooLong);
        }
        let query = strip_prefix_ignore_case(link, "relais://subscribe")
            .map(|rest| rest.strip_prefix('/').unwrap_or(rest))
            .and_then(|rest| rest.strip_prefix('?'))
            .ok_or(Error::NotSubscribeLink)?;
        let query = query.split('#').next().unwrap_or_default();
        let (mut url, mut key) = (None, None);
        for pair in query.split('&').filter(|pair| !pair.is_empty()) {
            let (name, value) = pair.split_once('=').unwrap_or((pair, ""));
            // Unknown parameters are for newer Relais versions; ignore them.
            let (slot, name) = match name {
                "url" => (&mut url, "url"),
                "key" => (&mut key, "key"),
                _ => continue,
            };
            if slot.is_some() {
                return Err(Error::Repeated { name });
            }
            // Plain percent-decoding, not form decoding: a minisign key's base64 has
            // `+` signs that must stay `+`.
            let decoded = percent_decode_str(value)
                .decode_utf8()
                .map_err(|_| Error::Encoding { name })?;
            *slot = Some(decoded.into_owned());
        }
        let url = url
            .filter(|url| !url.trim().is_empty())
            .ok_or(Error::MissingUrl)?;
        let url = KitUrl::parse(&url).map_err(Error::Url)?;
        let key = key
            .filter(|key| !key.trim().is_empty())
            .map(|key| PublicKey::parse(&key))
            .transpose()
            .map_err(Error::Key)?;
        Ok(Self { url, key })
    }
}

fn strip_prefix_ignore_case<'a>(text: &'a str, prefix: &str) -> Option<&'a str> {
    let head = text.get(..prefix.len())?;
    head.eq_ignore_ascii_case(prefix)
        .then(|| &text[prefix.len()..])
}

impl crate::messages::Describe for Error {
    fn codes() -> Vec<String> {
        crate::messages::codes_of(
            "error.subscribe",
            <Self as strum::VariantNames>::VARIANTS,
            &[],
        )
    }

    fn describe(&self) -> crate::messages::Message {
        #[allow(unused_imports)]
        use crate::messages::{io_reason, Describe, Message};
        let message = Message::new(format!("error.subscribe.{}", <&str>::from(self)));
        match self {
            Error::NotSubscribeLink | Error::TooLong | Error::MissingUrl => {
                message.number("max", MAX_LINK_CHARS as i64)
            }
            Error::Repeated { name } | Error::Encoding { name } => message.text("name", name),
            Error::Url(inner) => message.nested("problem", inner.describe()),
            Error::Key(inner) => message.nested("problem", inner.describe()),
        }
    }
}
