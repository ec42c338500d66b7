//! One Bot API call: the token pushed into the path, the answer read (bounded) and
//! parsed as the API's `{ok, result, error_code, description, parameters}`.

use reqwest::{Method, RequestBuilder};
use serde::de::DeserializeOwned;
use serde::Deserialize;
use url::Url;

use super::Error;
use crate::net::{self, Client};

/// Answers are small JSON documents (a message, a chat).
const MAX_ANSWER: u64 = 256 * 1024;

#[derive(Deserialize)]
pub(super) struct Answer<T> {
    pub ok: bool,
    pub result: Option<T>,
    pub error_code: Option<u16>,
    pub description: Option<String>,
    pub parameters: Option<Parameters>,
}

#[derive(Deserialize)]
pub(super) struct Parameters {
    /// Seconds to wait before the next request (429).
    pub retry_after: Option<u64>,
}

/// What the server said: its status and the answer, when it could be read.
pub(super) struct Reply<T> {
    pub status: u16,
    pub answer: Option<Answer<T>>,
}

pub(super) struct Bot<'a> {
    pub client: &'a Client,
    pub server: &'a Url,
    pub token: &'a str,
}

impl Bot<'_> {
    pub fn hide(&self, error: net::Error) -> Error {
        Error::Net(error.without_secret(self.token))
    }

    pub fn url(&self, method: &str) -> Result<Url, Error> {
        // Pushed as path segments: joined as text, `bot123:ABC` would read as a scheme.
        let mut url = self.server.clone();
        url.path_segments_mut()
            .map_err(|()| Error::NotTelegram)?
            .pop_if_empty()
            .push(&format!("bot{}", self.token))
            .push(method);
        Ok(url)
    }

    pub fn request(&self, method: Method, url: &Url) -> Result<RequestBuilder, Error> {
        self.client.request(method, url).map_err(|e| self.hide(e))
    }

    /// Sends `request` (made for `url`) and reads whatever comes back.
    pub async fn send<T: DeserializeOwned>(
        &self,
        request: RequestBuilder,
        url: &Url,
    ) -> Result<Reply<T>, Error> {
        let response = self
            .client
            .send(request, url)
            .await
            .map_err(|e| self.hide(e))?;
        let status = response.status().as_u16();
        let body = self
            .client
            .read_bounded(response, url, MAX_ANSWER)
            .await
            .map_err(|e| self.hide(e))?;
        Ok(Reply {
            status,
            answer: serde_json::from_slice(&body).ok(),
        })
    }

    /// A call that changes nothing (getMe, getChat): an unreadable answer is a server
    /// that is not the Bot API, unless it is a 5xx or a 429.
    pub async fn get<T: DeserializeOwned>(
        &self,
        method: &str,
        query: &[(&str, &str)],
    ) -> Result<Answer<T>, Error> {
        let mut url = self.url(method)?;
        url.query_pairs_mut().extend_pairs(query);
        let request = self.request(Method::GET, &url)?;
        let reply = self.send(request, &url).await?;
        match reply.answer {
            Some(answer) => Ok(answer),
            None if reply.status >= 500 || reply.status == 429 => {
                Err(self.hide(net::Error::Status {
                    url: url.as_str().to_owned(),
                    status: reply.status,
                    retry_at: None,
                }))
            }
            None => Err(Error::NotTelegram),
        }
    }
}
