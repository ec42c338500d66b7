//! The Telegram Bot API, for a bot that is an administrator of the volunteer's channel.
//! The bot token sits in every request's path (`/bot<token>/method`), so it is cut out
//! of every error and never logged.

use serde::de::DeserializeOwned;
use serde::Deserialize;
use url::Url;

use crate::net::{self, Client};

pub const DEFAULT_SERVER: &str = "https://api.telegram.org";

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Channel {
    pub bot: String,
    pub title: String,
    pub username: String,
}

#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    #[error("the bot token was refused")]
    BadToken,
    #[error("the channel was not found")]
    ChannelNotFound,
    #[error("the bot @{bot} may not post in the channel")]
    NotAdmin { bot: String },
    #[error("the server does not speak the Bot API")]
    NotTelegram,
    #[error(transparent)]
    Net(net::Error),
}

#[derive(Deserialize)]
struct Answer<T> {
    ok: bool,
    result: Option<T>,
    error_code: Option<u16>,
    description: Option<String>,
}

struct Bot<'a> {
    client: &'a Client,
    server: &'a Url,
    token: &'a str,
}

impl Bot<'_> {
    async fn call<T: DeserializeOwned>(
        &self,
        method: &str,
        query: &[(&str, &str)],
    ) -> Result<Answer<T>, Error> {
        let hide = |e: net::Error| Error::Net(e.without_secret(self.token));
        // Pushed as path segments: joined as text, `bot123:ABC` would read as a scheme.
        let mut url = self.server.clone();
        url.path_segments_mut()
            .map_err(|()| Error::NotTelegram)?
            .pop_if_empty()
            .push(&format!("bot{}", self.token))
            .push(method);
        url.query_pairs_mut().extend_pairs(query);
        let response = self.client.get(&url).await.map_err(hide)?;
        let status = response.status().as_u16();
        let body = self
            .client
            .read_bounded(response, &url, 256 * 1024)
            .await
            .map_err(hide)?;
        let answer: Answer<T> = serde_json::from_slice(&body).map_err(|_| {
            if status >= 500 || status == 429 {
                hide(net::Error::Status {
                    url: url.as_str().to_owned(),
                    status,
                    retry_at: None,
                })
            } else {
                Error::NotTelegram
            }
        })?;
        Ok(answer)
    }
}

/// Checks the token (getMe), the channel (getChat) and that the bot may post there
/// (getChatMember), without posting anything.
pub async fn verify(
    client: &Client,
    server: &Url,
    token: &str,
    channel: &str,
) -> Result<Channel, Error> {
    let bot = Bot {
        client,
        server,
        token,
    };
    #[derive(Deserialize)]
    struct Me {
        id: i64,
        is_bot: bool,
        username: Option<String>,
    }
    let me: Answer<Me> = bot.call("getMe", &[]).await?;
    let me = match (me.ok, me.result, me.error_code) {
        (true, Some(me), _) if me.is_bot => me,
        (false, _, Some(401 | 404)) => return Err(Error::BadToken),
        _ => return Err(Error::NotTelegram),
    };
    let name = me.username.unwrap_or_default();
    #[derive(Deserialize)]
    struct Chat {
        title: Option<String>,
        username: Option<String>,
    }
    let chat: Answer<Chat> = bot.call("getChat", &[("chat_id", channel)]).await?;
    let chat = match (chat.ok, chat.result, chat.error_code) {
        (true, Some(chat), _) => chat,
        (false, _, Some(400 | 403)) => return Err(Error::ChannelNotFound),
        _ => return Err(Error::NotTelegram),
    };
    #[derive(Deserialize)]
    struct Member {
        status: String,
        can_post_messages: Option<bool>,
    }
    let id = me.id.to_string();
    let member: Answer<Member> = bot
        .call("getChatMember", &[("chat_id", channel), ("user_id", &id)])
        .await?;
    let may_post = match member.result {
        Some(m) if member.ok => {
            m.status == "creator"
                || (m.status == "administrator" && m.can_post_messages != Some(false))
        }
        _ => false,
    };
    if !may_post {
        tracing::info!(description = ?member.description, "the bot may not post in the channel");
        return Err(Error::NotAdmin { bot: name });
    }
    Ok(Channel {
        bot: name,
        title: chat.title.unwrap_or_default(),
        username: chat.username.unwrap_or_default(),
    })
}
