//! XRPC calls on a PDS (or the video service) through the one HTTP client, with the
//! protocol's errors sorted: an expired or invalid token is "sign in again" (after a
//! refresh, by the caller), a 4xx with an error name is the server's refusal in its own
//! words, a rate limit or a 5xx comes back as net's `Status` with when to come back
//! (Retry-After, or for a 429 the RateLimit-Reset time), counted from the `now` given.

use reqwest::Method;
use serde_json::Value;
use url::Url;

use super::Error;
use crate::net::{self, Client};

/// Largest answer read: XRPC answers here are small JSON documents.
const MAX_ANSWER: u64 = 1024 * 1024;

pub(super) struct Xrpc<'a> {
    client: &'a Client,
    base: &'a Url,
    /// Unix seconds, for turning "come back in N seconds" into a time. None: the caller
    /// only asks whether something works, and no retry time is computed.
    now: Option<i64>,
}

/// An answer as it came, for the calls that read a refusal's body themselves.
pub(super) struct Answer {
    pub status: u16,
    pub body: Value,
    retry_at: Option<i64>,
}

impl<'a> Xrpc<'a> {
    pub fn new(client: &'a Client, base: &'a Url, now: Option<i64>) -> Self {
        Self { client, base, now }
    }

    pub fn not_bluesky(&self) -> Error {
        Error::NotBluesky {
            pds: self.base.as_str().trim_end_matches('/').to_owned(),
        }
    }

    fn url(&self, method: &str, query: &[(&str, &str)]) -> Result<Url, Error> {
        let mut url = self.base.clone();
        url.path_segments_mut()
            .map_err(|()| self.not_bluesky())?
            .pop_if_empty()
            .push("xrpc")
            .push(method);
        if !query.is_empty() {
            url.query_pairs_mut().extend_pairs(query);
        }
        Ok(url)
    }

    pub async fn get(
        &self,
        method: &str,
        query: &[(&str, &str)],
        token: Option<&str>,
    ) -> Result<Value, Error> {
        let url = self.url(method, query)?;
        let mut request = self.client.request(Method::GET, &url).map_err(Error::Net)?;
        if let Some(token) = token {
            request = request.bearer_auth(token);
        }
        self.judge(self.exchange(request, &url).await?, &url)
    }

    pub async fn post(
        &self,
        method: &str,
        body: &Value,
        token: Option<&str>,
    ) -> Result<Value, Error> {
        let url = self.url(method, &[])?;
        let mut request = self
            .client
            .request(Method::POST, &url)
            .map_err(Error::Net)?;
        if !body.is_null() {
            request = request.json(body);
        }
        if let Some(token) = token {
            request = request.bearer_auth(token);
        }
        self.judge(self.exchange(request, &url).await?, &url)
    }

    /// Raw bytes as the body; the answer as it came, judged by the caller with
    /// [`Xrpc::judge`] (the video service answers a known file with a 409 and its job).
    pub async fn upload(
        &self,
        method: &str,
        query: &[(&str, &str)],
        bytes: &[u8],
        mime: &str,
        token: &str,
    ) -> Result<(Answer, Url), Error> {
        let url = self.url(method, query)?;
        let request = self
            .client
            .request(Method::POST, &url)
            .map_err(Error::Net)?
            .header(reqwest::header::CONTENT_TYPE, mime)
            .bearer_auth(token)
            .body(bytes.to_vec());
        let answer = self.exchange(request, &url).await?;
        Ok((answer, url))
    }

    async fn exchange(&self, request: reqwest::RequestBuilder, url: &Url) -> Result<Answer, Error> {
        let response = self.client.send(request, url).await.map_err(Error::Net)?;
        let status = response.status().as_u16();
        let retry_at = self.now.and_then(|now| {
            let headers = response.headers();
            net::retry_after(headers, now).or_else(|| {
                // A rate limit's reset is when to come back; on other answers it only
                // describes the window.
                (status == 429)
                    .then(|| net::rate_limit(headers, now).and_then(|limit| limit.reset_at))
                    .flatten()
            })
        });
        let body = self
            .client
            .read_bounded(response, url, MAX_ANSWER)
            .await
            .map_err(Error::Net)?;
        let body: Value = serde_json::from_slice(&body).unwrap_or(Value::Null);
        Ok(Answer {
            status,
            body,
            retry_at,
        })
    }

    pub fn judge(&self, answer: Answer, url: &Url) -> Result<Value, Error> {
        let Answer {
            status,
            body,
            retry_at,
        } = answer;
        if (200..300).contains(&status) {
            return Ok(body);
        }
        let code = body
            .get("error")
            .and_then(Value::as_str)
            .unwrap_or_default();
        let words = body.get("message").and_then(Value::as_str).unwrap_or(code);
        match status {
            401 => Err(Error::SignInAgain),
            400 if matches!(code, "ExpiredToken" | "InvalidToken") => Err(Error::SignInAgain),
            400 if code == "RecordNotFound" => Err(Error::NoRecord),
            400..=499 if status != 429 && !code.is_empty() => Err(Error::Refused(words.to_owned())),
            _ => Err(Error::Net(net::Error::Status {
                url: net::without_credentials(url),
                status,
                retry_at,
            })),
        }
    }
}
