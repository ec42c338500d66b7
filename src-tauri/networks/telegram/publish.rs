//! Posting to one channel: sendPhoto for a still, sendAnimation for a GIF (so it
//! plays), sendMessage for text alone; deleteMessage to take a post back.

use reqwest::multipart::Form;
use reqwest::Method;
use serde::Deserialize;
use serde_json::json;
use url::Url;
use zeroize::Zeroizing;

use super::bot::{Bot, Reply};
use super::Error;
use crate::net::{self, Client};
use crate::networks::{check, Attempt, Post, Problem, Publish, Sent, TargetLimits};

/// One channel, posted to by one bot.
pub struct ChannelAccount {
    server: Url,
    token: Zeroizing<String>,
    /// `@name`, or the numeric id of a private channel.
    chat: String,
    limits: TargetLimits,
}

impl std::fmt::Debug for ChannelAccount {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ChannelAccount")
            .field("server", &self.server.as_str())
            .field("chat", &self.chat)
            .finish_non_exhaustive()
    }
}

#[derive(Deserialize)]
struct Message {
    message_id: i64,
    chat: Option<Chat>,
}

#[derive(Deserialize)]
struct Chat {
    username: Option<String>,
}

impl ChannelAccount {
    pub fn new(server: Url, token: &str, chat: &str, limits: TargetLimits) -> Self {
        Self {
            server,
            token: Zeroizing::new(token.to_owned()),
            chat: chat.to_owned(),
            limits,
        }
    }

    fn bot<'a>(&'a self, client: &'a Client) -> Bot<'a> {
        Bot {
            client,
            server: &self.server,
            token: &self.token,
        }
    }

    /// The method and body for `post`, and the upload's size for a 413's message.
    fn request(&self, post: &Post<'_>) -> Result<(&'static str, Body, Size), Error> {
        let Some(media) = post.media.first() else {
            let body = Body::Json(json!({"chat_id": self.chat, "text": post.text}));
            let size = Size {
                bytes: post.text.len() as u64,
                max: u64::MAX,
            };
            return Ok(("sendMessage", body, size));
        };
        if post.media.len() > 1 {
            // Albums (sendMediaGroup) cannot hold animations; one file per post for now.
            return Err(Error::Check(Problem::TooManyImages {
                network: self.limits.network.name(),
                count: u32::try_from(post.media.len()).unwrap_or(u32::MAX),
                max: 1,
            }));
        }
        let (method, field) = if media.animated {
            ("sendAnimation", "animation")
        } else {
            ("sendPhoto", "photo")
        };
        let mut form = Form::new()
            .text("chat_id", self.chat.clone())
            .part(field, media.part());
        if !post.text.is_empty() {
            form = form.text("caption", post.text.to_owned());
        }
        let size = Size {
            bytes: media.bytes.len() as u64,
            max: self.limits.byte_limit(media.animated),
        };
        Ok((method, Body::Form(form), size))
    }

    /// The message sent, or why not, from what the server said; a "retry after" counts
    /// from `now`.
    fn judge<T>(&self, reply: Reply<T>, url: &Url, size: Size, now: i64) -> Result<T, Error> {
        let Size { bytes, max } = size;
        let status = reply.status;
        let as_status = |status: u16| {
            Error::Net(
                net::Error::Status {
                    url: url.as_str().to_owned(),
                    status,
                    retry_at: None,
                }
                .without_secret(&self.token),
            )
        };
        let Some(answer) = reply.answer else {
            return Err(match status {
                200..=299 => Error::AnswerUnreadable,
                401 | 404 => Error::BadToken,
                413 => Error::TooLarge { bytes, max },
                400..=499 if status != 429 => Error::Refused {
                    words: format!("HTTP {status}"),
                },
                _ => as_status(status),
            });
        };
        if answer.ok {
            return answer.result.ok_or(Error::AnswerUnreadable);
        }
        let words = answer
            .description
            .unwrap_or_default()
            .replace(self.token.as_str(), "…");
        let lower = words.to_lowercase();
        let retry_after = answer.parameters.and_then(|p| p.retry_after);
        Err(match answer.error_code.unwrap_or(status) {
            401 | 404 => Error::BadToken,
            413 => Error::TooLarge { bytes, max },
            429 => match retry_after {
                Some(seconds) => Error::RateLimited {
                    at: now.saturating_add(i64::try_from(seconds).unwrap_or(i64::MAX)),
                },
                None => as_status(429),
            },
            400 if lower.contains("chat not found") => Error::ChannelNotFound,
            403 => Error::MayNotPost {
                channel: self.chat.clone(),
                words,
            },
            400 if lower.contains("rights") || lower.contains("not a member") => {
                Error::MayNotPost {
                    channel: self.chat.clone(),
                    words,
                }
            }
            code @ 500.. => as_status(code),
            _ => Error::Refused { words },
        })
    }

    async fn call<T: serde::de::DeserializeOwned>(
        &self,
        client: &Client,
        method: &str,
        body: Body,
        size: Size,
        now: i64,
    ) -> Result<T, Error> {
        let bot = self.bot(client);
        let url = bot.url(method)?;
        let request = bot.request(Method::POST, &url)?;
        let request = match body {
            Body::Json(value) => request.json(&value),
            Body::Form(form) => request.multipart(form),
        };
        let reply = bot.send(request, &url).await?;
        self.judge(reply, &url, size, now)
    }

    /// Where a person sees the message: only a public channel has an address.
    fn link(&self, message: &Message) -> Option<String> {
        let name = message
            .chat
            .as_ref()
            .and_then(|chat| chat.username.clone())
            .or_else(|| self.chat.strip_prefix('@').map(str::to_owned))?;
        Some(format!("https://t.me/{name}/{}", message.message_id))
    }
}

/// An upload's size and the limit it was fitted to.
#[derive(Clone, Copy)]
struct Size {
    bytes: u64,
    max: u64,
}

enum Body {
    Json(serde_json::Value),
    Form(Form),
}

impl Publish for ChannelAccount {
    type Error = Error;

    fn limits(&self) -> &TargetLimits {
        &self.limits
    }

    /// Sends the post once. Telegram cannot be asked whether an earlier attempt arrived:
    /// after an unknown outcome, only the volunteer may decide to call this again.
    async fn publish(
        &mut self,
        client: &Client,
        post: &Post<'_>,
        attempt: &Attempt<'_>,
    ) -> Result<Sent, Error> {
        check(post, &self.limits).map_err(Error::Check)?;
        let (method, body, size) = self.request(post)?;
        let message: Message = self.call(client, method, body, size, attempt.now).await?;
        Ok(Sent {
            id: message.message_id.to_string(),
            url: self.link(&message),
        })
    }

    async fn delete(&mut self, client: &Client, sent: &Sent, now: i64) -> Result<(), Error> {
        let id: i64 = sent.id.parse().map_err(|_| Error::Refused {
            words: format!("{} is not a Telegram message id", sent.id),
        })?;
        let body = Body::Json(json!({"chat_id": self.chat, "message_id": id}));
        match self
            .call::<bool>(
                client,
                "deleteMessage",
                body,
                Size {
                    bytes: 0,
                    max: u64::MAX,
                },
                now,
            )
            .await
        {
            Ok(_) => Ok(()),
            // Already gone is what was asked.
            Err(Error::Refused { words }) if words.contains("message to delete not found") => {
                Ok(())
            }
            Err(error) => Err(error),
        }
    }
}
