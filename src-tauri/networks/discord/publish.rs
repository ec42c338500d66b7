//! Posting through a webhook: one multipart request with `payload_json` (the text and
//! each file's alt text as its `description`) and `files[n]`, sent with `?wait=true` so
//! the answer is the message itself; deleting it by its id.

use reqwest::multipart::Form;
use reqwest::{Method, RequestBuilder};
use serde_json::{json, Value};
use url::Url;

use super::{parse_address, token, Error};
use crate::net::{self, Client};
use crate::networks::{check, Attempt, Post, Problem, Publish, Sent, TargetLimits};

/// Files a webhook takes in one message.
const MAX_FILES: usize = 10;
/// Answers are small JSON documents (a message).
const MAX_ANSWER: u64 = 256 * 1024;
/// Discord's "Request entity too large" error code, sent with a 400.
const ENTITY_TOO_LARGE: i64 = 40005;
/// Discord's "Unknown Message" error code.
const UNKNOWN_MESSAGE: i64 = 10008;

/// One channel's webhook.
pub struct WebhookAccount {
    /// The secret: never shown, never logged.
    webhook: Url,
    limits: TargetLimits,
}

impl std::fmt::Debug for WebhookAccount {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("WebhookAccount")
            .field("host", &self.webhook.host_str())
            .finish_non_exhaustive()
    }
}

/// What the server said.
struct Reply {
    status: u16,
    retry_at: Option<i64>,
    answer: Option<Value>,
}

impl WebhookAccount {
    /// `webhook` as kept in the keychain; `limits` from the account's settings (a
    /// boosted server takes larger files).
    pub fn new(webhook: &str, limits: TargetLimits) -> Result<Self, Error> {
        Ok(Self {
            webhook: parse_address(webhook)?,
            limits,
        })
    }

    fn hide(&self, error: net::Error) -> Error {
        Error::Net(error.without_secret(&token(&self.webhook)))
    }

    async fn send(
        &self,
        client: &Client,
        request: RequestBuilder,
        url: &Url,
        now: i64,
    ) -> Result<Reply, Error> {
        let response = client.send(request, url).await.map_err(|e| self.hide(e))?;
        let status = response.status().as_u16();
        let header_at = net::retry_after(response.headers(), now);
        let body = client
            .read_bounded(response, url, MAX_ANSWER)
            .await
            .map_err(|e| self.hide(e))?;
        let answer: Option<Value> = serde_json::from_slice(&body).ok();
        // The body says it in fractions of a second when no header did.
        let body_at = answer
            .as_ref()
            .and_then(|a| a.get("retry_after"))
            .and_then(Value::as_f64)
            .filter(|s| s.is_finite() && *s >= 0.0)
            .map(|s| now.saturating_add(s.ceil() as i64));
        Ok(Reply {
            status,
            retry_at: header_at.or(body_at),
            answer,
        })
    }

    /// Why the server said no, for any answer outside 2xx.
    fn refusal(&self, reply: Reply, url: &Url, bytes: u64) -> Error {
        let code = reply
            .answer
            .as_ref()
            .and_then(|a| a.get("code"))
            .and_then(Value::as_i64);
        match reply.status {
            401 | 404 => Error::Gone,
            413 => self.too_large(bytes),
            400 if code == Some(ENTITY_TOO_LARGE) => self.too_large(bytes),
            429 => match reply.retry_at {
                Some(at) => Error::RateLimited { at },
                None => self.status(url, 429),
            },
            status @ 400..=499 => Error::Refused {
                words: self.words(reply.answer.as_ref(), status),
            },
            status => self.status(url, status),
        }
    }

    fn too_large(&self, bytes: u64) -> Error {
        Error::TooLarge {
            bytes,
            max: self.limits.max_bytes,
        }
    }

    fn status(&self, url: &Url, status: u16) -> Error {
        self.hide(net::Error::Status {
            url: url.as_str().to_owned(),
            status,
            retry_at: None,
        })
    }

    /// The server's own words: its message, and which field it found wrong.
    fn words(&self, answer: Option<&Value>, status: u16) -> String {
        let message = answer
            .and_then(|a| a.get("message"))
            .and_then(Value::as_str)
            .map_or_else(|| format!("HTTP {status}"), str::to_owned);
        let detail = answer
            .and_then(|a| a.get("errors"))
            .map(|e| e.to_string().chars().take(300).collect::<String>());
        let words = match detail {
            Some(detail) => format!("{message} {detail}"),
            None => message,
        };
        words.replace(&token(&self.webhook), "…")
    }

    fn form(post: &Post<'_>) -> Form {
        let attachments: Vec<Value> = post
            .media
            .iter()
            .enumerate()
            .map(|(id, media)| {
                let mut attachment = json!({"id": id, "filename": media.file_name});
                if !media.alt.is_empty() {
                    attachment["description"] = json!(media.alt);
                }
                attachment
            })
            .collect();
        let payload = json!({"content": post.text, "attachments": attachments});
        let mut form = Form::new().text("payload_json", payload.to_string());
        for (index, media) in post.media.iter().enumerate() {
            form = form.part(format!("files[{index}]"), media.part());
        }
        form
    }

    /// Where a person sees the message, when the webhook is Discord's own.
    fn link(&self, answer: &Value, id: &str) -> Option<String> {
        let host = self.webhook.host_str()?;
        let discord = ["discord.com", "discordapp.com"]
            .iter()
            .any(|name| host == *name || host.ends_with(&format!(".{name}")));
        let guild = answer.get("guild_id")?.as_str()?;
        let channel = answer.get("channel_id")?.as_str()?;
        discord.then(|| format!("https://discord.com/channels/{guild}/{channel}/{id}"))
    }
}

impl Publish for WebhookAccount {
    type Error = Error;

    fn limits(&self) -> &TargetLimits {
        &self.limits
    }

    /// Sends the post once. A webhook cannot be asked whether an earlier attempt
    /// arrived: after an unknown outcome, only the volunteer may decide to call this
    /// again.
    async fn publish(
        &mut self,
        client: &Client,
        post: &Post<'_>,
        attempt: &Attempt<'_>,
    ) -> Result<Sent, Error> {
        check(post, &self.limits).map_err(Error::Check)?;
        if post.media.len() > MAX_FILES {
            return Err(Error::Check(Problem::TooManyImages {
                network: self.limits.network.name(),
                count: u32::try_from(post.media.len()).unwrap_or(u32::MAX),
                max: MAX_FILES as u32,
            }));
        }
        let bytes = post.media.iter().map(|m| m.bytes.len() as u64).sum();
        let mut url = self.webhook.clone();
        url.query_pairs_mut().append_pair("wait", "true");
        let request = client
            .request(Method::POST, &url)
            .map_err(|e| self.hide(e))?
            .multipart(Self::form(post));
        let reply = self.send(client, request, &url, attempt.now).await?;
        if !(200..300).contains(&reply.status) {
            return Err(self.refusal(reply, &url, bytes));
        }
        let answer = reply.answer.ok_or(Error::AnswerUnreadable)?;
        let id = answer
            .get("id")
            .and_then(Value::as_str)
            .ok_or(Error::AnswerUnreadable)?
            .to_owned();
        Ok(Sent {
            url: self.link(&answer, &id),
            id,
        })
    }

    async fn delete(&mut self, client: &Client, sent: &Sent, now: i64) -> Result<(), Error> {
        let mut url = self.webhook.clone();
        url.path_segments_mut()
            .map_err(|()| Error::NotAWebhook(super::Shape::NotAnAddress))?
            .push("messages")
            .push(&sent.id);
        let request = client
            .request(Method::DELETE, &url)
            .map_err(|e| self.hide(e))?;
        let reply = self.send(client, request, &url, now).await?;
        let code = reply
            .answer
            .as_ref()
            .and_then(|a| a.get("code"))
            .and_then(Value::as_i64);
        match reply.status {
            200..=299 => Ok(()),
            // Already gone is what was asked.
            404 if code == Some(UNKNOWN_MESSAGE) => Ok(()),
            _ => Err(self.refusal(reply, &url, 0)),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::networks::{for_network, Network};

    fn link(webhook: &str) -> Option<String> {
        let account = WebhookAccount::new(webhook, for_network(Network::Discord)).unwrap();
        let answer = json!({"id": "9", "channel_id": "7", "guild_id": "5"});
        account.link(&answer, "9")
    }

    #[test]
    fn a_message_on_discord_itself_links_to_its_channel_and_a_bridges_does_not() {
        assert_eq!(
            link("https://discord.com/api/webhooks/1/abc").as_deref(),
            Some("https://discord.com/channels/5/7/9")
        );
        assert_eq!(link("https://bridge.example.org/api/webhooks/1/abc"), None);
    }
}
