//! Statuses: written with an `Idempotency-Key` (the server returns the first status for
//! a repeated key, for about an hour), found again by reading the account's own recent
//! statuses when the key may have expired, and deleted.

use reqwest::Method;
use serde_json::Value;

use super::api::Api;
use super::Error;
use crate::networks::{Post, Sent, Visibility};

/// The server keeps an idempotency key for an hour; past this age, Relais does not
/// count on it and looks for the status itself first.
pub const KEY_TRUSTED_SECONDS: i64 = 50 * 60;

pub(super) async fn write(
    api: &Api<'_>,
    post: &Post<'_>,
    media_ids: &[String],
    key: &str,
) -> Result<Sent, Error> {
    let url = api.url("api/v1/statuses")?;
    let mut form: Vec<(&str, &str)> = vec![
        ("status", post.text),
        (
            "visibility",
            match post.visibility {
                Visibility::Public => "public",
                Visibility::Unlisted => "unlisted",
                Visibility::Private => "private",
            },
        ),
    ];
    for id in media_ids {
        form.push(("media_ids[]", id));
    }
    if let Some(language) = post.language {
        form.push(("language", language));
    }
    if let Some(warning) = post.content_warning.filter(|w| !w.trim().is_empty()) {
        form.push(("spoiler_text", warning));
        form.push(("sensitive", "true"));
    }
    let request = api
        .request(Method::POST, &url)?
        .header("Idempotency-Key", key)
        .form(&form);
    // Once the request has left, a lost answer may hide a written status.
    let answer = api
        .send_any(request, &url)
        .await
        .map_err(|error| match error {
            Error::Net(error) => Error::Lost(error),
            other => other,
        })?;
    if answer.status != 200 {
        return Err(api.not_mastodon());
    }
    sent(&answer.body).ok_or_else(|| api.not_mastodon())
}

fn sent(status: &Value) -> Option<Sent> {
    Some(Sent {
        id: status.get("id")?.as_str()?.to_owned(),
        url: status.get("url").and_then(Value::as_str).map(str::to_owned),
    })
}

/// A status of `account_id` written since `since` (Unix seconds) with the post's text
/// and as many attachments, if there is one.
pub(super) async fn find(
    api: &Api<'_>,
    account_id: &str,
    post: &Post<'_>,
    since: i64,
) -> Result<Option<Sent>, Error> {
    let answer = api
        .get(&format!(
            "api/v1/accounts/{account_id}/statuses?limit=40&exclude_replies=true&exclude_reblogs=true"
        ))
        .await?;
    let statuses = answer
        .body
        .as_array()
        .filter(|_| answer.status == 200)
        .ok_or_else(|| api.not_mastodon())?;
    let wanted = plain(post.text);
    Ok(statuses
        .iter()
        .filter(|status| {
            let created = status
                .get("created_at")
                .and_then(Value::as_str)
                .and_then(crate::dates::parse_rfc3339);
            // A minute's slack for the two clocks.
            created.is_some_and(|at| at >= since - 60)
        })
        .filter(|status| {
            let attachments = status
                .get("media_attachments")
                .and_then(Value::as_array)
                .map_or(0, Vec::len);
            attachments == post.media.len()
        })
        .find(|status| {
            let content = status.get("content").and_then(Value::as_str).unwrap_or("");
            plain(&strip_html(content)) == wanted
        })
        .and_then(sent))
}

/// Whitespace folded, so the server's paragraphs and line breaks compare with the text.
fn plain(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// A status's HTML as text: tags dropped (a link's hidden parts are spans, so its whole
/// address stays), breaks and paragraphs as spaces, the five entities decoded.
fn strip_html(html: &str) -> String {
    let mut text = String::with_capacity(html.len());
    let mut rest = html;
    while let Some(open) = rest.find('<') {
        text.push_str(&rest[..open]);
        let Some(close) = rest[open..].find('>') else {
            rest = "";
            break;
        };
        let tag = &rest[open + 1..open + close];
        if tag.starts_with("br") || tag.starts_with("/p") {
            text.push(' ');
        }
        rest = &rest[open + close + 1..];
    }
    text.push_str(rest);
    text.replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&#39;", "'")
        .replace("&amp;", "&")
}

/// Deletes a status; one already gone is not an error.
pub(super) async fn delete(api: &Api<'_>, id: &str) -> Result<(), Error> {
    let url = api.url(&format!("api/v1/statuses/{id}"))?;
    let request = api.request(Method::DELETE, &url)?;
    let answer = api.send_any(request, &url).await?;
    match answer.status {
        200..=299 | 404 => Ok(()),
        _ => Err(api.not_mastodon()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_status_s_html_reads_as_the_text_that_was_posted() {
        let html = "<p>Votez le 7 !<br />Lien : <a href=\"https://example.org/programme\" rel=\"nofollow\"><span class=\"invisible\">https://</span><span class=\"ellipsis\">example.org/prog</span><span class=\"invisible\">ramme</span></a> <a href=\"x\" class=\"mention hashtag\">#<span>Législatives</span></a></p><p>L&#39;équipe &amp; nous</p>";
        assert_eq!(
            plain(&strip_html(html)),
            plain("Votez le 7 !\nLien : https://example.org/programme #Législatives\n\nL'équipe & nous")
        );
    }
}
