//! XRPC calls on a PDS through the one HTTP client, with the protocol's errors sorted:
//! an expired or invalid token is "sign in again" (after a refresh, by the caller), a
//! 400 is the server's refusal in its own words, a rate limit or a 5xx comes back as
//! net's `Status` with its Retry-After.

use reqwest::Method;
use serde_json::Value;
use url::Url;

use super::Error;
use crate::net::{self, Client};

/// Largest answer read: XRPC answers here are small JSON documents.
const MAX_ANSWER: u64 = 1024 * 1024;

pub(super) struct Xrpc<'a> {
    client: &'a Client,
    pds: &'a Url,
}

impl<'a> Xrpc<'a> {
    pub fn new(client: &'a Client, pds: &'a Url) -> Self {
        Self { client, pds }
    }

    pub fn not_bluesky(&self) -> Error {
        Error::NotBluesky {
            pds: self.pds.as_str().trim_end_matches('/').to_owned(),
        }
    }

    fn url(&self, method: &str) -> Result<Url, Error> {
        let mut url = self.pds.clone();
        url.path_segments_mut()
            .map_err(|()| self.not_bluesky())?
            .pop_if_empty()
            .push("xrpc")
            .push(method);
        Ok(url)
    }

    pub async fn get(
        &self,
        method: &str,
        query: &[(&str, &str)],
        token: Option<&str>,
    ) -> Result<Value, Error> {
        let mut url = self.url(method)?;
        if !query.is_empty() {
            url.query_pairs_mut().extend_pairs(query);
        }
        let mut request = self.client.request(Method::GET, &url).map_err(Error::Net)?;
        if let Some(token) = token {
            request = request.bearer_auth(token);
        }
        self.answer(request, &url).await
    }

    pub async fn post(
        &self,
        method: &str,
        body: &Value,
        token: Option<&str>,
    ) -> Result<Value, Error> {
        let url = self.url(method)?;
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
        self.answer(request, &url).await
    }

    pub async fn upload(
        &self,
        method: &str,
        bytes: &[u8],
        mime: &str,
        token: &str,
    ) -> Result<Value, Error> {
        let url = self.url(method)?;
        let request = self
            .client
            .request(Method::POST, &url)
            .map_err(Error::Net)?
            .header(reqwest::header::CONTENT_TYPE, mime)
            .bearer_auth(token)
            .body(bytes.to_vec());
        self.answer(request, &url).await
    }

    async fn answer(&self, request: reqwest::RequestBuilder, url: &Url) -> Result<Value, Error> {
        let response = self.client.send(request, url).await.map_err(Error::Net)?;
        let status = response.status().as_u16();
        let retry_at = net::retry_after(response.headers(), crate::clock::now_unix());
        let body = self
            .client
            .read_bounded(response, url, MAX_ANSWER)
            .await
            .map_err(Error::Net)?;
        let value: Value = serde_json::from_slice(&body).unwrap_or(Value::Null);
        if (200..300).contains(&status) {
            return Ok(value);
        }
        let code = value
            .get("error")
            .and_then(Value::as_str)
            .unwrap_or_default();
        let words = value.get("message").and_then(Value::as_str).unwrap_or(code);
        match status {
            401 | 400 if matches!(code, "ExpiredToken" | "InvalidToken") => Err(Error::SignInAgain),
            401 if code == "AuthenticationRequired" || code.is_empty() => Err(Error::SignInAgain),
            400 if code == "RecordNotFound" => Err(Error::NoRecord),
            400..=499 if status != 429 && !code.is_empty() => Err(Error::Refused(words.to_owned())),
            _ => Err(Error::Net(net::Error::Status {
                url: url.as_str().to_owned(),
                status,
                retry_at,
            })),
        }
    }
}
