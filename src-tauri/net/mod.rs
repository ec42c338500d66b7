//! The one HTTP client everything that goes on the network uses: kit sync today, the
//! network clients next. It owns timeouts (connect, stall, overall), the user agent,
//! proxies from the environment, which addresses may be fetched at all (https, or
//! plain http to this computer), response size limits, Retry-After and rate-limit
//! headers, and one typed classification of failures built from the error's source
//! chain (never from its English text, which differs from one TLS stack to another).

mod address;
mod client;
mod dns;
mod error;
mod headers;

pub use address::{check_allowed, is_loopback, server_address, without_credentials};
pub use client::{Client, Options};
pub use error::{Error, Timeout};
pub use headers::{rate_limit, retry_after, RateLimit};
