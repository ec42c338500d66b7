//! The HTTP client: one configuration for every request Relais makes, and failures
//! classified from the error's source chain.

use std::error::Error as _;
use std::sync::Arc;
use std::time::{Duration, Instant};

use bytes::Bytes;
use reqwest::{redirect, Method, RequestBuilder, Response};
use url::Url;

use super::address::{check_allowed, without_credentials};
use super::dns::{LookupFailed, SystemResolver};
use super::error::{Error, Timeout};

/// How long to wait, and for what.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Options {
    pub connect_timeout: Duration,
    /// Longest wait for the next bytes of an answer: a large file on a slow but live
    /// connection must not fail, a stalled one must.
    pub stall_timeout: Duration,
    /// The whole exchange, when one is wanted (an API call); None for downloads.
    pub overall_timeout: Option<Duration>,
}

impl Default for Options {
    fn default() -> Self {
        Self {
            connect_timeout: Duration::from_secs(15),
            stall_timeout: Duration::from_secs(30),
            overall_timeout: None,
        }
    }
}

/// The redirect a policy refused, recognised again by its type in the error chain.
#[derive(Debug, thiserror::Error)]
#[error("redirect to {0} refused")]
struct RedirectRefused(String);

#[derive(Clone)]
pub struct Client {
    inner: reqwest::Client,
    options: Options,
}

impl Client {
    /// The user agent names Relais and its version, nothing about the volunteer.
    /// Proxies come from the environment (`HTTPS_PROXY`, `NO_PROXY`…), as reqwest
    /// reads them.
    pub fn new(options: Options) -> Result<Self, Error> {
        let mut builder = reqwest::Client::builder()
            .connect_timeout(options.connect_timeout)
            .read_timeout(options.stall_timeout)
            .dns_resolver(Arc::new(SystemResolver))
            .redirect(redirect::Policy::custom(|attempt| {
                if attempt.previous().len() >= 5 {
                    attempt.error("too many redirects")
                } else if check_allowed(attempt.url()).is_err() {
                    let refused = RedirectRefused(without_credentials(attempt.url()));
                    attempt.error(refused)
                } else {
                    attempt.follow()
                }
            }))
            .user_agent(concat!("relais/", env!("CARGO_PKG_VERSION")));
        if let Some(overall) = options.overall_timeout {
            builder = builder.timeout(overall);
        }
        let inner = builder.build().map_err(|error| Error::Client {
            detail: error.to_string(),
        })?;
        Ok(Self { inner, options })
    }

    pub fn options(&self) -> Options {
        self.options
    }

    /// A request to `url`, refused before anything is sent if the address is not one
    /// Relais talks to.
    pub fn request(&self, method: Method, url: &Url) -> Result<RequestBuilder, Error> {
        check_allowed(url)?;
        Ok(self.inner.request(method, url.clone()))
    }

    /// Sends `request` (made by [`Client::request`] for `url`); any HTTP status comes
    /// back as a response for the caller to judge.
    pub async fn send(&self, request: RequestBuilder, url: &Url) -> Result<Response, Error> {
        let started = Instant::now();
        request
            .send()
            .await
            .map_err(|error| self.classify(url, &error, started))
    }

    pub async fn get(&self, url: &Url) -> Result<Response, Error> {
        let request = self.request(Method::GET, url)?;
        self.send(request, url).await
    }

    /// The next piece of a body, or None at its end.
    pub async fn next_chunk(
        &self,
        response: &mut Response,
        url: &Url,
    ) -> Result<Option<Bytes>, Error> {
        let started = Instant::now();
        response
            .chunk()
            .await
            .map_err(|error| self.classify(url, &error, started))
    }

    /// A whole body, refusing more than `max_bytes` whatever Content-Length said.
    pub async fn read_bounded(
        &self,
        mut response: Response,
        url: &Url,
        max_bytes: u64,
    ) -> Result<Vec<u8>, Error> {
        let mut body = Vec::new();
        while let Some(chunk) = self.next_chunk(&mut response, url).await? {
            if (body.len() + chunk.len()) as u64 > max_bytes {
                return Err(Error::TooLarge {
                    url: without_credentials(url),
                    max_bytes,
                });
            }
            body.extend_from_slice(&chunk);
        }
        Ok(body)
    }

    /// What went wrong, from the types in the error's source chain.
    fn classify(&self, url: &Url, error: &reqwest::Error, started: Instant) -> Error {
        let host = url.host_str().unwrap_or_default().to_owned();
        let shown = without_credentials(url);
        let detail = innermost(error);
        let mut chain: Vec<&(dyn std::error::Error + 'static)> = Vec::new();
        let mut current = error.source();
        while let Some(next) = current {
            chain.push(next);
            current = next.source();
        }
        let find = |test: &dyn Fn(&(dyn std::error::Error + 'static)) -> bool| {
            chain.iter().any(|cause| test(*cause))
        };
        if let Some(refused) = chain
            .iter()
            .find_map(|cause| cause.downcast_ref::<RedirectRefused>())
        {
            return Error::NotHttps {
                url: refused.0.clone(),
            };
        }
        if find(&|cause| cause.is::<LookupFailed>()) {
            return Error::Dns { host };
        }
        let io_kind = chain
            .iter()
            .find_map(|cause| cause.downcast_ref::<std::io::Error>())
            .map(std::io::Error::kind);
        if error.is_timeout() || io_kind == Some(std::io::ErrorKind::TimedOut) {
            let (phase, limit) = if error.is_connect() {
                (Timeout::Connect, self.options.connect_timeout)
            } else {
                match self.options.overall_timeout {
                    Some(overall) if started.elapsed() + Duration::from_millis(50) >= overall => {
                        (Timeout::Overall, overall)
                    }
                    _ => (Timeout::Stall, self.options.stall_timeout),
                }
            };
            return Error::Timeout {
                url: shown,
                phase,
                seconds: limit.as_secs().max(1),
            };
        }
        if find(&|cause| cause.is::<native_tls::Error>()) {
            return Error::Tls { host, detail };
        }
        use std::io::ErrorKind as Kind;
        match io_kind {
            Some(
                Kind::ConnectionRefused
                | Kind::NetworkUnreachable
                | Kind::HostUnreachable
                | Kind::NetworkDown
                | Kind::AddrNotAvailable,
            ) => return Error::Offline { host, detail },
            Some(
                Kind::ConnectionReset
                | Kind::ConnectionAborted
                | Kind::BrokenPipe
                | Kind::UnexpectedEof,
            ) => return Error::Torn { url: shown, detail },
            _ => {}
        }
        let hyper_torn = chain
            .iter()
            .filter_map(|cause| cause.downcast_ref::<hyper::Error>())
            .any(|error| error.is_incomplete_message() || error.is_closed() || error.is_canceled());
        if hyper_torn || error.is_body() || error.is_decode() {
            return Error::Torn { url: shown, detail };
        }
        if error.is_connect() {
            return Error::Offline { host, detail };
        }
        Error::Other { url: shown, detail }
    }
}

fn innermost(error: &reqwest::Error) -> String {
    let mut current: &dyn std::error::Error = error;
    while let Some(next) = current.source() {
        current = next;
    }
    current.to_string()
}
