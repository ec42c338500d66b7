//! Whether a bot token and a channel work, asked without posting anything.

use serde::Deserialize;
use url::Url;

use super::bot::{Answer, Bot};
use super::Error;
use crate::net::Client;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Channel {
    pub bot: String,
    pub title: String,
    pub username: String,
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
    let me: Answer<Me> = bot.get("getMe", &[]).await?;
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
    let chat: Answer<Chat> = bot.get("getChat", &[("chat_id", channel)]).await?;
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
        .get("getChatMember", &[("chat_id", channel), ("user_id", &id)])
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
