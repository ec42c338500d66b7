//! The HTTP client: timeouts, redirects held to the same rules as the first address,
//! bounded bodies, and transport failures turned into sentences.

use std::error::Error as _;
use std::time::Duration;

use reqwest::{header, redirect, Client, Response, StatusCode};
use url::Url;

use super::address::check_allowed;
use super::Error;

pub(crate) struct Http {
    client: Client,
    connect_timeout: Duration,
    idle_timeout: Duration,
}

impl Http {
    pub fn new(connect_timeout: Duration, idle_timeout: Duration) -> Result<Self, Error> {
        let client = Client::builder()
            .connect_timeout(connect_timeout)
            // Per read, not for the whole body: a large file on a slow but live
            // connection must not fail, a stalled one must.
            .read_timeout(idle_timeout)
            .redirect(redirect::Policy::custom(|attempt| {
                if attempt.previous().len() >= 5 {
                    attempt.error("too many redirects")
                } else if check_allowed(attempt.url()).is_err() {
                    attempt.error("redirect to a non-https address")
                } else {
                    attempt.follow()
                }
            }))
            .user_agent(concat!("relais/", env!("CARGO_PKG_VERSION")))
            .build()
            .map_err(|error| Error::Client {
                detail: error.to_string(),
            })?;
        Ok(Self {
            client,
            connect_timeout,
            idle_timeout,
        })
    }

    /// GET with an optional `If-None-Match`; any HTTP status is returned as is.
    pub async fn get(&self, url: &Url, etag: Option<&str>) -> Result<Response, Error> {
        let mut request = self.client.get(url.clone());
        if let Some(etag) = etag {
            request = request.header(header::IF_NONE_MATCH, etag);
        }
        request
            .send()
            .await
            .map_err(|error| self.failure(url, error))
    }

    /// Reads a whole body, refusing more than `max_bytes` whatever Content-Length said.
    pub async fn read_bounded(
        &self,
        mut response: Response,
        url: &Url,
        what: &'static str,
        max_bytes: u64,
    ) -> Result<Vec<u8>, Error> {
        let mut body = Vec::new();
        while let Some(chunk) = self.next_chunk(&mut response, url).await? {
            if (body.len() + chunk.len()) as u64 > max_bytes {
                return Err(Error::TooLarge {
                    what,
                    url: url.as_str().to_owned(),
                    max_bytes,
                });
            }
            body.extend_from_slice(&chunk);
        }
        Ok(body)
    }

    pub async fn next_chunk(
        &self,
        response: &mut Response,
        url: &Url,
    ) -> Result<Option<bytes::Bytes>, Error> {
        response
            .chunk()
            .await
            .map_err(|error| self.failure(url, error))
    }

    fn failure(&self, url: &Url, error: reqwest::Error) -> Error {
        let host = url.host_str().unwrap_or_default().to_owned();
        let detail = innermost(&error);
        let chain = chain_text(&error);
        if error.is_redirect() {
            return Error::NotHttps {
                url: error
                    .url()
                    .map(|url| url.as_str().to_owned())
                    .unwrap_or_else(|| url.as_str().to_owned()),
            };
        }
        if error.is_timeout() || chain.contains("timed out") {
            let limit = if error.is_connect() {
                self.connect_timeout
            } else {
                self.idle_timeout
            };
            return Error::Timeout {
                url: url.as_str().to_owned(),
                seconds: limit.as_secs().max(1),
            };
        }
        if chain.contains("dns error")
            || chain.contains("failed to lookup address")
            || chain.contains("name or service not known")
        {
            return Error::Dns { host };
        }
        if chain.contains("certificate")
            || chain.contains("ssl")
            || chain.contains("tls")
            || chain.contains("handshake")
        {
            return Error::Tls { host, detail };
        }
        if error.is_connect() {
            return Error::Offline { host, detail };
        }
        Error::Interrupted {
            url: url.as_str().to_owned(),
            detail,
        }
    }
}

/// Turns the statuses every file shares into errors; 2xx and 304 pass through.
pub(crate) fn common_status(url: &Url, status: StatusCode) -> Result<(), Error> {
    if status.is_success() || status == StatusCode::NOT_MODIFIED {
        return Ok(());
    }
    let url = url.as_str().to_owned();
    let status = status.as_u16();
    if status >= 500 {
        Err(Error::Server { url, status })
    } else {
        Err(Error::Status { url, status })
    }
}

fn innermost(error: &reqwest::Error) -> String {
    let mut current: &dyn std::error::Error = error;
    while let Some(next) = current.source() {
        current = next;
    }
    current.to_string()
}

/// The causes only: reqwest's own message holds the URL, and a URL containing "tls"
/// or "ssl" must not make a refused connection look like a certificate problem.
fn chain_text(error: &reqwest::Error) -> String {
    let mut text = String::new();
    let mut current = error.source();
    while let Some(next) = current {
        text.push_str(&next.to_string());
        text.push_str(": ");
        current = next.source();
    }
    text.to_lowercase()
}
