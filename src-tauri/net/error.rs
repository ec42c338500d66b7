//! One classification of everything that can go wrong between Relais and a server.

/// Which limit a request ran into.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Timeout {
    /// No connection within the connect timeout.
    Connect,
    /// Connected, but no bytes for longer than the stall timeout.
    Stall,
    /// The whole exchange took longer than allowed.
    Overall,
}

#[derive(Debug, thiserror::Error, strum::IntoStaticStr, strum::VariantNames)]
#[strum(serialize_all = "snake_case")]
#[non_exhaustive]
pub enum Error {
    #[error("`{url}`: Relais talks to servers over https:// only (plain http:// is accepted only from this computer). Ask for the https:// address.")]
    NotHttps { url: String },
    #[error("`{url}` is not a web address (`{scheme}:`); use an https:// address.")]
    NotWeb { url: String, scheme: String },
    #[error("cannot reach {host}: this computer seems offline, or the server is down ({detail}). Check the connection and try again.")]
    Offline { host: String, detail: String },
    #[error(
        "cannot find the server {host} (name lookup failed). Check the address and the connection."
    )]
    Dns { host: String },
    #[error("the secure connection to {host} failed ({detail}). The server's certificate is not valid for this address, or something on the network intercepts the connection. Do not work around this.")]
    Tls { host: String, detail: String },
    #[error("{url} did not answer within {seconds} s. The server or the connection is too slow; try again later.")]
    Timeout {
        url: String,
        phase: Timeout,
        seconds: u64,
    },
    #[error("the connection to {url} broke during the exchange ({detail}). Try again.")]
    Torn { url: String, detail: String },
    #[error("{url} sent more than {max_bytes} bytes; Relais stopped reading.")]
    TooLarge { url: String, max_bytes: u64 },
    #[error("{url} answered HTTP {status}.")]
    Status {
        url: String,
        status: u16,
        /// When the server says to try again (Retry-After), as Unix seconds.
        retry_at: Option<i64>,
    },
    #[error("cannot start the network client ({detail}).")]
    Client { detail: String },
    #[error("talking to {url} failed ({detail}).")]
    Other { url: String, detail: String },
}

impl Error {
    /// The same error with `secret` (a token carried in a URL's path, as Discord webhooks
    /// and Telegram bots do) cut out of every text it holds, so it can be shown and logged.
    pub fn without_secret(self, secret: &str) -> Self {
        if secret.is_empty() {
            return self;
        }
        let cut = |text: String| text.replace(secret, "…");
        match self {
            Error::NotHttps { url } => Error::NotHttps { url: cut(url) },
            Error::NotWeb { url, scheme } => Error::NotWeb {
                url: cut(url),
                scheme,
            },
            Error::Offline { host, detail } => Error::Offline {
                host,
                detail: cut(detail),
            },
            Error::Dns { host } => Error::Dns { host },
            Error::Tls { host, detail } => Error::Tls {
                host,
                detail: cut(detail),
            },
            Error::Timeout {
                url,
                phase,
                seconds,
            } => Error::Timeout {
                url: cut(url),
                phase,
                seconds,
            },
            Error::Torn { url, detail } => Error::Torn {
                url: cut(url),
                detail: cut(detail),
            },
            Error::TooLarge { url, max_bytes } => Error::TooLarge {
                url: cut(url),
                max_bytes,
            },
            Error::Status {
                url,
                status,
                retry_at,
            } => Error::Status {
                url: cut(url),
                status,
                retry_at,
            },
            Error::Client { detail } => Error::Client {
                detail: cut(detail),
            },
            Error::Other { url, detail } => Error::Other {
                url: cut(url),
                detail: cut(detail),
            },
        }
    }

    /// Whether the request may have reached the server and been acted on: a post whose
    /// answer was lost this way must be checked before it is sent again.
    pub fn may_have_been_applied(&self) -> bool {
        match self {
            Error::Timeout { phase, .. } => *phase != Timeout::Connect,
            Error::Torn { .. } | Error::Other { .. } => true,
            Error::Status { status, .. } => *status >= 500,
            _ => false,
        }
    }

    /// Whether trying the same request later can succeed without anyone changing
    /// anything (the network came back, the server recovered, the rate limit reset).
    pub fn is_transient(&self) -> bool {
        match self {
            Error::Offline { .. }
            | Error::Dns { .. }
            | Error::Timeout { .. }
            | Error::Torn { .. } => true,
            Error::Status { status, .. } => *status == 429 || *status >= 500,
            _ => false,
        }
    }
}

impl crate::messages::Describe for Error {
    fn codes() -> Vec<String> {
        crate::messages::codes_of("error.net", <Self as strum::VariantNames>::VARIANTS, &[])
    }

    fn describe(&self) -> crate::messages::Message {
        #[allow(unused_imports)]
        use crate::messages::{io_reason, Describe, Message};
        let message = Message::new(format!("error.net.{}", <&str>::from(self)));
        match self {
            Error::NotHttps { url } => message.text("url", url),
            Error::NotWeb { url, scheme } => message.text("url", url).text("scheme", scheme),
            Error::Offline { host, .. } | Error::Dns { host } | Error::Tls { host, .. } => {
                message.text("host", host)
            }
            Error::Timeout { url, seconds, .. } => {
                message.text("url", url).number("seconds", *seconds)
            }
            Error::Torn { url, .. } | Error::Other { url, .. } => message.text("url", url),
            Error::TooLarge { url, max_bytes } => message.text("url", url).size("max", *max_bytes),
            Error::Status { url, status, .. } => message.text("url", url).number("status", *status),
            Error::Client { detail } => message.text("detail", detail),
        }
    }
}
