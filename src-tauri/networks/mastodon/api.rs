//! Requests to a Mastodon server through the one HTTP client, with its answers sorted:
//! 401 is "sign in again", 429 is "retry at the reset time" (Mastodon sends no
//! Retry-After, only an ISO-8601 `X-RateLimit-Reset`), another 4xx is the server's
//! refusal in its own words, a 5xx is net's `Status`.

use reqwest::{Method, RequestBuilder};
use serde_json::Value;
use url::Url;

use super::Error;
use crate::net::{self, Client};

/// Largest answer read: statuses and media answers are small JSON documents.
const MAX_ANSWER: u64 = 2 * 1024 * 1024;

pub(super) struct Api<'a> {
    pub client: &'a Client,
    pub server: &'a Url,
    pub token: Option<&'a str>,
    pub now: i64,
}

/// An answer with its status, for the callers that treat some statuses themselves
/// (202 and 206 of media processing, 404 of an already deleted status).
pub(super) struct Answer {
    pub status: u16,
    pub body: Value,
}

impl Api<'_> {
    pub fn url(&self, path: &str) -> Result<Url, Error> {
        self.server.join(path).map_err(|_| self.not_mastodon())
    }

    pub fn not_mastodon(&self) -> Error {
        Error::NotMastodon {
            server: shown(self.server),
        }
    }

    pub fn request(&self, method: Method, url: &Url) -> Result<RequestBuilder, Error> {
        let request = self.client.request(method, url).map_err(Error::Net)?;
        Ok(match self.token {
            Some(token) => request.bearer_auth(token),
            None => request,
        })
    }

    /// Sends and reads the answer; 2xx and 404 come back, other statuses are errors.
    pub async fn send_any(&self, request: RequestBuilder, url: &Url) -> Result<Answer, Error> {
        let response = self.client.send(request, url).await.map_err(Error::Net)?;
        let status = response.status().as_u16();
        let retry_at = net::rate_limit(response.headers(), self.now)
            .and_then(|limit| limit.reset_at)
            .or_else(|| net::retry_after(response.headers(), self.now));
        let body = self
            .client
            .read_bounded(response, url, MAX_ANSWER)
            .await
            .map_err(Error::Net)?;
        let body: Value = serde_json::from_slice(&body).unwrap_or(Value::Null);
        if (200..300).contains(&status) || status == 404 {
            return Ok(Answer { status, body });
        }
        let words = body
            .get("error_description")
            .or_else(|| body.get("error"))
            .and_then(Value::as_str)
            .unwrap_or_default()
            .to_owned();
        Err(match status {
            401 => Error::SignInAgain,
            403 if words.contains("scope") => Error::SignInAgain,
            429 => Error::RateLimited { at: retry_at },
            400..=499 if !words.is_empty() => Error::Refused { words },
            _ => Error::Net(net::Error::Status {
                url: url.as_str().to_owned(),
                status,
                retry_at,
            }),
        })
    }

    pub async fn get(&self, path: &str) -> Result<Answer, Error> {
        let url = self.url(path)?;
        let request = self.request(Method::GET, &url)?;
        self.send_any(request, &url).await
    }
}

/// A server's address as shown to the volunteer.
pub(super) fn shown(server: &Url) -> String {
    server.as_str().trim_end_matches('/').to_owned()
}
