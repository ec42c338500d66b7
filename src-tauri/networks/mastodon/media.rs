//! Attachments: `POST /api/v2/media` answers 200 when the file is ready (a still) or 202
//! while the server converts it (an animated GIF becomes a looping video); then
//! `GET /api/v1/media/:id` answers 206 until it is done.

use std::time::Duration;

use reqwest::multipart::Form;
use reqwest::Method;
use serde_json::Value;

use super::api::Api;
use super::Error;
use crate::networks::Media;

/// How long to wait for the server to convert an animation, as a number of polls and
/// the pause between them (passed in: tests do not wait seconds).
#[derive(Debug, Clone, Copy)]
pub struct Polling {
    pub pause: Duration,
    pub tries: u32,
}

impl Default for Polling {
    fn default() -> Self {
        // Two minutes: GIF conversion on a busy server takes tens of seconds.
        Self {
            pause: Duration::from_secs(2),
            tries: 60,
        }
    }
}

/// Uploads one attachment with its alt text and waits until the server can attach it.
pub(super) async fn upload(
    api: &Api<'_>,
    media: &Media<'_>,
    polling: Polling,
) -> Result<String, Error> {
    let url = api.url("api/v2/media")?;
    let mut form = Form::new().part("file", media.part());
    if !media.alt.is_empty() {
        form = form.text("description", media.alt.to_owned());
    }
    let request = api.request(Method::POST, &url)?.multipart(form);
    let answer = api.send_any(request, &url).await?;
    let id = answer
        .body
        .get("id")
        .and_then(Value::as_str)
        .map(str::to_owned)
        .filter(|_| matches!(answer.status, 200 | 202))
        .ok_or_else(|| api.not_mastodon())?;
    if answer.status == 200 && !answer.body.get("url").is_some_and(Value::is_null) {
        return Ok(id);
    }
    for _ in 0..polling.tries {
        tokio::time::sleep(polling.pause).await;
        let answer = api.get(&format!("api/v1/media/{id}")).await?;
        match answer.status {
            200 => return Ok(id),
            206 => continue,
            _ => return Err(api.not_mastodon()),
        }
    }
    Err(Error::MediaNotReady {
        seconds: polling.pause.as_secs() * u64::from(polling.tries),
    })
}
